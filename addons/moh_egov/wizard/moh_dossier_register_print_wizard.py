"""Print the one-stop shop's dossier-tracking register (Mẫu 07, Sổ theo dõi hồ sơ) for a period.

Decree 118/2025/ND-CP keeps every dossier received at the one-stop shop in the tracking register
(Mẫu 07 of Circular 03/2025/TT-VPCP, Appendix I); its columns are data in
``moh_core.documents.registers.DOSSIER_TRACKING_FORM``, with their source.
"""

import base64
import datetime as dt

from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from moh_core.documents import DossierTrackingEntry, render_dossier_tracking_register


class MohDossierRegisterPrintWizard(models.TransientModel):
    _name = "moh.dossier.register.print.wizard"
    _description = "Print Dossier Tracking Register"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    date_from = fields.Date(
        string="Received From", required=True, default=lambda self: fields.Date.context_today(self).replace(day=1)
    )
    date_to = fields.Date(string="Received To", required=True, default=fields.Date.context_today)

    def _moh_domain(self):
        """Dossiers received in the agency's days ``date_from`` to ``date_to`` (its time zone)."""
        tz = self.company_id._moh_calendar()._moh_tz()

        def utc(day):
            local = tz.localize(dt.datetime.combine(day, dt.time.min))
            return local.astimezone(dt.UTC).replace(tzinfo=None)

        return [
            ("company_id", "=", self.company_id.id),
            ("received_at", "!=", False),
            ("received_at", ">=", utc(self.date_from)),
            ("received_at", "<", utc(self.date_to + dt.timedelta(days=1))),
        ]

    def _moh_dossiers(self):
        """The period's dossiers, when the user may read every one of them: the register is
        printed whole or not at all."""
        Dossier = self.env["moh.dossier"]
        domain = self._moh_domain()
        dossiers = Dossier.search(domain, order="received_at, id")
        if len(dossiers) != Dossier.sudo().search_count(domain):
            raise AccessError(
                self.env._("You may not read every dossier of the period, so you cannot print the register.")
            )
        return dossiers

    def _moh_entries(self, dossiers):
        company = self.company_id
        vi = self.with_context(lang="vi_VN") if self.env["res.lang"]._lang_get("vi_VN") else self
        states = dict(vi.env["moh.dossier"]._fields["state"]._description_selection(vi.env))
        outcomes = dict(vi.env["moh.dossier"]._fields["outcome"]._description_selection(vi.env))

        def day(value):
            return company._moh_local_date(value) if value else None

        for dossier in dossiers:
            handovers = dossier.handover_ids.sorted("started_at")
            assigned = handovers.filtered(lambda h: h.kind == "assign")[:1]
            returned = handovers.filtered(lambda h: h.kind == "return")[:1]
            applicant = dossier.partner_id.commercial_partner_id
            address = ", ".join(p for p in (applicant.street, applicant.city) if p)
            contact = "\n".join(p for p in (address, dossier.contact_phone or applicant.phone or "") if p)
            note = outcomes.get(dossier.outcome) if dossier.outcome else states[dossier.state]
            yield DossierTrackingEntry(
                code=dossier.code or "",
                procedure=dossier.procedure_id.with_context(lang=vi.env.lang).name,
                applicant=applicant.name or "",
                contact=contact,
                handling_agency=dossier.department_id.name or company.name,
                received=day(dossier.received_at),
                appointment=dossier.deadline,
                handed_over=day(assigned.started_at),
                result=day(dossier.done_date),
                returned=day(returned.started_at),
                note=note or "",
            )

    def action_print(self):
        """Render the register of the period and keep the file on this dialog (readable only
        by its creator, record rule)."""
        self.ensure_one()
        self.check_access("write")
        self.env["moh.dossier"]._moh_check_onestop()
        if self.date_to < self.date_from:
            raise UserError(self.env._("The period ends before it starts."))
        entries = list(self._moh_entries(self._moh_dossiers()))
        if not entries:
            raise UserError(
                self.env._("No dossier was received from %(start)s to %(end)s.", start=self.date_from, end=self.date_to)
            )
        company = self.company_id
        pdf = render_dossier_tracking_register(
            entries,
            agency=company.name,
            parent_agency=company.parent_id.name or "",
            date_from=self.date_from,
            date_to=self.date_to,
        )
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"so-theo-doi-ho-so-{self.date_from}-{self.date_to}.pdf",
                "datas": base64.b64encode(pdf),
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}
