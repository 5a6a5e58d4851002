"""Copies (Decree 30/2020/NĐ-CP, Art. 25-27; Appendix I Part III; Appendix III): the copy block
read back with ``pdftotext -layout`` where a reader sees it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from moh_core.documents import Signer
from moh_core.documents.copies import COPY_FORMS, CopyBlock, format_copy_number, render_copy
from moh_core.testing.fixtures import pdftotext

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")

BLOCK = CopyBlock(
    form="sao_y",
    agency="Văn phòng Bộ",
    parent_agency="Bộ Y tế",
    number_symbol="05/SY-BYT",
    place="Hà Nội",
    date=dt.date(2026, 2, 5),
    signer=Signer(authority="TL.", authority_position="Bộ trưởng", position="Chánh Văn phòng", name="Nguyễn Văn An"),
    recipients=["Sở Y tế Hà Nội", "Lưu: VT"],
)


def _lines(tmp_path: Path, pdf: bytes) -> list[str]:
    path = tmp_path / "copy.pdf"
    path.write_bytes(pdf)
    return [line for line in pdftotext(path).splitlines() if line.strip()]


def _at(lines: list[str], text: str) -> tuple[int, int]:
    """(line, column) of ``text`` in the page as laid out."""
    for row, line in enumerate(lines):
        if text in line:
            return row, line.index(text)
    raise AssertionError(f"{text!r} not on the page:\n" + "\n".join(lines))


def test_one_series_for_every_form():
    assert format_copy_number(5, "sao_y", "BYT") == "05/SY-BYT"
    assert format_copy_number(6, "trich_sao", "BYT") == "06/TrS-BYT"
    assert format_copy_number(12, "sao_luc", "BYT") == "12/SL-BYT"
    assert {f.abbreviation for f in COPY_FORMS.values()} == {"SY", "TrS", "SL"}
    with pytest.raises(ValueError):
        format_copy_number(1, "ban_chinh", "BYT")
    with pytest.raises(ValueError):
        format_copy_number(0, "sao_y", "BYT")


@pytest.mark.parametrize("form, heading", [("sao_y", "SAO Y"), ("sao_luc", "SAO LỤC")])
def test_copy_block_layout(tmp_path: Path, form: str, heading: str):
    lines = _lines(tmp_path, render_copy(dataclasses.replace(BLOCK, form=form)))
    agency = _at(lines, "VĂN PHÒNG BỘ")
    parent = _at(lines, "BỘ Y TẾ")
    form_heading = _at(lines, heading)
    number = _at(lines, "Số: 05/SY-BYT")
    date = _at(lines, "Hà Nội, ngày 05 tháng 02 năm 2026")
    to = _at(lines, "Nơi nhận:")
    authority = _at(lines, "TL. BỘ TRƯỞNG")
    position = _at(lines, "CHÁNH VĂN PHÒNG")
    name = _at(lines, "Nguyễn Văn An")
    # Parent above the copying agency, both left; the form of copy on the right of the first line.
    assert parent[0] < agency[0] and form_heading[0] == parent[0] and form_heading[1] > parent[1] + 10
    # The number under the agency on the left, place and date beside it on the right.
    assert number[0] > agency[0] and date[0] == number[0] and date[1] > number[1]
    # Recipients on the left, then the signer's authority, position and name on the right, in order.
    assert to[0] > number[0] and authority[0] == to[0] and authority[1] > to[1] + 10
    assert authority[0] < position[0] < name[0] and name[1] > to[1] + 10
    assert any(line.strip().startswith("- Sở Y tế Hà Nội;") for line in lines)
    assert any(line.strip().startswith("- Lưu: VT./.") for line in lines)


def test_extract_copy_prints_the_extract_then_the_block(tmp_path: Path):
    block = dataclasses.replace(BLOCK, form="trich_sao", number_symbol="06/TrS-BYT")
    lines = _lines(tmp_path, render_copy(block, extract="Điều 1. Ban hành Quy chế.\n\nĐiều 2. Hiệu lực."))
    assert _at(lines, "Điều 1. Ban hành Quy chế.")[0] < _at(lines, "Điều 2. Hiệu lực.")[0] < _at(lines, "TRÍCH SAO")[0]
    assert _at(lines, "Số: 06/TrS-BYT")[0] > _at(lines, "TRÍCH SAO")[0]


def test_extract_only_on_an_extract_copy():
    with pytest.raises(ValueError):
        render_copy(dataclasses.replace(BLOCK, form="trich_sao"))
    with pytest.raises(ValueError):
        render_copy(BLOCK, extract="Điều 1.")


def test_block_needs_its_parts():
    with pytest.raises(ValueError):
        dataclasses.replace(BLOCK, form="ban_sao")
    with pytest.raises(ValueError):
        dataclasses.replace(BLOCK, number_symbol=" ")


def test_deterministic_and_nfc(tmp_path: Path):
    import unicodedata

    nfd = dataclasses.replace(BLOCK, agency=unicodedata.normalize("NFD", "Văn phòng Bộ"))
    assert render_copy(nfd) == render_copy(nfd)
    assert re.search(r"VĂN PHÒNG BỘ", "\n".join(_lines(tmp_path, render_copy(nfd))))
