"""Signature fields and the text fields filled after signing (electronic issuing).

Create every signature field with :func:`prepare_fields` *before* the first signature: adding a
field after a signature is a modification that weakens the earlier signature's status. For the
same reason :func:`~moh_core.signatures.signing.sign` creates a missing field (invisible) only in a
document with no signature yet (:func:`field_target`), and :func:`prepare_fields` refuses a signed
document.

Electronic issuing (Decree 30/2020/NĐ-CP): the competent person signs the draft, THEN
the records office gives it its register number and issue date and applies the agency's signature.
The number and the date go in AcroForm text fields created with the signature fields::

    pdf = prepare_fields(pdf, [FieldBox("signer", ...), FieldBox("seal", ...)],
                         [TextField("number", 0, (161, 721, 187, 737), 13, align="right"),
                          TextField("date", 0, (370, 720, 526, 737), 14, italic=True)])
    pdf = sign(pdf, signer, field="signer", ...).pdf
    pdf = fill_fields(pdf, {"number": "05", "date": "ngày 20 tháng 11 năm 2026"})
    pdf = sign(pdf, seal, field="seal", stamp=VisibleStamp(StampStyle.SEAL, ...), ...).pdf

Filling sets each field's value and appearance in one incremental update: pyHanko's difference
analysis classes it as FORM_FILLING, which an approval signature (no DocMDP) allows, so the
signer's signature stays valid; any other change after it (the body, a new annotation) does not.
The text is drawn with the document's own face (Liberation Serif, the Times New Roman metric
clone, rescaled to 1000 units per em, see :func:`~moh_core.signatures.embedded_fonts.em1000_font`),
Noto Serif when it is missing.

:func:`open_writer`, :func:`signature_fields` and :func:`field_target` are internal to the
package (signing and interrupted signing use them).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields as pdf_fields

from moh_core.fonts import nfc
from moh_core.signatures.embedded_fonts import (
    DR_REPERTOIRE,
    FIELD_FONT_NAMES,
    em1000_font,
    field_engine,
    field_font_file,
)
from moh_core.signatures.errors import SigningFailed, SigningProblem

__all__ = [
    "FieldBox",
    "TextField",
    "field_target",
    "fill_fields",
    "open_writer",
    "prepare_fields",
    "signature_fields",
]


@dataclass(frozen=True)
class FieldBox:
    """A signature field to create: name, 0-based page index, box in PDF points or None.

    ``box`` is ``(x1, y1, x2, y2)`` — lower-left and upper-right corners in the page's default
    user space (points, origin bottom left). ``None`` makes an invisible field.
    """

    name: str
    page: int = 0
    box: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class TextField:
    """A text field to create next to the signature fields, filled later by :func:`fill_fields`.

    For the register number and the issue date, which the records office writes on an
    electronic document after the competent person signed (see the module docstring);
    :class:`moh_core.documents.layout.TextBox` gives the boxes of a rendered draft.

    :param name: the field name (no dots).
    :param page: 0-based page index.
    :param box: ``(x1, y1, x2, y2)`` in PDF points, origin bottom left: as wide as the widest
        value (a wider one is drawn smaller to fit), as tall as the line.
    :param font_size: the text size in points.
    :param italic: the italic face (the date of Decree 30's box 4 is italic).
    :param align: ``"left"``, ``"center"`` or ``"right"`` in the box (PDF quadding /Q).
    """

    name: str
    page: int
    box: tuple[float, float, float, float]
    font_size: float = 13.0
    italic: bool = False
    align: str = "left"


# ---------------------------------------------------------------------------------------------
# PDF helpers and fields
# ---------------------------------------------------------------------------------------------


def open_writer(pdf: bytes) -> IncrementalPdfFileWriter:
    if not isinstance(pdf, bytes | bytearray | memoryview):
        raise TypeError(f"pdf must be bytes, not {type(pdf).__name__}")
    data = bytes(pdf)
    if b"%PDF-" not in data[:1024]:
        raise SigningFailed(SigningProblem.INVALID_PDF, "The file is not a PDF (no %PDF- header).")
    try:
        writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
        writer.root  # noqa: B018 - resolve the catalog now
    except Exception as exc:
        raise SigningFailed(SigningProblem.INVALID_PDF, f"The PDF cannot be read: {exc}") from exc
    if writer.prev.encrypted:
        raise SigningFailed(SigningProblem.ENCRYPTED_PDF, "Encrypted PDFs are not signed.")
    return writer


def signature_fields(writer: IncrementalPdfFileWriter) -> dict[str, bool]:
    """Signature field name -> filled."""
    return {name: value is not None for name, value, _ in pdf_fields.enumerate_sig_fields(writer.prev)}


def _page_count(writer: IncrementalPdfFileWriter) -> int:
    return int(writer.root["/Pages"]["/Count"])


def _field_names(writer: IncrementalPdfFileWriter) -> set[str]:
    """Fully qualified names of every form field (any type)."""
    names: set[str] = set()
    try:
        fields = writer.root["/AcroForm"]["/Fields"]
    except KeyError:
        return names

    def walk(items: Any, parent: str, depth: int) -> None:
        if depth > 16:
            return
        for item in items:
            node = item.get_object()
            if not isinstance(node, generic.DictionaryObject) or "/T" not in node:
                continue
            name = f"{parent}.{node['/T']}" if parent else str(node["/T"])
            names.add(name)
            if "/Kids" in node:
                walk(node["/Kids"], name, depth + 1)

    walk(fields, "", 0)
    return names


def _checked_box(name: str, box: Sequence[float]) -> tuple[float, float, float, float]:
    try:
        x1, y1, x2, y2 = (float(v) for v in box)
    except (TypeError, ValueError) as exc:
        raise SigningFailed(SigningProblem.INVALID_FIELD, f"Field {name!r}: box {box!r} is not four numbers.") from exc
    if not (x2 > x1 and y2 > y1) or any(math.isnan(v) for v in (x1, y1, x2, y2)):
        raise SigningFailed(
            SigningProblem.INVALID_FIELD,
            f"Field {name!r}: box {box} must be (x1, y1, x2, y2) with x2 > x1 and y2 > y1.",
        )
    return x1, y1, x2, y2


def prepare_fields(pdf: bytes, boxes: Sequence[FieldBox], text_fields: Sequence[TextField] = ()) -> bytes:
    """Create all fields (signer, seal, ...; number, date) in ONE incremental update, first.

    Later boxes are drawn above earlier ones (widget order), so list the seal after the signer
    whose box it overlaps.

    ``text_fields`` become read-only AcroForm text fields (FT /Tx, one widget each, empty value,
    no border or background, printed) whose default appearance (/DA) names a font with the
    Vietnamese letters kept in the form's default resources (/AcroForm /DR); fill them after
    signing with :func:`fill_fields`.

    :raises SigningFailed: ``INVALID_FIELD`` (bad name, page, box, size or alignment; duplicate
        names; nothing to create), ``FIELD_EXISTS``, ``DOCUMENT_ALREADY_SIGNED`` (SIGNING.md: a
        field added after a signature weakens it), ``INVALID_PDF``/``ENCRYPTED_PDF``,
        ``FONT_NOT_FOUND``.
    """
    boxes = list(boxes)
    text_fields = list(text_fields)
    if not boxes and not text_fields:
        raise SigningFailed(SigningProblem.INVALID_FIELD, "No field to create.")
    names = [box.name for box in boxes] + [text.name for text in text_fields]
    if len(set(names)) != len(names):
        raise SigningFailed(SigningProblem.INVALID_FIELD, f"Duplicate field names in {names}.")
    writer = open_writer(pdf)
    existing = signature_fields(writer)
    if any(existing.values()):
        raise SigningFailed(SigningProblem.DOCUMENT_ALREADY_SIGNED)
    all_existing = _field_names(writer) | set(existing)
    pages = _page_count(writer)
    for name, page in [(box.name, box.page) for box in boxes] + [(text.name, text.page) for text in text_fields]:
        if not name or "." in name or not name.isprintable():
            raise SigningFailed(SigningProblem.INVALID_FIELD, f"Invalid field name {name!r} (no dots).")
        if name in all_existing:
            raise SigningFailed(SigningProblem.FIELD_EXISTS, f"The field {name!r} already exists.")
        if not 0 <= page < pages:
            raise SigningFailed(
                SigningProblem.INVALID_FIELD,
                f"Field {name!r}: page index {page} outside 0..{pages - 1}.",
            )
    specs = [
        pdf_fields.SigFieldSpec(
            box.name,
            on_page=box.page,
            # pyHanko annotates the box as ints; it writes any PDF number, and the layout's boxes are exact.
            box=None if box.box is None else _checked_box(box.name, box.box),  # type: ignore[arg-type]
            field_mdp_spec=lock,
            doc_mdp_update_value=permission,
        )
        for box, (lock, permission) in zip(boxes, _locks(boxes, text_fields), strict=True)
    ]
    checked_text = []
    for text in text_fields:
        rect = _checked_box(text.name, text.box)
        if not 4 <= float(text.font_size) <= 72:
            raise SigningFailed(SigningProblem.INVALID_FIELD, f"Field {text.name!r}: font_size must be 4-72 points.")
        if text.align not in _QUADDING:
            raise SigningFailed(
                SigningProblem.INVALID_FIELD,
                f"Field {text.name!r}: align must be one of {', '.join(_QUADDING)}.",
            )
        checked_text.append((text, rect))
    for spec in specs:
        pdf_fields.append_signature_field(writer, spec)
    if checked_text:
        _add_text_fields(writer, checked_text)
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def _locks(
    boxes: Sequence[FieldBox], text_fields: Sequence[TextField]
) -> list[tuple[pdf_fields.FieldMDPSpec, pdf_fields.MDPPerm]]:
    """Each signature field's /Lock, in signing order (the order of ``boxes``).

    A signature locks every field but the text fields and the signature fields still to be
    signed, and allows form filling and signing only (DocMDP P 2); the last one locks
    everything and allows no change at all (P 1), long-term validation data excepted.
    """
    locks: list[tuple[pdf_fields.FieldMDPSpec, pdf_fields.MDPPerm]] = []
    for index in range(len(boxes)):
        later = [box.name for box in boxes[index + 1 :]]
        if later:
            open_fields = [text.name for text in text_fields] + later
            spec = pdf_fields.FieldMDPSpec(pdf_fields.FieldMDPAction.EXCLUDE, fields=open_fields)
            locks.append((spec, pdf_fields.MDPPerm.FILL_FORMS))
        else:
            locks.append((pdf_fields.FieldMDPSpec(pdf_fields.FieldMDPAction.ALL), pdf_fields.MDPPerm.NO_CHANGES))
    return locks


# ---------------------------------------------------------------------------------------------
# Text fields filled after signing (number and date)
# ---------------------------------------------------------------------------------------------

#: PDF quadding (/Q) of the alignments.
_QUADDING: dict[str, int] = {"left": 0, "center": 1, "right": 2}
_ALIGNMENTS = {value: key for key, value in _QUADDING.items()}
#: Field flags: ReadOnly (bit 1), DoNotSpellCheck (bit 23), DoNotScroll (bit 24).
_TEXT_FIELD_FLAGS = 1 | 1 << 22 | 1 << 23
#: Annotation flags: Print.
_TEXT_WIDGET_FLAGS = 4
_DA_FONT = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s+([0-9.]+)\s+Tf")


def _indirect_dict(
    writer: IncrementalPdfFileWriter, parent: generic.DictionaryObject, key: str
) -> generic.DictionaryObject:
    """``parent[key]`` as a dictionary to modify (created direct if missing); an indirect one
    is marked as updated."""
    if key not in parent:
        parent[generic.pdf_name(key)] = generic.DictionaryObject()
    raw = parent.raw_get(key)
    if isinstance(raw, generic.IndirectObject):
        writer.mark_update(raw)
        target: generic.DictionaryObject = raw.get_object()
        return target
    direct: generic.DictionaryObject = raw
    return direct


def _add_text_fields(
    writer: IncrementalPdfFileWriter,
    texts: Sequence[tuple[TextField, tuple[float, float, float, float]]],
) -> None:
    root = writer.root
    if "/AcroForm" not in root:
        root[generic.pdf_name("/AcroForm")] = writer.add_object(
            generic.DictionaryObject({generic.pdf_name("/Fields"): generic.ArrayObject()})
        )
        writer.update_root()
    raw_form = root.raw_get("/AcroForm")
    if isinstance(raw_form, generic.IndirectObject):
        writer.mark_update(raw_form)
        form = raw_form.get_object()
    else:
        writer.update_root()
        form = raw_form
    if "/Fields" not in form:
        form[generic.pdf_name("/Fields")] = generic.ArrayObject()
    raw_fields = form.raw_get("/Fields")
    if isinstance(raw_fields, generic.IndirectObject):
        writer.mark_update(raw_fields)
    fields = raw_fields.get_object()
    resources = _indirect_dict(writer, form, "/DR")
    fonts = _indirect_dict(writer, resources, "/Font")
    for italic in sorted({text.italic for text, _ in texts}):
        engine = field_engine(writer, italic, 10)
        engine.shape(DR_REPERTOIRE, with_actual_text=False)
        fonts[generic.pdf_name(FIELD_FONT_NAMES[italic])] = engine.as_resource()
    first_da = None
    for text, (x1, y1, x2, y2) in texts:
        page_ref = writer.find_page_for_modification(text.page)[0]
        da = f"{FIELD_FONT_NAMES[text.italic]} {float(text.font_size):g} Tf 0 g"
        first_da = first_da or da
        empty = generic.StreamObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/XObject"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Form"),
                generic.pdf_name("/BBox"): generic.ArrayObject(
                    [
                        generic.FloatObject(0),
                        generic.FloatObject(0),
                        generic.FloatObject(x2 - x1),
                        generic.FloatObject(y2 - y1),
                    ]
                ),
                generic.pdf_name("/Resources"): generic.DictionaryObject(),
            },
            stream_data=b"/Tx BMC EMC",
        )
        widget = generic.DictionaryObject(
            {
                generic.pdf_name("/FT"): generic.pdf_name("/Tx"),
                generic.pdf_name("/T"): generic.pdf_string(text.name),
                generic.pdf_name("/Ff"): generic.NumberObject(_TEXT_FIELD_FLAGS),
                generic.pdf_name("/V"): generic.pdf_string(""),
                generic.pdf_name("/DA"): generic.pdf_string(da),
                generic.pdf_name("/Q"): generic.NumberObject(_QUADDING[text.align]),
                generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Widget"),
                generic.pdf_name("/F"): generic.NumberObject(_TEXT_WIDGET_FLAGS),
                generic.pdf_name("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in (x1, y1, x2, y2)]),
                generic.pdf_name("/P"): page_ref,
                generic.pdf_name("/AP"): generic.DictionaryObject({generic.pdf_name("/N"): writer.add_object(empty)}),
            }
        )
        widget_ref = writer.add_object(widget)
        fields.append(widget_ref)
        writer.register_annotation(page_ref, widget_ref)
    if "/DA" not in form and first_da:
        form[generic.pdf_name("/DA")] = generic.pdf_string(first_da)


def _text_fields(writer: IncrementalPdfFileWriter) -> dict[str, generic.IndirectObject]:
    """Top-level text fields with a single widget (the ones :func:`prepare_fields` makes)."""
    result: dict[str, generic.IndirectObject] = {}
    try:
        fields = writer.root["/AcroForm"]["/Fields"]
    except KeyError:
        return result
    for item in fields:
        if not isinstance(item, generic.IndirectObject):
            continue
        node = item.get_object()
        if isinstance(node, generic.DictionaryObject) and node.get("/FT") == "/Tx":
            result[str(node.get("/T", ""))] = item
    return result


def _field_appearance(
    writer: IncrementalPdfFileWriter,
    field_dict: generic.DictionaryObject,
    text: str,
    engines: dict[bool, GlyphAccumulator],
) -> generic.StreamObject:
    x1, y1, x2, y2 = (float(v) for v in field_dict["/Rect"])
    width, height = abs(x2 - x1), abs(y2 - y1)
    match = _DA_FONT.search(str(field_dict.get("/DA", "")).encode("latin-1", "replace"))
    font_name = "/" + match.group(1).decode("ascii") if match else FIELD_FONT_NAMES[False]
    size = float(match.group(2)) if match else 13.0
    italic = font_name == FIELD_FONT_NAMES[True]
    align = _ALIGNMENTS.get(int(field_dict.get("/Q", 0)), "left")
    if italic not in engines:
        engines[italic] = field_engine(writer, italic, size)
    engine = engines[italic]
    _, cap_height = em1000_font(str(field_font_file(italic)))
    em_width = engine.shape(text, with_actual_text=False).x_advance or 1.0
    if em_width * size > width:  # a value wider than the box is drawn smaller, never clipped
        size = width / em_width
    engine.font_size = size  # type: ignore[assignment]  # pyHanko annotates an int; any size works
    text_width = em_width * size
    if align == "right":
        x = width - text_width
    elif align == "center":
        x = (width - text_width) / 2
    else:
        x = 0.0
    baseline = (height - cap_height * size) / 2  # capitals centred in the box
    ops = b"/Tx BMC q BT %s %g Tf 0 g 1 0 0 1 %g %g Tm %s ET Q EMC" % (
        font_name.encode("ascii"),
        size,
        x,
        baseline,
        engine.shape(text).graphics_ops,
    )
    return generic.StreamObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/XObject"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Form"),
            generic.pdf_name("/BBox"): generic.ArrayObject(
                [
                    generic.FloatObject(0),
                    generic.FloatObject(0),
                    generic.FloatObject(width),
                    generic.FloatObject(height),
                ]
            ),
            generic.pdf_name("/Resources"): generic.DictionaryObject(
                {
                    generic.pdf_name("/Font"): generic.DictionaryObject(
                        {generic.pdf_name(font_name): engine.as_resource()}
                    )
                }
            ),
        },
        stream_data=ops,
    )


def fill_fields(pdf: bytes, values: Mapping[str, str]) -> bytes:
    """Fill text fields made by :func:`prepare_fields` in ONE incremental update.

    Each field gets its value (/V, NFC, whitespace runs collapsed) and a new normal appearance
    (/AP /N): the text in the field's font and size (/DA; shrunk only if it does not fit the
    box), aligned as its /Q says, capitals centred vertically, black, no border or background.
    Nothing else changes, so pyHanko's difference analysis classes the update as FORM_FILLING:
    earlier approval signatures stay valid (a certification signature allowing only signing
    would not). Use it after the competent person's signature and before the agency's seal.

    :param values: field name -> text, e.g. ``{"number": "05", "date": "ngày 20 tháng 11 năm
        2026"}``.
    :raises SigningFailed: ``FIELD_NOT_FOUND`` (no text field of that name),
        ``FIELD_ALREADY_FILLED`` (an issued number or date is never rewritten), ``INVALID_FIELD``
        (empty value, nothing to fill), ``INVALID_PDF``/``ENCRYPTED_PDF``, ``FONT_NOT_FOUND``.
    """
    if not values:
        raise SigningFailed(SigningProblem.INVALID_FIELD, "No field value to fill in.")
    writer = open_writer(pdf)
    fields = _text_fields(writer)
    cleaned: dict[str, str] = {}
    for name, value in values.items():
        if name not in fields:
            raise SigningFailed(SigningProblem.FIELD_NOT_FOUND, f"There is no text field named {name!r}.")
        text = " ".join(nfc(str(value)).split())
        if not text:
            raise SigningFailed(SigningProblem.INVALID_FIELD, f"Field {name!r}: empty value.")
        if str(fields[name].get_object().get("/V", "")).strip():
            raise SigningFailed(SigningProblem.FIELD_ALREADY_FILLED, f"The field {name!r} is already filled in.")
        cleaned[name] = text
    engines: dict[bool, GlyphAccumulator] = {}
    for name, text in cleaned.items():
        ref = fields[name]
        field_dict = ref.get_object()
        appearance = _field_appearance(writer, field_dict, text, engines)
        field_dict[generic.pdf_name("/V")] = generic.pdf_string(text)
        field_dict[generic.pdf_name("/AP")] = generic.DictionaryObject(
            {generic.pdf_name("/N"): writer.add_object(appearance)}
        )
        writer.mark_update(ref)
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def field_target(writer: IncrementalPdfFileWriter, name: str) -> bool:
    """Whether ``name`` exists (True) or may be created (False); refuse otherwise."""
    if not name or "." in name:
        raise SigningFailed(SigningProblem.INVALID_FIELD, f"Invalid field name {name!r}.")
    existing = signature_fields(writer)
    if name in existing:
        if existing[name]:
            raise SigningFailed(SigningProblem.FIELD_ALREADY_SIGNED, f"The field {name!r} is already signed.")
        return True
    if any(existing.values()):
        raise SigningFailed(
            SigningProblem.FIELD_NOT_FOUND,
            f"The field {name!r} does not exist and the document is already signed: create all "
            "fields with prepare_fields() before the first signature.",
        )
    return False
