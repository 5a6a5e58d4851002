"""Rules of the numbering (registers, document and copy numbers, dossier codes) that only a mutation
run showed unpinned (scripts/mutation.sh): the first number, the errors' messages, the bounds."""

import datetime as dt
import re

import pytest

from moh_core.documents import IncomingRegisterEntry, OutgoingRegisterEntry
from moh_core.documents.copies import format_copy_number
from moh_core.documents.pagekit import format_document_number
from moh_core.documents.registers import RegisterForm
from moh_core.onestop import OneStopError, OneStopProblem, format_dossier_code
from moh_core.onestop.codes import parse_dossier_code

D = dt.date


def _exactly(message: str) -> str:
    return f"^{re.escape(message)}$"


def _outgoing(number: int = 1, **values) -> OutgoingRegisterEntry:
    return OutgoingRegisterEntry(
        number, f"{number:02d}/QĐ-BYT", D(2026, 11, 2), "Quyết định", "Nguyễn Văn An", "Sở Y tế", **values
    )


def _incoming(number: int) -> IncomingRegisterEntry:
    return IncomingRegisterEntry(D(2026, 11, 2), number, "UBND tỉnh", "15/UBND", None, "Công văn", "Vụ Dược")


# --- documents and copies ---------------------------------------------------------------------


def test_a_document_number_below_one_is_refused_with_its_reason():
    with pytest.raises(ValueError, match=_exactly("Document numbers start at 1, got 0.")):
        format_document_number(0)


def test_a_copy_number_needs_a_known_form_and_an_agency():
    with pytest.raises(
        ValueError, match=_exactly("Unknown form of copy 'ban_sao'; expected one of sao_y, trich_sao, sao_luc.")
    ):
        format_copy_number(5, "ban_sao", "BYT")
    with pytest.raises(ValueError, match=_exactly("The copying agency needs its abbreviation for the copy's symbol.")):
        format_copy_number(5, "sao_y", "  ")


# --- registers --------------------------------------------------------------------------------


def test_register_numbers_start_at_one():
    assert _outgoing(1).number == 1
    assert _incoming(1).cells()[1] == "01"
    with pytest.raises(ValueError, match=_exactly("Outgoing numbers start at 1, got 0.")):
        _outgoing(0)
    with pytest.raises(ValueError, match=_exactly("Incoming numbers start at 1, got 0.")):
        _incoming(0)


def test_the_number_of_copies_is_blank_when_unknown():
    assert _outgoing().cells()[6] == ""
    assert _outgoing(copies=3).cells()[6] == "3"


def test_a_register_form_fills_the_page_width_within_half_a_millimetre():
    columns = ("Số", "Ghi chú")
    RegisterForm("Sổ", columns, (100, 157.5), "nguồn")
    RegisterForm("Sổ", columns, (100, 156.5), "nguồn")
    with pytest.raises(ValueError, match=_exactly("Sổ: the columns are 258 mm wide, not 257 mm.")):
        RegisterForm("Sổ", columns, (100, 158), "nguồn")


# --- dossier codes ----------------------------------------------------------------------------


def test_a_dossier_code_needs_an_agency_code():
    for bad in (None, "", "G18 ", "000..G18"):
        with pytest.raises(OneStopError) as caught:
            format_dossier_code(bad, D(2026, 11, 2), 1)
        assert caught.value.code is OneStopProblem.INVALID_AGENCY_CODE
        assert caught.value.detail == f"agency code {bad!r}"
        assert caught.value.message.startswith("The agency identification code is invalid")


def test_a_malformed_dossier_code_says_which_and_why():
    for bad in (None, 20261102, "G18-261102-0000", "G18 261102-0001"):
        with pytest.raises(OneStopError) as caught:
            parse_dossier_code(bad)
        assert caught.value.code is OneStopProblem.MALFORMED_DOSSIER_CODE
        assert caught.value.detail == f"dossier code {bad!r}"
    with pytest.raises(OneStopError) as caught:
        parse_dossier_code("G18-261302-0001")
    assert caught.value.code is OneStopProblem.MALFORMED_DOSSIER_CODE
    assert caught.value.detail == "dossier code 'G18-261302-0001': 261302 is not a date"
