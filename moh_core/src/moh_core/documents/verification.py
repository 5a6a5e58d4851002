"""The public verification mark of an issued document: a short code and a QR code.

Anyone holding an issued document (on paper or as a file) can check it at the agency's public
verification page, ``<base URL>/verify/<code>``, without an account. The code is what makes that
page reachable, so it must not be guessable from the document's number or from other codes:

* :func:`new_verification_code` draws :data:`CODE_LENGTH` (12) characters with :mod:`secrets`
  from :data:`CODE_ALPHABET`, the 32 upper-case letters and digits that cannot be mistaken for one
  another when read off paper (no 0/O, 1/I): 60 bits, so that trying codes at the verification
  page's rate limit never finds one. The caller keeps it unique (a database constraint).
* :func:`normalise_verification_code` reads a code typed by a person: case, spaces and the
  dashes of the printed grouping (:func:`format_verification_code`, "7K3M-Q9XH-2TWP") do not
  matter; anything else is not a code.

The mark (:class:`VerificationMark`) is drawn by :func:`draw_verification_block` in the bottom
margin of the first page, left-aligned with the text: a QR code (reportlab's
:class:`~reportlab.graphics.barcode.qr.QrCodeWidget`, error correction level M) encoding the
verification URL, and beside it the code and the URL in small type. The block lies entirely in
the 20 mm bottom margin (:func:`verification_block_box`), which Decree 30/2020/NĐ-CP (Appendix I,
Part I, §II) leaves free of every component of the document's format: it never meets a box of the
layout, whatever the document's length. It is drawn when the final PDF is rendered, before the
first signature, because nothing may change a page once it is signed.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import secrets

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from moh_core.fonts import FONT_BOLD, FONT_REGULAR, register_fonts

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "VerificationBox",
    "VerificationMark",
    "draw_verification_block",
    "format_verification_code",
    "new_verification_code",
    "normalise_verification_code",
    "qr_module_rects",
    "qr_widget",
    "verification_block_box",
    "verification_url",
]

#: Digits and upper-case letters without the look-alikes 0/O and 1/I: 32 symbols, 5 bits each.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
#: Characters of a code: 12 x 5 = 60 bits.
CODE_LENGTH = 12

#: Side of the printed QR code, and the block's distance from the page's bottom edge.
_QR_SIDE = 15 * mm
_BOTTOM = 3 * mm
#: Decree 30's margins the block is aligned with and kept inside (Appendix I, Part I, §II).
_MARGIN_LEFT = 30 * mm
_MARGIN_RIGHT = 15 * mm
_MARGIN_BOTTOM = 20 * mm
_TEXT_GAP = 2.5 * mm
_LABEL_SIZE = 8
_URL_SIZE = 7

_SEPARATORS = re.compile(r"[\s\-]+")


def new_verification_code() -> str:
    """A fresh code of :data:`CODE_LENGTH` characters drawn with :mod:`secrets`."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_verification_code(text: str | None) -> str | None:
    """The code a person typed or scanned, in its stored form; None when it cannot be one."""
    code = _SEPARATORS.sub("", text or "").upper()
    if len(code) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in code):
        return None
    return code


def format_verification_code(code: str) -> str:
    """The code as printed, in groups of four for reading aloud: "7K3M-Q9XH-2TWP"."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def verification_url(base_url: str, code: str) -> str:
    """The public page of the document with ``code``: ``<base_url>/verify/<code>``."""
    return f"{base_url.rstrip('/')}/verify/{code}"


@dataclasses.dataclass(frozen=True)
class VerificationMark:
    """The code of an issued document and the base URL of the agency's public site."""

    code: str
    base_url: str

    def __post_init__(self) -> None:
        if normalise_verification_code(self.code) != self.code:
            raise ValueError(f"Not a verification code: {self.code!r}.")
        if not re.match(r"^https?://[^\s/]+", self.base_url):
            raise ValueError(f"The verification page needs an absolute http(s) base URL, got {self.base_url!r}.")

    @property
    def url(self) -> str:
        """What the QR code encodes."""
        return verification_url(self.base_url, self.code)


@dataclasses.dataclass(frozen=True)
class VerificationBox:
    """Where the mark was drawn: ``page`` is 0-based, ``box`` is (x1, y1, x2, y2) in PDF points
    from the bottom-left corner of the page."""

    page: int
    box: tuple[float, float, float, float]


def qr_widget(mark: VerificationMark) -> QrCodeWidget:
    """The QR code of ``mark`` (its ``value`` is the verification URL), :data:`_QR_SIDE` wide."""
    widget = QrCodeWidget(mark.url, barLevel="M", barBorder=0)
    widget.barWidth = _QR_SIDE
    widget.barHeight = _QR_SIDE
    return widget


def verification_block_box(page_size: tuple[float, float]) -> tuple[float, float, float, float]:
    """The block's rectangle (x1, y1, x2, y2) in PDF points from the page's bottom-left corner:
    from the left margin to the right margin, inside the bottom margin."""
    width, _height = page_size
    return (_MARGIN_LEFT, _BOTTOM, width - _MARGIN_RIGHT, _BOTTOM + _QR_SIDE)


def draw_verification_block(
    canvas: Canvas, mark: VerificationMark, page_size: tuple[float, float]
) -> tuple[float, float, float, float]:
    """Draw the QR code, the code and the URL in the bottom margin of the current page (of
    ``page_size``); returns the rectangle drawn on (:func:`verification_block_box`)."""
    register_fonts()
    x1, y1, x2, y2 = verification_block_box(page_size)
    canvas.saveState()
    _draw_modules(canvas, qr_widget(mark), x1, y1)
    text_x = x1 + _QR_SIDE + _TEXT_GAP
    canvas.setFont(FONT_REGULAR, _LABEL_SIZE)
    canvas.drawString(text_x, y2 - _LABEL_SIZE, "Mã xác thực văn bản:")
    label_width = canvas.stringWidth("Mã xác thực văn bản: ", FONT_REGULAR, _LABEL_SIZE)
    canvas.setFont(FONT_BOLD, _LABEL_SIZE)
    canvas.drawString(text_x + label_width, y2 - _LABEL_SIZE, format_verification_code(mark.code))
    canvas.setFont(FONT_REGULAR, _URL_SIZE)
    canvas.drawString(text_x, y2 - _LABEL_SIZE - 3.5 * mm, "Kiểm tra tính xác thực tại:")
    canvas.drawString(text_x, y2 - _LABEL_SIZE - 6.5 * mm, _fit(canvas, mark.url, x2 - text_x))
    canvas.restoreState()
    return (x1, y1, x2, y2)


def qr_module_rects(widget: QrCodeWidget) -> list[tuple[float, float, float, float]]:
    """The dark modules of the widget's own matrix as rectangles (x, y, width, height) from the
    code's bottom-left corner, each row's dark runs one rectangle: what the widget draws, without
    its shape tree (ten times faster)."""
    qr = widget.qr
    qr.make()
    count = qr.getModuleCount()
    side = float(widget.barWidth) / count
    rects = []
    for row_index, row in enumerate(qr.modules):
        column = 0
        for dark, run in itertools.groupby(bool(module) for module in row):
            length = len(list(run))
            if dark:
                rects.append((column * side, (count - row_index - 1) * side, length * side, side))
            column += length
    return rects


def _draw_modules(canvas: Canvas, widget: QrCodeWidget, x: float, y: float) -> None:
    path = canvas.beginPath()
    for rx, ry, width, height in qr_module_rects(widget):
        path.rect(x + rx, y + ry, width, height)
    canvas.drawPath(path, stroke=0, fill=1)


def _fit(canvas: Canvas, text: str, width: float) -> str:
    """``text`` shortened with an ellipsis in the middle to fit ``width`` (the QR code carries
    the whole URL; the printed one is for reading only)."""
    if canvas.stringWidth(text, FONT_REGULAR, _URL_SIZE) <= width:
        return text
    keep = len(text)
    while keep > 8:
        keep -= 2
        short = text[: keep // 2] + "…" + text[-keep // 2 :]
        if canvas.stringWidth(short, FONT_REGULAR, _URL_SIZE) <= width:
            return short
    return text[:8] + "…"
