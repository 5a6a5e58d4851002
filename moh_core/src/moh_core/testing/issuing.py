"""The product's own issuing pipeline, for tests that need a real issued document: a decision of
the Ministry rendered by :mod:`moh_core.documents`, its fields prepared
(:func:`moh_core.signatures.prepare_fields`), signed by the competent person, numbered and dated
by the records office and sealed by the agency (Decree 30/2020/NĐ-CP's order).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from pyhanko.sign.timestamps import TimeStamper

from moh_core.documents.layout import OutgoingDocument, RenderedDocument, Signer, render_outgoing_document
from moh_core.documents.pagekit import format_document_number, format_issue_date
from moh_core.signatures import (
    FieldBox,
    StampStyle,
    TextField,
    ValidationMaterial,
    VisibleStamp,
    fill_fields,
    prepare_fields,
    sign,
)
from moh_core.signatures.signers import MohSigner
from moh_core.signatures.stamps import make_seal_image, make_signature_image

__all__ = [
    "DATE",
    "NUMBER",
    "Issued",
    "decision",
    "issue",
    "issued_decision",
    "prepare",
    "sign_as_seal",
    "sign_as_signer",
    "text_fields",
]

NUMBER = format_document_number(5)  # "05"
DATE = format_issue_date(dt.date(2026, 11, 20))  # "ngày 20 tháng 11 năm 2026"

_BODY = """BỘ TRƯỞNG BỘ Y TẾ

Căn cứ Nghị định số 42/2025/NĐ-CP ngày 27 tháng 02 năm 2025 của Chính phủ quy định chức năng,
nhiệm vụ, quyền hạn và cơ cấu tổ chức của Bộ Y tế;

QUYẾT ĐỊNH:

Điều 1. Ban hành kèm theo Quyết định này Kế hoạch chuyển đổi số y tế năm 2027.

Điều 2. Quyết định này có hiệu lực kể từ ngày ký, ban hành./."""


def decision(**changes: object) -> OutgoingDocument:
    """A decision of the Minister, signed by a deputy (KT.), without number and date."""
    doc = OutgoingDocument(
        agency="Bộ Y tế",
        number=None,
        symbol="QĐ-BYT",
        place="Hà Nội",
        date=None,
        type_name="Quyết định",
        abstract="Về việc ban hành Kế hoạch chuyển đổi số y tế năm 2027",
        body=_BODY,
        signer=Signer(
            authority="KT.",
            authority_position="Bộ trưởng",
            position="Thứ trưởng",
            name="Nguyễn Văn An",
        ),
        recipients=["Như Điều 2;", "Lưu: VT, KHTC."],
    )
    return dataclasses.replace(doc, **changes)  # type: ignore[arg-type]


def text_fields(rendered: RenderedDocument) -> list[TextField]:
    """The number and date fields of a rendered draft, where its layout puts them."""
    return [
        TextField(box.name, box.page, box.box, box.font_size, italic=box.italic, align=box.align)
        for box in rendered.text_boxes
    ]


def prepare(pdf: bytes, rendered: RenderedDocument) -> bytes:
    """``pdf`` (the rendering, or the rendering changed) with all the fields of ``rendered``."""
    return prepare_fields(
        pdf,
        [FieldBox(box.name, box.page, box.box) for box in rendered.signature_boxes],
        text_fields(rendered),
    )


def sign_as_signer(
    pdf: bytes,
    signer: MohSigner,
    material: ValidationMaterial,
    *,
    level: str = "B-B",
    timestamper: TimeStamper | None = None,
) -> bytes:
    """The competent person's signature (``level``, B-B by default) in the field ``signer``."""
    return sign(
        pdf,
        signer,
        field="signer",
        level=level,
        timestamper=timestamper,
        stamp=VisibleStamp(
            StampStyle.SIGNER,
            position="KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG",
            image_png=make_signature_image("Nguyễn Văn An"),
        ),
        reason="Ký ban hành",
        location="Hà Nội",
        material=material,
    ).pdf


def sign_as_seal(
    pdf: bytes,
    seal: MohSigner,
    material: ValidationMaterial,
    *,
    level: str = "B-B",
    timestamper: TimeStamper | None = None,
) -> bytes:
    """The agency's signature (``level``, B-B by default) with the red seal, in the field ``seal``."""
    return sign(
        pdf,
        seal,
        field="seal",
        level=level,
        timestamper=timestamper,
        stamp=VisibleStamp(StampStyle.SEAL, image_png=make_seal_image("Bộ Y tế")),
        material=material,
    ).pdf


@dataclasses.dataclass(frozen=True)
class Issued:
    """The document at each step of issuing."""

    prepared: bytes
    signed: bytes
    filled: bytes
    sealed: bytes


def issue(
    prepared: bytes,
    signer: MohSigner,
    seal: MohSigner,
    material: ValidationMaterial,
    *,
    level: str = "B-B",
    timestamper: TimeStamper | None = None,
) -> Issued:
    """Signer signs -> the records office fills number and date -> the seal signs, both at
    ``level`` (B-T and B-LT need ``timestamper``)."""
    signed = sign_as_signer(prepared, signer, material, level=level, timestamper=timestamper)
    filled = fill_fields(signed, {"number": NUMBER, "date": DATE})
    sealed = sign_as_seal(filled, seal, material, level=level, timestamper=timestamper)
    return Issued(prepared, signed, filled, sealed)


def issued_decision(
    signer: MohSigner,
    seal: MohSigner,
    material: ValidationMaterial,
    *,
    level: str = "B-B",
    timestamper: TimeStamper | None = None,
) -> Issued:
    """The sample decision rendered, prepared and issued (at ``level``)."""
    rendered = render_outgoing_document(decision())
    return issue(prepare(rendered.pdf, rendered), signer, seal, material, level=level, timestamper=timestamper)
