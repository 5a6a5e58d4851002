"""Counter and postal intake (Decree 118/2025/ND-CP, Art. 17-18): the one-stop officer opens a
dossier for a business from its papers, scans them in as the dossier's files (through the
portal's upload checks), runs the completeness check, and in one step either receives it
(form 01, the clock starts), asks for every missing or defective item at once (form 02), or
refuses to receive it with the reasons (form 03)."""

import base64

from markupsafe import Markup
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class MohDossierIntake(models.TransientModel):
    _name = "moh.dossier.intake"
    _description = "Paper Dossier Intake"

    procedure_id = fields.Many2one("moh.procedure", required=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Applicant",
        required=True,
        domain="[('is_company', '=', True)]",
        help="The business applying (its company record).",
    )
    channel = fields.Selection([("counter", "At the Counter"), ("postal", "By Post")], required=True, default="counter")
    contact_name = fields.Char(string="Submitted By", help="The person who hands the dossier in (or the sender).")
    contact_phone = fields.Char()
    contact_email = fields.Char()
    fee = fields.Monetary(related="procedure_id.fee")
    currency_id = fields.Many2one(related="procedure_id.currency_id")
    fee_received = fields.Boolean(string="Fee Received at Counter")
    file_ids = fields.One2many("moh.dossier.intake.file", "intake_id", string="Scanned Papers")
    value_ids = fields.One2many("moh.dossier.intake.value", "intake_id", string="Application Form")
    defect_ids = fields.One2many(
        "moh.dossier.defect.line",
        "intake_id",
        string="Other Defects",
        help="Defects the officer finds beyond the automatic check; listed with them on form 02.",
    )
    refusal_reason = fields.Text(string="Reasons to Refuse", help="Why the dossier cannot be received (form 03).")
    report = fields.Html(string="Completeness Check", readonly=True, sanitize=True)
    checked = fields.Boolean(readonly=True)
    is_complete = fields.Boolean(readonly=True)
    dossier_id = fields.Many2one("moh.dossier", readonly=True)
    officer_has_key = fields.Boolean(compute="_compute_officer_has_key")
    password = fields.Char(
        store=False,
        string="Key Password",
        help="The password of your signing key: form 01 is signed with it. Used for this call only, never stored.",
    )

    def _compute_officer_has_key(self):
        has_key = bool(
            self.env["moh.signing.key"]
            .sudo()
            .search_count([("usage", "=", "personal"), ("user_id", "=", self.env.user.id)], limit=1)
        )
        for wizard in self:
            wizard.officer_has_key = has_key

    @api.model
    def _moh_check_officer(self):
        user = self.env.user
        if not (user._is_superuser() or user.has_group("moh_egov.group_onestop")):
            raise AccessError(self.env._("Only the one-stop shop receives dossiers at the counter or by post."))

    @api.model_create_multi
    def create(self, vals_list):
        self._moh_check_officer()
        return super().create(vals_list)

    @api.onchange("procedure_id")
    def _onchange_procedure_id(self):
        """One line per required document and per form field of the procedure, to fill in."""
        procedure = self.procedure_id
        self.file_ids = [fields.Command.clear()] + [
            fields.Command.create({"requirement_id": req.id}) for req in procedure.requirement_ids.filtered("required")
        ]
        self.value_ids = [fields.Command.clear()] + [
            fields.Command.create({"field_id": field.id}) for field in procedure.form_field_ids
        ]

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id and not self.contact_email:
            self.contact_email = self.partner_id.email
            self.contact_phone = self.partner_id.phone

    # -- the check ------------------------------------------------------------------------------

    def _moh_files(self):
        """``[(requirement, filename, bytes)]`` of the lines holding a scan."""
        self.ensure_one()
        files = []
        for line in self.file_ids:
            if not line.data:
                continue
            if not line.requirement_id or line.requirement_id.procedure_id != self.procedure_id:
                raise UserError(self.env._("Say which document of the procedure each scan is."))
            files.append(
                (line.requirement_id, line.filename or f"{line.requirement_id.name}.pdf", base64.b64decode(line.data))
            )
        return files

    def action_check(self):
        """Check the scans as the portal checks uploads, and the dossier against the procedure's
        list (moh_core.onestop.completeness); nothing is filed."""
        from moh_core.onestop import ProvidedFile, Requirement, completeness  # noqa: PLC0415

        self.ensure_one()
        self._moh_check_officer()
        Document = self.env["moh.dossier.document"]
        provided = [
            ProvidedFile(
                requirement_key=str(req.id),
                filename=name,
                check=Document._moh_check_file(self.procedure_id.company_id, req, name, data),
            )
            for req, name, data in self._moh_files()
        ]
        report = completeness(
            [
                Requirement(key=str(req.id), name=req.name, required=req.required)
                for req in self.procedure_id.requirement_ids
            ],
            provided,
        )
        labels = {
            "ok": self.env._("Provided"),
            "missing": self.env._("Missing"),
            "unreadable": self.env._("Unreadable or not accepted"),
            "bad_signature": self.env._("Signature not valid"),
        }
        rows = []
        for item in report.items:
            status = item.status.value if hasattr(item.status, "value") else item.status
            text = (
                labels[status]
                if item.requirement.required or status != "missing"
                else self.env._("Optional, not provided")
            )
            rows.append(Markup("<tr><td>%s</td><td>%s</td></tr>") % (item.requirement.name, text))
        empty = [
            value.field_id.name
            for value in self.value_ids
            if value.field_id.required and not (value.value or "").strip()
        ]
        for name in empty:
            rows.append(
                Markup("<tr><td></td><td>%s</td></tr>") % self.env._("Form field %(field)s is empty", field=name)
            )
        complete = report.complete and not empty
        verdict = self.env._("Complete") if complete else self.env._("Incomplete")
        self.write(
            {
                "checked": True,
                "is_complete": complete,
                "report": Markup("<p><b>%s</b></p><table class='table table-sm'>%s</table>")
                % (verdict, Markup("").join(rows)),
            }
        )
        return self._moh_reopen()

    def _moh_reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Receive a Paper Dossier"),
        }

    # -- the decision ---------------------------------------------------------------------------

    def _moh_open(self):
        """File the dossier (moh.dossier._moh_open_on_paper): code, time of receipt, scans."""
        self.ensure_one()
        self._moh_check_officer()
        if self.dossier_id:
            raise UserError(self.env._("This dossier was already received: %(name)s.", name=self.dossier_id.name))
        dossier = self.env["moh.dossier"]._moh_open_on_paper(
            self.procedure_id,
            self.partner_id,
            self.channel,
            contact={"name": self.contact_name, "phone": self.contact_phone, "email": self.contact_email},
            files=self._moh_files(),
            values={value.field_id: value.value for value in self.value_ids if value.value},
        )
        self.dossier_id = dossier
        return dossier

    def _moh_show(self, dossier):
        return {
            "type": "ir.actions.act_window",
            "res_model": "moh.dossier",
            "res_id": dossier.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_receive(self):
        """Complete: receive it (form 01 with its code and due date; the clock starts, Art. 17.3)."""
        self.ensure_one()
        self._moh_check_officer()
        if self.defect_ids:
            raise UserError(self.env._("Defects are listed: request the supplements (form 02) instead."))
        context = dict(self.env.context)
        password = context.pop("moh_password", None) or self.password
        # Nothing further down (messages, portal events, jobs) carries the password on.
        self = self.with_context(context)  # noqa: PLW0642  # pylint: disable=context-overridden  # less the password
        if self.officer_has_key and not password:
            raise UserError(self.env._("Type your key's password: the receipt (form 01) is signed with your key."))
        dossier = self._moh_open()
        if dossier.payment_state == "pending" and self.fee_received:
            dossier.action_record_counter_payment()
        dossier.action_accept()
        if self.officer_has_key:
            receipt = dossier.sudo().slip_ids.filtered(lambda a: a.moh_role == "receipt_slip").sorted("id")[-1:]
            dossier._moh_sign_slip(receipt, password)
        return self._moh_show(dossier)

    def action_request_supplement(self):
        """Incomplete: form 02 lists every missing or defective item at once (Art. 17.2.a)."""
        self.ensure_one()
        self._moh_check_officer()
        dossier = self._moh_open()
        if dossier.payment_state == "pending" and self.fee_received:
            dossier.action_record_counter_payment()
        dossier.action_request_supplement(
            [
                {"content": line.content, "reason": line.reason or "", "guidance": line.guidance or ""}
                for line in self.defect_ids
            ]
        )
        return self._moh_show(dossier)

    def action_refuse(self):
        """Not acceptable: form 03 with the reasons (Art. 17)."""
        self.ensure_one()
        self._moh_check_officer()
        if not (self.refusal_reason or "").strip():
            raise UserError(self.env._("Give the reasons for refusing the dossier."))
        dossier = self._moh_open()
        dossier.action_refuse(self.refusal_reason)
        return self._moh_show(dossier)


class MohDossierIntakeFile(models.TransientModel):
    _name = "moh.dossier.intake.file"
    _description = "Scanned Paper"

    intake_id = fields.Many2one("moh.dossier.intake", required=True, ondelete="cascade")
    requirement_id = fields.Many2one(
        "moh.procedure.requirement",
        string="Document",
        required=True,
        domain="[('procedure_id', '=', parent.procedure_id)]",
    )
    data = fields.Binary(string="Scan")
    filename = fields.Char()


class MohDossierIntakeValue(models.TransientModel):
    _name = "moh.dossier.intake.value"
    _description = "Application Form Answer (Paper)"

    intake_id = fields.Many2one("moh.dossier.intake", required=True, ondelete="cascade")
    field_id = fields.Many2one("moh.procedure.form.field", required=True)
    value = fields.Char()


class MohDossierDefectLine(models.TransientModel):
    _name = "moh.dossier.defect.line"
    _description = "Defect to List on Form 02"

    intake_id = fields.Many2one("moh.dossier.intake", ondelete="cascade")
    wizard_id = fields.Many2one("moh.dossier.action.wizard", ondelete="cascade")
    content = fields.Char(string="To Add or Complete", required=True)
    reason = fields.Char()
    guidance = fields.Char()
