"""Visible signature stamps (Decree 30/2020/NĐ-CP, Appendix I) and placeholder pictures.

The competent signer's stamp (:attr:`StampStyle.SIGNER`: name, position, time and optionally a
blue picture of the handwritten signature), the agency seal (:attr:`StampStyle.SEAL`: the red seal
picture, its field overlapping about a third of the signer's box on its left — the caller chooses
the boxes, see :func:`~moh_core.signatures.fields.prepare_fields`), and attachments signed with no
picture (:attr:`StampStyle.TEXT_ONLY`: number and symbol and the ISO 8601 signing time with
+07:00, 10 pt, top right). Text is NFC-normalised and drawn with an embedded OpenType font that
covers Vietnamese (see :mod:`moh_core.signatures.embedded_fonts`).

:func:`stamp_style` is internal to the package (signing and interrupted signing use it).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from enum import StrEnum
from io import BytesIO
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont
from pyhanko.pdf_utils import content as pdf_content
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.stamp.base import BaseStamp, BaseStampStyle

from moh_core.fonts import nfc
from moh_core.signatures.embedded_fonts import (
    SEAL_FONT_CANDIDATES,
    STAMP_FONT_CANDIDATES,
    find_font,
    stamp_font,
)
from moh_core.signatures.errors import SigningFailed, SigningProblem

__all__ = [
    "VIETNAM_TZ",
    "StampStyle",
    "VisibleStamp",
    "make_seal_image",
    "make_signature_image",
    "stamp_style",
]

#: Viet Nam has no daylight saving time: a fixed +07:00 offset needs no tz database.
VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")


class StampStyle(StrEnum):
    """Visible stamp kinds of Decree 30/2020/NĐ-CP, Appendix I."""

    SIGNER = "signer"
    """Competent signer: position, name, signing time and optionally the handwriting picture."""
    SEAL = "seal"
    """Agency signature: the red seal picture at the size of the field box."""
    TEXT_ONLY = "text_only"
    """Attachments/copies signed by the agency: number and symbol and ISO 8601 time, 10 pt."""


@dataclass(frozen=True)
class VisibleStamp:
    """What to draw in a visible signature field (invisible fields draw nothing).

    :param style: see :class:`StampStyle`.
    :param signer_name: SIGNER: the name shown; default the certificate's common name.
    :param position: SIGNER: authority and position, one line per ``\\n``
        (e.g. ``"KT. BỘ TRƯỞNG\\nTHỨ TRƯỞNG"``), drawn above the picture.
    :param image_png: SIGNER: the blue handwritten signature (optional); SEAL: the red seal
        (required). PNG with a transparent background.
    :param number_symbol: TEXT_ONLY (required): the document's number and symbol, e.g.
        ``"15/QĐ-BYT"``.
    :param font_path: OpenType/TrueType font with Vietnamese glyphs and 1000 units per em;
        default Noto Serif (see :mod:`moh_core.signatures.embedded_fonts` on Liberation Serif).
    :param font_size: largest size in points (text shrinks to fit the box); TEXT_ONLY uses it as
        is (10 pt prescribed).
    """

    style: StampStyle = StampStyle.SIGNER
    signer_name: str | None = None
    position: str | None = None
    image_png: bytes | None = field(default=None, repr=False)
    number_symbol: str | None = None
    font_path: str | None = None
    font_size: float = 10.0

    def __post_init__(self) -> None:
        style = StampStyle(self.style)
        object.__setattr__(self, "style", style)
        if style is StampStyle.SEAL and not self.image_png:
            raise SigningFailed(SigningProblem.INVALID_STAMP, "A seal stamp needs the seal picture.")
        if style is StampStyle.TEXT_ONLY and not (self.number_symbol or "").strip():
            raise SigningFailed(SigningProblem.INVALID_STAMP, "A text-only stamp needs the number and symbol.")
        if not 2 <= self.font_size <= 72:
            raise SigningFailed(SigningProblem.INVALID_STAMP, "font_size must be 2-72 points.")


@functools.lru_cache(maxsize=16)
def _decode_image(data: bytes) -> Image.Image:
    """Decoded, RGBA, at most 800 px on its longer side (bounds the per-document encoding)."""
    try:
        image = Image.open(BytesIO(data))
        image.load()
    except Exception as exc:
        raise SigningFailed(SigningProblem.INVALID_STAMP, f"The stamp picture is not a readable image: {exc}") from exc
    image = image.convert("RGBA")
    longest = max(image.size)
    if longest > 800:
        scale = 800 / longest
        image = image.resize(
            (max(1, round(image.width * scale)), max(1, round(image.height * scale))),
            Image.Resampling.LANCZOS,
        )
    return image


def _display_time(moment: datetime) -> str:
    return moment.astimezone(VIETNAM_TZ).strftime("%d/%m/%Y %H:%M:%S +07:00")


def _iso_time(moment: datetime) -> str:
    return moment.astimezone(VIETNAM_TZ).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class _StampStyle(BaseStampStyle):
    """A pyHanko stamp style drawing :class:`VisibleStamp` content (internal)."""

    border_width: int = 0
    spec: VisibleStamp | None = None
    top_lines: tuple[str, ...] = ()
    bottom_lines: tuple[str, ...] = ()
    font_file: str | None = None
    """None: the first of :data:`STAMP_FONT_CANDIDATES`, looked up only when text is drawn."""

    def create_stamp(self, writer: Any, box: BoxConstraints, text_params: dict[str, Any]) -> _Stamp:
        return _Stamp(writer=writer, style=self, box=box)


class _Stamp(BaseStamp):
    _LEADING = 1.25
    _MARGIN = 2.0

    def __init__(self, writer: Any, style: _StampStyle, box: BoxConstraints) -> None:
        super().__init__(writer=writer, style=style, box=box)
        self._engine: GlyphAccumulator | None = None

    def _font(self) -> GlyphAccumulator:
        if self._engine is None:
            style: _StampStyle = self.style
            writer = self.writer
            if writer is None:  # not reached: create_stamp gives every stamp its writer
                raise ValueError("a stamp needs the document's writer")
            obj_stream = writer.prepare_object_stream() if writer.stream_xrefs else None
            font_file = style.font_file or str(find_font(STAMP_FONT_CANDIDATES))
            self._engine = GlyphAccumulator(
                writer=writer,
                font_handle=BytesIO(stamp_font(font_file)),
                font_size=10,
                obj_stream=obj_stream,
            )
            self.set_resource(
                category=pdf_content.ResourceType.FONT,
                name=generic.pdf_name("/F1"),
                value=self._engine.as_resource(),
            )
        return self._engine

    def _text(
        self,
        lines: Sequence[str],
        x: float,
        y: float,
        width: float,
        height: float,
        *,
        size: float,
        align: str,
        valign: str,
        exact: bool = False,
    ) -> tuple[bytes, float]:
        """Draw ``lines`` in the rectangle; returns the operators and the block height."""
        lines = [line for line in lines if line is not None]
        if not lines:
            return b"", 0.0
        engine = self._font()
        widths = [engine.shape(line, with_actual_text=False).x_advance for line in lines]
        widest = max(widths) or 1.0
        font_size = size
        if widest * font_size > width:
            font_size = width / widest
        if not exact and len(lines) * font_size * self._LEADING > height:
            font_size = height / (len(lines) * self._LEADING)
        font_size = max(font_size, 3.0)
        engine.font_size = font_size  # type: ignore[assignment]  # pyHanko annotates an int; any size works
        line_height = font_size * self._LEADING
        block = len(lines) * line_height
        if valign == "top":
            top = y + height
        elif valign == "bottom":
            top = y + block
        else:
            top = y + (height + block) / 2
        ops = [b"BT", b"/F1 %g Tf" % font_size, b"0 0 0 rg"]
        for index, (line, em_width) in enumerate(zip(lines, widths, strict=True)):
            line_width = em_width * font_size
            if align == "right":
                left = x + width - line_width
            elif align == "left":
                left = x
            else:
                left = x + (width - line_width) / 2
            baseline = top - index * line_height - font_size * 0.95
            shaped = engine.shape(line).graphics_ops
            ops.append(b"1 0 0 1 %g %g Tm %s" % (left, baseline, shaped))
        ops.append(b"ET")
        return b" ".join(ops), block

    def _image(self, data: bytes, x: float, y: float, width: float, height: float) -> bytes:
        image = _decode_image(data)
        if width <= 0 or height <= 0:
            return b""
        scale = min(width / image.width, height / image.height)
        img_w, img_h = image.width * scale, image.height * scale
        pdf_image = PdfImage(
            image,
            writer=self.writer,
            resources=self.resources,
            box=BoxConstraints(width=img_w, height=img_h),
        )
        left, bottom = x + (width - img_w) / 2, y + (height - img_h) / 2
        return b"q 1 0 0 1 %g %g cm %s Q" % (left, bottom, pdf_image.render())

    def _render_inner_content(self) -> list[bytes]:
        style: _StampStyle = self.style
        spec = style.spec
        assert spec is not None
        m = self._MARGIN
        width, height = self.box.width - 2 * m, self.box.height - 2 * m
        commands: list[bytes] = [b"q"]
        if spec.style is StampStyle.SEAL:
            assert spec.image_png is not None
            commands.append(self._image(spec.image_png, m, m, width, height))
        elif spec.style is StampStyle.TEXT_ONLY:
            text, _ = self._text(
                style.top_lines,
                m,
                m,
                width,
                height,
                size=spec.font_size,
                align="right",
                valign="top",
                exact=True,
            )
            commands.append(text)
        else:
            top, bottom = list(style.top_lines), list(style.bottom_lines)
            if spec.image_png:
                # text blocks take at most 45 % of the height; the picture gets the rest
                share = len(top) + len(bottom)
                line_budget = 0.45 * height / max(share, 1) / self._LEADING
                size = min(spec.font_size, line_budget)
                top_ops, top_h = self._text(top, m, m, width, height, size=size, align="center", valign="top")
                bottom_ops, bottom_h = self._text(
                    bottom, m, m, width, height, size=size, align="center", valign="bottom"
                )
                commands.append(self._image(spec.image_png, m, m + bottom_h, width, height - top_h - bottom_h))
                commands += [top_ops, bottom_ops]
            else:
                text, _ = self._text(
                    [*top, *bottom],
                    m,
                    m,
                    width,
                    height,
                    size=spec.font_size,
                    align="center",
                    valign="middle",
                )
                commands.append(text)
        commands.append(b"Q")
        return [command for command in commands if command]


def stamp_style(stamp: VisibleStamp | None, signer_name: str | None, signing_time: datetime) -> _StampStyle:
    """The pyHanko style for a signature; None stamp = a plain signer stamp (visible fields)."""
    spec = stamp or VisibleStamp(StampStyle.SIGNER)
    if spec.style is StampStyle.TEXT_ONLY:
        top: tuple[str, ...] = (nfc(spec.number_symbol or "").strip(), _iso_time(signing_time))
        bottom: tuple[str, ...] = ()
    elif spec.style is StampStyle.SEAL:
        top, bottom = (), ()
    else:
        top = tuple(nfc(line).strip() for line in (spec.position or "").split("\n") if line.strip())
        name = nfc(spec.signer_name or signer_name or "").strip()
        bottom = tuple(line for line in (name, f"Ký ngày: {_display_time(signing_time)}") if line)
    return _StampStyle(spec=spec, top_lines=top, bottom_lines=bottom, font_file=spec.font_path)


def make_seal_image(agency_name: str, *, size: int = 600, color: tuple[int, int, int] = (210, 24, 32)) -> bytes:
    """A placeholder red round seal (PNG, transparent background) for demos and tests.

    Not a real seal: the centre reads "MẪU" (specimen). The agency name runs around the ring.
    """
    if size < 120:
        raise ValueError("size must be at least 120 pixels")
    ink = (*color, 235)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    centre = size / 2
    outer = size * 0.47
    inner = size * 0.33
    draw.ellipse(
        [centre - outer, centre - outer, centre + outer, centre + outer],
        outline=ink,
        width=max(3, size // 40),
    )
    draw.ellipse(
        [centre - inner, centre - inner, centre + inner, centre + inner],
        outline=ink,
        width=max(2, size // 90),
    )
    font_path = str(find_font(SEAL_FONT_CANDIDATES))
    text = nfc(agency_name).upper().strip() or "CƠ QUAN"
    ring_radius = (outer + inner) / 2
    font_size = int(size * 0.075)
    font = ImageFont.truetype(font_path, font_size)
    widths = [font.getlength(char) for char in text]
    total = sum(widths) * 1.08
    # shrink until the text fits in 300 degrees of the ring
    while total / ring_radius > math.radians(300) and font_size > 8:
        font_size -= 1
        font = ImageFont.truetype(font_path, font_size)
        widths = [font.getlength(char) for char in text]
        total = sum(widths) * 1.08
    angle = -total / ring_radius / 2  # radians, 0 = top, clockwise
    for char, char_width in zip(text, widths, strict=True):
        step = char_width * 1.08 / ring_radius
        mid = angle + step / 2
        glyph = Image.new("RGBA", (font_size * 2, font_size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((font_size, font_size), char, font=font, fill=ink, anchor="mm")
        rotated = glyph.rotate(-math.degrees(mid), resample=Image.Resampling.BICUBIC)
        gx = centre + ring_radius * math.sin(mid) - rotated.width / 2
        gy = centre - ring_radius * math.cos(mid) - rotated.height / 2
        image.alpha_composite(rotated, (round(gx), round(gy)))
        angle += step
    # five-pointed star and the specimen mark in the centre
    star_r, star_inner = size * 0.12, size * 0.048
    points = []
    for k in range(10):
        radius = star_r if k % 2 == 0 else star_inner
        theta = math.pi / 5 * k
        points.append((centre + radius * math.sin(theta), centre - size * 0.04 - radius * math.cos(theta)))
    draw.polygon(points, fill=ink)
    mark_font = ImageFont.truetype(font_path, int(size * 0.07))
    draw.text((centre, centre + size * 0.16), "MẪU", font=mark_font, fill=ink, anchor="mm")
    output = BytesIO()
    image.save(output, format="PNG", optimize=False)
    return output.getvalue()


def make_signature_image(name: str, *, width: int = 480, height: int = 200) -> bytes:
    """A placeholder blue 'handwritten' signature (PNG, transparent) for demos and tests."""
    ink = (20, 40, 160, 255)
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [
        (
            width * (0.08 + 0.84 * t / 60),
            height * (0.55 - 0.25 * math.sin(t / 3.0) * math.exp(-t / 90)),
        )
        for t in range(61)
    ]
    draw.line(points, fill=ink, width=max(3, height // 45), joint="curve")
    last = nfc(name).split()[-1] if name.split() else "Ký"
    try:
        italic = Path("/usr/share/fonts/truetype/noto/NotoSerif-Italic.ttf")
        font_path = italic if italic.is_file() else find_font(STAMP_FONT_CANDIDATES)
        font = ImageFont.truetype(str(font_path), int(height * 0.3))
        draw.text((width * 0.5, height * 0.78), last, font=font, fill=ink, anchor="mm")
    except SigningFailed:
        pass
    output = BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()
