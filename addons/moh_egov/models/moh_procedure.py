"""Administrative procedures (thủ tục hành chính) offered as online public services.

Each procedure states what a business files (the documents required, each with a template, and
the application form's fields), how long the ministry takes (statutory working days, split
across the one-stop steps), the fee, the department that decides and what it returns.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from .res_users import ASSURANCE_LEVELS

#: How a procedure's processing time counts (moh_core.onestop.deadlines.DayUnit).
PROCESSING_UNITS = [
    ("working", "Working Days"),
    ("calendar", "Calendar Days"),
]

ONLINE_LEVELS = [
    ("full", "Full-Process Online"),
    ("partial", "Partial Online"),
]


class MohProcedure(models.Model):
    _name = "moh.procedure"
    _description = "Administrative Procedure"
    _inherit = ["mail.thread"]
    _order = "sequence, code"

    code = fields.Char(
        required=True, tracking=True, help="The procedure's code in the national database, e.g. 1.002088."
    )
    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    field_name = fields.Char(string="Field", translate=True, help="E.g. Pharmaceuticals, Cosmetics, Medical Equipment.")
    dvcqg_code = fields.Char(
        string="National Procedure Code",
        tracking=True,
        help="MaTTHC on the national public service portal, when the procedure's own code is not it.",
    )
    dvcqg_name = fields.Char(string="National Procedure Name", help="TenTTHC, from the national catalogue.")
    dvcqg_field_code = fields.Char(
        string="National Field Code", tracking=True, help="MaLinhVuc, from the national catalogue."
    )
    dvcqg_field_name = fields.Char(string="National Field Name", help="TenLinhVuc, from the national catalogue.")
    online_level = fields.Selection(ONLINE_LEVELS, required=True, default="full", tracking=True)
    min_assurance_level = fields.Selection(
        ASSURANCE_LEVELS,
        string="Minimum Assurance Level",
        default="0",
        required=True,
        tracking=True,
        help="Filing online needs a sign-in with VNeID (through the National Public Service Portal) "
        "at this level of assurance at least: Decree 69/2024/ND-CP lets an agency require level 2 "
        "for some services. An account signed in with a password is level 0. Dossiers received at "
        "the counter or by post are not affected.",
    )
    description = fields.Text(translate=True, help="Who files it and what the ministry decides.")
    legal_basis = fields.Text(translate=True)
    requirement_ids = fields.One2many(
        "moh.procedure.requirement", "procedure_id", string="Documents Required", copy=True
    )
    form_field_ids = fields.One2many("moh.procedure.form.field", "procedure_id", string="Application Form", copy=True)
    step_ids = fields.One2many("moh.procedure.step", "procedure_id", string="Processing Steps", copy=True)
    processing_days = fields.Integer(
        string="Processing Time",
        required=True,
        tracking=True,
        help="Statutory time from receipt of a complete, valid dossier to the result (Decree 118/2025/ND-CP, Art. 17.3).",
    )
    processing_unit = fields.Selection(
        PROCESSING_UNITS,
        string="Counted In",
        required=True,
        default="working",
        tracking=True,
        help="Working days unless the procedure's own text sets its time limit in calendar days: weekends "
        "and holidays then count, and a time limit ending on a day off ends on the next working day "
        "(Civil Code 2015, Art. 148.5).",
    )
    steps_days = fields.Float(string="Days Split Across Steps", compute="_compute_steps_days")
    fee = fields.Monetary(tracking=True, help="Fee per dossier, paid online before the dossier is processed.")
    currency_id = fields.Many2one("res.currency", required=True, default=lambda self: self.env.ref("base.VND"))
    fee_note = fields.Char(translate=True, help="E.g. per product; legal basis of the fee.")
    department_id = fields.Many2one("hr.department", string="Responsible Department", required=True, tracking=True)
    result_type = fields.Char(
        required=True,
        translate=True,
        help="What the applicant receives, e.g. Receipt number of the product notification.",
    )
    result_document_type_id = fields.Many2one(
        "moh.document.type",
        required=True,
        help="The kind of official document the e-result is issued as (a Decision, a Certificate, ...).",
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    # Supplement rules cited in practice but found in no legal text read (Decree 118/2025/ND-CP,
    # Art. 17.2.a only says that the request lists every defect at once): parameters of each
    # procedure, off unless the procedure's own text sets them.
    supplement_request_days = fields.Integer(
        string="Supplement Request Limit",
        default=0,
        tracking=True,
        help="Supplements may be requested only within this many working days of receipt; 0: no limit. "
        'No legal source was found for such a limit (the often cited "3 working days"): set it only '
        "where the procedure's own text sets it.",
    )
    supplement_once_only = fields.Boolean(
        string="Supplements Requested Once Only",
        default=False,
        tracking=True,
        help="Refuse a second request for supplements on the same dossier. No legal source was found for "
        '"once only": tick it only where the procedure\'s own text says so.',
    )
    supplement_close_days = fields.Integer(
        string="Close Without Supplements After",
        default=0,
        tracking=True,
        help="A dossier whose supplements have not arrived this many working days after the request is "
        "closed by a daily job, with a notice to the applicant; 0: never closed. No legal source was "
        'found for closing (the often cited "15 days"): set it only where the procedure\'s own text '
        "sets it.",
    )
    dossier_ids = fields.One2many("moh.dossier", "procedure_id")
    dossier_count = fields.Integer(compute="_compute_dossier_count")

    _code_company_unique = models.Constraint(
        "UNIQUE(code, company_id)", "This procedure code is already in the catalogue."
    )
    _processing_days_positive = models.Constraint(
        "CHECK(processing_days > 0)", "The processing time must be at least one working day."
    )
    _supplement_days_not_negative = models.Constraint(
        "CHECK(supplement_request_days >= 0 AND supplement_close_days >= 0)",
        "The supplement limits are counts of working days (0: off).",
    )

    @api.depends("step_ids.days")
    def _compute_steps_days(self):
        for procedure in self:
            procedure.steps_days = sum(procedure.step_ids.mapped("days"))

    def _compute_dossier_count(self):
        """The dossiers the user may read (none for those who read no dossier)."""
        Dossier = self.env["moh.dossier"]
        counts = (
            dict(Dossier._read_group([("procedure_id", "in", self.ids)], ["procedure_id"], ["__count"]))
            if Dossier.has_access("read")
            else {}
        )
        for procedure in self:
            procedure.dossier_count = counts.get(procedure, 0)

    @api.constrains("step_ids", "processing_days")
    def _check_steps(self):
        for procedure in self:
            if procedure.step_ids and procedure.steps_days > procedure.processing_days:
                raise ValidationError(
                    self.env._(
                        "The steps of %(procedure)s take %(steps)s working days, more than its %(days)s.",
                        procedure=procedure.name,
                        steps=procedure.steps_days,
                        days=procedure.processing_days,
                    )
                )

    def _compute_display_name(self):
        for procedure in self:
            procedure.display_name = f"{procedure.code} – {procedure.name}" if procedure.code else procedure.name

    @api.model
    def _moh_demo_templates(self):
        """Demo data: the application form of each procedure (its first required document) gets a
        blank template to download, listing the form's fields."""
        import base64  # noqa: PLC0415

        from moh_core.onestop import render_blank_form  # noqa: PLC0415

        lang = "vi_VN" if self.env["res.lang"]._lang_get("vi_VN") else self.env.lang
        for procedure in self.search([]):
            requirement = procedure.requirement_ids.filtered("required")[:1]
            if not requirement or requirement.template:
                continue
            vi = procedure.with_context(lang=lang)
            lines = [field.name for field in vi.form_field_ids] + [
                "Tên tổ chức, doanh nghiệp",
                "Mã số thuế",
                "Địa chỉ",
                "Điện thoại, thư điện tử",
            ]
            pdf = render_blank_form(requirement.with_context(lang=lang).name, vi.department_id.name, lines)
            requirement.write({"template": base64.b64encode(pdf), "template_filename": f"mau-don-{procedure.code}.pdf"})
        return True

    def action_view_dossiers(self):
        """The dossiers of these procedures, for the officers (the list shows what they may read)."""
        if not self.env.user._is_internal():
            raise AccessError(self.env._("The dossiers are listed in the back office only."))
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("moh_egov.action_moh_dossier")
        action["domain"] = [("procedure_id", "in", self.ids)]
        action["context"] = {}
        return action
