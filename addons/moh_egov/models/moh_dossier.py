"""Dossiers of online public services, handled by the one-stop shop (Decree 118/2025/ND-CP).

Life of a dossier::

    draft ──submit──▶ submitted ──accept──▶ received ──assign──▶ processing ──propose──▶ approval
      (business)        │  ▲   (8 working hours)                   (department)   (e-result signed
                        │  │                                                        and issued)
                        │  └──supplements arrive── supplement ──N days*──▶ closed       │
                        ├──request supplement──────────┘                               ▼
                        └──refuse──▶ refused                                            done

The statutory clock runs in working days from receipt of the complete, valid dossier (Art. 17.3),
or in calendar days for a procedure whose own text says so (moh.procedure.processing_unit);
a request for supplements lists every defect at once (Art. 17.2.a) and the clock restarts from
zero when the completed dossier arrives. A time limit to ask, "once only" and closing after N days
were found in no legal text: they are parameters of each procedure, off by default
(moh.procedure.supplement_*). A result that will be late needs an apology with a proposed new
working day at least one working day before the deadline, and the deadline moves once only (form
04). Every deadline is counted by moh_core.onestop.clock.DossierClock on the dossier's history
(_moh_clock). The applicant may ask to stop (Art. 21). Every hand-over is recorded with its time
on the process control slip (Circular 03/2025/TT-VPCP, form 06).

Who moves a dossier (every step checks the caller, then the dossier's state, and only then
writes, in superuser mode: the workflow fields below are refused to ``create`` and ``write``
for everybody, officers included — moh.workflow.guard):

- the applicant (a portal user of the dossier's business): submit, send the supplements, ask
  to stop;
- the one-stop shop (group_onestop): receive a paper dossier at the counter or by post
  (moh.dossier.intake, Art. 17), accept, ask for supplements, refuse, record the fee paid at the
  counter, hand over to a department, stop at the applicant's request;
- the deciding department (its members, the dossier's specialist): propose the result, or
  return the dossier with a written notice of reasons; apologise and extend; its head
  re-assigns the dossier to a specialist of the department;
- the e-result is returned when the records office issues it (moh.outgoing.document);
- the national public service portal hears of each change of status from those steps only.
"""

import datetime as dt
import json
import secrets

import pytz
from odoo import Command, api, fields, models
from odoo.addons.moh_documents.tools.core_errors import error_reason, user_errors
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount

STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("supplement", "Awaiting Supplements"),
    ("received", "Received"),
    ("processing", "In Appraisal"),
    ("approval", "Result in Approval"),
    ("done", "Result Returned"),
    ("refused", "Refused"),
    ("closed", "Closed (not completed)"),
    ("stopped", "Stopped at the Applicant's Request"),
]
OPEN_STATES = ("received", "processing", "approval")
FINAL_STATES = ("done", "refused", "closed", "stopped")
#: The dossier's state after each kind of hand-over (the status of its progress step).
HANDOVER_STATES = {
    "submit": "submitted",
    "accept": "received",
    "supplement": "supplement",
    "supplement_done": "received",
    "assign": "processing",
    "propose": "approval",
    "return": "done",
    "refuse": "refused",
    "close": "closed",
    "stop": "stopped",
}
OUTCOMES = [("early", "Before the Due Date"), ("on_time", "On the Due Date"), ("late", "Late")]
RATINGS = [("3", "Very Satisfied"), ("2", "Satisfied"), ("1", "Not Satisfied")]


class MohDossier(models.Model):
    _name = "moh.dossier"
    _description = "Public Service Dossier"
    _inherit = [
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "moh.deadline.mixin",
        "moh.workflow.guard",
        "moh.records.item.mixin",
    ]
    _order = "id desc"
    _moh_open_states = OPEN_STATES
    #: Settled dossiers are filed (moh.records.item.mixin; docs/records.md).
    _moh_records_states = ("done", "refused", "closed", "stopped")
    _moh_done_state = "done"
    # Everything but the specialist's appraisal note: set by the steps only (see the module's doc).
    _moh_workflow_fields = (
        "name",
        "code",
        "register_id",
        "receipt_day",
        "code_sequence",
        "procedure_id",
        "company_id",
        "state",
        "channel",
        "partner_id",
        "applicant_user_id",
        "contact_name",
        "contact_email",
        "contact_phone",
        "department_id",
        "specialist_id",
        "document_ids",
        "value_ids",
        "handover_ids",
        "slip_ids",
        "submitted_at",
        "acceptance_deadline",
        "received_at",
        "first_deadline",
        "deadline",
        "done_date",
        "completed_late",
        "supplement_count",
        "supplement_requested_at",
        "supplement_deadline",
        "supplement_items",
        "supplement_received_at",
        "refusal_reason",
        "extension_reason",
        "apology_sent_at",
        "stop_reason",
        "supplement_defects",
        "refusal_stage",
        "stop_requested_at",
        "fee_amount",
        "payment_state",
        "paid_online",
        "transaction_ids",
        "result_document_id",
        "result_attachment_id",
        "outcome",
        "lookup_secret",
        "rating",
        "rating_comment",
        "access_token",
        "digitised",
        "dvcqg_synced_at",
        "national_code",
        "national_filer_techid",
    )

    name = fields.Char(string="Reference", compute="_compute_name", store=True)
    code = fields.Char(
        string="Dossier Code",
        readonly=True,
        copy=False,
        index="btree_not_null",
        tracking=True,
        help="Agency code, date of receipt (yymmdd) and number of the day (Decree 118/2025/ND-CP, Art. 28).",
    )
    register_id = fields.Many2one("moh.document.register", string="Dossier Register", readonly=True, copy=False)
    receipt_day = fields.Integer(readonly=True, copy=False, aggregator=False)
    code_sequence = fields.Integer(readonly=True, copy=False, aggregator=False)
    procedure_id = fields.Many2one("moh.procedure", required=True, index=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    state = fields.Selection(STATES, default="draft", required=True, index=True, tracking=True, copy=False)
    channel = fields.Selection(
        [
            ("online", "Online"),
            ("counter", "At the Counter"),
            ("postal", "By Post"),
            ("national_portal", "National Public Service Portal"),
        ],
        required=True,
        default="online",
    )
    national_code = fields.Char(
        string="National Portal Dossier Code",
        readonly=True,
        copy=False,
        help="MaHoSo of a dossier filed on the national public service portal: it is also its code here.",
    )
    national_filer_techid = fields.Char(
        string="Filer's National Account",
        readonly=True,
        copy=False,
        groups="moh_documents.group_moh_admin",
        help="MaDoiTuong of a dossier filed on the national public service portal: the TechID of the account "
        "that filed it there, sent back with the dossier.",
    )

    partner_id = fields.Many2one(
        "res.partner",
        string="Applicant",
        required=True,
        index=True,
        tracking=True,
        help="The business applying (its company record).",
    )
    applicant_user_id = fields.Many2one("res.users", string="Filed By", readonly=True, copy=False)
    contact_name = fields.Char()
    contact_email = fields.Char()
    contact_phone = fields.Char()

    department_id = fields.Many2one("hr.department", string="Processing Department", index=True, tracking=True)
    specialist_id = fields.Many2one("res.users", tracking=True, index=True)
    appraisal_note = fields.Text(help="The specialist's findings, written into the draft result.")

    document_ids = fields.One2many("moh.dossier.document", "dossier_id", string="Documents")
    digitised = fields.Boolean(
        compute="_compute_digitised",
        store=True,
        help="Its documents are held electronically: filed online, or scanned at the counter "
        "(the product's measure for Decision 766/QĐ-TTg, indicator 4.2).",
    )
    value_ids = fields.One2many("moh.dossier.value", "dossier_id", string="Application Form")
    handover_ids = fields.One2many("moh.dossier.handover", "dossier_id", string="Hand-overs")

    submitted_at = fields.Datetime(readonly=True, copy=False, tracking=True)
    acceptance_deadline = fields.Datetime(
        readonly=True, copy=False, help="Online dossiers are accepted or sent back within 8 working hours."
    )
    received_at = fields.Datetime(
        string="Received On",
        readonly=True,
        copy=False,
        tracking=True,
        help="Receipt of the complete, valid dossier: the clock starts here.",
    )
    first_deadline = fields.Date(string="Due Date Before Extension", readonly=True, copy=False)

    supplement_count = fields.Integer(readonly=True, copy=False)
    supplement_requested_at = fields.Datetime(readonly=True, copy=False)
    supplement_deadline = fields.Date(readonly=True, copy=False, help="A dossier not completed by then is closed.")
    supplement_items = fields.Text(string="Supplements Requested", readonly=True, copy=False)
    supplement_received_at = fields.Datetime(readonly=True, copy=False)
    supplement_defects = fields.Json(
        readonly=True,
        copy=False,
        help="The defects of the last request for supplements: content, reason and guidance of each (form 02).",
    )
    refusal_reason = fields.Text(readonly=True, copy=False)
    refusal_stage = fields.Selection(
        [("reception", "Refused at Reception (Form 03)"), ("appraisal", "Returned After Appraisal")],
        readonly=True,
        copy=False,
        help="Refused on receipt (form 03), or returned once appraised with a written notice of the reasons.",
    )
    extension_reason = fields.Text(readonly=True, copy=False)
    apology_sent_at = fields.Datetime(readonly=True, copy=False)
    stop_reason = fields.Text(string="Reason to Stop", readonly=True, copy=False)
    stop_requested_at = fields.Datetime(readonly=True, copy=False)

    currency_id = fields.Many2one(related="procedure_id.currency_id")
    fee_amount = fields.Monetary(string="Fee", readonly=True, copy=False)
    payment_state = fields.Selection(
        [("none", "No Fee"), ("pending", "To Pay"), ("paid", "Paid")],
        default="none",
        readonly=True,
        copy=False,
        tracking=True,
    )
    paid_online = fields.Boolean(readonly=True, copy=False)
    transaction_ids = fields.Many2many(
        "payment.transaction",
        "moh_dossier_transaction_rel",
        "dossier_id",
        "transaction_id",
        string="Payments",
        readonly=True,
        copy=False,
    )

    payment_receipt_number = fields.Char(
        string="Receipt Number",
        compute="_compute_payment_receipt",
        compute_sudo=True,
        help="The electronic receipt (biên lai điện tử) the national payment platform issued for the fee.",
    )
    payment_receipt_url = fields.Char(string="Receipt Link", compute="_compute_payment_receipt", compute_sudo=True)
    payment_late_reference = fields.Char(
        string="Paid After Closing",
        compute="_compute_payment_late_reference",
        compute_sudo=True,
        help="A payment the national payment platform reported paid after it was closed here (with the "
        "platform's transaction): the money was taken; accept the payment or record its refund.",
    )

    result_document_id = fields.Many2one("moh.outgoing.document", readonly=True, copy=False)
    result_attachment_id = fields.Many2one("ir.attachment", string="Signed E-Result", readonly=True, copy=False)
    slip_ids = fields.Many2many(
        "ir.attachment",
        "moh_dossier_slip_rel",
        "dossier_id",
        "attachment_id",
        string="Slips",
        readonly=True,
        copy=False,
        help="The one-stop slips issued for the dossier (the applicant downloads these).",
    )
    outcome = fields.Selection(OUTCOMES, compute="_compute_outcome", store=True)
    lookup_secret = fields.Char(
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="Given to the applicant with the code: both are needed to look the status up without logging in.",
    )
    rating = fields.Selection(RATINGS, string="Satisfaction", readonly=True, copy=False)
    rating_comment = fields.Text(readonly=True, copy=False)
    complaint_ids = fields.One2many(
        "moh.dossier.complaint", "dossier_id", string="Complaints and Recommendations", readonly=True
    )

    dvcqg_synced_at = fields.Datetime(
        string="Synchronised with the National Portal",
        readonly=True,
        copy=False,
        help="Last time the whole dossier was accepted by the national portal (DongBoHoSoMC).",
    )

    completeness_report = fields.Html(compute="_compute_completeness_report", sanitize=True)
    is_complete = fields.Boolean(compute="_compute_completeness_report")

    # A dossier filed on the national portal is registered once, even under concurrent pushes.
    _national_code_unique = models.Constraint(
        "UNIQUE(national_code)", "A dossier with this national portal code was already received."
    )

    # -- filing (moh.records.item.mixin) -------------------------------------------------------

    _moh_records_department_field = "department_id"
    # The kind of official document its e-result is issued as: the file's heading lists it.
    _moh_records_document_type_field = "procedure_id.result_document_type_id"
    # The dossier's files and its signed e-result.
    _moh_records_attachment_fields = ("document_ids.attachment_id", "result_document_id.pdf_id")

    def _moh_records_year(self):
        moment = self.received_at or self.submitted_at or self.create_date
        return moment.year

    def action_add_to_file(self):
        """File the record in its suggested file (moh.records.item.mixin; the file's step checks
        the caller)."""
        return self._moh_records_add_to_file()

    def _moh_records_metadata(self):
        dossier = self.sudo()
        return {
            "kind": "dossier",
            "code": dossier.code or "",
            "procedure": dossier.procedure_id.name,
            "procedure_code": dossier.procedure_id.code or "",
            "applicant": dossier.partner_id.display_name or "",
            "submitted_at": dossier.submitted_at,
            "received_at": dossier.received_at,
            "state": dossier.state,
            "result_document": dossier.result_document_id.name or "",
        }

    # -- naming ---------------------------------------------------------------------------------

    @api.depends("code", "procedure_id")
    def _compute_name(self):
        for dossier in self:
            dossier.name = dossier.code or self.env._("Draft %(id)s", id=dossier.id or "")

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for dossier in self:
            dossier.access_url = f"/my/dossiers/{dossier.id}"
        return res

    @api.depends("done_date", "deadline", "state")
    def _compute_outcome(self):
        from moh_core.onestop import classify_completion  # noqa: PLC0415

        for dossier in self:
            if dossier.state == "done" and dossier.done_date and dossier.deadline:
                dossier.outcome = classify_completion(
                    dossier.company_id.sudo()._moh_local_date(dossier.done_date), dossier.deadline
                ).value
            else:
                dossier.outcome = False

    # -- time on the agency's calendar ----------------------------------------------------------

    def _moh_calendar(self):
        """The agency's statutory calendar (read in sudo: every role counts on it)."""
        calendar = self.company_id.sudo()._moh_calendar()
        return calendar, calendar._moh_working_calendar(), calendar._moh_tz()

    def _moh_local(self, utc_value):
        tz = self.company_id.sudo()._moh_calendar()._moh_tz()
        return pytz.utc.localize(utc_value).astimezone(tz).replace(tzinfo=None)

    def _moh_utc(self, local_value):
        tz = self.company_id.sudo()._moh_calendar()._moh_tz()
        return tz.localize(local_value).astimezone(pytz.utc).replace(tzinfo=None)

    def _moh_today(self):
        return self._moh_local(fields.Datetime.now()).date()

    # -- the dossier's clock (moh_core.onestop.clock.DossierClock) -----------------------------------

    def _moh_clock(self, *events):
        """The dossier's clock after its history and ``events`` (moh_core.onestop.clock.ClockEvent):
        every deadline the dossier stores is the clock's answer, never counted here.

        :raises UserError: an event breaks a deadline rule (the clock's reason, translated).
        """
        from moh_core.onestop import DossierClock, OneStopError  # noqa: PLC0415

        self.ensure_one()
        dossier = self.sudo()
        _calendar, working, _tz = dossier._moh_calendar()
        procedure = dossier.procedure_id
        clock = DossierClock(
            working,
            procedure.processing_days,
            procedure.processing_unit,
            supplement_request_days=procedure.supplement_request_days or None,
            supplement_days=procedure.supplement_close_days or None,
            supplement_once_only=procedure.supplement_once_only,
        )
        for event in [*dossier._moh_clock_history(), *events]:
            try:
                clock = clock.apply(event)
            except OneStopError as error:
                raise dossier._moh_clock_error(error) from error
        return clock

    def _moh_clock_history(self):
        """The dossier's history as the clock sees it (called in sudo by :meth:`_moh_clock`): its
        hand-overs (process control slip) in order, and the extension (the apology's time and the
        deadline it set)."""
        from moh_core.onestop import ClockEvent  # noqa: PLC0415
        from moh_core.onestop import ClockEventKind as Kind  # noqa: PLC0415

        self.ensure_one()
        kinds = {
            "submit": Kind.RECEIVE,
            "accept": Kind.ACCEPT,
            "supplement": Kind.REQUEST_SUPPLEMENT,
            "supplement_done": Kind.RECEIVE_SUPPLEMENT,
            "return": Kind.COMPLETE,
            "refuse": Kind.STOP,
            "close": Kind.STOP,
            "stop": Kind.STOP,
        }
        # (time, rank, event): at the same instant the extension comes after the steps that opened
        # the clock and before those that end the dossier.
        timeline = [
            (
                h.started_at,
                2 if kinds[h.kind] in (Kind.COMPLETE, Kind.STOP) else 0,
                ClockEvent(kinds[h.kind], self._moh_local(h.started_at)),
            )
            for h in self.handover_ids.sorted(lambda h: (h.started_at, h.id))
            if h.kind in kinds
        ]
        if self.apology_sent_at and self.deadline:
            timeline.append(
                (
                    self.apology_sent_at,
                    1,
                    ClockEvent(Kind.EXTEND, self._moh_local(self.apology_sent_at), new_due=self.deadline),
                )
            )
        return [event for _at, _rank, event in sorted(timeline, key=lambda item: item[:2])]

    def _moh_clock_error(self, error):
        """The clock's refusal as a UserError in the user's language (called in sudo by
        :meth:`_moh_clock`); the rule and its dates are moh_core's text, in both languages."""
        return UserError(
            self.env._(
                "Dossier %(name)s: %(reason)s; nothing was changed.",
                name=self.name,
                reason=error_reason(self.env, error),
            )
        )

    # -- completeness -------------------------------------------------------------------------

    def _moh_completeness(self):
        """The automatic completeness check, as the business sees it before submitting and the
        one-stop officer on receipt (moh_core.onestop.completeness)."""
        from moh_core.onestop import ProvidedFile, Requirement, completeness  # noqa: PLC0415

        self.ensure_one()
        requirements = [
            Requirement(key=str(req.id), name=req.name, required=req.required)
            for req in self.procedure_id.requirement_ids
        ]
        files = [
            ProvidedFile(requirement_key=str(doc.requirement_id.id), filename=doc.name, check=doc._moh_check())
            for doc in self.document_ids
            if doc.requirement_id
        ]
        report = completeness(requirements, files)
        missing_fields = [
            value.field_id.name
            for value in self._moh_form_values()
            if value.field_id.required and not (value.value or "").strip()
        ]
        return report, missing_fields

    def _moh_completeness_lines(self):
        """[(requirement, status, text)] for the views, in the user's language."""
        self.ensure_one()
        report, missing_fields = self._moh_completeness()
        labels = {
            "ok": self.env._("Provided"),
            "missing": self.env._("Missing"),
            "unreadable": self.env._("Unreadable or not accepted"),
            "bad_signature": self.env._("Signature not valid"),
            "optional": self.env._("Optional, not provided"),
        }
        lines = []
        requirements = {str(req.id): req for req in self.procedure_id.requirement_ids}
        for item in report.items:
            requirement = requirements[item.requirement.key]
            status = item.status
            if status == "missing" and not requirement.required:
                status = "optional"
            lines.append((requirement, status, labels[status]))
        for name in missing_fields:
            lines.append((None, "missing", self.env._("Form field %(field)s is empty", field=name)))
        return lines, report.complete and not missing_fields

    @api.depends("channel", "document_ids")
    def _compute_digitised(self):
        for dossier in self:
            dossier.digitised = dossier.channel in ("online", "national_portal") or bool(dossier.document_ids)

    def _moh_completeness_defects(self):
        """Every defect the completeness check finds, as form 02 lists them (Art. 17.2.a): the
        required document or form field, why, and what to do."""
        self.ensure_one()
        lines, _complete = self._moh_completeness_lines()
        guidance = {
            "missing": self.env._("Provide it (as a PDF, or a picture where allowed)."),
            "unreadable": self.env._("Provide a readable copy."),
            "bad_signature": self.env._("Provide a copy with a valid digital signature."),
        }
        defects = []
        for requirement, status, text in lines:
            if status in ("ok", "optional"):
                continue
            if requirement:
                note = (requirement.note or "").strip()
                defects.append(
                    {
                        "content": requirement.name,
                        "reason": text,
                        "guidance": " ".join(p for p in (guidance.get(status, ""), note) if p),
                    }
                )
            else:
                defects.append(
                    {
                        "content": text,
                        "reason": self.env._("Required by the application form."),
                        "guidance": self.env._("Fill it in."),
                    }
                )
        return defects

    @api.depends("document_ids", "document_ids.check_state", "value_ids.value", "procedure_id")
    def _compute_completeness_report(self):
        for dossier in self:
            if not dossier.procedure_id:
                dossier.completeness_report = False
                dossier.is_complete = False
                continue
            lines, complete = dossier._moh_completeness_lines()
            rows = "".join(
                f"<tr><td>{(req.name if req else '')}</td><td class='{'text-success' if status == 'ok' else 'text-muted' if status == 'optional' else 'text-danger'}'>{text}</td></tr>"
                for req, status, text in lines
            )
            verdict = self.env._("Complete") if complete else self.env._("Incomplete")
            dossier.completeness_report = f"<p><b>{verdict}</b></p><table class='table table-sm'>{rows}</table>"
            dossier.is_complete = complete

    def _moh_form_values(self):
        """One value line per form field of the procedure (created on demand)."""
        self.ensure_one()
        existing = {value.field_id: value for value in self.value_ids}
        missing = self.procedure_id.form_field_ids.filtered(lambda f: f not in existing)
        if missing:
            self.env["moh.dossier.value"].sudo().create([{"dossier_id": self.id, "field_id": f.id} for f in missing])
            self.invalidate_recordset(["value_ids"])
        return self.value_ids.sorted(lambda v: (v.field_id.sequence, v.field_id.id))

    # -- creation by the business ----------------------------------------------------------------

    @api.model
    def _moh_new_for_user(self, procedure, user):
        """A new draft for ``user``'s business (created in sudo by the portal controller); a
        nationally signed-in user only in the name its sign-in proves, and only when the user's
        sign-in reaches the procedure's level of assurance."""
        user._moh_check_assurance(procedure)
        user._moh_check_may_file()
        partner = user.partner_id
        return self.sudo().create(
            {
                "procedure_id": procedure.id,
                "company_id": procedure.company_id.id,
                "partner_id": partner.commercial_partner_id.id,
                "applicant_user_id": user.id,
                "contact_name": partner.name,
                "contact_email": partner.email,
                "contact_phone": partner.phone,
                "department_id": procedure.department_id.id,
            }
        )

    def _moh_check_state(self, *states):
        for dossier in self:
            if dossier.state not in states:
                raise UserError(
                    self.env._(
                        "Dossier %(name)s is %(state)s: this step is not possible now; nothing was changed.",
                        name=dossier.name,
                        state=dict(self._fields["state"]._description_selection(self.env))[dossier.state],
                    )
                )

    # -- who may take a step --------------------------------------------------------------------
    # Each check looks at the user behind the call (``env.user``, also in superuser mode: the
    # portal controller calls the applicant's steps as the logged-in business) and at the
    # records, before the state and before anything is written.

    def _moh_check_readable(self):
        if not self.env.su:
            self.check_access("read")

    def _moh_check_applicant(self):
        """The caller files for the dossiers' business: a portal user of that company."""
        user = self.env.user
        if user._is_superuser():
            return
        company = user.commercial_partner_id
        if not (
            user._is_portal()
            and self
            and all(dossier.partner_id.commercial_partner_id == company for dossier in self.sudo())
        ):
            raise AccessError(self.env._("Only the business that filed the dossier can take this step."))
        self._moh_check_readable()

    def _moh_check_onestop(self):
        user = self.env.user
        if not (user._is_superuser() or user.has_group("moh_egov.group_onestop")):
            raise AccessError(self.env._("Only the one-stop shop receives, refuses and returns dossiers."))
        self._moh_check_readable()

    def _moh_is_department_member(self, user, head=False):
        """``user`` works in the department the dossier is handed to (or in a parent department),
        as a head when ``head``; or, without ``head``, is the dossier's specialist."""
        self.ensure_one()
        dossier = self.sudo()
        if not head and dossier.specialist_id == user:
            return True
        if not user.has_group("moh_documents.group_department_head" if head else "moh_documents.group_specialist"):
            return False
        departments = user.sudo().employee_ids.department_id
        if not departments or not dossier.department_id:
            return False
        return bool(
            self.env["hr.department"]
            .sudo()
            .search_count([("id", "=", dossier.department_id.id), ("id", "child_of", departments.ids)])
        )

    def _moh_check_department(self, head=False, onestop=False):
        """The caller works in the deciding department (its head when ``head``), or is in the
        one-stop shop when ``onestop`` allows it."""
        user = self.env.user
        if user._is_superuser() or (onestop and user.has_group("moh_egov.group_onestop")):
            self._moh_check_readable()
            return
        for dossier in self:
            if not dossier._moh_is_department_member(user, head=head):
                raise AccessError(
                    self.env._(
                        "Dossier %(name)s is handled by another department: this step is not yours.",
                        name=dossier.sudo().name,
                    )
                )
        self._moh_check_readable()

    def _moh_check_content_update(self, vals):
        """Outside the steps, only the appraisal note changes: in appraisal, by the department."""
        if "appraisal_note" in vals:
            self._moh_check_department()
            for dossier in self.sudo():
                if dossier.state != "processing":
                    raise UserError(
                        self.env._(
                            "The appraisal note of dossier %(name)s is written during the appraisal only; nothing was changed.",
                            name=dossier.name,
                        )
                    )

    def action_submit(self):
        """The business files the dossier: it gets its code (Art. 28) and its lookup secret; the
        one-stop shop must accept it or ask for supplements within 8 working hours."""
        from moh_core.onestop import ClockEvent, ClockEventKind  # noqa: PLC0415

        self._moh_check_applicant()
        self._moh_check_state("draft")
        if not self.env.user._is_superuser():
            # Filed online by the applicant: its sign-in must reach the procedure's level.
            for procedure in self.sudo().procedure_id:
                self.env.user._moh_check_assurance(procedure)
        for dossier in self.sudo():
            lines, complete = dossier._moh_completeness_lines()
            if not complete:
                problems = "; ".join(
                    f"{req.name if req else ''} {text}".strip()
                    for req, status, text in lines
                    if status not in ("ok", "optional")
                )
                raise UserError(self.env._("The dossier is not complete yet: %(problems)s.", problems=problems))
            now = fields.Datetime.now()
            local_now = dossier._moh_local(now)
            clock = dossier._moh_clock(ClockEvent(ClockEventKind.RECEIVE, local_now))
            fee = dossier.procedure_id.fee
            vals = {
                "state": "submitted",
                "submitted_at": now,
                "acceptance_deadline": dossier._moh_utc(clock.acceptance_due),
                "lookup_secret": dossier.lookup_secret or secrets.token_hex(4).upper(),
                "fee_amount": fee,
                "payment_state": "pending" if fee else "none",
            }
            if not dossier.code:
                vals.update(dossier._moh_allocate_code(local_now.date()))
            dossier.sudo().write(vals)
            dossier._moh_handover(
                "submit", self.env._("Applicant"), self.env._("One-stop shop"), due_at=dossier.acceptance_deadline
            )
            dossier._moh_notify("moh_egov.mail_template_dossier_submitted")
        return True

    def _moh_allocate_code(self, day):
        """Code per Art. 28: agency code, yymmdd of receipt, number of the day (gapless, under the
        register's lock as incoming documents are numbered)."""
        from moh_core.onestop import format_dossier_code  # noqa: PLC0415

        self.ensure_one()
        register = (
            self.env["moh.document.register"]
            .sudo()
            .search([("direction", "=", "dossier"), ("company_id", "=", self.company_id.id)], limit=1)
        )
        if not register:
            raise UserError(
                self.env._("No dossier register is configured for %(company)s.", company=self.company_id.name)
            )
        agency = self.company_id._moh_agency_code(self.env._("at the head of every dossier code"))
        receipt_day = int(day.strftime("%Y%m%d"))
        sequence = register._moh_allocate_number(
            self._name, receipt_day, number_field="code_sequence", year_field="receipt_day"
        )
        return {
            "register_id": register.id,
            "receipt_day": receipt_day,
            "code_sequence": sequence,
            "code": format_dossier_code(agency, day, sequence),
        }

    # -- one-stop shop ---------------------------------------------------------------------------

    def action_accept(self):
        """Accept a complete dossier: the clock starts, the receipt and appointment slip is issued."""
        from moh_core.onestop import ClockEvent, ClockEventKind  # noqa: PLC0415

        self._moh_check_onestop()
        self._moh_check_state("submitted")
        for dossier in self:
            dossier.document_ids._moh_revalidate_signatures()
            _lines, complete = dossier._moh_completeness_lines()
            if not complete:
                raise UserError(self.env._("The dossier is not complete: ask for supplements or refuse it."))
            if dossier.payment_state == "pending":
                raise UserError(self.env._("The fee of dossier %(name)s is not paid yet.", name=dossier.name))
            now = fields.Datetime.now()
            # After supplements the clock restarts from zero on the day the completed dossier arrived.
            clock = dossier._moh_clock(ClockEvent(ClockEventKind.ACCEPT, dossier._moh_local(now)))
            dossier.sudo().write(
                {"state": "received", "received_at": now, "deadline": clock.due, "first_deadline": clock.original_due}
            )
            dossier._moh_handover(
                "accept",
                self.env._("One-stop shop"),
                self.env._("One-stop shop"),
                due_at=dossier._moh_paper_handover_due(now),
            )
            dossier._moh_attach_slip("receipt")
            dossier._moh_notify("moh_egov.mail_template_dossier_received")
        return True

    def action_request_supplement(self, items):
        """Ask the business to add or complete the dossier, listing every defect at once (Art.
        17.2.a, form 02): those the completeness check finds, and ``items``, the officer's own
        (a text with one defect a line, or a list of ``{"content", "reason", "guidance"}``).

        A time limit to ask, "once only" and closing the dossier when the supplements do not
        come were found in no legal text: each applies only when the procedure sets it
        (moh.procedure.supplement_request_days, supplement_once_only, supplement_close_days).
        """
        from moh_core.onestop import ClockEvent, ClockEventKind  # noqa: PLC0415

        self._moh_check_onestop()
        self._moh_check_state("submitted", "received", "processing")
        officer_defects = self._moh_parse_defects(items)
        for dossier in self:
            defects = dossier._moh_completeness_defects() + officer_defects
            if not defects:
                raise UserError(self.env._("Say which documents are to be added or completed."))
            now = fields.Datetime.now()
            # The window (if the procedure sets one) counts from the dossier's receipt (its
            # filing), accepted or not; "once only" and the time to complete are the procedure's.
            clock = dossier._moh_clock(ClockEvent(ClockEventKind.REQUEST_SUPPLEMENT, dossier._moh_local(now)))
            dossier.sudo().write(
                {
                    "state": "supplement",
                    "supplement_count": dossier.supplement_count + 1,
                    "supplement_requested_at": now,
                    "supplement_deadline": clock.supplement_due or False,
                    "supplement_defects": defects,
                    "supplement_items": "\n".join(self._moh_defect_line(defect) for defect in defects),
                    "deadline": clock.due or False,
                    "first_deadline": clock.original_due or False,
                }
            )
            dossier._moh_handover("supplement", self.env._("One-stop shop"), self.env._("Applicant"))
            dossier._moh_attach_slip("supplement")
            dossier._moh_notify("moh_egov.mail_template_dossier_supplement")
        return True

    @api.model
    def _moh_parse_defects(self, items):
        """The officer's defects: a text (one a line) or a list of dicts; empty lines dropped."""
        if not items:
            return []
        if isinstance(items, str):
            return [
                {"content": line.strip(" -•\t"), "reason": "", "guidance": ""}
                for line in items.splitlines()
                if line.strip(" -•\t")
            ]
        if not isinstance(items, (list, tuple)):
            raise UserError(self.env._("The defects are a list of items to add or complete."))
        defects = []
        for item in items:
            item = item if isinstance(item, dict) else {"content": str(item)}
            content = str(item.get("content") or "").strip()
            if content:
                defects.append(
                    {
                        "content": content,
                        "reason": str(item.get("reason") or "").strip(),
                        "guidance": str(item.get("guidance") or "").strip(),
                    }
                )
        return defects

    @api.model
    def _moh_defect_line(self, defect):
        """One defect as a line of text (the portal and the email show these)."""
        line = defect["content"]
        if defect.get("reason"):
            line += f": {defect['reason']}"
        if defect.get("guidance"):
            line += f" ({defect['guidance']})"
        return line

    def action_supplement_done(self):
        """The business has added what was asked: back to the one-stop shop, which accepts it
        again; the clock will restart from today."""
        from moh_core.onestop import ClockEvent, ClockEventKind  # noqa: PLC0415

        self._moh_check_applicant()
        self._moh_check_state("supplement")
        for dossier in self.sudo():
            _lines, complete = dossier._moh_completeness_lines()
            if not complete:
                raise UserError(self.env._("The dossier is still not complete."))
            now = fields.Datetime.now()
            clock = dossier._moh_clock(ClockEvent(ClockEventKind.RECEIVE_SUPPLEMENT, dossier._moh_local(now)))
            dossier.sudo().write(
                {
                    "state": "submitted",
                    "supplement_received_at": now,
                    "acceptance_deadline": dossier._moh_utc(clock.acceptance_due),
                    "received_at": False,
                    "deadline": clock.due or False,
                    "first_deadline": clock.original_due or False,
                }
            )
            dossier._moh_handover(
                "supplement_done",
                self.env._("Applicant"),
                self.env._("One-stop shop"),
                due_at=dossier.acceptance_deadline,
            )
        return True

    def action_refuse(self, reason):
        self._moh_check_onestop()
        self._moh_check_state("submitted", "supplement")
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reasons for refusing the dossier."))
        for dossier in self:
            dossier.sudo().write(
                {
                    "state": "refused",
                    "refusal_reason": reason.strip(),
                    "refusal_stage": "reception",
                    "done_date": fields.Datetime.now(),
                }
            )
            dossier._moh_handover("refuse", self.env._("One-stop shop"), self.env._("Applicant"))
            dossier._moh_attach_slip("refusal")
            dossier._moh_notify("moh_egov.mail_template_dossier_refused")
        return True

    def action_return_after_appraisal(self, reason):
        """Refuse a dossier once appraised: it is returned to the business with a written notice
        of the reasons, signed for the deciding department (Decree 118/2025/ND-CP, article not
        confirmed; not form 03, which refuses to receive a dossier). By the department that
        appraises it (its members, the dossier's specialist) or the one-stop shop returning it;
        reasons are required."""
        self._moh_check_department(onestop=True)
        self._moh_check_state("processing")
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reasons why the dossier does not qualify."))
        for dossier in self:
            department = dossier.sudo().department_id
            dossier.sudo().write(
                {
                    "state": "refused",
                    "refusal_reason": reason.strip(),
                    "refusal_stage": "appraisal",
                    "done_date": fields.Datetime.now(),
                }
            )
            dossier._moh_handover("refuse", department.name or self.env._("One-stop shop"), self.env._("Applicant"))
            dossier._moh_attach_slip("appraisal_refusal")
            dossier._moh_notify("moh_egov.mail_template_dossier_returned")
        return True

    # -- paper dossiers: at the counter, by post (Art. 17-18) --------------------------------------

    @api.model
    def _moh_open_on_paper(self, procedure, partner, channel, contact=None, files=(), values=None):
        """A paper dossier the one-stop officer receives at the counter or by post (Art. 17): the
        scanned papers become its files, through the portal's upload checks; it is filed at once
        (code, time of receipt) and never exists as a draft. The caller (moh.dossier.intake)
        checked that the user is a one-stop officer; this checks it again.

        ``files`` are ``(requirement, filename, bytes)``; ``values`` ``{form field: text}``."""
        self._moh_check_onestop()
        if channel not in ("counter", "postal"):
            raise UserError(self.env._("A paper dossier arrives at the counter or by post."))
        business = partner.sudo().commercial_partner_id
        if not business or not procedure:
            raise UserError(self.env._("Choose the procedure and the applicant."))
        contact = contact or {}
        dossier = self.sudo().create(
            {
                "procedure_id": procedure.id,
                "company_id": procedure.company_id.id,
                "partner_id": business.id,
                "channel": channel,
                "contact_name": contact.get("name") or partner.name,
                "contact_email": contact.get("email") or partner.email,
                "contact_phone": contact.get("phone") or partner.phone,
                "department_id": procedure.department_id.id,
            }
        )
        for field, value in (values or {}).items():
            dossier._moh_form_values().filtered(lambda v, f=field: v.field_id == f).sudo().write({"value": value})
        Document = self.env["moh.dossier.document"]
        for requirement, filename, data in files:
            Document._moh_add(dossier, requirement, filename, data)
        now = fields.Datetime.now()
        fee = procedure.fee
        vals = {
            "state": "submitted",
            "submitted_at": now,
            "lookup_secret": secrets.token_hex(4).upper(),
            "fee_amount": fee,
            "payment_state": "pending" if fee else "none",
        }
        vals.update(dossier._moh_allocate_code(dossier._moh_local(now).date()))
        dossier.write(vals)
        dossier._moh_handover("submit", self.env._("Applicant"), self.env._("One-stop shop"))
        return dossier.with_env(self.env)

    def _moh_paper_handover_due(self, received_at):
        """When a dossier received on paper at ``received_at`` must reach the competent body:
        the same working day, or the start of the next one when received after the company's
        cut-off, 15:00 (Decree 118/2025/ND-CP, Art. 18.2; moh_core.onestop.intake). None for online
        dossiers (their hand-over is the step's share of the statutory time)."""
        from moh_core.onestop import handover_due  # noqa: PLC0415

        self.ensure_one()
        if self.channel in ("online", "national_portal"):
            return None
        _calendar, working, _tz = self._moh_calendar()
        cutoff = self.company_id.sudo()._moh_handover_cutoff_time()
        return self._moh_utc(handover_due(working, self._moh_local(received_at), cutoff))

    def action_assign(self, department=None, specialist=None):
        """Hand the dossier to the department that decides (and to a specialist of it): the
        one-stop shop on receipt; afterwards the one-stop shop or the department's head."""
        department = self.env["hr.department"].browse(getattr(department, "id", department) or [])
        specialist = self.env["res.users"].browse(getattr(specialist, "id", specialist) or [])
        for dossier in self:
            if dossier.sudo().state == "received":
                dossier._moh_check_onestop()
            else:
                dossier._moh_check_department(head=True, onestop=True)
        self._moh_check_state("received", "processing")
        for dossier in self:
            sudo = dossier.sudo()
            target = department.sudo() or sudo.department_id or sudo.procedure_id.department_id
            if not target.exists():
                raise UserError(self.env._("Choose the department that decides the dossier."))
            if (
                department
                and sudo.state == "processing"
                and not self.env.user.has_group("moh_egov.group_onestop")
                and not self.env.user._is_superuser()
                and department != sudo.department_id
            ):
                raise AccessError(self.env._("Only the one-stop shop hands a dossier to another department."))
            vals = {"state": "processing", "department_id": target.id}
            if specialist:
                person = specialist.sudo()
                in_department = (
                    person.exists()
                    and not person.share
                    and self.env["hr.department"]
                    .sudo()
                    .search_count([("id", "in", person.employee_ids.department_id.ids), ("id", "child_of", target.ids)])
                )
                if not in_department:
                    raise UserError(
                        self.env._(
                            "%(user)s does not work in %(department)s; nothing was changed.",
                            user=person.name,
                            department=target.name,
                        )
                    )
                vals["specialist_id"] = person.id
            dossier.sudo().write(vals)
            person = specialist.sudo()
            dossier._moh_handover(
                "assign",
                target.name if person else self.env._("One-stop shop"),
                person.name if person else target.name,
                department=target,
            )
            if person:
                dossier.sudo().activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=person.id,
                    date_deadline=sudo.deadline,
                    summary=self.env._("Appraise dossier %(code)s", code=sudo.code),
                )
        return True

    def action_propose_result(self):
        """The specialist has appraised the dossier: the e-result is drafted as an outgoing
        document of the procedure's type and goes through its review and signing chain."""
        self._moh_check_department()
        self._moh_check_state("processing")
        Outgoing = self.env["moh.outgoing.document"]
        for dossier in self:
            procedure = dossier.procedure_id
            department = dossier.department_id or procedure.department_id
            head = department.sudo().manager_id.user_id
            signer = head or self.env.user
            # The signer's authority is derived by the outgoing document from who signs for whom:
            # the department's head decides in the ministry's name (TL. BỘ TRƯỞNG) unless the
            # department issues in its own name (own seal).
            position = signer.sudo().employee_id.job_title
            result = Outgoing.sudo().create(
                {
                    "document_type_id": procedure.result_document_type_id.id,
                    "department_id": department.id,
                    "drafter_id": (dossier.specialist_id or self.env.user).id,
                    "abstract": self.env._(
                        "%(result)s – dossier %(code)s of %(applicant)s",
                        result=procedure.result_type,
                        code=dossier.code,
                        applicant=dossier.partner_id.name,
                    ),
                    "body": dossier._moh_result_body(),
                    "addressees": dossier.partner_id.name,
                    "recipients": f"- {dossier.partner_id.name};\n- {self.env._('Archive')}: VT, {department.moh_abbreviation or ''}.",
                    "signer_id": signer.id,
                    **({} if position else {"signer_position": "THỦ TRƯỞNG ĐƠN VỊ"}),
                    "dossier_id": dossier.id,
                }
            )
            result.action_render()
            dossier.sudo().write({"state": "approval", "result_document_id": result.id})
            dossier._moh_handover("propose", department.name, self.env._("Leaders (approval and signature)"))
        return True

    def _moh_result_body(self):
        self.ensure_one()
        values = "\n".join(f"{value.field_id.name}: {value.value or ''}" for value in self._moh_form_values())
        paragraphs = [
            self.env._(
                "Having considered dossier %(code)s of %(applicant)s received on %(date)s under the procedure %(procedure)s;",
                code=self.code,
                applicant=self.partner_id.name,
                date=self._moh_local(self.received_at).strftime("%d/%m/%Y") if self.received_at else "",
                procedure=self.procedure_id.name,
            ),
            values,
            self.appraisal_note or "",
        ]
        return "\n\n".join(p for p in paragraphs if p)

    def _moh_result_issued(self, document):
        """Called when the e-result was signed, sealed and issued: it is returned to the business.
        Only the dossier's own result document, issued, while the dossier waits for it."""
        for dossier in self.sudo():
            if (
                dossier.state != "approval"
                or dossier.result_document_id != document
                or document.state != "issued"
                or not document.pdf_id
            ):
                document.sudo().message_post(
                    body=self.env._(
                        "Issued, but not returned to dossier %(name)s: the dossier does not await this document as its result.",
                        name=dossier.name,
                    )
                )
                continue
            now = fields.Datetime.now()
            attachment = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": f"{dossier.code}-ket-qua.pdf",
                        "raw": document.pdf_id.raw,
                        "mimetype": "application/pdf",
                        "res_model": dossier._name,
                        "res_id": dossier.id,
                        "moh_role": "result",
                    }
                )
            )
            dossier.sudo().write({"state": "done", "done_date": now, "result_attachment_id": attachment.id})
            dossier.sudo()._moh_handover("return", self.env._("One-stop shop"), self.env._("Applicant"))
            dossier.sudo()._moh_notify("moh_egov.mail_template_dossier_done")

    def action_apologise(self, reason, new_deadline):
        """Ask the applicant's pardon and move the deadline, once only, at least one working day
        before it falls due, to a later working day (moh_core.onestop.clock.DossierClock.extend)."""
        from moh_core.onestop import ClockEvent, ClockEventKind  # noqa: PLC0415

        self._moh_check_department(onestop=True)
        self._moh_check_state(*OPEN_STATES)
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for the delay."))
        new_deadline = fields.Date.to_date(new_deadline)
        for dossier in self:
            if dossier.apology_sent_at:
                raise UserError(self.env._("The deadline of a dossier can be extended once only."))
            now = fields.Datetime.now()
            if not new_deadline:
                raise UserError(
                    self.env._(
                        "The new date must come after the current deadline %(date)s.",
                        date=dossier.deadline.strftime("%d/%m/%Y") if dossier.deadline else "",
                    )
                )
            clock = dossier._moh_clock(ClockEvent(ClockEventKind.EXTEND, dossier._moh_local(now), new_due=new_deadline))
            dossier.sudo().write({"extension_reason": reason.strip(), "apology_sent_at": now, "deadline": clock.due})
            dossier._moh_attach_slip("apology")
            dossier._moh_notify("moh_egov.mail_template_dossier_extended")
        return True

    def action_request_stop(self, reason):
        """The applicant asks to stop the dossier (Art. 21); the one-stop shop confirms."""
        self._moh_check_applicant()
        self._moh_check_state("submitted", "supplement", *OPEN_STATES)
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the dossier should be stopped."))
        for dossier in self:
            dossier.sudo().write({"stop_reason": reason.strip(), "stop_requested_at": fields.Datetime.now()})
            dossier.sudo().message_post(
                body=self.env._("The applicant asks to stop the dossier: %(reason)s", reason=reason.strip())
            )
            onestop = self.env.ref("moh_egov.group_onestop").sudo().all_user_ids[:1]
            if onestop:
                dossier.sudo().activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=onestop.id,
                    summary=self.env._("Stop dossier %(code)s", code=dossier.code),
                )
        return True

    def action_stop(self):
        self._moh_check_onestop()
        for dossier in self.sudo():
            if not dossier.stop_requested_at:
                raise UserError(self.env._("The applicant has not asked to stop this dossier."))
        self._moh_check_state("submitted", "supplement", *OPEN_STATES)
        for dossier in self:
            dossier.sudo().write({"state": "stopped", "done_date": fields.Datetime.now()})
            dossier._moh_handover("stop", self.env._("One-stop shop"), self.env._("Applicant"))
            dossier._moh_attach_slip("stop")
            dossier._moh_notify("moh_egov.mail_template_dossier_stopped")
        return True

    @api.model
    def _cron_moh_close_incomplete(self):
        """Close dossiers whose supplements did not arrive in time, for procedures that set a time to
        complete them (moh.procedure.supplement_close_days: no legal text found, off by default)."""
        self = self.with_context(**self.env.company._moh_local_context())  # noqa: PLW0642 - the agency's day
        today = fields.Date.context_today(self)
        expired = self.search([("state", "=", "supplement"), ("supplement_deadline", "<", today)])
        for dossier in expired:
            dossier.sudo().write({"state": "closed", "done_date": fields.Datetime.now()})
            dossier._moh_handover("close", self.env._("One-stop shop"), self.env._("Applicant"))
            dossier._moh_notify("moh_egov.mail_template_dossier_closed")
        return expired

    # -- payment -------------------------------------------------------------------------------

    def action_record_counter_payment(self):
        """The fee paid at the one-stop counter (in cash or by transfer to the agency's account),
        recorded by the officer who received it: not an online payment (Decision 766)."""
        self._moh_check_onestop()
        self._moh_check_state("submitted", "supplement")
        for dossier in self:
            if dossier.payment_state != "pending":
                raise UserError(
                    self.env._(
                        "The fee of dossier %(name)s is not awaiting payment; nothing was changed.", name=dossier.name
                    )
                )
            dossier.sudo().write({"payment_state": "paid", "paid_online": False})
            dossier.message_post(
                body=self.env._(
                    "Fee received at the counter: %(amount)s, recorded by %(user)s.",
                    amount=format_amount(self.env, dossier.fee_amount, dossier.currency_id),
                    user=self.env.user.name,
                )
            )
        return True

    @api.depends("transaction_ids.state", "transaction_ids.moh_dvcqg_bill_number", "transaction_ids.moh_dvcqg_bill_url")
    def _compute_payment_receipt(self):
        """The receipt of the dossier's confirmed payment (the latest one that has a receipt); read
        as superuser (payments are the administrators'), shown to whoever may read the dossier."""
        for dossier in self:
            paid = dossier.transaction_ids.filtered(lambda t: t.state == "done" and t.moh_dvcqg_bill_number)
            latest = paid.sorted("id")[-1:]
            dossier.payment_receipt_number = latest.moh_dvcqg_bill_number or False
            dossier.payment_receipt_url = latest.moh_dvcqg_bill_url or False

    def _moh_onestop_responsible(self):
        """The one-stop officer who last handled the dossier, else the one-stop shop's first
        officer, else the administrator: who is told of what needs the shop (a to-do)."""
        self.ensure_one()
        officers = (
            self.env.ref("moh_egov.group_onestop")
            .sudo()
            .all_user_ids.filtered(lambda user: user.active and not user.share)
        )
        handled = self.sudo().handover_ids.sorted(lambda h: (h.started_at, h.id), reverse=True).mapped("user_id")
        return next((user for user in handled if user in officers), officers[:1]) or self.env.ref("base.user_admin")

    def _moh_payment_mismatch(self, transaction, fees):
        """Why ``transaction`` does not pay this dossier's fee (``fees``: the fees it must cover,
        of all the dossiers it was made for), as a message; None when it pays it: made by the
        applicant's business, in the fee's currency, covering the fees. Called in sudo by the
        payment's steps."""
        self.ensure_one()
        payer = transaction.partner_id.commercial_partner_id
        if payer != self.partner_id.commercial_partner_id:
            return self.env._(
                "A payment (%(reference)s) made by %(payer)s, not by the applicant, was not counted.",
                reference=transaction.reference,
                payer=payer.name,
            )
        if transaction.currency_id != self.currency_id or transaction.amount < fees:
            return self.env._(
                "A payment of %(amount)s %(currency)s (%(reference)s) does not cover the fee.",
                amount=transaction.amount,
                currency=transaction.currency_id.name,
                reference=transaction.reference,
            )
        return None

    def _moh_payment_done(self, transaction):
        """A confirmed online payment pays the fee of the dossiers it was made for: only a
        transaction the payment provider confirmed (state done) that pays the fee
        (:meth:`_moh_payment_mismatch`)."""
        if transaction.state != "done":
            return
        pending = self.sudo().filtered(lambda d: d.payment_state == "pending")
        fees = sum(pending.mapped("fee_amount"))
        for dossier in pending:
            mismatch = dossier._moh_payment_mismatch(transaction, fees)
            if mismatch:
                dossier.message_post(body=mismatch)
                continue
            dossier.sudo().write({"payment_state": "paid", "paid_online": True})
            dossier.sudo().message_post(
                body=self.env._(
                    "Fee paid online: %(amount)s %(currency)s (%(reference)s).",
                    amount=transaction.amount,
                    currency=transaction.currency_id.name,
                    reference=transaction.reference,
                )
            )

    # -- a payment made after it was closed (national payment platform) ------------------------

    @api.depends(
        "transaction_ids.state", "transaction_ids.moh_dvcqg_late_paid_at", "transaction_ids.moh_dvcqg_late_decision"
    )
    def _compute_payment_late_reference(self):
        """The dossier's payment reported paid after it was closed and not decided yet (read as
        superuser, like the receipt)."""
        for dossier in self:
            late = dossier._moh_late_transactions()[:1]
            dossier.payment_late_reference = (
                f"{late.reference} ({late.moh_dvcqg_late_reference})"
                if late.moh_dvcqg_late_reference
                else late.reference or False
            )

    def _moh_late_transactions(self):
        """The dossier's payments reported paid after they were closed, not decided yet (sudo)."""
        self.ensure_one()
        late = self.sudo().transaction_ids._moh_dvcqg_paid_late()
        return late.filtered(lambda t: not t.moh_dvcqg_late_decision).sorted("id")

    def _moh_late_transaction(self):
        """Before a decision from the dossier's form: the caller may decide and read the dossier;
        returns the payment waiting for the decision, in the caller's environment (the step checks
        again as the caller)."""
        self.ensure_one()
        self.env["payment.transaction"]._moh_dvcqg_check_decider()
        self._moh_check_readable()
        late = self._moh_late_transactions()[:1]
        if not late:
            raise UserError(
                self.env._(
                    "No payment of dossier %(name)s made after it was closed waits for a decision; nothing was "
                    "changed.",
                    name=self.name,
                )
            )
        return late.with_env(self.env)

    def action_accept_late_payment(self):
        """Accept the payment made after it was closed: it pays the fee (one-stop officer)."""
        return self._moh_late_transaction()._moh_dvcqg_late_accept()

    def action_refund_late_payment(self):
        """The dialog recording the refund of the payment made after it was closed (one-stop officer)."""
        return self._moh_late_transaction().action_moh_dvcqg_late_refund()

    # -- demo data ------------------------------------------------------------------------------

    @api.model
    def _moh_load_demo_dossiers(self):
        """Demo data: the demo businesses' dossiers at different steps, made through the same
        steps as on the portal and at the one-stop counter (so their codes, slips, hand-overs and
        national portal events are real): waiting for acceptance, received, in appraisal, waiting
        for supplements, and refused."""
        from moh_core.demo import make_pdf  # noqa: PLC0415

        onestop = self.env.ref("moh_egov.user_motcua")
        samples = {
            "char": "Kem dưỡng ẩm Hoa Sen",
            "text": "Sản phẩm dùng ngoài da, tuýp 50 ml.",
            "date": "2026-11-02",
            "integer": "12",
        }
        plans = [
            ("moh_egov.user_dn_hoasen", "moh_egov.procedure_cosmetic_import", "submitted"),
            ("moh_egov.user_dn_songhong", "moh_egov.procedure_drug_advertising", "processing"),
            ("moh_egov.user_dn_hoasen2", "moh_egov.procedure_cosmetic_domestic", "received"),
            ("moh_egov.user_dn_songhong", "moh_egov.procedure_health_supplement", "supplement"),
            ("moh_egov.user_dn_hoasen", "moh_egov.procedure_cfs_cosmetic", "refused"),
        ]
        dossiers = self.browse()
        for user_ref, procedure_ref, stage in plans:
            user, procedure = self.env.ref(user_ref), self.env.ref(procedure_ref)
            dossier = self._moh_new_for_user(procedure, user)
            for value in dossier._moh_form_values():
                value.value = samples.get(value.field_id.field_type, samples["char"])
            for requirement in procedure.requirement_ids.filtered("required"):
                self.env["moh.dossier.document"]._moh_add(
                    dossier,
                    requirement,
                    f"{procedure.code}-{requirement.id}.pdf",
                    make_pdf(f"{requirement.name} — {user.partner_id.commercial_partner_id.name}"),
                )
            dossier.with_user(user).action_submit()
            officer = dossier.with_user(onestop)
            if stage == "supplement":
                officer.action_request_supplement("Bổ sung Giấy chứng nhận đủ điều kiện sản xuất còn hiệu lực.")
            elif stage == "refused":
                officer.action_refuse("Sản phẩm không thuộc phạm vi cấp Giấy chứng nhận lưu hành tự do của Bộ Y tế.")
            elif stage in ("received", "processing"):
                officer.action_record_counter_payment()
                officer.action_accept()
                if stage == "processing":
                    officer.action_assign()
            dossiers |= dossier
        self.env["moh.incoming.document"]._moh_demo_unqueue_mail()
        return dossiers

    # -- satisfaction ----------------------------------------------------------------------------

    def _moh_rate(self, rating, comment=""):
        self.ensure_one()
        self._moh_check_applicant()
        if self.sudo().state not in FINAL_STATES:
            raise UserError(self.env._("A dossier is rated once it is finished."))
        if rating not in dict(RATINGS):
            raise UserError(self.env._("Choose one of the satisfaction levels."))
        self.sudo().write({"rating": rating, "rating_comment": (comment or "").strip()})

    # -- hand-overs, slips, emails ----------------------------------------------------------------

    def _moh_handover(self, kind, from_label, to_label, department=None, due_at=None):
        """Close the current step and open the next one on the process control slip."""
        self.ensure_one()
        Handover = self.env["moh.dossier.handover"].sudo()
        now = fields.Datetime.now()
        current = self.handover_ids.filtered(lambda h: not h.done_at)
        current.sudo()._moh_close(now)
        self._moh_dvcqg_queue()
        if kind in ("refuse", "return", "close", "stop"):
            return Handover.create(
                {
                    "dossier_id": self.id,
                    "kind": kind,
                    "from_label": from_label,
                    "to_label": to_label,
                    "user_id": self.env.user.id,
                    "started_at": now,
                    "done_at": now,
                }
            )
        if due_at is None:
            due_at = self._moh_step_due(kind, now)
        return Handover.create(
            {
                "dossier_id": self.id,
                "kind": kind,
                "from_label": from_label,
                "to_label": to_label,
                "user_id": self.env.user.id,
                "department_id": department.id if department else False,
                "started_at": now,
                "due_at": due_at,
            }
        )

    def _moh_step_due(self, kind, now):
        """When the step that starts now is due: its share of the statutory time (procedure steps),
        and never later than the dossier's deadline."""
        stage = {"accept": "reception", "assign": "appraisal", "propose": "approval"}.get(kind)
        from moh_core.onestop import step_due  # noqa: PLC0415

        if not stage or not self.deadline:
            return False
        _calendar, working, _tz = self._moh_calendar()
        days = sum(self.procedure_id.step_ids.filtered(lambda s: s.stage == stage).mapped("days"))
        return self._moh_utc(step_due(working, self._moh_local(now), days, self.deadline))

    def _moh_attach_slip(self, kind):
        """Render a one-stop slip (Circular 03/2025/TT-VPCP forms 01-06) and keep it on the dossier."""
        from ..report.slips import render_dossier_slip  # noqa: PLC0415

        self.ensure_one()
        pdf, filename = render_dossier_slip(self, kind)
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": filename,
                    "raw": pdf,
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": self.id,
                    "moh_role": f"{kind}_slip",
                }
            )
        )
        self.sudo().write({"slip_ids": [Command.link(attachment.id)]})
        self.sudo().message_post(
            body=self.env._("Slip issued: %(name)s", name=filename),
            attachment_ids=attachment.ids,
            subtype_xmlid="mail.mt_note",
        )
        return attachment

    def _moh_sign_slip(self, attachment, password):
        """The officer who issued a slip signs it with their own key, as documents are signed
        (moh_core.signatures.signing: the certificate checked first, PAdES at the agency's level). Called by
        a step after its checks, for the caller's own slip; the password is used for this call
        only. Without a key the slip stays printed for a handwritten signature."""
        from moh_core.signatures import check_signer_certificate, sign  # noqa: PLC0415

        self.ensure_one()
        key = self.env["moh.signing.key"]._moh_personal(self.env.user)
        material = self.env["moh.trust.root"]._moh_validation_material(self.company_id)
        company = self.company_id.sudo()
        level, timestamper = company.moh_signature_level, company._moh_timestamper()
        revocation = self.env["moh.trust.root"]._moh_revocation_policy(self.company_id)
        with key._moh_signer(password) as signer:
            with user_errors(self.env):
                check = check_signer_certificate(signer, material=material, revocation=revocation)
                result = sign(
                    attachment.sudo().raw,
                    signer,
                    field="officer",
                    level=level,
                    timestamper=timestamper,
                    check=check,
                    material=material,
                )
        attachment.sudo().write({"raw": result.pdf})
        self.sudo().message_post(
            body=self.env._("%(name)s signed by %(user)s.", name=attachment.name, user=self.env.user.name),
            subtype_xmlid="mail.mt_note",
        )
        return attachment

    def action_print_slip(self):
        """Download a slip (kind in the context) from the back office: officers who may read the
        dossier."""
        from ..report.slips import FILE_SUFFIX  # noqa: PLC0415

        self.ensure_one()
        if not self.env.user._is_internal():
            raise AccessError(self.env._("Slips are printed by the ministry's officers."))
        self._moh_check_readable()
        kind = self.env.context.get("moh_slip", "control")
        if kind not in FILE_SUFFIX:
            raise UserError(self.env._("There is no such slip."))
        attachment = self._moh_attach_slip(kind)
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}

    def _moh_notify(self, template_xmlid):
        """Email the business about a step that concerns it (and keep it in the chatter)."""
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template:
            return
        for dossier in self:
            dossier.sudo().message_post_with_source(template, message_type="comment", subtype_xmlid="mail.mt_comment")

    # -- the portal ---------------------------------------------------------------------------

    # -- national portal sync -------------------------------------------------------------------

    def write(self, vals):
        """Every change of status is sent to the national public service portal (DVCQG) as an
        event, through the exchange queue, in the same transaction as the change: a step that
        rolls back sends nothing, a step that commits is sent, however long the portal is down.
        Only the steps change the status (in superuser mode, after their checks): any other
        write of it is refused by the workflow guard before anything is queued."""
        if "state" not in vals or not self.env.su:
            return super().write(vals)
        before = {dossier.id: dossier.state for dossier in self}
        result = super().write(vals)
        for dossier in self:
            if dossier.state != before[dossier.id]:
                dossier._moh_portal_sync(before[dossier.id])
        return result

    def _moh_portal_sync(self, previous_state):
        """Queue the portal event of this dossier's new status (moh_core.exchange.transport.portal_event),
        or, to a national portal adapter peer, the dossier's synchronisation."""
        self.ensure_one()
        peer = self.env["moh.exchange.peer"]._moh_portal(self.company_id)
        if not peer or not self.code:
            return self.env["moh.exchange.message"]
        if peer.protocol == "dvcqg":
            return self._moh_dvcqg_queue(peer)
        with user_errors(self.env):
            event = self._moh_portal_event(previous_state, sequence=self._moh_portal_sequence())
        return self.env["moh.exchange.message"]._moh_enqueue(
            peer,
            "portal_event",
            event.to_json(),
            record=self,
            content_type="application/json",
            message_id=event.event_id,
            sequence=event.sequence,
        )

    def _moh_dvcqg_queue(self, peer=None):
        """Queue the synchronisation of this dossier with the national portal adapter. The
        delivery sends the dossier as it is then: one message per transaction is enough, and a
        second change in the same transaction (a status change and its hand-over) queues nothing."""
        self.ensure_one()
        peer = peer or self.env["moh.exchange.peer"]._moh_portal(self.company_id)
        Message = self.env["moh.exchange.message"]
        if not peer or peer.protocol != "dvcqg" or not self.code:
            return Message
        pending = Message.sudo().search(
            [
                ("res_model", "=", self._name),
                ("res_id", "=", self.id),
                ("kind", "=", "dvcqg_sync"),
                ("direction", "=", "out"),
                ("state", "=", "queued"),
                ("create_date", "=", self.env.cr.now()),
            ],
            limit=1,
        )
        if pending:
            return pending
        sequence = self._moh_portal_sequence("dvcqg_sync")
        payload = json.dumps({"dossier_code": self.code, "state": self.state, "sequence": sequence})
        return Message._moh_enqueue(
            peer, "dvcqg_sync", payload.encode(), record=self, content_type="application/json", sequence=sequence
        )

    def _moh_dvcqg_state(self):
        """The key of the status table (moh.dvcqg.status) for the dossier now."""
        self.ensure_one()
        if self.state == "approval" and self.result_attachment_id:
            return "result_ready"
        if self.state in ("received", "processing") and self.payment_state == "pending":
            return "fee_pending"
        return self.state

    def _moh_dvcqg_record(self, peer):
        """The DongBoHoSoMC record of the dossier (moh_core.dvcqg.dossier_record), its files and
        result as signed links of ``peer``."""
        from moh_core.dvcqg import (  # noqa: PLC0415
            DossierSnapshot,
            Fee,
            FileRef,
            Mappings,
            ResultDoc,
            Supplement,
            dossier_record,
        )

        self.ensure_one()
        dossier = self.sudo()
        vi = dossier.with_context(lang="vi_VN") if self.env["res.lang"]._lang_get("vi_VN") else dossier
        procedure = vi.procedure_id
        applicant = dossier.partner_id.commercial_partner_id
        # MaDoiTuong: the filer's TechID, kept as the user's oauth_uid by the national sign-in
        # (res.users._auth_oauth_signin); empty for an account made with a password.
        filer = dossier.applicant_user_id
        national = bool(filer.oauth_uid and filer.oauth_provider_id.moh_national)
        # A dossier filed on the portal keeps the TechID the portal sent with it.
        techid = filer.oauth_uid if national else dossier.national_filer_techid or ""
        files = tuple(
            FileRef(
                str(document.attachment_id.id),
                document.name,
                peer._moh_dvcqg_file_url(document.attachment_id),
                str(document.requirement_id.id or ""),
            )
            for document in dossier.document_ids
        )
        results = ()
        if dossier.result_attachment_id:
            attachment = dossier.result_attachment_id
            results = (
                ResultDoc(
                    str(attachment.id),
                    dossier.procedure_id.result_type or attachment.name,
                    peer._moh_dvcqg_file_url(attachment),
                    code=dossier.result_document_id.name or "",
                ),
            )
        fees = ()
        if dossier.fee_amount:
            fees = (
                Fee(
                    procedure.fee_note or procedure.name,
                    dossier.fee_amount,
                    procedure.code,
                    "2" if dossier.paid_online else "1",
                    "1",
                ),
            )
        supplements = ()
        if dossier.supplement_count and dossier.supplement_requested_at:
            supplements = (
                Supplement(
                    f"{dossier.code}-{dossier.supplement_count}",
                    dossier.department_id.name or "",
                    dossier.supplement_items or "",
                    dossier.supplement_requested_at,
                    dossier.supplement_received_at or None,
                    "2" if dossier.supplement_received_at else "1",
                    (),
                    dossier.first_deadline or None,
                    dossier.supplement_deadline or None,
                ),
            )
        final = dossier.state in ("done", "refused", "closed", "stopped")
        snapshot = DossierSnapshot(
            code=dossier.code,
            procedure_code=procedure.dvcqg_code or procedure.code,
            procedure_name=procedure.dvcqg_name or procedure.name,
            field_code=procedure.dvcqg_field_code or "",
            field_name=procedure.dvcqg_field_name or procedure.field_name or "",
            state=dossier._moh_dvcqg_state(),
            applicant_name=applicant.name or "",
            applicant_kind="company" if applicant.is_company else "person",
            applicant_techid=techid or "",
            vneid_verified=national and filer.moh_via_vneid,
            applicant_id_number=applicant.vat or "",
            email=dossier.contact_email or applicant.email or "",
            phone=dossier.contact_phone or applicant.phone or "",
            summary=f"{procedure.name} - {applicant.name}",
            channel=dossier.channel,
            processing_unit=dossier.department_id.name or dossier.company_id.name,
            submitted_at=dossier.submitted_at or None,
            received_at=dossier.received_at or None,
            due_date=dossier.deadline or None,
            returned_at=dossier.done_date if dossier.state == "done" else None,
            finished_at=dossier.done_date if final and dossier.done_date else None,
            refused_at=dossier.done_date if dossier.state == "refused" and dossier.done_date else None,
            note=dossier.refusal_reason or dossier.stop_reason or "",
            paid_online=dossier.paid_online,
            digitised=dossier.digitised,
            files=files,
            fees=fees,
            supplements=supplements,
            results=results,
        )
        return dossier_record(snapshot, Mappings(status=self.env["moh.dvcqg.status"]._moh_table()))

    def _moh_dvcqg_mark_synced(self):
        self.sudo().write({"dvcqg_synced_at": fields.Datetime.now()})

    def _moh_dvcqg_send_steps(self, peer, client):
        """Send the hand-overs not yet sent, in their order, by batches of ten; each batch is
        marked sent in its own transaction, so that a failure later never sends it again."""
        from moh_core.dvcqg import Mappings, Step, step_record  # noqa: PLC0415

        self.ensure_one()
        dossier = self.sudo()
        mappings = Mappings(status=self.env["moh.dvcqg.status"]._moh_table())
        pending = dossier.handover_ids.filtered(lambda h: not h.dvcqg_sent_at).sorted(lambda h: (h.started_at, h.id))
        vietnamese = dossier.with_context(lang="vi_VN") if self.env["res.lang"]._lang_get("vi_VN") else dossier
        kinds = dict(pending._fields["kind"]._description_selection(vietnamese.env))
        for start in range(0, len(pending), 10):
            batch = pending[start : start + 10]
            steps = [
                step_record(
                    Step(
                        dossier.code,
                        handover.user_id.name or handover.from_label,
                        handover.started_at,
                        HANDOVER_STATES.get(handover.kind, dossier.state),
                        f"{kinds.get(handover.kind, handover.kind)}: {handover.from_label} → {handover.to_label}",
                        handover.from_label,
                        handover.department_id.name or "",
                        handover.started_at,
                        handover.due_at.date() if handover.due_at else None,
                    ),
                    mappings,
                )
                for handover in batch
            ]
            client.call("CapNhatTienDoHoSoMC", data=steps)
            with self.env.registry.cursor() as cr:
                cr.execute(
                    "UPDATE moh_dossier_handover SET dvcqg_sent_at = now() AT TIME ZONE 'UTC' WHERE id IN %s",
                    (tuple(batch.ids),),
                )
            batch.invalidate_recordset(["dvcqg_sent_at"])
        return len(pending)

    @api.model
    def _moh_dvcqg_file_allowed(self, attachment):
        """A file the national portal may download: one of a dossier's files or its result, of a
        dossier that is not secret."""
        dossier = self.sudo().search(
            ["|", ("document_ids.attachment_id", "=", attachment.id), ("result_attachment_id", "=", attachment.id)],
            limit=1,
        )
        return bool(dossier) and not (hasattr(dossier, "_moh_is_secret") and dossier._moh_is_secret())

    def _moh_portal_sequence(self, kind="portal_event"):
        Message = self.env["moh.exchange.message"].sudo()
        last = Message.search(
            [
                ("res_model", "=", self._name),
                ("res_id", "=", self.id),
                ("kind", "=", kind),
                ("direction", "=", "out"),
            ],
            order="sequence desc",
            limit=1,
        )
        return (last.sequence or 0) + 1

    def _moh_portal_event(self, previous_state, sequence):
        from moh_core.exchange import portal_event  # noqa: PLC0415

        dossier = self.sudo()
        vi = dossier.with_context(lang="vi_VN") if self.env["res.lang"]._lang_get("vi_VN") else dossier
        states = dict(vi._fields["state"]._description_selection(vi.env))
        applicant = dossier.partner_id.commercial_partner_id
        return portal_event(
            dossier_code=dossier.code,
            procedure_code=dossier.procedure_id.code,
            procedure_name=vi.procedure_id.name,
            status_code=dossier.state,
            status_name=states[dossier.state],
            previous_status_code=previous_state,
            applicant={
                "name": applicant.name,
                "identification": applicant.vat or None,
                "kind": "organization" if applicant.is_company else "person",
                "email": dossier.contact_email or applicant.email or None,
                "phone": dossier.contact_phone or applicant.phone or None,
            },
            agency_code=dossier.company_id._moh_agency_code(self.env._("in every status event sent to the portal")),
            processing_unit=dossier.department_id.name or None,
            channel=dossier.channel,
            submitted_at=dossier.submitted_at or None,
            received_at=dossier.received_at or None,
            due_date=dossier.deadline or None,
            completed_at=dossier.done_date or None,
            event_time=dt.datetime.now(pytz.utc).replace(microsecond=0),
            sequence=sequence,
        )

    def _moh_api_status(self):
        """What a partner system is told about a dossier (controllers/api.py): status and dates,
        not the applicant's files."""
        self.ensure_one()
        dossier = self.sudo()
        states = dict(dossier._fields["state"]._description_selection(self.env))
        return {
            "code": dossier.code,
            "procedure_code": dossier.procedure_id.code,
            "procedure_name": dossier.procedure_id.name,
            "status_code": dossier.state,
            "status_name": states[dossier.state],
            "processing_unit": dossier.department_id.name or None,
            "submitted_at": dossier.submitted_at.isoformat() + "Z" if dossier.submitted_at else None,
            "received_at": dossier.received_at.isoformat() + "Z" if dossier.received_at else None,
            "due_date": dossier.deadline.isoformat() if dossier.deadline else None,
            "completed_at": dossier.done_date.isoformat() + "Z" if dossier.done_date else None,
            "outcome": dossier.outcome or None,
        }

    def _get_portal_return_action(self):
        return self.env.ref("moh_egov.action_moh_dossier")

    def _moh_public_status(self):
        """What the public lookup shows: status and dates only, nothing about the applicant."""
        self.ensure_one()
        states = dict(self._fields["state"]._description_selection(self.env))
        return {
            "code": self.code,
            "procedure": self.procedure_id.name,
            "state": states[self.state],
            "submitted": self._moh_local(self.submitted_at).strftime("%d/%m/%Y") if self.submitted_at else "",
            "deadline": self.deadline.strftime("%d/%m/%Y") if self.deadline else "",
            "done": self._moh_local(self.done_date).strftime("%d/%m/%Y") if self.done_date else "",
        }

    @api.model
    def _moh_lookup(self, code, secret):
        """Public lookup by code and secret; None unless both match (compared in constant time)."""
        code = (code or "").strip()
        secret = (secret or "").strip().upper()
        if not code or not secret:
            return None
        dossier = self.sudo().search([("code", "=", code)], limit=1)
        if not dossier or not secrets.compare_digest(dossier.lookup_secret or "", secret):
            return None
        return dossier

    def action_view_result(self):
        self.ensure_one()
        self._moh_check_readable()
        return {
            "type": "ir.actions.act_window",
            "res_model": "moh.outgoing.document",
            "res_id": self.result_document_id.id,
            "view_mode": "form",
        }
