"""Blank application forms, as published beside a procedure for applicants to download, fill
in, sign and upload (Decree 118/2025/NĐ-CP)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from moh_core.documents import pagekit
from moh_core.fonts import FONT_BOLD, FONT_ITALIC, FONT_REGULAR, nfc, register_fonts

__all__ = ["render_blank_form"]


def render_blank_form(title: str, agency: str, lines: Sequence[str], *, note: str = "") -> bytes:
    """A blank application form for a procedure, as published beside it for applicants to
    download, fill in, sign and upload: national title and motto, the form's title, the agency
    addressed, one dotted line per item and the applicant's signature block."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    width, height = A4
    left, right = 30 * mm, width - 20 * mm
    y = height - 20 * mm

    def centred(text: str, font: str, size: float) -> None:
        nonlocal y
        canvas.setFont(font, size)
        canvas.drawCentredString(width / 2, y, nfc(text))
        y -= size * 1.5

    centred(pagekit.NATIONAL_TITLE, FONT_BOLD, 12)
    centred(pagekit.MOTTO, FONT_BOLD, 13)
    canvas.line(width / 2 - 30 * mm, y + 12, width / 2 + 30 * mm, y + 12)
    y -= 10 * mm
    centred(title.upper(), FONT_BOLD, 14)
    y -= 2 * mm
    centred(f"Kính gửi: {agency}", FONT_REGULAR, 13)
    y -= 6 * mm
    for label in lines:
        if y < 50 * mm:
            canvas.showPage()
            y = height - 25 * mm
        canvas.setFont(FONT_REGULAR, 13)
        text = nfc(f"{label}: ")
        canvas.drawString(left, y, text)
        start = left + canvas.stringWidth(text, FONT_REGULAR, 13)
        canvas.setDash(1, 2)
        canvas.line(start, y - 1, right, y - 1)
        canvas.setDash()
        y -= 10 * mm
    if note:
        canvas.setFont(FONT_ITALIC, 12)
        canvas.drawString(left, y, nfc(note))
        y -= 10 * mm
    canvas.setFont(FONT_BOLD, 13)
    canvas.drawCentredString(right - 40 * mm, y - 5 * mm, nfc("ĐẠI DIỆN TỔ CHỨC, DOANH NGHIỆP"))
    canvas.setFont(FONT_ITALIC, 12)
    canvas.drawCentredString(right - 40 * mm, y - 11 * mm, nfc("(Ký số, ghi rõ họ tên)"))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
