"""Sample PDFs for the demo data and the tests: small, reproducible, with Vietnamese text."""

from __future__ import annotations

from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from moh_core.fonts import FontNotFoundError, nfc, register_fonts

__all__ = ["make_pdf"]

_FALLBACK_FONT = "Helvetica"


def _font_name() -> str:
    """Liberation Serif (Vietnamese glyphs) when installed; Helvetica keeps tests running without."""
    try:
        return register_fonts()
    except FontNotFoundError:
        return _FALLBACK_FONT


def make_pdf(text: str = "Văn bản thử nghiệm — Bộ Y tế", pages: int = 1) -> bytes:
    """A small, reproducible PDF with ``text`` (and the page number) on each of ``pages`` pages.

    reportlab's ``invariant`` mode fixes the dates and document ID, so equal arguments give equal
    bytes, which keeps signature tests deterministic up to the signature itself.
    """
    if pages < 1:
        raise ValueError("pages must be at least 1")
    font = _font_name()
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    pdf.setTitle(nfc(text))
    _, height = A4
    for number in range(1, pages + 1):
        pdf.setFont(font, 14)
        pdf.drawString(72, height - 96, nfc(text))
        pdf.setFont(font, 10)
        pdf.drawString(72, 48, f"Trang {number}/{pages}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
