"""Search box queries and the text of PDF files (moh_core.search)."""

import io
import shutil
import subprocess

import pytest

from moh_core import search


def test_fold_removes_vietnamese_diacritics_and_case():
    assert search.fold("Công văn Bộ Tài chính") == "cong van bo tai chinh"
    assert search.fold("ĐẮK LẮK Đường đi") == "dak lak duong di"
    assert search.fold("Dược phẩm Ưu tiên Ơn") == "duoc pham uu tien on"


def test_search_terms_split_fold_and_deduplicate():
    assert search.search_terms("Công văn  Bộ Tài chính") == ["cong", "van", "bo", "tai", "chinh"]
    assert search.search_terms("cong van bo tai chinh") == search.search_terms("CÔNG VĂN BỘ TÀI CHÍNH")
    assert search.search_terms("123/BTC-VP") == ["123", "btc", "vp"]
    assert search.search_terms("văn văn VĂN") == ["van"]
    assert search.search_terms(None) == []
    assert search.search_terms(" -/ ") == []


def test_search_terms_are_capped():
    many = " ".join(f"w{i}" for i in range(40))
    assert len(search.search_terms(many)) == search.MAX_TERMS
    assert search.search_terms("a" * 200) == ["a" * search.MAX_TERM_LENGTH]


def test_tsquery_words_and_the_last_as_prefix():
    assert search.tsquery(["cong", "van"]) == "cong & van:*"
    assert search.tsquery(["bo", "tai", "chinh"]) == "bo & tai & chinh:*"
    # A last word of one or two letters is a word of its own.
    assert search.tsquery(["ha", "noi"]) == "ha & noi:*"
    assert search.tsquery(["tinh", "ha"]) == "tinh & ha"
    assert search.tsquery(["y"]) == "y"
    assert search.tsquery([]) == ""
    with pytest.raises(ValueError, match="not a search term"):
        search.tsquery(["a' | b"])
    with pytest.raises(ValueError, match="not a search term"):
        search.tsquery([""])


def test_number_pattern():
    assert search.number_pattern("23/BTC") == "%23/btc%"
    assert search.number_pattern(" 123/QĐ-BYT ") == "%123/qd-byt%"
    assert search.number_pattern("1%_\\2") == "%1\\%\\_\\\\2%"
    assert search.number_pattern("12") is None  # too short for a trigram
    assert search.number_pattern("BTC-VP") is None  # no digit: the words find it
    assert search.number_pattern("12 BTC") is None  # two words
    assert search.number_pattern(None) is None


def _pdf(text):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from moh_core import fonts

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setFont(fonts.register_fonts(), 12)
    pdf.drawString(72, 760, text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@needs_pdftotext
def test_pdf_text_extracts_and_collapses_whitespace():
    text = search.pdf_text(_pdf("Kính gửi   Bộ Tài chính về dự toán 2026"))
    assert text == "Kính gửi Bộ Tài chính về dự toán 2026"
    assert search.search_terms(text)[:4] == ["kinh", "gui", "bo", "tai"]
    assert search.pdf_text(_pdf("Kinh gui Bo Tai chinh"), max_chars=8) == "Kinh gui"


@needs_pdftotext
def test_pdf_text_of_a_broken_file_is_empty():
    assert search.pdf_text(b"%PDF-1.7\nthis is not a pdf at all") == ""
    assert search.pdf_text(b"not a pdf") == ""


def test_pdf_text_without_the_program_is_empty():
    assert search.pdf_text(b"%PDF-1.7\n", command="moh-no-such-program") == ""


@needs_pdftotext
def test_pdf_text_timeout_or_os_error_is_empty(monkeypatch):
    def slow(*args, **kwargs):
        raise subprocess.TimeoutExpired(cmd="pdftotext", timeout=kwargs["timeout"])

    monkeypatch.setattr(search.subprocess, "run", slow)
    assert search.pdf_text(b"%PDF-1.7\n", timeout=0.01) == ""

    def broken(*args, **kwargs):
        raise OSError("cannot run")

    monkeypatch.setattr(search.subprocess, "run", broken)
    assert search.pdf_text(b"%PDF-1.7\n") == ""
