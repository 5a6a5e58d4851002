"""The registers of Decree 30/2020/NĐ-CP, Appendix IV (I outgoing, VI incoming) and the one-stop
dossier-tracking register (Mẫu 07), read back from the PDF: exactly the form's columns, in its
order, with its Vietnamese headings, and each entry's cells under them."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from moh_core.documents.registers import (
    DOSSIER_TRACKING_FORM,
    INCOMING_REGISTER_FORM,
    OUTGOING_REGISTER_FORM,
    DossierTrackingEntry,
    IncomingRegisterEntry,
    OutgoingRegisterEntry,
    RegisterForm,
    render_dossier_tracking_register,
    render_incoming_register,
    render_outgoing_register,
)
from moh_core.testing.fixtures import pdftotext, register_headings

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")

D = dt.date


def _text(tmp_path: Path, pdf: bytes) -> str:
    path = tmp_path / "register.pdf"
    path.write_bytes(pdf)
    return pdftotext(path)


def test_outgoing_register_has_the_ten_columns_of_appendix_iv_i():
    assert OUTGOING_REGISTER_FORM.columns == (
        "Số, ký hiệu văn bản",
        "Ngày tháng văn bản",
        "Tên loại và trích yếu nội dung văn bản",
        "Người ký",
        "Nơi nhận văn bản",
        "Đơn vị, người nhận bản lưu",
        "Số lượng bản",
        "Ngày chuyển",
        "Ký nhận",
        "Ghi chú",
    )
    assert "Phụ lục IV, mục I" in OUTGOING_REGISTER_FORM.source


def test_incoming_register_has_the_ten_columns_of_appendix_iv_vi():
    assert INCOMING_REGISTER_FORM.columns == (
        "Ngày đến",
        "Số đến",
        "Tác giả",
        "Số, ký hiệu",
        "Ngày tháng",
        "Tên loại và trích yếu nội dung",
        "Đơn vị hoặc người nhận",
        "Ngày chuyển",
        "Ký nhận",
        "Ghi chú",
    )
    assert "Phụ lục IV, mục VI" in INCOMING_REGISTER_FORM.source


def test_a_form_whose_widths_do_not_fill_the_page_is_refused():
    with pytest.raises(ValueError, match="257"):
        RegisterForm("X", ("A", "B"), (100, 100), "test")
    with pytest.raises(ValueError, match="widths"):
        RegisterForm("X", ("A", "B"), (257,), "test")


def test_printed_outgoing_register(tmp_path: Path):
    entries = [
        OutgoingRegisterEntry(
            5,
            "05/QĐ-BYT",
            D(2026, 1, 5),
            "Quyết định ban hành quy chế văn thư",
            "Nguyễn Văn An",
            "Các Vụ, Cục\nSở Y tế các tỉnh",
            "VT, VP",
            3,
            D(2026, 1, 6),
            "Khẩn",
        ),
        OutgoingRegisterEntry(
            6, "06/BYT-KHTC", D(2026, 1, 7), "Công văn về kế hoạch", "Trần Thị Bình", "UBND tỉnh", "VT, KHTC"
        ),
    ]
    pdf = render_outgoing_register(entries, agency="Bộ Y tế", register_name="Sổ văn bản đi", year=2026)
    assert register_headings(pdf, OUTGOING_REGISTER_FORM.widths_mm) == list(OUTGOING_REGISTER_FORM.columns)
    text = _text(tmp_path, pdf)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in text
    assert "Từ số 05 đến số 06" in text
    assert re.search(r"\(1\)\s+\(2\)\s+\(3\)\s+\(4\)\s+\(5\)\s+\(6\)\s+\(7\)\s+\(8\)\s+\(9\)\s+\(10\)", text)
    # One row, left to right in the columns' order.
    assert re.search(
        r"05/QĐ-BYT\s+05/01/2026\s+Quyết định ban hành.*Nguyễn Văn An\s+Các Vụ, Cục\s+VT, VP\s+3\s+"
        r"06/01/2026\s+Khẩn",
        text,
    )
    assert re.search(r"06/BYT-KHTC\s+07/01/2026\s+Công văn về kế hoạch\s+Trần Thị Bình\s+UBND tỉnh\s+VT, KHTC", text)


def test_printed_incoming_register(tmp_path: Path):
    entry = IncomingRegisterEntry(
        D(2026, 1, 5),
        1,
        "Sở Y tế Hà Nội",
        "12/SYT-KHTC",
        D(2026, 1, 2),
        "Báo cáo tình hình",
        "Vụ Pháp chế",
        "Ghi",
        transfer_date=D(2026, 1, 6),
    )
    pdf = render_incoming_register([entry], agency="Bộ Y tế", register_name="Sổ văn bản đến", year=2026)
    assert register_headings(pdf, INCOMING_REGISTER_FORM.widths_mm) == list(INCOMING_REGISTER_FORM.columns)
    text = _text(tmp_path, pdf)
    assert re.search(
        r"05/01/2026\s+01\s+Sở Y tế Hà Nội\s+12/SYT-KHTC\s+02/01/2026\s+Báo cáo tình hình\s+"
        r"Vụ Pháp chế\s+06/01/2026\s+Ghi",
        text,
    )


def test_headings_reader_sees_a_swapped_column():
    """The check above fails when the columns are not the form's: two swapped headings read back
    in their printed place."""
    columns = list(INCOMING_REGISTER_FORM.columns)
    columns[8], columns[9] = columns[9], columns[8]
    swapped = RegisterForm("SỔ", tuple(columns), INCOMING_REGISTER_FORM.widths_mm, "test")
    from moh_core.documents import registers

    pdf = registers._render(swapped, [], agency="A", parent_agency="", register_name="", year=2026, days=[], numbers=[])
    assert register_headings(pdf, swapped.widths_mm) != list(INCOMING_REGISTER_FORM.columns)


def test_printed_dossier_tracking_register(tmp_path: Path):
    entries = [
        DossierTrackingEntry(
            "000.00.04.G18-261123-0001",
            "Cấp giấy phép",
            "Công ty TNHH An Bình",
            "Hà Nội, 0912345678",
            "Cục Quản lý Dược",
            D(2026, 11, 23),
            D(2026, 11, 26),
            D(2026, 11, 23),
            D(2026, 11, 25),
            D(2026, 11, 26),
            "Đúng hạn",
        ),
        DossierTrackingEntry(
            "000.00.04.G18-261124-0001",
            "Công bố mỹ phẩm",
            "Nguyễn Văn Cường",
            "",
            "Cục Quản lý Dược",
            D(2026, 11, 24),
            D(2026, 11, 27),
            note="Quá hạn",
        ),
    ]
    pdf = render_dossier_tracking_register(entries, agency="Bộ Y tế", date_from=D(2026, 11, 1), date_to=D(2026, 11, 30))
    assert register_headings(pdf, DOSSIER_TRACKING_FORM.widths_mm) == list(DOSSIER_TRACKING_FORM.columns)
    text = _text(tmp_path, pdf)
    assert "SỔ THEO DÕI HỒ SƠ" in text
    assert "Từ ngày 01/11/2026 đến ngày 30/11/2026" in text
    assert re.search(
        r"1\s+000\.00\.04\.G18-261123-0001\s+Cấp giấy phép\s+Công ty TNHH\s+Hà Nội,\s+Cục Quản lý\s+"
        r"23/11/2026\s+26/11/2026\s+23/11/2026\s+25/11/2026\s+26/11/2026\s+Đúng hạn",
        text,
    )
    assert re.search(
        r"2\s+000\.00\.04\.G18-261124-0001\s+Công bố mỹ phẩm\s+Nguyễn Văn\s+Cục Quản lý\s+"
        r"24/11/2026\s+27/11/2026\s+Quá hạn",
        text,
    )


def test_dossier_tracking_columns_are_data_with_their_source():
    assert DOSSIER_TRACKING_FORM.title == "SỔ THEO DÕI HỒ SƠ"
    assert "Mẫu 07" in DOSSIER_TRACKING_FORM.source
    assert DOSSIER_TRACKING_FORM.columns[:3] == ("STT", "Mã hồ sơ", "Tên thủ tục hành chính")
