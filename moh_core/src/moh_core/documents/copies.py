"""Copies of administrative documents: sao y, trích sao, sao lục (Decree 30/2020/NĐ-CP, Art. 25-27).

- Forms (Art. 25): *sao y* copies the whole content and format; *trích sao* recreates the format
  with part of the content; *sao lục* copies a *sao y* (Art. 25.1.c). Copies made as the decree
  requires have the legal value of the original (Art. 26).
- Numbering (Appendix III): the copy forms are abbreviated SY, TrS and SL, and all copies of an
  agency take their numbers from ONE series per year whatever their form, e.g. ``Số: 05/SY-BYT``
  then ``Số: 06/TrS-BYT``.
- The copy block (Appendix I, Part III): after the copied content, under a full-width rule, the
  form of copy ("SAO Y", "TRÍCH SAO", "SAO LỤC"), the copying agency, the copy's number and
  symbol, place and date, the competent person's position, signature and name, the seal, and the
  recipients (Nơi nhận). It is laid out as a document's header and closing: agency and number on
  the left, the form of copy and place/date on the right; recipients left, signer right.

:func:`render_copy` renders the copy's own page(s): for a *trích sao* the copied extract first,
then the block; a *sao y* or *sao lục* page is the block alone, appended after the copied pages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer
from reportlab.platypus.flowables import Flowable

from moh_core.documents.pagekit import (
    CLOSING_LEFT,
    CLOSING_RIGHT,
    TEXT_WIDTH,
    Signer,
    agency_lines,
    format_document_number,
    header_table,
    page_styles,
    page_template,
    paragraph_style,
    place_date_line,
    plain_table,
    recipients_block,
    signature_block,
    text_markup,
)
from moh_core.fonts import FONT_BOLD, FONT_BOLD_ITALIC, nfc

__all__ = ["COPY_FORMS", "CopyBlock", "CopyForm", "format_copy_number", "render_copy"]


@dataclasses.dataclass(frozen=True)
class CopyForm:
    """A form of copy: its heading in the copy block and its abbreviation (Appendix III)."""

    key: str
    heading: str
    abbreviation: str


#: The three forms of copy, by key (Decree 30/2020/NĐ-CP, Art. 25; Appendix III).
COPY_FORMS: dict[str, CopyForm] = {
    form.key: form
    for form in (
        CopyForm("sao_y", "SAO Y", "SY"),
        CopyForm("trich_sao", "TRÍCH SAO", "TrS"),
        CopyForm("sao_luc", "SAO LỤC", "SL"),
    )
}


def format_copy_number(number: int, form: str, agency_abbreviation: str) -> str:
    """The copy's number and symbol, "05/SY-BYT": the number of the agency's one copy series of
    the year, the form's abbreviation, the agency's abbreviation."""
    if form not in COPY_FORMS:
        raise ValueError(f"Unknown form of copy {form!r}; expected one of {', '.join(COPY_FORMS)}.")
    if not agency_abbreviation.strip():
        raise ValueError("The copying agency needs its abbreviation for the copy's symbol.")
    return nfc(f"{format_document_number(number)}/{COPY_FORMS[form].abbreviation}-{agency_abbreviation.strip()}")


@dataclasses.dataclass(frozen=True, kw_only=True)
class CopyBlock:
    """What the copy block says (Appendix I, Part III): ``form`` (a :data:`COPY_FORMS` key),
    the copying ``agency`` under its ``parent_agency``, ``number_symbol`` ("05/SY-BYT"),
    ``place`` and ``date``, the ``signer`` (authority, position, name), ``recipients``."""

    form: str
    agency: str
    parent_agency: str = ""
    number_symbol: str
    place: str
    date: dt.date
    signer: Signer
    recipients: Sequence[str] = ()

    def __post_init__(self) -> None:
        if self.form not in COPY_FORMS:
            raise ValueError(f"Unknown form of copy {self.form!r}; expected one of {', '.join(COPY_FORMS)}.")
        if not self.agency.strip() or not self.number_symbol.strip() or not self.place.strip():
            raise ValueError("A copy names the copying agency, its number and symbol, and the place.")
        object.__setattr__(self, "recipients", tuple(self.recipients))


_SIGNATURE_SPACE = 30 * mm


def _styles() -> dict[str, ParagraphStyle]:
    """The page kit's styles and the copy block's own: the form of copy, the recipients (line
    spacing 1.2) and the extract's body."""
    return {
        **page_styles(),
        "form": paragraph_style("copy_form", 14, FONT_BOLD),
        "recipients_head": paragraph_style("copy_to_head", 12, FONT_BOLD_ITALIC, alignment=TA_LEFT),
        "recipients": paragraph_style("copy_to", 11, alignment=TA_LEFT),
        "body": paragraph_style("copy_body", 14, alignment=TA_JUSTIFY, firstLineIndent=10 * mm, spaceAfter=6),
    }


def _block(block: CopyBlock, st: dict[str, ParagraphStyle]) -> Flowable:
    header = header_table(
        agency_lines([block.parent_agency], block.agency, st, rule=False),
        [Paragraph(escape(COPY_FORMS[block.form].heading), st["form"])],
        [Paragraph(text_markup(f"Số: {block.number_symbol}"), st["number"])],
        [place_date_line(block.place, block.date, st)],
    )
    lines = [line.strip() for line in block.recipients if line.strip()]
    ends = [";"] * (len(lines) - 1) + ["./."]
    # The copy block keeps its "Nơi nhận:" heading when no recipient is listed.
    recipients = recipients_block([f"- {line.rstrip(';.')}{end}" for line, end in zip(lines, ends)], st) or [
        Paragraph("Nơi nhận:", st["recipients_head"])
    ]
    signature = signature_block(block.signer, st["sign"], _SIGNATURE_SPACE)
    closing = plain_table([[recipients, signature]], (CLOSING_LEFT, CLOSING_RIGHT))
    # The full-width rule that separates the copied content from the copy block.
    rule = plain_table([[Spacer(0, 0)]], (TEXT_WIDTH,), [("LINEABOVE", (0, 0), (-1, -1), 0.8, colors.black)])
    return KeepTogether([Spacer(0, 4 * mm), rule, Spacer(0, 3 * mm), header, Spacer(0, 6 * mm), closing])


def render_copy(block: CopyBlock, extract: str | None = None) -> bytes:
    """The copy's own page(s) as PDF (A4, Decree 30's margins and fonts): ``extract``, the part
    of the document a *trích sao* recreates (paragraphs separated by blank lines), then the copy
    block under its rule. A *trích sao* without an extract, or an extract on another form, is
    refused. Deterministic for a given input.

    :raises ValueError: the extract does not fit the form.
    :raises moh_core.fonts.FontNotFoundError: when Liberation Serif is not installed.
    """
    if (block.form == "trich_sao") != bool(extract and extract.strip()):
        raise ValueError(
            "A trích sao carries the copied extract; a sao y or sao lục carries none "
            "(its copied pages come before the block)."
        )
    st = _styles()
    story: list[Flowable] = []
    if extract:
        for paragraph in nfc(extract).split("\n\n"):
            if paragraph.strip():
                story.append(Paragraph(text_markup(paragraph), st["body"]))
    story.append(_block(block, st))
    buffer = io.BytesIO()
    page_template(
        buffer,
        title=nfc(f"{COPY_FORMS[block.form].heading} {block.number_symbol}"),
        author=nfc(block.agency),
        font_size=14,
    ).build(story)
    return buffer.getvalue()
