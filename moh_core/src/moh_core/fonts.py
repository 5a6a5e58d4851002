"""Serif font with Vietnamese glyphs for the PDFs that ``moh_core`` renders.

Decree 30/2020/NĐ-CP, Appendix I, prescribes the Times New Roman typeface (Unicode, TCVN
6909:2001) for administrative documents and the registers kept with them. Times New Roman is not
freely redistributable, so the PDFs use Liberation Serif, which is metric-compatible with it
(same advance widths, so the same line breaks) and covers the Vietnamese precomposed letters.

On Debian/Ubuntu the font comes from the ``fonts-liberation2`` package (older systems:
``fonts-liberation``). The directories searched are, in order, those listed in the environment
variable ``MOH_FONT_DIR`` (``os.pathsep``-separated) when it is set, else :data:`DEFAULT_FONT_DIRS`.

The font is registered with reportlab as the family :data:`FONT_FAMILY` (``MohSerif``) with the
faces ``MohSerif``, ``MohSerif-Bold``, ``MohSerif-Italic`` and ``MohSerif-BoldItalic``, so
``<b>``/``<i>`` markup in platypus Paragraphs picks the right face. reportlab embeds a subset of
the TrueType font in every PDF that uses it.

Text handed to reportlab must be in Unicode Normalisation Form C (TCVN 6909:2001 uses precomposed
letters; decomposed input would be drawn as a base letter followed by loose combining marks):
pass every string through :func:`nfc`.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from moh_core.errors import MohError

__all__ = [
    "DEFAULT_FONT_DIRS",
    "FONT_ENV_VAR",
    "FONT_FAMILY",
    "FONT_REGULAR",
    "FONT_BOLD",
    "FONT_ITALIC",
    "FONT_BOLD_ITALIC",
    "FontNotFoundError",
    "find_font_dir",
    "font_search_dirs",
    "register_fonts",
    "nfc",
]

#: reportlab family name under which the serif faces are registered.
FONT_FAMILY = "MohSerif"
FONT_REGULAR = FONT_FAMILY
FONT_BOLD = f"{FONT_FAMILY}-Bold"
FONT_ITALIC = f"{FONT_FAMILY}-Italic"
FONT_BOLD_ITALIC = f"{FONT_FAMILY}-BoldItalic"

#: Environment variable overriding the font search directories (``os.pathsep``-separated).
FONT_ENV_VAR = "MOH_FONT_DIR"

#: Where Debian's ``fonts-liberation2`` and ``fonts-liberation`` packages install the font.
DEFAULT_FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
)

#: reportlab face name -> TrueType file name.
_FACE_FILES: dict[str, str] = {
    FONT_REGULAR: "LiberationSerif-Regular.ttf",
    FONT_BOLD: "LiberationSerif-Bold.ttf",
    FONT_ITALIC: "LiberationSerif-Italic.ttf",
    FONT_BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
}

_DEBIAN_PACKAGE = "fonts-liberation2"


class FontNotFoundError(MohError, RuntimeError):
    """The Liberation Serif TrueType files were not found in any search directory."""

    text = "the font of the documents is not installed on the server; ask the administrator"
    text_vi = "máy chủ chưa cài phông chữ của văn bản; hãy liên hệ quản trị hệ thống"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__("font_not_found", detail=detail)


def nfc(text: str) -> str:
    """Return ``text`` in Unicode Normalisation Form C (precomposed Vietnamese letters)."""
    return unicodedata.normalize("NFC", text)


def font_search_dirs() -> tuple[Path, ...]:
    """Directories searched for the font: ``$MOH_FONT_DIR`` if set, else the Debian defaults."""
    override = os.environ.get(FONT_ENV_VAR, "").strip()
    if override:
        return tuple(Path(part) for part in override.split(os.pathsep) if part.strip())
    return DEFAULT_FONT_DIRS


def find_font_dir(search_dirs: Iterable[str | os.PathLike[str]] | None = None) -> Path:
    """First directory holding all four Liberation Serif faces (faces are never mixed).

    ``search_dirs`` defaults to :func:`font_search_dirs`.

    :raises FontNotFoundError: naming the Debian package to install when none holds them.
    """
    dirs = font_search_dirs() if search_dirs is None else tuple(Path(d) for d in search_dirs)
    searched = []
    for directory in dirs:
        searched.append(str(directory))
        if all((directory / name).is_file() for name in _FACE_FILES.values()):
            return directory
    raise FontNotFoundError(
        "Liberation Serif (LiberationSerif-{Regular,Bold,Italic,BoldItalic}.ttf), the "
        "Times New Roman-compatible font used for Decree 30/2020/NĐ-CP documents, was not found "
        f"in: {', '.join(searched) or '(no directory)'}. Install the Debian package "
        f"'{_DEBIAN_PACKAGE}' (apt-get install {_DEBIAN_PACKAGE}) or point the environment "
        f"variable {FONT_ENV_VAR} at a directory containing the four files."
    )


def register_fonts(search_dirs: Iterable[str | os.PathLike[str]] | None = None) -> str:
    """Register the ``MohSerif`` family with reportlab and return its name.

    ``search_dirs`` overrides :func:`font_search_dirs`. Idempotent: once the family is
    registered (reportlab's font registry is process-wide), later calls return at once.

    :raises FontNotFoundError: when no search directory holds the four Liberation Serif faces.
    """
    registered = set(pdfmetrics.getRegisteredFontNames())
    if all(face in registered for face in _FACE_FILES):
        return FONT_FAMILY
    directory = find_font_dir(search_dirs)
    for face, file_name in _FACE_FILES.items():
        if face not in registered:
            pdfmetrics.registerFont(TTFont(face, str(directory / file_name)))
    pdfmetrics.registerFontFamily(
        FONT_FAMILY,
        normal=FONT_REGULAR,
        bold=FONT_BOLD,
        italic=FONT_ITALIC,
        boldItalic=FONT_BOLD_ITALIC,
    )
    return FONT_FAMILY
