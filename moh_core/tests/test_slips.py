"""The one-stop shop's slips (Circular 03/2025/TT-VPCP, Appendix I, Mẫu số 01-06) as PDF.

The PDFs are read back with poppler-utils (``pdftotext``, ``pdffonts``, ``pdfinfo``), so the
checks see what the applicant or the officer reads: the title, the dossier code, the dates
written the Vietnamese way, every item of the lists (on as many pages as they need, the table
header repeated), the officer's block at the end, and the Liberation Serif font embedded.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from moh_core.documents import MOTTO, NATIONAL_TITLE, Signer
from moh_core.onestop.slips import (
    SLIP_TITLES,
    Apology,
    Applicant,
    Handover,
    ProcessControl,
    Receipt,
    Refusal,
    SlipDocument,
    SlipHeader,
    StopNotice,
    SupplementItem,
    SupplementRequest,
    format_slip_time,
    handover_outcome,
    render_apology,
    render_process_control,
    render_receipt,
    render_refusal,
    render_stop_notice,
    render_supplement_request,
)
from moh_core.testing.fixtures import pdftotext

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdftotext", "pdffonts", "pdfinfo")),
    reason="poppler-utils (pdftotext, pdffonts, pdfinfo) is not installed",
)

T = dt.datetime
D = dt.date
CODE = "000.00.04.G18-270205-0001"
PROCEDURE = "Công bố sản phẩm mỹ phẩm nhập khẩu"
HEADER = SlipHeader(agency_parent="Bộ Y tế", agency_name="Cục Quản lý Dược", unit="Bộ phận Một cửa", place="Hà Nội")
APPLICANT = Applicant(
    name="Công ty TNHH Mỹ phẩm Hoa Sen",
    address="Số 12 phố Tràng Tiền, phường Hoàn Kiếm, thành phố Hà Nội",
    phone="024 3826 5599",
    email="congbo@hoasen.vn",
)
RECEIVING_OFFICER = Signer(position="Người tiếp nhận hồ sơ", name="Lê Thị Hoa")
DEPUTY_HEAD = Signer(
    authority="KT.",
    authority_position="Cục trưởng",
    position="Phó Cục trưởng",
    name="Trần Thị Bình",
)
COMMON = {"header": HEADER, "dossier_code": CODE, "applicant": APPLICANT, "procedure": PROCEDURE}

DOCUMENTS = (
    SlipDocument(name="Phiếu công bố sản phẩm mỹ phẩm", form="Bản chính", copies=2),
    SlipDocument(
        name="Giấy ủy quyền của nhà sản xuất cho tổ chức đưa sản phẩm ra thị trường",
        form="Bản sao chứng thực",
        copies=1,
    ),
    SlipDocument(name="Giấy chứng nhận lưu hành tự do (CFS)", form="Bản chính", copies=1),
)


def _receipt(**changes: object) -> Receipt:
    receipt = Receipt(
        **COMMON,
        date=D(2027, 2, 5),
        officer=RECEIVING_OFFICER,
        documents=DOCUMENTS,
        received_at=T(2027, 2, 5, 14, 30),
        due_at=T(2027, 2, 10, 16, 0),
        result_delivery="counter",
        processing_time="03 ngày làm việc",
        submitted_online=False,
        submitter="Phạm Minh Đức",
        lookup_url="https://dichvucong.gov.vn/tra-cuu-ho-so",
    )
    return dataclasses.replace(receipt, **changes)


def _handovers() -> list[Handover]:
    return [
        Handover(
            from_unit="Bộ phận Một cửa",
            from_person="Lê Thị Hoa",
            to_unit="Phòng Quản lý mỹ phẩm",
            to_person="Nguyễn Văn Nam",
            handed_over_at=T(2027, 2, 5, 15, 10),
            due_at=T(2027, 2, 5, 17, 0),
        ),
        Handover(
            from_unit="Phòng Quản lý mỹ phẩm",
            from_person="Nguyễn Văn Nam",
            to_unit="Lãnh đạo Cục",
            to_person="Trần Thị Bình",
            handed_over_at=T(2027, 2, 9, 10, 0),
            due_at=T(2027, 2, 8, 17, 0),
            note="Chờ ý kiến chuyên gia",
        ),
        Handover(
            from_unit="Lãnh đạo Cục",
            to_unit="Văn thư Cục",
            handed_over_at=T(2027, 2, 9, 16, 0),
            due_at=D(2027, 2, 10),
        ),
    ]


def _process_control(**changes: object) -> ProcessControl:
    control = ProcessControl(
        **COMMON,
        date=D(2027, 2, 5),
        officer=Signer(position="Người lập phiếu", name="Lê Thị Hoa"),
        received_at=T(2027, 2, 5, 14, 30),
        due_at=T(2027, 2, 10, 16, 0),
        handovers=_handovers(),
        processing_unit="Phòng Quản lý mỹ phẩm",
        coordinating_units=["Viện Kiểm nghiệm thuốc Trung ương"],
    )
    return dataclasses.replace(control, **changes)


def _write(tmp_path: Path, pdf: bytes, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def _pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE).group(1))


def _squash(text: str) -> str:
    return " ".join(text.split())


def _assert_contains(text: str, expected: list[str]) -> None:
    squashed = _squash(text)
    for item in expected:
        assert _squash(item) in squashed, item


def _assert_decree_30_header(text: str) -> None:
    first = next(line for line in text.splitlines() if line.strip())
    assert "BỘ Y TẾ" in first and NATIONAL_TITLE in first
    _assert_contains(text, [MOTTO, "CỤC QUẢN LÝ DƯỢC"])


@pytest.fixture(scope="module")
def receipt_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("receipt"), render_receipt(_receipt()), "01.pdf")


# --- formatting -------------------------------------------------------------------------------


def test_times_and_dates_are_written_the_vietnamese_way():
    assert format_slip_time(T(2027, 2, 5, 14, 30)) == "14 giờ 30 phút, ngày 05/02/2027"
    assert format_slip_time(T(2027, 11, 20, 8, 5)) == "08 giờ 05 phút, ngày 20/11/2027"
    assert format_slip_time(D(2027, 2, 5)) == "ngày 05/02/2027"
    # an aware time (e.g. stored in UTC) is shown in Vietnam's time
    utc = T(2027, 2, 5, 19, 30, tzinfo=dt.UTC)
    assert format_slip_time(utc) == "02 giờ 30 phút, ngày 06/02/2027"


def test_step_outcome_compares_the_hand_over_with_the_step_due_time():
    due = T(2027, 2, 8, 17, 0)
    assert handover_outcome(T(2027, 2, 5, 9, 0), due) == "early"
    assert handover_outcome(T(2027, 2, 8, 16, 59), due) == "on_time"
    assert handover_outcome(T(2027, 2, 8, 17, 1), due) == "late"
    assert handover_outcome(T(2027, 2, 9, 8, 0), due) == "late"
    # a due date alone is due at the end of that day
    assert handover_outcome(T(2027, 2, 8, 23, 0), D(2027, 2, 8)) == "on_time"
    assert handover_outcome(T(2027, 2, 9, 0, 1), D(2027, 2, 8)) == "late"


def test_invalid_inputs_are_refused():
    with pytest.raises(ValueError, match="dossier code"):
        _receipt(dossier_code=" ")
    with pytest.raises(ValueError, match="at least one document"):
        _receipt(documents=[])
    with pytest.raises(ValueError, match="returning the result"):
        _receipt(result_delivery="fax")
    with pytest.raises(ValueError, match="before the dossier was received"):
        _receipt(due_at=D(2027, 2, 4))
    with pytest.raises(ValueError, match="copies"):
        SlipDocument(name="Phiếu công bố", copies=0)
    with pytest.raises(ValueError, match="symbol"):
        _receipt(number=3)
    with pytest.raises(ValueError, match="outcome"):
        dataclasses.replace(_handovers()[0], outcome="sớm")
    with pytest.raises(ValueError, match="after the original due date"):
        Apology(
            **COMMON,
            date=D(2027, 2, 9),
            officer=DEPUTY_HEAD,
            received_at=T(2027, 2, 5, 14, 30),
            original_due=D(2027, 2, 10),
            reason="Chờ ý kiến chuyên gia",
            new_due=D(2027, 2, 10),
        )
    with pytest.raises(ValueError, match="at least one reason"):
        Refusal(**COMMON, date=D(2027, 2, 5), officer=RECEIVING_OFFICER, reasons=[" "])


# --- Mẫu 01 -----------------------------------------------------------------------------------


def test_receipt_shows_the_dossier_the_documents_and_the_appointment(receipt_pdf):
    text = pdftotext(receipt_pdf)
    _assert_decree_30_header(text)
    _assert_contains(
        text,
        [
            "BỘ PHẬN MỘT CỬA",
            "Hà Nội, ngày 05 tháng 02 năm 2027",
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            f"Mã hồ sơ: {CODE}",
            "Bộ phận Một cửa Cục Quản lý Dược tiếp nhận hồ sơ của: Công ty TNHH Mỹ phẩm Hoa Sen",
            "Địa chỉ: Số 12 phố Tràng Tiền, phường Hoàn Kiếm",
            "Số điện thoại: 024 3826 5599",
            "Email: congbo@hoasen.vn",
            f"Nội dung yêu cầu giải quyết: {PROCEDURE}",
            "Số lượng hồ sơ: 01 bộ.",
            "Thời gian giải quyết hồ sơ theo quy định: 03 ngày làm việc.",
            "Thời gian nhận hồ sơ: 14 giờ 30 phút, ngày 05/02/2027.",
            "Ngày hẹn trả kết quả: 16 giờ 00 phút, ngày 10/02/2027.",
            "Hình thức nhận kết quả: Trực tiếp tại Bộ phận Một cửa.",
            f"Mã hồ sơ dùng để tra cứu tình trạng giải quyết hồ sơ: {CODE}",
            "Địa chỉ tra cứu: https://dichvucong.gov.vn/tra-cuu-ho-so",
            "Lê Thị Hoa",
            "Phạm Minh Đức",
        ],
    )
    lines = text.splitlines()
    # each document on its own row: number, name, original or copy, copies
    for number, name, form, copies in (
        ("1", "Phiếu công bố sản phẩm mỹ phẩm", "Bản chính", "02"),
        ("3", "Giấy chứng nhận lưu hành tự do (CFS)", "Bản chính", "01"),
    ):
        row = next(line for line in lines if name in line)
        assert re.search(rf"^\s*{number}\s+{re.escape(name)}\s+{form}\s+{copies}\s*$", row), row
    row = next(line for line in lines if "Giấy ủy quyền của nhà sản xuất" in line)
    assert re.search(r"\sBản sao chứng thực\s+01\s*$", row), row
    # the applicant signs on the left, the officer on the right, on the same line
    signatures = next(line for line in lines if "NGƯỜI TIẾP NHẬN HỒ SƠ" in line)
    assert "NGƯỜI NỘP HỒ SƠ" in signatures
    assert signatures.index("NGƯỜI NỘP HỒ SƠ") < signatures.index("NGƯỜI TIẾP NHẬN HỒ SƠ")
    assert "(Ký và ghi rõ họ tên)" in text
    # the officer's block closes the slip
    assert _squash(text).rindex("Lê Thị Hoa") > _squash(text).index("Địa chỉ tra cứu")
    assert _pages(receipt_pdf) == 1


def test_online_receipt_has_no_applicant_signature(tmp_path):
    pdf = render_receipt(_receipt(submitted_online=True, result_delivery="online", submitter=""))
    text = pdftotext(_write(tmp_path, pdf, "online.pdf"))
    _assert_contains(
        text,
        [
            "Bộ phận Một cửa Cục Quản lý Dược tiếp nhận hồ sơ trực tuyến của",
            "Hình thức nhận kết quả: Trực tuyến, trên Cổng Dịch vụ công.",
            "NGƯỜI TIẾP NHẬN HỒ SƠ",
        ],
    )
    assert "NGƯỜI NỘP HỒ SƠ" not in text


def test_optional_document_columns_are_left_out_when_unused(tmp_path):
    documents = [SlipDocument(name="Phiếu công bố sản phẩm mỹ phẩm")]
    text = pdftotext(_write(tmp_path, render_receipt(_receipt(documents=documents)), "plain.pdf"))
    assert "Tên giấy tờ" in text
    assert "Bản chính" not in text and "Số lượng hồ sơ" in text
    assert not re.search(r"Số lượng\s*$", text, re.MULTILINE)


def test_sixty_documents_flow_over_several_pages_with_every_item(tmp_path):
    documents = [
        SlipDocument(name=f"Giấy tờ số {i:02d}: tài liệu kỹ thuật của sản phẩm", form="Bản sao", copies=1)
        for i in range(1, 61)
    ]
    path = _write(tmp_path, render_receipt(_receipt(documents=documents)), "sixty.pdf")
    pages = _pages(path)
    assert pages >= 2
    text = pdftotext(path)
    for i in range(1, 61):
        assert re.search(
            rf"^\s*{i}\s+Giấy tờ số {i:02d}: tài liệu kỹ thuật của sản phẩm\s+Bản sao\s+01\s*$",
            text,
            re.MULTILINE,
        ), i
    for page in range(1, pages + 1):
        page_text = pdftotext(path, first=page, last=page)
        # the table's header row repeats on every page the list reaches
        if re.search(r"Giấy tờ số \d\d", page_text):
            assert "Tên giấy tờ" in page_text, page
        # page numbers from page 2 on, top centre (Decree 30)
        first_line = next(line for line in page_text.splitlines() if line.strip())
        if page > 1:
            assert first_line.strip() == str(page)
    # the appointment and the officer come after the last document
    last = pdftotext(path, first=pages, last=pages)
    _assert_contains(last, ["Ngày hẹn trả kết quả", "NGƯỜI TIẾP NHẬN HỒ SƠ", "Lê Thị Hoa"])
    squashed = _squash(text)
    assert squashed.index("Giấy tờ số 60") < squashed.index("Ngày hẹn trả kết quả")


# --- Mẫu 02 -----------------------------------------------------------------------------------


def test_supplement_request_lists_each_item_with_its_reason_and_the_deadline(tmp_path):
    request = SupplementRequest(
        **COMMON,
        date=D(2027, 2, 8),
        officer=Signer(position="Người hướng dẫn", name="Lê Thị Hoa"),
        received_at=T(2027, 2, 5, 14, 30),
        items=[
            SupplementItem(
                content="Giấy chứng nhận lưu hành tự do",
                reason="Chưa hợp pháp hóa lãnh sự",
            ),
            SupplementItem(content="Nhãn sản phẩm bằng tiếng Việt", reason="Thiếu nước sản xuất"),
            SupplementItem(content="Bảng thành phần đầy đủ"),
        ],
        deadline=T(2027, 3, 1, 17, 0),
        contact="bà Lê Thị Hoa, số điện thoại 024 3846 1234",
    )
    text = pdftotext(_write(tmp_path, render_supplement_request(request), "02.pdf"))
    _assert_decree_30_header(text)
    _assert_contains(
        text,
        [
            "Hà Nội, ngày 08 tháng 02 năm 2027",
            "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
            f"Mã hồ sơ: {CODE}",
            "Vào 14 giờ 30 phút, ngày 05/02/2027, Bộ phận Một cửa Cục Quản lý Dược tiếp nhận hồ sơ",
            "Công ty TNHH Mỹ phẩm Hoa Sen",
            f"Nội dung yêu cầu giải quyết: {PROCEDURE}",
            "Nội dung cần bổ sung, hoàn thiện",
            "Thời hạn bổ sung, hoàn thiện hồ sơ: chậm nhất 17 giờ 00 phút, ngày 01/03/2027.",
            "tính lại từ đầu",
            "liên hệ bà Lê Thị Hoa, số điện thoại 024 3846 1234",
            "NGƯỜI HƯỚNG DẪN",
            "Lê Thị Hoa",
        ],
    )
    lines = text.splitlines()
    for number, content, reason in (
        ("1", "Giấy chứng nhận lưu hành tự do", "Chưa hợp pháp hóa lãnh sự"),
        ("2", "Nhãn sản phẩm bằng tiếng Việt", "Thiếu nước sản xuất"),
        ("3", "Bảng thành phần đầy đủ", ""),
    ):
        row = next(line for line in lines if content in line)
        pattern = r"\s+".join(re.escape(part) for part in (content, reason) if part)
        assert re.search(rf"^\s*{number}\s+{pattern}\s*$", row), row


# --- Mẫu 03 -----------------------------------------------------------------------------------


def test_refusal_states_every_reason(tmp_path):
    reasons = [
        "Sản phẩm không thuộc phạm vi điều chỉnh của quy định về mỹ phẩm.",
        "Tổ chức nộp hồ sơ không có chức năng kinh doanh mỹ phẩm.",
    ]
    refusal = Refusal(
        **COMMON,
        date=D(2027, 2, 5),
        officer=RECEIVING_OFFICER,
        received_at=T(2027, 2, 5, 9, 15),
        legal_basis="Điều 11 Nghị định số 118/2025/NĐ-CP",
        reasons=reasons,
    )
    text = pdftotext(_write(tmp_path, render_refusal(refusal), "03.pdf"))
    _assert_decree_30_header(text)
    _assert_contains(
        text,
        [
            "Hà Nội, ngày 05 tháng 02 năm 2027",
            "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
            f"Mã hồ sơ: {CODE}",
            "Vào 09 giờ 15 phút, ngày 05/02/2027",
            f"Nội dung yêu cầu giải quyết: {PROCEDURE}",
            (
                "Căn cứ Điều 11 Nghị định số 118/2025/NĐ-CP, Cục Quản lý Dược từ chối tiếp nhận, "
                "giải quyết hồ sơ này vì lý do sau:"
            ),
            *(f"{i}. {reason}" for i, reason in enumerate(reasons, start=1)),
            "Xin thông báo để Công ty TNHH Mỹ phẩm Hoa Sen được biết và thực hiện./.",
            "NGƯỜI TIẾP NHẬN HỒ SƠ",
            "Lê Thị Hoa",
        ],
    )


# --- Mẫu 04 -----------------------------------------------------------------------------------


def test_apology_gives_the_original_date_the_reason_and_the_new_date(tmp_path):
    apology = Apology(
        **COMMON,
        date=D(2027, 2, 9),
        number=15,
        symbol="QLD-VP",
        officer=DEPUTY_HEAD,
        received_at=T(2027, 2, 5, 14, 30),
        original_due=T(2027, 2, 10, 16, 0),
        reason="Cần lấy ý kiến chuyên gia về thành phần sản phẩm",
        new_due=D(2027, 2, 17),
    )
    text = pdftotext(_write(tmp_path, render_apology(apology), "04.pdf"))
    _assert_decree_30_header(text)
    _assert_contains(
        text,
        [
            "Số: 15/QLD-VP",
            "Hà Nội, ngày 09 tháng 02 năm 2027",
            SLIP_TITLES["apology"],
            f"Mã hồ sơ: {CODE}",
            "Kính gửi: Công ty TNHH Mỹ phẩm Hoa Sen",
            "Vào 14 giờ 30 phút, ngày 05/02/2027, Cục Quản lý Dược tiếp nhận hồ sơ",
            f"Nội dung yêu cầu giải quyết: {PROCEDURE}",
            "Ngày hẹn trả kết quả: 16 giờ 00 phút, ngày 10/02/2027",
            "Lý do: Cần lấy ý kiến chuyên gia về thành phần sản phẩm",
            "xin lỗi Công ty TNHH Mỹ phẩm Hoa Sen",
            ("đề nghị gia hạn thời gian giải quyết hồ sơ, hẹn lại ngày trả kết quả: ngày 17/02/2027."),
            "Nơi nhận:",
            "- Như trên;",
            "- Lưu: VT.",
            "KT. CỤC TRƯỞNG",
            "PHÓ CỤC TRƯỞNG",
            "Trần Thị Bình",
        ],
    )
    # the agency's own document: no one-stop unit in the header, no "(Ký và ghi rõ họ tên)"
    assert "BỘ PHẬN MỘT CỬA" not in text
    assert "Ký và ghi rõ họ tên" not in text
    assert SLIP_TITLES["apology"] == "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"


# --- Mẫu 05 -----------------------------------------------------------------------------------


def test_stop_notice_gives_the_request_date_and_the_reason(tmp_path):
    notice = StopNotice(
        **COMMON,
        date=D(2027, 2, 9),
        officer=DEPUTY_HEAD,
        requested_on=D(2027, 2, 8),
        reason="Doanh nghiệp thay đổi kế hoạch nhập khẩu sản phẩm",
        received_at=T(2027, 2, 5, 14, 30),
        recipients=["Như trên;", "Phòng Quản lý mỹ phẩm;", "Lưu: VT."],
    )
    text = pdftotext(_write(tmp_path, render_stop_notice(notice), "05.pdf"))
    _assert_decree_30_header(text)
    _assert_contains(
        text,
        [
            "Hà Nội, ngày 09 tháng 02 năm 2027",
            "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
            f"Mã hồ sơ: {CODE}",
            "Kính gửi: Công ty TNHH Mỹ phẩm Hoa Sen",
            (
                "Vào ngày 08/02/2027, Cục Quản lý Dược nhận được đề nghị của Công ty TNHH Mỹ phẩm "
                "Hoa Sen về việc dừng giải quyết hồ sơ nêu trên."
            ),
            f"Nội dung yêu cầu giải quyết: {PROCEDURE}",
            "Thời gian tiếp nhận hồ sơ: 14 giờ 30 phút, ngày 05/02/2027",
            "Lý do đề nghị dừng: Doanh nghiệp thay đổi kế hoạch nhập khẩu sản phẩm",
            "thông báo dừng giải quyết hồ sơ kể từ ngày 09/02/2027./.",
            "- Phòng Quản lý mỹ phẩm;",
            "KT. CỤC TRƯỞNG",
            "Trần Thị Bình",
        ],
    )


# --- Mẫu 06 -----------------------------------------------------------------------------------


def test_process_control_has_one_row_per_hand_over_with_its_outcome(tmp_path):
    text = pdftotext(_write(tmp_path, render_process_control(_process_control()), "06.pdf"))
    _assert_decree_30_header(text)
    _assert_contains(
        text,
        [
            "BỘ PHẬN MỘT CỬA",
            "Hà Nội, ngày 05 tháng 02 năm 2027",
            "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
            f"Mã hồ sơ: {CODE}",
            "Tổ chức, cá nhân nộp hồ sơ: Công ty TNHH Mỹ phẩm Hoa Sen",
            "Thời gian nhận hồ sơ: 14 giờ 30 phút, ngày 05/02/2027",
            "Ngày hẹn trả kết quả: 16 giờ 00 phút, ngày 10/02/2027",
            "Cơ quan (bộ phận) giải quyết hồ sơ: Phòng Quản lý mỹ phẩm",
            "Cơ quan phối hợp giải quyết hồ sơ: Viện Kiểm nghiệm thuốc Trung ương",
            "Người lập phiếu".upper(),
        ],
    )
    for column in (
        "STT",
        "Bên giao",
        "Bên nhận",
        "Thời gian giao,",
        "Hạn xử lý",
        "Kết quả",
        "Ghi chú",
    ):
        assert column in text, column
    lines = text.splitlines()
    # the first line of each row: number, from, to, hand-over time, step due time, outcome
    for number, giver, receiver, handed, due, outcome in (
        ("1", "Bộ phận Một", "Phòng Quản lý", "15 giờ 10 phút,", "17 giờ 00 phút,", "Đúng hạn"),
        ("2", "Phòng Quản lý", "Lãnh đạo Cục", "10 giờ 00 phút,", "17 giờ 00 phút,", "Quá hạn"),
        ("3", "Lãnh đạo Cục", "Văn thư Cục", "16 giờ 00 phút,", "ngày 10/02/2027", "Trước hạn"),
    ):
        pattern = r"\s+".join(re.escape(part) for part in (giver, receiver, handed, due, outcome))
        assert any(re.search(rf"^\s*{number}\s+{pattern}", line) for line in lines), number
    for expected in ("ngày 05/02/2027", "ngày 09/02/2027", "ngày 08/02/2027", "Chờ ý kiến"):
        assert expected in text, expected


def test_explicit_outcome_wins_and_no_due_time_leaves_it_blank():
    step = _handovers()[1]
    assert step.outcome_label == "Quá hạn"
    assert dataclasses.replace(step, outcome="on_time").outcome_label == "Đúng hạn"
    assert dataclasses.replace(step, due_at=None).outcome_label == ""


def test_long_process_control_repeats_the_table_header_on_each_page(tmp_path):
    handovers = [
        Handover(
            from_unit=f"Chuyên viên {i:02d}",
            to_unit=f"Chuyên viên {i + 1:02d}",
            handed_over_at=T(2027, 2, 5, 8, 0) + dt.timedelta(hours=i),
            due_at=T(2027, 2, 10, 17, 0),
        )
        for i in range(1, 41)
    ]
    path = _write(tmp_path, render_process_control(_process_control(handovers=handovers)), "06.pdf")
    pages = _pages(path)
    assert pages >= 2
    text = pdftotext(path)
    for i in range(1, 41):
        assert re.search(rf"^\s*{i}\s+Chuyên viên {i:02d}\s+Chuyên viên {i + 1:02d}\s", text, re.MULTILINE), i
    for page in range(1, pages + 1):
        page_text = pdftotext(path, first=page, last=page)
        if "Chuyên viên" in page_text:
            assert "Bên giao" in page_text and "Hạn xử lý" in page_text, page


# --- all slips --------------------------------------------------------------------------------


def test_fonts_are_embedded_liberation_serif_only(receipt_pdf, tmp_path):
    control = _write(tmp_path, render_process_control(_process_control()), "06.pdf")
    regular_bold_italic = ["LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic"]
    for path, expected in (
        (receipt_pdf, sorted([*regular_bold_italic, "LiberationSerif-BoldItalic"])),
        (control, regular_bold_italic),
    ):
        out = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
        rows = out.splitlines()[2:]
        # Each face once, as a subset ("AAAAAA+LiberationSerif-Bold").
        assert sorted(row.split()[0].partition("+")[2] for row in rows) == expected
        for row in rows:
            assert "LiberationSerif" in row, row
            # Columns: name type encoding emb sub uni object ID; "emb" must be "yes".
            assert re.search(r"\byes\s+yes\s+yes\b", row), row


def test_nfd_input_comes_out_nfc(tmp_path):
    def nfd(value: str) -> str:
        return unicodedata.normalize("NFD", value)

    receipt = _receipt(
        applicant=Applicant(name=nfd("Công ty Cổ phần Dược phẩm Đông Á")),
        procedure=nfd(PROCEDURE),
        documents=[SlipDocument(name=nfd("Phiếu công bố sản phẩm mỹ phẩm"))],
    )
    text = pdftotext(_write(tmp_path, render_receipt(receipt), "nfd.pdf"))
    assert unicodedata.is_normalized("NFC", text)
    _assert_contains(text, ["Công ty Cổ phần Dược phẩm Đông Á", PROCEDURE, "Phiếu công bố sản phẩm mỹ phẩm"])


def test_output_is_deterministic():
    assert render_receipt(_receipt()) == render_receipt(_receipt())
    assert render_process_control(_process_control()) == render_process_control(_process_control())


def test_the_module_does_not_import_odoo():
    code = (
        "import sys, moh_core.onestop.slips; "
        "assert not [m for m in sys.modules if m == 'odoo' or m.startswith('odoo.')]"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_blank_application_form(tmp_path):
    from moh_core.onestop import render_blank_form

    pdf = render_blank_form(
        "Phiếu công bố sản phẩm mỹ phẩm",
        "Cục Quản lý Dược",
        ["Tên sản phẩm", "Nhãn hàng", "Nhà sản xuất và nước sản xuất"],
    )
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    text = pdftotext(path)
    for expected in (
        "PHIẾU CÔNG BỐ SẢN PHẨM MỸ PHẨM",
        "Kính gửi: Cục Quản lý Dược",
        "Nhà sản xuất và nước sản xuất",
        "ĐẠI DIỆN TỔ CHỨC",
    ):
        assert expected in text


def test_blank_form_with_many_items_continues_on_a_new_page_and_prints_its_note(tmp_path):
    from moh_core.onestop import render_blank_form

    items = [f"Mục thứ {n}" for n in range(1, 31)]
    pdf = render_blank_form("Đơn đề nghị", "Cục Quản lý Dược", items, note="Ghi chú: kê khai trung thực.")
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    first, second = pdftotext(path, 1, 1), pdftotext(path, 2, 2)
    assert "Mục thứ 1:" in first and "Mục thứ 30" not in first
    assert "Mục thứ 30" in second
    assert "Ghi chú: kê khai trung thực." in second
    assert "ĐẠI DIỆN TỔ CHỨC" in second
