"""Outgoing documents laid out per Decree 30/2020/NĐ-CP, Appendix I, rendered as PDF.

The PDFs are read back with poppler-utils (``pdftotext``, ``pdffonts``, ``pdfinfo``), so the
checks see what a reader sees: the header components, Vietnamese text in NFC, page numbers from
page 2, the Liberation Serif font embedded, and the signature boxes where the block landed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from moh_core.documents.layout import (
    OutgoingDocument,
    RenderedDocument,
    SignatureBox,
    Signer,
    render_outgoing_document,
)
from moh_core.documents.pagekit import (
    MOTTO,
    NATIONAL_TITLE,
    format_document_number,
    format_number_symbol,
    format_place_date,
)
from moh_core.testing.fixtures import pdftotext as _text

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdftotext", "pdffonts", "pdfinfo", "pdftoppm")),
    reason="poppler-utils (pdftotext, pdffonts, pdfinfo, pdftoppm) is not installed",
)

D = dt.date
QD_BODY = """BỘ TRƯỞNG BỘ Y TẾ

Căn cứ Nghị định số 42/2025/NĐ-CP ngày 27 tháng 02 năm 2025 của Chính phủ quy định chức năng,
nhiệm vụ, quyền hạn và cơ cấu tổ chức của Bộ Y tế;

Theo đề nghị của Vụ trưởng Vụ Kế hoạch - Tài chính.

QUYẾT ĐỊNH:

Điều 1. Ban hành kèm theo Quyết định này Kế hoạch chuyển đổi số y tế năm 2027.

Điều 2. Quyết định này có hiệu lực kể từ ngày ký, ban hành.

Điều 3. Chánh Văn phòng Bộ, Vụ trưởng Vụ Kế hoạch - Tài chính và Thủ trưởng các đơn vị có liên
quan chịu trách nhiệm thi hành Quyết định này./."""


def _quyet_dinh(**changes: object) -> OutgoingDocument:
    doc = OutgoingDocument(
        agency="Bộ Y tế",
        number=5,
        symbol="QĐ-BYT",
        place="Hà Nội",
        date=D(2026, 11, 20),
        type_name="Quyết định",
        abstract="Về việc ban hành Kế hoạch chuyển đổi số y tế năm 2027",
        body=QD_BODY,
        signer=Signer(
            authority="KT.",
            authority_position="Bộ trưởng",
            position="Thứ trưởng",
            name="Nguyễn Văn An",
        ),
        recipients=["Như Điều 3;", "Bộ trưởng (để b/c);", "Lưu: VT, KHTC."],
        urgency="HỎA TỐC",
        drafter_initials="PL",
        copies=30,
    )
    return dataclasses.replace(doc, **changes)


def _cong_van(**changes: object) -> OutgoingDocument:
    doc = OutgoingDocument(
        agency_parent="Bộ Y tế",
        agency="Cục Quản lý Dược",
        number=125,
        symbol="QLD-ĐK",
        place="Hà Nội",
        date=D(2026, 2, 3),
        abstract="gia hạn giấy đăng ký lưu hành thuốc đợt 1 năm 2026",
        kinh_gui=[
            "Sở Y tế các tỉnh, thành phố trực thuộc Trung ương;",
            "Các cơ sở sản xuất thuốc.",
        ],
        body=(
            "Cục Quản lý Dược thông báo danh mục thuốc được gia hạn giấy đăng ký lưu hành đợt 1 "
            "năm 2026 như phụ lục kèm theo.\n\nĐề nghị Sở Y tế các tỉnh, thành phố thông báo cho "
            "các cơ sở trên địa bàn biết và thực hiện./."
        ),
        signer=Signer(
            authority="KT.",
            authority_position="Cục trưởng",
            position="Phó Cục trưởng",
            name="Trần Thị Bình",
        ),
        recipients=["Như trên;", "Lưu: VT, ĐK."],
        confidentiality="MẬT",
        urgency="KHẨN",
    )
    return dataclasses.replace(doc, **changes)


def _long_body(paragraphs: int) -> str:
    sentence = (
        "Các đơn vị thuộc Bộ Y tế rà soát, cập nhật quy trình tiếp nhận và xử lý hồ sơ trực "
        "tuyến, bảo đảm kết nối với Cổng Dịch vụ công quốc gia và báo cáo kết quả định kỳ. "
    )
    body = "\n\n".join(f"Điều {i + 1}. " + sentence * 3 for i in range(paragraphs))
    return body.rstrip(". ") + "./."


def _write(tmp_path: Path, rendered: RenderedDocument, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(rendered.pdf)
    return path


def _pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


def _squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def qd(tmp_path_factory: pytest.TempPathFactory) -> tuple[RenderedDocument, Path]:
    rendered = render_outgoing_document(_quyet_dinh())
    return rendered, _write(tmp_path_factory.mktemp("qd"), rendered, "qd.pdf")


@pytest.fixture(scope="module")
def cv(tmp_path_factory: pytest.TempPathFactory) -> tuple[RenderedDocument, Path]:
    rendered = render_outgoing_document(_cong_van())
    return rendered, _write(tmp_path_factory.mktemp("cv"), rendered, "cv.pdf")


@pytest.fixture(scope="module")
def long_doc(tmp_path_factory: pytest.TempPathFactory) -> tuple[RenderedDocument, Path]:
    rendered = render_outgoing_document(_quyet_dinh(body=_long_body(12)))
    return rendered, _write(tmp_path_factory.mktemp("long"), rendered, "long.pdf")


# --- formatting -------------------------------------------------------------------------------


def test_numbers_below_ten_have_a_leading_zero():
    assert [format_document_number(n) for n in (1, 5, 9, 10, 125)] == [
        "01",
        "05",
        "09",
        "10",
        "125",
    ]
    assert format_number_symbol(5, "QĐ-BYT") == "Số: 05/QĐ-BYT"
    assert format_number_symbol(15, "BYT-KHTC") == "Số: 15/BYT-KHTC"
    with pytest.raises(ValueError):
        format_document_number(0)


def test_place_and_date_leading_zeros_for_days_and_january_february():
    assert format_place_date("Hà Nội", D(2026, 11, 20)) == "Hà Nội, ngày 20 tháng 11 năm 2026"
    assert format_place_date("Hà Nội", D(2026, 2, 5)) == "Hà Nội, ngày 05 tháng 02 năm 2026"
    assert format_place_date("Hà Nội", D(2026, 3, 5)) == "Hà Nội, ngày 05 tháng 3 năm 2026"


def test_draft_number_and_date_are_blank():
    number = format_number_symbol(None, "QĐ-BYT")
    assert re.fullmatch(r"Số:\s{6,}/QĐ-BYT", number)
    date = format_place_date("Hà Nội", None)
    assert re.fullmatch(r"Hà Nội, ngày\s{6,}tháng\s{6,}năm 20\.\.", date)


def test_invalid_inputs_are_refused():
    with pytest.raises(ValueError):
        _quyet_dinh(number=0)
    with pytest.raises(ValueError):
        _quyet_dinh(symbol=" ")
    with pytest.raises(ValueError):
        Signer(authority="XX.", authority_position="BỘ TRƯỞNG", position="THỨ TRƯỞNG", name="A")
    with pytest.raises(ValueError):
        Signer(authority="KT.", position="THỨ TRƯỞNG", name="A")
    assert Signer(authority="kt", authority_position="x", position="y", name="z").authority == "KT."


# --- the Quyết định ---------------------------------------------------------------------------


def test_quyet_dinh_has_the_decree_30_components(qd):
    _, path = qd
    text = _text(path)
    squashed = _squash(text)
    for expected in (
        NATIONAL_TITLE,
        MOTTO,
        "BỘ Y TẾ",
        "Số: 05/QĐ-BYT",
        "Hà Nội, ngày 20 tháng 11 năm 2026",
        "QUYẾT ĐỊNH",
        "Về việc ban hành Kế hoạch chuyển đổi số y tế năm 2027",
        "HỎA TỐC",
        "KT. BỘ TRƯỞNG",
        "THỨ TRƯỞNG",
        "Nguyễn Văn An",
        "Nơi nhận:",
        "- Như Điều 3;",
        "- Lưu: VT, KHTC.",
        "PL.30",
    ):
        assert expected in squashed, expected
    # Two-column header: the agency and the national title share the first line, the number
    # and the date the same line further down.
    lines = text.splitlines()
    first = next(line for line in lines if line.strip())
    assert "BỘ Y TẾ" in first and NATIONAL_TITLE in first
    assert any("Số: 05/QĐ-BYT" in line and "Hà Nội, ngày" in line for line in lines)
    # Nơi nhận on the left at the height of the authority line on the right.
    closing = next(line for line in lines if "Nơi nhận:" in line)
    assert "KT. BỘ TRƯỞNG" in closing
    assert closing.index("Nơi nhận:") < closing.index("KT. BỘ TRƯỞNG")
    # Single page: no page number printed.
    assert _pages(path) == 1


def test_reading_order_follows_the_layout(qd):
    squashed = _squash(_text(qd[1]))
    order = [
        "QUYẾT ĐỊNH Về việc",
        "BỘ TRƯỞNG BỘ Y TẾ",
        "Căn cứ Nghị định",
        "QUYẾT ĐỊNH:",
        "Điều 1.",
        "Điều 3.",
        "Nơi nhận:",
        "Nguyễn Văn An",
    ]
    positions = [squashed.index(item) for item in order]
    assert positions == sorted(positions)


def test_fonts_are_embedded_liberation_serif_only(qd, cv):
    for _, path in (qd, cv):
        out = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
        rows = out.splitlines()[2:]
        # The four faces, each once, each as a subset ("AAAAAA+LiberationSerif-Bold").
        faces = sorted(row.split()[0].partition("+")[2] for row in rows)
        assert faces == [
            "LiberationSerif",
            "LiberationSerif-Bold",
            "LiberationSerif-BoldItalic",
            "LiberationSerif-Italic",
        ]
        for row in rows:
            assert "LiberationSerif" in row, row
            # Columns: name type encoding emb sub uni object ID; "emb" must be "yes".
            assert re.search(r"\byes\s+yes\s+yes\b", row), row


def test_signature_boxes_inside_the_page_and_seal_overlaps_a_third_on_the_left(qd, cv):
    width, height = A4
    for rendered, _ in (qd, cv):
        signer = rendered.box("signer")
        seal = rendered.box("seal")
        assert signer.page == seal.page == 0
        for item in (signer, seal):
            x1, y1, x2, y2 = item.box
            assert 0 <= x1 < x2 <= width and 0 <= y1 < y2 <= height
            # Inside the margins as well.
            assert x1 >= 30 * mm - 0.01 and x2 <= width - 15 * mm + 0.01
            assert y1 >= 20 * mm - 0.01 and y2 <= height - 20 * mm + 0.01
        sx1, sy1, sx2, sy2 = signer.box
        px1, py1, px2, py2 = seal.box
        overlap = min(sx2, px2) - max(sx1, px1)
        assert 0.25 <= overlap / (sx2 - sx1) <= 0.45
        assert px1 < sx1 and px2 < sx2  # on the signer's left side
        assert min(sy2, py2) - max(sy1, py1) > 0.8 * (sy2 - sy1)  # same height
        # Room for the pictures: 35-40 mm between the position line and the name.
        assert 30 * mm <= sy2 - sy1 <= 40 * mm


def test_signature_boxes_sit_between_the_position_and_the_name(qd):
    rendered, path = qd
    _, y1, _, y2 = rendered.box("signer").box
    height = A4[1]
    bbox = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    words = re.findall(
        r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>',
        bbox,
    )

    def last_word(word: str) -> tuple[float, float]:
        """PDF y of the bottom and the top of the last occurrence of ``word``."""
        hits = [(height - float(y_max), height - float(y_min)) for y_min, y_max, found in words if found == word]
        assert hits, word
        return hits[-1]

    position_bottom, _ = last_word("TRƯỞNG")  # "THỨ TRƯỞNG"
    _, name_top = last_word("An")  # "Nguyễn Văn An"
    assert position_bottom >= y2 - 1  # the box starts below the position line
    assert name_top <= y1 + 1  # and ends above the name
    assert position_bottom - name_top >= 35 * mm


def test_nfd_input_comes_out_nfc(tmp_path):
    doc = _quyet_dinh(
        agency=unicodedata.normalize("NFD", "Bộ Y tế"),
        abstract=unicodedata.normalize("NFD", "Về việc ban hành Kế hoạch chuyển đổi số"),
        signer=Signer(
            position=unicodedata.normalize("NFD", "Bộ trưởng"),
            name=unicodedata.normalize("NFD", "Đào Hồng Lan"),
        ),
        place=unicodedata.normalize("NFD", "Hà Nội"),
    )
    text = _text(_write(tmp_path, render_outgoing_document(doc), "nfd.pdf"))
    assert unicodedata.is_normalized("NFC", text)
    for expected in (
        "BỘ Y TẾ",
        "Về việc ban hành Kế hoạch chuyển đổi số",
        "Đào Hồng Lan",
        "Hà Nội, ngày 20 tháng 11 năm 2026",
        "BỘ TRƯỞNG",
    ):
        assert expected in text


def test_output_is_deterministic():
    first = render_outgoing_document(_quyet_dinh())
    second = render_outgoing_document(_quyet_dinh())
    assert first == second


def test_draft_shows_blank_number_and_date(tmp_path):
    rendered = render_outgoing_document(_quyet_dinh(number=None, date=None))
    text = _text(_write(tmp_path, rendered, "draft.pdf"))
    assert re.search(r"Số:\s+/QĐ-BYT", text)
    assert re.search(r"Số:[\s\u00a0]{4,}/QĐ-BYT", text)
    # the whole date part is left blank after the place, for the records office to fill in
    # after signing (electronic issuing, see moh_core.signatures.signing.fill_fields)
    line = next(line for line in text.splitlines() if "Số:" in line)
    assert re.search(r"Hà Nội,\s*$", line), line
    assert len(rendered.signature_boxes) == 2
    assert [box.name for box in rendered.text_boxes] == ["number", "date"]


# --- the công văn -----------------------------------------------------------------------------


def test_cong_van_layout(cv):
    _, path = cv
    text = _text(path)
    squashed = _squash(text)
    for expected in (
        NATIONAL_TITLE,
        MOTTO,
        "BỘ Y TẾ",
        "CỤC QUẢN LÝ DƯỢC",
        "Số: 125/QLD-ĐK",
        "Hà Nội, ngày 03 tháng 02 năm 2026",
        "V/v gia hạn giấy đăng ký lưu hành thuốc",
        "MẬT",
        "KHẨN",
        "Kính gửi:",
        "- Sở Y tế các tỉnh, thành phố trực thuộc Trung ương;",
        "- Các cơ sở sản xuất thuốc.",
        "KT. CỤC TRƯỞNG",
        "PHÓ CỤC TRƯỞNG",
        "Trần Thị Bình",
        "Nơi nhận:",
        "- Như trên;",
    ):
        assert expected in squashed, expected
    assert "QUYẾT ĐỊNH" not in squashed
    # The "V/v" abstract sits under the number, left of the body.
    assert squashed.index("Số: 125/QLD-ĐK") < squashed.index("V/v") < squashed.index("Kính gửi:")


def test_cong_van_single_addressee_on_the_kinh_gui_line(tmp_path):
    rendered = render_outgoing_document(_cong_van(kinh_gui=["Sở Y tế Hà Nội"]))
    text = _text(_write(tmp_path, rendered, "one.pdf"))
    assert any("Kính gửi:" in line and "Sở Y tế Hà Nội" in line for line in text.splitlines())
    assert "- Sở Y tế Hà Nội" not in text


# --- long bodies ------------------------------------------------------------------------------


def test_long_body_has_page_numbers_from_page_two(long_doc):
    _rendered, path = long_doc
    pages = _pages(path)
    assert pages == 3
    first_line = {
        page: next(line for line in _text(path, page, page).splitlines() if line.strip()).strip()
        for page in range(1, pages + 1)
    }
    assert first_line[2] == "2"
    assert first_line[3] == "3"
    assert first_line[1] != "1" and "BỘ Y TẾ" in first_line[1]


def test_long_body_signature_boxes_on_the_last_page(long_doc):
    rendered, path = long_doc
    last = _pages(path) - 1
    assert {item.page for item in rendered.signature_boxes} == {last}
    last_text = _squash(_text(path, last + 1, last + 1))
    assert "Nguyễn Văn An" in last_text and "Nơi nhận:" in last_text
    # The closing paragraph is not left behind: body text precedes the signature on its page.
    assert last_text.index("báo cáo kết quả định kỳ./.") < last_text.index("Nơi nhận:")


@pytest.mark.parametrize("paragraphs", range(6, 16))
def test_signature_never_starts_a_page_alone(paragraphs, tmp_path):
    rendered = render_outgoing_document(_quyet_dinh(body=_long_body(paragraphs)))
    path = _write(tmp_path, rendered, f"p{paragraphs}.pdf")
    page = rendered.box("signer").page
    assert page == _pages(path) - 1
    lines = [line.strip() for line in _text(path, page + 1, page + 1).splitlines() if line.strip()]
    start = 1 if page > 0 else 0  # skip the page number
    # At least two lines of body text before "Nơi nhận:" on the signature's page.
    noi_nhan = next(i for i, line in enumerate(lines) if line.startswith("Nơi nhận:"))
    assert noi_nhan - start >= 2, lines[:6]


def test_signature_box_names():
    rendered = render_outgoing_document(_quyet_dinh())
    assert [item.name for item in rendered.signature_boxes] == ["signer", "seal"]
    assert all(isinstance(item, SignatureBox) for item in rendered.signature_boxes)
    with pytest.raises(KeyError):
        rendered.box("other")
