"""The places a rendered document leaves for electronic issuing (Decree 30/2020/NĐ-CP).

The competent person signs first; then the records office gives the document its register
number and issue date and applies the agency's signature. The signing code
(:mod:`moh_core.signatures.signing`) needs to know where these go on the page:

* :class:`SignatureSpace` draws the blank between the signer's position and name and records,
  where it is actually drawn (on a later page when a long body pushes the signature there), the
  signer's box (7c), centred in the space, and the seal's box (8), overlapping a third of it on
  its left side (Appendix I: the agency's seal picture "overlapping about one third of the
  signer's picture on its left side"), as :class:`SignatureBox`.
* :class:`FillLine` draws a line with a blank a value is filled in later ("Số: ____/QĐ-BYT",
  "Hà Nội, ____") and records the blank as a :class:`TextBox`.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getAscentDescent, getFont, stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus.flowables import Flowable

from moh_core.documents.pagekit import LINE_SPACING, SIGNATURE_SPACE_MM
from moh_core.fonts import FONT_BOLD_ITALIC, FONT_ITALIC, nfc

__all__ = [
    "SEAL_BOX_SIZE_MM",
    "SIGNER_BOX_SIZE_MM",
    "FillLine",
    "SignatureBox",
    "SignatureSpace",
    "TextBox",
]

#: Width and height of the signer's signature box (7c), in mm.
SIGNER_BOX_SIZE_MM: tuple[float, float] = (60.0, 36.0)
#: Side of the (square) box for the agency's seal (8), in mm.
SEAL_BOX_SIZE_MM = 36.0


@dataclasses.dataclass(frozen=True)
class SignatureBox:
    """Where a signature picture goes: ``page`` is 0-based, ``box`` is (x1, y1, x2, y2) in PDF
    points from the bottom-left corner of the page. ``name`` is "signer" (box 7c) or "seal"
    (box 8)."""

    name: Literal["signer", "seal"]
    page: int
    box: tuple[float, float, float, float]


@dataclasses.dataclass(frozen=True)
class TextBox:
    """Where a value filled in after signing goes on a draft (electronic issuing).

    ``name`` is "number" (box 3: the register number, e.g. "05", between "Số: " and "/QĐ-BYT")
    or "date" (box 4: the date part, e.g. "ngày 20 tháng 11 năm 2026", after "Hà Nội, ").
    ``page`` is 0-based, ``box`` is (x1, y1, x2, y2) in PDF points from the bottom-left corner of
    the page, ``font_size`` the size the text around it is set in, ``italic`` whether it is (the
    date is), ``align`` how the value sits in the box ("right" for the number, against the
    slash; "left" for the date, after the place). The box is as wide as the widest value and as
    tall as the line; the surrounding text's capitals are centred in it.
    """

    name: Literal["number", "date"]
    page: int
    box: tuple[float, float, float, float]
    font_size: float
    italic: bool = False
    align: Literal["left", "center", "right"] = "left"


class SignatureSpace(Flowable):
    """The blank between the position and the signer's name (boxes 7c and 8).

    When drawn it records, in absolute page coordinates, the signer's box (centred in the
    space) and the seal's box (overlapping the left third of the signer's box), and the page.
    """

    def __init__(self, sink: list[SignatureBox]):
        super().__init__()
        self.sink = sink
        self.height = SIGNATURE_SPACE_MM * mm
        self.width = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        return availWidth, self.height

    def draw(self) -> None:
        canv = self.canv
        page = canv.getPageNumber() - 1
        sign_w, sign_h = (v * mm for v in SIGNER_BOX_SIZE_MM)
        seal = SEAL_BOX_SIZE_MM * mm
        sx1 = (self.width - sign_w) / 2
        sy1 = (self.height - sign_h) / 2
        seal_x2 = sx1 + sign_w / 3
        seal_y1 = (self.height - seal) / 2
        self.sink[:] = [
            SignatureBox("signer", page, _absolute(canv, sx1, sy1, sx1 + sign_w, sy1 + sign_h)),
            SignatureBox("seal", page, _absolute(canv, seal_x2 - seal, seal_y1, seal_x2, seal_y1 + seal)),
        ]


class FillLine(Flowable):
    """A centred line with a blank a value is filled in later: ``prefix``, blank, ``suffix``.

    Drawn as the one-line Paragraph of the same style would draw the whole line (same height
    and baseline). When drawn it records the blank as a :class:`TextBox`: as wide as
    ``blank_width``, as tall as the line (font size x line spacing), placed so that the text's
    capitals are centred in it. A line too wide for the column puts the blank and the suffix
    on a second line.
    """

    def __init__(
        self,
        name: Literal["number", "date"],
        prefix: str,
        suffix: str,
        *,
        font: str,
        size: float,
        blank_width: float,
        align: Literal["left", "center", "right"],
        sink: list[TextBox],
    ):
        super().__init__()
        self.name = name
        self.prefix = nfc(prefix)
        self.suffix = nfc(suffix)
        self.font = font
        self.size = size
        self.blank_width = blank_width
        self.align = align
        self.sink = sink
        self.leading = size * LINE_SPACING
        self.width = 0.0
        self.height = self.leading

    def _widths(self) -> tuple[float, float]:
        return (
            stringWidth(self.prefix, self.font, self.size),
            stringWidth(self.suffix, self.font, self.size),
        )

    def _split(self) -> bool:
        prefix_w, suffix_w = self._widths()
        return prefix_w + self.blank_width + suffix_w > self.width + 0.01

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        self.height = self.leading * (2 if self._split() else 1)
        return availWidth, self.height

    def draw(self) -> None:
        canv = self.canv
        prefix_w, suffix_w = self._widths()
        # where a Paragraph puts its first baseline (reportlab.platypus.paragraph.drawPara)
        if rl_config.paraFontSizeHeightOffset:
            first_baseline = self.height - self.size
        else:
            first_baseline = self.height - getAscentDescent(self.font, self.size)[0]
        if self._split():
            prefix_x = (self.width - prefix_w) / 2
            blank_x = (self.width - self.blank_width - suffix_w) / 2
            blank_baseline = first_baseline - self.leading
        else:
            prefix_x = (self.width - prefix_w - self.blank_width - suffix_w) / 2
            blank_x = prefix_x + prefix_w
            blank_baseline = first_baseline
        canv.saveState()
        canv.setFillColor(colors.black)
        canv.setFont(self.font, self.size)
        if self.prefix:
            canv.drawString(prefix_x, first_baseline, self.prefix)
        if self.suffix:
            canv.drawString(blank_x + self.blank_width, blank_baseline, self.suffix)
        canv.restoreState()
        cap_height = getFont(self.font).face.capHeight * self.size / 1000
        bottom = blank_baseline - (self.leading - cap_height) / 2
        self.sink.append(
            TextBox(
                self.name,
                canv.getPageNumber() - 1,
                _absolute(canv, blank_x, bottom, blank_x + self.blank_width, bottom + self.leading),
                self.size,
                italic=self.font in (FONT_ITALIC, FONT_BOLD_ITALIC),
                align=self.align,
            )
        )


def _absolute(canv: Canvas, x1: float, y1: float, x2: float, y2: float) -> tuple[float, float, float, float]:
    """The rectangle (x1, y1)-(x2, y2) of the current drawing, in the page's coordinates."""
    ax1, ay1 = canv.absolutePosition(x1, y1)
    ax2, ay2 = canv.absolutePosition(x2, y2)
    return (
        round(min(ax1, ax2), 2),
        round(min(ay1, ay2), 2),
        round(max(ax1, ax2), 2),
        round(max(ay1, ay2), 2),
    )
