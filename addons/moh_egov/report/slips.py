"""The one-stop shop's slips (Circular 03/2025/TT-VPCP, forms 01-06) for a dossier, rendered by
moh_core.onestop.slips from the dossier's data. The forms are official Vietnamese documents: their
wording is the circular's, whatever the user's language."""

import pytz
from odoo import fields

FILE_SUFFIX = {
    "receipt": "tiep-nhan",
    "supplement": "bo-sung",
    "refusal": "tu-choi",
    "appraisal_refusal": "tra-lai-ho-so",
    "apology": "xin-loi",
    "stop": "dung-giai-quyet",
    "control": "kiem-soat",
}


def _local(dossier, value):
    if not value:
        return None
    tz = dossier.company_id._moh_calendar()._moh_tz()
    return pytz.utc.localize(value).astimezone(tz).replace(tzinfo=None)


def _lines(text):
    return [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]


def _deciding_head(dossier):
    """Who signs Mẫu 04 (apology) and Mẫu 05 (stop notice): the head of the department that
    decides the dossier, with the authority an outgoing document of that department would carry
    (TL. BỘ TRƯỞNG unless the department issues in its own name); the agency's name when the
    department has no head."""
    from odoo.addons.moh_documents.models.moh_outgoing_document import AUTHORITY_MARKS  # noqa: PLC0415

    from moh_core.documents import Signer  # noqa: PLC0415

    department = dossier.department_id or dossier.procedure_id.department_id
    head = department.manager_id.user_id
    if not head:
        return Signer(position="THỦ TRƯỞNG CƠ QUAN", name="-")
    authority = dossier.env["moh.outgoing.document"]._moh_derive_authority(head, department, dossier.company_id)
    return Signer(
        authority=AUTHORITY_MARKS[authority["signer_authority"]],
        authority_position=authority["signer_authority_position"] or "",
        position=" ".join((head.employee_id.job_title or "THỦ TRƯỞNG ĐƠN VỊ").upper().split()),
        name=head.name,
    )


def render_dossier_slip(dossier, kind):
    """``(pdf bytes, file name)`` of the slip ``kind`` (a key of FILE_SUFFIX) for ``dossier``."""
    from moh_core.documents import Signer  # noqa: PLC0415
    from moh_core.onestop import slips  # noqa: PLC0415

    dossier = dossier.sudo()
    company = dossier.company_id
    user = dossier.env.user
    now = _local(dossier, fields.Datetime.now())
    partner = dossier.partner_id
    base = {
        "header": slips.SlipHeader(
            agency_name=company.name or "Bộ Y tế", unit="Bộ phận Một cửa", place=company.city or "Hà Nội"
        ),
        "date": now.date(),
        "dossier_code": dossier.code or dossier.name,
        "applicant": slips.Applicant(
            name=partner.name or "",
            address=", ".join(p for p in (partner.street, partner.city) if p),
            phone=dossier.contact_phone or partner.phone or "",
            email=dossier.contact_email or partner.email or "",
        ),
        "procedure": dossier.procedure_id.name,
        "officer": (
            Signer(position="CÁN BỘ TIẾP NHẬN", name=user.name or "-")
            if kind in ("receipt", "supplement", "refusal", "control")
            else _deciding_head(dossier)
        ),
    }
    received = _local(dossier, dossier.received_at or dossier.submitted_at) or now
    if kind == "receipt":
        documents = [
            slips.SlipDocument(name=f"{doc.requirement_id.name or doc.name} ({doc.name})")
            for doc in dossier.document_ids
        ] or [slips.SlipDocument(name=dossier.procedure_id.name)]
        base_url = dossier.get_base_url()
        slip = slips.Receipt(
            **base,
            documents=documents,
            received_at=received,
            due_at=dossier.deadline,
            result_delivery={"online": "online", "national_portal": "online", "postal": "post"}.get(
                dossier.channel, "counter"
            ),
            processing_time=f"{dossier.procedure_id.processing_days} "
            + ("ngày" if dossier.procedure_id.processing_unit == "calendar" else "ngày làm việc"),
            submitted_online=dossier.channel in ("online", "national_portal"),
            submitter=dossier.contact_name or "",
            lookup_url=f"{base_url}/dossier-lookup",
        )
        pdf = slips.render_receipt(slip)
    elif kind == "supplement":
        slip = slips.SupplementRequest(
            **base,
            received_at=_local(dossier, dossier.submitted_at) or now,
            items=[
                slips.SupplementItem(
                    content=item["content"], reason=item.get("reason") or "", guidance=item.get("guidance") or ""
                )
                for item in dossier.supplement_defects or []
                if (item.get("content") or "").strip()
            ]
            or [slips.SupplementItem(content=line) for line in _lines(dossier.supplement_items)],
            deadline=dossier.supplement_deadline or None,
        )
        pdf = slips.render_supplement_request(slip)
    elif kind == "refusal":
        slip = slips.Refusal(
            **base, reasons=_lines(dossier.refusal_reason) or ["-"], received_at=_local(dossier, dossier.submitted_at)
        )
        pdf = slips.render_refusal(slip)
    elif kind == "appraisal_refusal":
        slip = slips.AppraisalRefusal(
            **base, reasons=_lines(dossier.refusal_reason) or ["-"], received_at=_local(dossier, dossier.received_at)
        )
        pdf = slips.render_appraisal_refusal(slip)
    elif kind == "apology":
        slip = slips.Apology(
            **base,
            received_at=received,
            original_due=dossier.first_deadline,
            reason=dossier.extension_reason or "",
            new_due=dossier.deadline,
        )
        pdf = slips.render_apology(slip)
    elif kind == "stop":
        slip = slips.StopNotice(
            **base,
            requested_on=(_local(dossier, dossier.stop_requested_at) or now).date(),
            reason=dossier.stop_reason or "",
            received_at=_local(dossier, dossier.submitted_at),
        )
        pdf = slips.render_stop_notice(slip)
    elif kind == "control":
        handovers = [
            slips.Handover(
                from_unit=step.from_label,
                to_unit=step.to_label,
                handed_over_at=_local(dossier, step.started_at),
                from_person=step.user_id.name or "",
                due_at=_local(dossier, step.due_at),
                outcome=step.outcome or None,
            )
            for step in dossier.handover_ids
        ]
        slip = slips.ProcessControl(
            **base,
            received_at=received,
            due_at=dossier.deadline or received.date(),
            handovers=handovers,
            processing_unit=dossier.department_id.name or "",
        )
        pdf = slips.render_process_control(slip)
    else:
        raise ValueError(f"Unknown slip {kind!r}")
    return pdf, f"{dossier.code or dossier.id}-phieu-{FILE_SUFFIX[kind]}.pdf"
