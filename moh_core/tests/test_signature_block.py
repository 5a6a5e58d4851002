"""The signature block (boxes 7a/7b) for every signing authority, read back with ``pdftotext -layout``.

Decree 30/2020/NĐ-CP, Art. 13 and Appendix I §II.7.b: TM., KT., TL. and TUQ. put the signer's
position on the next line; "Q." and the position it holds are one line; a unit's deputy signing
by order of the head writes "TL. BỘ TRƯỞNG" / "KT. CỤC TRƯỞNG" / "PHÓ CỤC TRƯỞNG".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import shutil

import pytest

from moh_core.documents import OutgoingDocument, Signer, render_outgoing_document
from moh_core.testing.fixtures import pdftotext

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) is not installed")

NAME = "Nguyễn Văn An"

#: (authority, authority position, deputy authority, deputy position, signer's position) ->
#: the lines printed above the signature, top to bottom.
CASES = {
    "none": (("", "", "", "", "Bộ trưởng"), ["BỘ TRƯỞNG"]),
    "TM.": (("TM.", "Ủy ban nhân dân", "", "", "Chủ tịch"), ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),
    "KT.": (("KT.", "Bộ trưởng", "", "", "Thứ trưởng"), ["KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"]),
    "Q.": (("Q.", "Cục trưởng", "", "", "Phó Cục trưởng"), ["Q. CỤC TRƯỞNG"]),
    "TL.": (
        ("TL.", "Bộ trưởng", "", "", "Cục trưởng Cục Quản lý Dược"),
        ["TL. BỘ TRƯỞNG", "CỤC TRƯỞNG CỤC QUẢN LÝ DƯỢC"],
    ),
    "TL.+KT.": (
        ("TL.", "Bộ trưởng", "KT.", "Cục trưởng", "Phó Cục trưởng"),
        ["TL. BỘ TRƯỞNG", "KT. CỤC TRƯỞNG", "PHÓ CỤC TRƯỞNG"],
    ),
    "TL.+Q.": (("TL.", "Bộ trưởng", "Q.", "Cục trưởng", "Phó Cục trưởng"), ["TL. BỘ TRƯỞNG", "Q. CỤC TRƯỞNG"]),
    "TUQ.": (
        ("TUQ.", "Bộ trưởng", "", "", "Chánh Văn phòng Bộ"),
        ["TUQ. BỘ TRƯỞNG", "CHÁNH VĂN PHÒNG BỘ"],
    ),
}


def _signer(authority, authority_position, deputy, deputy_position, position) -> Signer:
    return Signer(
        authority=authority,
        authority_position=authority_position,
        deputy_authority=deputy,
        deputy_authority_position=deputy_position,
        position=position,
        name=NAME,
    )


def _document(signer: Signer) -> OutgoingDocument:
    return OutgoingDocument(
        agency="Bộ Y tế",
        number=7,
        symbol="QĐ-BYT",
        place="Hà Nội",
        date=dt.date(2026, 11, 20),
        type_name="Quyết định",
        abstract="Về việc cấp giấy chứng nhận",
        body="Điều 1. Cấp giấy chứng nhận.\n\nĐiều 2. Quyết định này có hiệu lực kể từ ngày ký./.",
        signer=signer,
        recipients=["Như Điều 2;", "Lưu: VT, QLD."],
    )


@pytest.mark.parametrize("case", list(CASES))
def test_signer_lines(case):
    args, expected = CASES[case]
    assert list(_signer(*args).lines) == expected


@pytest.mark.parametrize("case", list(CASES))
def test_signature_block_lines_in_the_pdf(case, tmp_path):
    """Each line alone on its row of the right column, in order, directly one under the other,
    centred on one axis; the name further down; nothing else of the block in between."""
    args, expected = CASES[case]
    path = tmp_path / "doc.pdf"
    path.write_bytes(render_outgoing_document(_document(_signer(*args))).pdf)
    rows = pdftotext(path).splitlines()
    first = next(i for i, row in enumerate(rows) if row.rstrip().endswith(expected[0]))
    # the left column holds "Nơi nhận:" and two short recipients, all narrower than this
    column = 25
    assert rows[first][:column].strip() == "Nơi nhận:"
    assert rows[first].index(expected[0]) > column + 5
    right = [(i, row[column:].strip()) for i, row in enumerate(rows) if i >= first and row[column:].strip()]
    # in order, nothing else in the right column between the authority and the name
    assert [text for _, text in right] == [*expected, NAME], right
    at = [i for i, _ in right]
    # the lines follow one another (the left column's smaller lines may interleave) ...
    assert all(b - a <= 3 for a, b in itertools.pairwise(at[: len(expected)])), right
    # ... and leave room for the signature above the name
    assert at[-1] - at[len(expected) - 1] >= 4, right
    centres = [rows[i].index(text) + len(text) / 2 for i, text in right[: len(expected)]]
    assert max(centres) - min(centres) <= 3, right  # character cells of pdftotext -layout


def test_q_prints_no_substantive_position(tmp_path):
    path = tmp_path / "q.pdf"
    path.write_bytes(render_outgoing_document(_document(_signer(*CASES["Q."][0]))).pdf)
    assert "PHÓ CỤC TRƯỞNG" not in pdftotext(path)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"authority": "KT.", "deputy_authority": "KT.", "deputy_authority_position": "x"}, "TL. only"),
        ({"authority": "TL.", "deputy_authority": "TUQ.", "deputy_authority_position": "x"}, "KT."),
        ({"authority": "TL.", "deputy_authority": "KT."}, "needs the position"),
        ({"authority": "Q."}, "needs the position"),
    ],
)
def test_invalid_authorities_are_refused(kwargs, message):
    kwargs = {"authority_position": "BỘ TRƯỞNG", **kwargs} if kwargs.get("authority") != "Q." else kwargs
    with pytest.raises(ValueError, match=message):
        Signer(position="PHÓ CỤC TRƯỞNG", name=NAME, **kwargs)


def test_deputy_authority_lowercase_is_normalised():
    signer = _signer("tl", "Bộ trưởng", "kt", "Cục trưởng", "Phó Cục trưởng")
    assert (signer.authority, signer.deputy_authority) == ("TL.", "KT.")
    assert dataclasses.replace(signer, deputy_authority="").lines == (
        "TL. BỘ TRƯỞNG",
        "PHÓ CỤC TRƯỞNG",
    )
