"""Mẫu 02 with every defect, its reason and guidance, and the written notice returning a dossier
refused after appraisal (Decree 118/2025/NĐ-CP, Art. 17.2.a; not Mẫu 03), read back as text."""

from __future__ import annotations

import datetime as dt
import shutil
import unicodedata

import pytest

from moh_core.documents import Signer
from moh_core.onestop.slips import (
    SLIP_TITLES,
    Applicant,
    AppraisalRefusal,
    SlipHeader,
    SupplementItem,
    SupplementRequest,
    render_appraisal_refusal,
    render_supplement_request,
)
from moh_core.testing.fixtures import pdftotext

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) is not installed")

COMMON = {
    "header": SlipHeader(
        agency_parent="Bộ Y tế", agency_name="Cục Quản lý Dược", unit="Bộ phận Một cửa", place="Hà Nội"
    ),
    "dossier_code": "000.00.04.G18-261125-0001",
    "applicant": Applicant(name="Công ty TNHH Mỹ phẩm Hoa Sen"),
    "procedure": "Công bố sản phẩm mỹ phẩm nhập khẩu",
    "date": dt.date(2026, 11, 25),
}


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "slip.pdf"
    path.write_bytes(pdf)
    return " ".join(unicodedata.normalize("NFC", pdftotext(str(path))).split())


def test_supplement_request_lists_every_defect_with_reason_and_guidance(tmp_path):
    items = [
        SupplementItem(content="Phiếu công bố", reason="Chưa nộp", guidance="Nộp bản PDF theo mẫu"),
        SupplementItem(content="Tên sản phẩm", reason="Để trống", guidance="Ghi đúng tên trên nhãn"),
        SupplementItem(content="Giấy ủy quyền", reason="Hết hiệu lực", guidance="Nộp bản còn hiệu lực"),
    ]
    request = SupplementRequest(
        **COMMON,
        officer=Signer(position="Cán bộ tiếp nhận", name="Lê Thị Hoa"),
        received_at=dt.datetime(2026, 11, 25, 9, 0),
        items=items,
        deadline=dt.date(2026, 12, 16),
    )
    text = _text(render_supplement_request(request), tmp_path)
    for heading in ("Lý do", "Hướng dẫn"):
        assert heading in text
    for item in items:
        for part in (item.content, item.reason, item.guidance):
            assert part in text


def test_appraisal_refusal_is_a_notice_with_reasons_not_form_03(tmp_path):
    notice = AppraisalRefusal(
        **COMMON,
        officer=Signer(authority="TL.", authority_position="Bộ trưởng", position="Cục trưởng", name="Vũ Tuấn Anh"),
        reasons=["Sản phẩm không đáp ứng quy định về ghi nhãn.", "Thành phần cấm theo phụ lục."],
        received_at=dt.datetime(2026, 11, 25, 9, 0),
    )
    text = _text(render_appraisal_refusal(notice), tmp_path)
    assert SLIP_TITLES["appraisal_refusal"] in text
    assert SLIP_TITLES["refusal"] not in text
    assert "Kính gửi: Công ty TNHH Mỹ phẩm Hoa Sen" in text
    assert "không đủ điều kiện giải quyết" in text
    assert "1. Sản phẩm không đáp ứng quy định về ghi nhãn." in text
    assert "2. Thành phần cấm theo phụ lục." in text
    assert "Nơi nhận" in text


def test_appraisal_refusal_needs_a_reason():
    with pytest.raises(ValueError):
        AppraisalRefusal(**COMMON, officer=Signer(position="Cục trưởng", name="A"), reasons=["  "])


def test_supplement_request_without_a_time_limit_leaves_the_line_out(tmp_path):
    request = SupplementRequest(
        **COMMON,
        officer=Signer(position="Cán bộ tiếp nhận", name="Lê Thị Hoa"),
        received_at=dt.datetime(2026, 11, 25, 9, 0),
        items=[SupplementItem(content="Phiếu công bố")],
    )
    text = _text(render_supplement_request(request), tmp_path)
    assert "Phiếu công bố" in text
    assert "Thời hạn bổ sung" not in text
