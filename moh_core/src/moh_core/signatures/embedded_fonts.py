"""The fonts embedded in signature stamps and in the number and date text fields.

pyHanko's default font has no Vietnamese glyphs: stamps are drawn with an OpenType font that
covers Vietnamese (Noto Serif from ``fonts-noto-core``). The Times New Roman look-alike Liberation
Serif cannot be used as is: pyHanko 0.38 mis-scales the widths of fonts whose ``unitsPerEm`` is
not 1000 (Liberation has 2048), so the text fields use it cut and rescaled to 1000 units per em
(:func:`em1000_font`).

Internal to the package (the fields and stamps modules use it).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

from fontTools import subset as font_subset
from fontTools.ttLib import TTFont, TTLibError
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from moh_core.fonts import FontNotFoundError, find_font_dir, nfc
from moh_core.signatures.errors import SigningFailed, SigningProblem

# fontTools' subsetter logs every glyph list it keeps at INFO, and pyHanko subsets the stamp's
# font for every signed document: thousands of lines per batch in a server's log.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

__all__ = [
    "DR_REPERTOIRE",
    "FIELD_FONT_NAMES",
    "SEAL_FONT_CANDIDATES",
    "STAMP_FONT_CANDIDATES",
    "em1000_font",
    "field_engine",
    "field_font_file",
    "find_font",
    "font_bytes",
    "stamp_font",
]

#: Fonts with Vietnamese coverage for stamps, first found wins (fonts-noto-core, fonts-liberation2).
#: Only fonts with 1000 units per em (see :func:`font_bytes`), hence no Liberation Serif.
STAMP_FONT_CANDIDATES: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"),
    Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"),
)
SEAL_FONT_CANDIDATES: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),
    Path("/usr/share/fonts/truetype/noto/NotoSerif-Bold.ttf"),
    Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf"),
    *STAMP_FONT_CANDIDATES,
    Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"),
)

#: /DR resource names of the two faces.
FIELD_FONT_NAMES = {False: "/MohSerif", True: "/MohSerif-Italic"}
_NOTO_SERIF = {
    False: Path("/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"),
    True: Path("/usr/share/fonts/truetype/noto/NotoSerif-Italic.ttf"),
}
_LIBERATION_SERIF = {False: "LiberationSerif-Regular.ttf", True: "LiberationSerif-Italic.ttf"}
#: What the fonts keep: ASCII, Latin-1, Latin Extended-A/B (Đ, Ă, Ơ, Ư, ...), combining marks,
#: the Vietnamese letters with two marks (Latin Extended Additional), punctuation and the đồng.
_FIELD_FONT_UNICODES: tuple[int, ...] = (
    *range(0x20, 0x7F),
    *range(0xA0, 0x250),
    *range(0x300, 0x370),
    *range(0x1E00, 0x1F00),
    *range(0x2010, 0x2030),
    0x20AB,
)
_VIETNAMESE_LETTERS = "".join(
    nfc(base + mark)
    for base in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
    for mark in ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
)
#: What the /DR fonts cover: enough for a viewer to show any Vietnamese number or date.
DR_REPERTOIRE = "".join(chr(c) for c in range(0x20, 0x7F)) + "đĐ" + _VIETNAMESE_LETTERS
#: Shaping like reportlab draws the page text: no kerning, no ligatures.
_FIELD_FEATURES = {"kern": False, "liga": False}


def field_font_file(italic: bool) -> Path:
    """The document's face (Liberation Serif) if installed, else Noto Serif."""
    candidates: list[Path] = []
    try:
        candidates.append(find_font_dir() / _LIBERATION_SERIF[italic])
    except FontNotFoundError:
        pass
    candidates.append(_NOTO_SERIF[italic])
    return find_font(candidates)


@functools.lru_cache(maxsize=8)
def em1000_font(path: str) -> tuple[bytes, float]:
    """The font at ``path`` cut to Latin and Vietnamese, at 1000 units per em, and its cap
    height in em.

    pyHanko 0.38 writes glyph widths in font units (see :func:`font_bytes`), right only for
    1000 units per em; Liberation Serif has 2048, so it is rescaled with fontTools (outlines,
    metrics, kerning) and its hinting, meaningless after rescaling, dropped. Cut first to the
    few hundred glyphs Vietnamese text needs, which also makes the rescaling quick.
    """
    try:
        font = TTFont(path)
        options = font_subset.Options()
        options.hinting = False
        options.notdef_outline = True
        options.name_IDs = ["*"]
        options.drop_tables += ["FFTM"]
        subsetter = font_subset.Subsetter(options=options)
        subsetter.populate(unicodes=_FIELD_FONT_UNICODES)
        subsetter.subset(font)
        if font["head"].unitsPerEm != 1000:
            scale_upem(font, 1000)
        output = BytesIO()
        font.save(output)
        cap_height = getattr(font["OS/2"], "sCapHeight", 0) or 700
    except (OSError, KeyError, TTLibError) as exc:
        raise SigningFailed(SigningProblem.FONT_NOT_FOUND, f"The field font {path} cannot be read: {exc}") from exc
    return output.getvalue(), cap_height / 1000


@functools.lru_cache(maxsize=8)
def stamp_font(path: str) -> bytes:
    """The stamp font at ``path`` cut once per process to what stamps draw: the Vietnamese
    repertoire of the text fields, without hinting nor the OpenType layout tables.

    pyHanko embeds a subset of the stamp's font in every signed document, and cutting that subset
    from a whole Noto Serif (its GSUB/GPOS tables parsed again each time) was most of a bulk
    signature's time (~0.3 s of ~0.4 s). Cut here once, each document's subset is taken from a
    font of a few hundred glyphs. Stamp text is NFC-normalised: Vietnamese letters are
    precomposed glyphs and need no layout table to be drawn.
    """
    data = font_bytes(path)  # refuses a font whose units per em pyHanko would mis-scale
    try:
        font = TTFont(BytesIO(data))
        options = font_subset.Options()
        options.hinting = False
        options.notdef_outline = True
        options.name_IDs = ["*"]
        options.layout_features = []
        options.drop_tables += ["FFTM", "GSUB", "GPOS", "GDEF"]
        subsetter = font_subset.Subsetter(options=options)
        subsetter.populate(unicodes=_FIELD_FONT_UNICODES)
        subsetter.subset(font)
        output = BytesIO()
        font.save(output)
    except (KeyError, TTLibError) as exc:  # pragma: no cover - font_bytes read it already
        raise SigningFailed(SigningProblem.FONT_NOT_FOUND, f"The stamp font {path} cannot be cut: {exc}") from exc
    return output.getvalue()


def field_engine(writer: IncrementalPdfFileWriter, italic: bool, size: float) -> GlyphAccumulator:
    data, _ = em1000_font(str(field_font_file(italic)))
    return GlyphAccumulator(
        writer=writer,
        font_handle=BytesIO(data),
        font_size=size,
        features=_FIELD_FEATURES,
        obj_stream=writer.prepare_object_stream() if writer.stream_xrefs else None,
    )


def find_font(candidates: Sequence[Path]) -> Path:
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise SigningFailed(
        SigningProblem.FONT_NOT_FOUND,
        "No font with Vietnamese glyphs found (looked for "
        + ", ".join(str(c) for c in candidates)
        + "); install the Debian package fonts-noto-core.",
    )


@functools.lru_cache(maxsize=8)
def font_bytes(path: str) -> bytes:
    """The font file, read once; refuses fonts pyHanko 0.38 would draw with wrong spacing.

    pyHanko 0.38 writes the CID font's /W widths in font units without scaling them to 1/1000
    em, so a font with ``unitsPerEm`` other than 1000 (Liberation Serif has 2048) is drawn with
    letters spread apart. Noto Serif/Sans use 1000.
    """
    try:
        data = Path(path).read_bytes()
        units_per_em = TTFont(BytesIO(data), lazy=True)["head"].unitsPerEm
    except (OSError, KeyError, TTLibError) as exc:
        raise SigningFailed(SigningProblem.FONT_NOT_FOUND, f"The stamp font {path} cannot be read: {exc}") from exc
    if units_per_em != 1000:
        raise SigningFailed(
            SigningProblem.INVALID_STAMP,
            f"The stamp font {path} has {units_per_em} units per em; pyHanko's embedding needs "
            "1000 (use Noto Serif or Noto Sans from fonts-noto-core).",
        )
    return data
