"""Complaints and recommendations (phản ánh, kiến nghị — PAKN) of applicants about their dossiers,
and their handling by the one-stop shop or the deciding department.

Decision 766/QĐ-TTg, group 5, scores them (moh_core.indicators.service_quality, indicators 5.1–5.4): answered
on time among those in competence; settled = not rated dissatisfied, not filed again (repeated) and
not overdue; and a dossier complained about lowers the satisfaction with its handling (5.3).

The answer is due a number of working days after receipt, counted on the agency's statutory
calendar: the system parameter ``moh_egov.complaint_answer_days`` (10 by default). No source for
the figure was found in the texts read (the rules on receiving PAKN, Decree 20/2008/NĐ-CP as
amended: verify), so it is the agency's setting, not a legal claim.

Life::

    received ──answer (one-stop shop or deciding department)──▶ answered
                                     └─ the applicant says satisfied or dissatisfied

Filing again on the same dossier, of the same kind, after an answer marks the earlier one
*repeated* (its answer did not settle it). The applicant (a portal user of the dossier's business)
files and gives the outcome through the portal; the officer writes the answer while the complaint is
open and sends it. Every other field changes only in these steps (moh.workflow.guard).
"""

from odoo import api, fields, models
from odoo.exceptions import UserError

KINDS = [("complaint", "Complaint"), ("recommendation", "Recommendation")]
STATES = [("received", "Received"), ("answered", "Answered")]
OUTCOMES = [("satisfied", "Satisfied"), ("dissatisfied", "Dissatisfied")]
ANSWER_DAYS_PARAM = "moh_egov.complaint_answer_days"
DEFAULT_ANSWER_DAYS = 10
MAX_TEXT = 5000


class MohDossierComplaint(models.Model):
    _name = "moh.dossier.complaint"
    _description = "Complaint or Recommendation on a Dossier"
    _inherit = ["mail.thread", "moh.workflow.guard"]
    _order = "received_at desc, id desc"
    _rec_name = "dossier_id"
    _moh_workflow_fields = (
        "dossier_id",
        "partner_id",
        "department_id",
        "company_id",
        "kind",
        "description",
        "filed_by_id",
        "received_at",
        "due_date",
        "state",
        "answered_by_id",
        "handled_at",
        "on_time",
        "outcome",
        "repeated",
        "repeat_of_id",
    )

    dossier_id = fields.Many2one("moh.dossier", required=True, index=True, readonly=True, ondelete="restrict")
    partner_id = fields.Many2one(related="dossier_id.partner_id", store=True, index=True, string="Applicant")
    department_id = fields.Many2one(related="dossier_id.department_id", store=True, string="Processing Department")
    company_id = fields.Many2one(related="dossier_id.company_id", store=True)
    kind = fields.Selection(KINDS, required=True, default="complaint", readonly=True)
    description = fields.Text(required=True, readonly=True)
    filed_by_id = fields.Many2one("res.users", readonly=True)
    received_at = fields.Datetime(string="Received On", readonly=True, index=True)
    due_date = fields.Date(
        string="Answer Due",
        readonly=True,
        help="Working days after receipt set by the agency (system parameter "
        "moh_egov.complaint_answer_days; the legal figure is not verified).",
    )
    state = fields.Selection(STATES, default="received", required=True, readonly=True, tracking=True)
    answer = fields.Text(help="Written by the one-stop shop or the deciding department, then sent.")
    answered_by_id = fields.Many2one("res.users", readonly=True)
    handled_at = fields.Datetime(string="Answered On", readonly=True)
    on_time = fields.Boolean(string="Answered On Time", readonly=True)
    outcome = fields.Selection(OUTCOMES, string="Applicant's Verdict", readonly=True, tracking=True)
    repeated = fields.Boolean(readonly=True, help="The applicant filed it again after this answer.")
    repeat_of_id = fields.Many2one("moh.dossier.complaint", string="Repeats", readonly=True)
    is_overdue = fields.Boolean(compute="_compute_is_overdue", string="Overdue")

    @api.depends("state", "due_date", "on_time")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for complaint in self:
            complaint.is_overdue = (
                complaint.state == "received" and complaint.due_date and complaint.due_date < today
            ) or (complaint.state == "answered" and not complaint.on_time)

    # -- steps ------------------------------------------------------------------------------------

    @api.model
    def _moh_answer_days(self):
        value = self.env["ir.config_parameter"].sudo().get_param(ANSWER_DAYS_PARAM, DEFAULT_ANSWER_DAYS)
        try:
            return max(int(value), 0)
        except (TypeError, ValueError):
            return DEFAULT_ANSWER_DAYS

    @api.model
    def _moh_text(self, text, what):
        text = (text or "").strip()
        if not text:
            raise UserError(self.env._("Write the %(what)s; nothing was sent.", what=what))
        if len(text) > MAX_TEXT:
            raise UserError(
                self.env._("The %(what)s is longer than %(max)s characters; nothing was sent.", what=what, max=MAX_TEXT)
            )
        return text

    @api.model
    def _moh_file(self, dossier, kind, description):
        """The applicant files a complaint or recommendation on ``dossier`` (any time after
        submitting it); the answer falls due :meth:`_moh_answer_days` working days later."""
        dossier._moh_check_applicant()
        dossier = dossier.sudo()
        if dossier.state == "draft":
            raise UserError(self.env._("A dossier not yet submitted cannot be complained about."))
        if kind not in dict(KINDS):
            raise UserError(self.env._("Choose a complaint or a recommendation; nothing was sent."))
        description = self._moh_text(description, self.env._("complaint or recommendation"))
        now = fields.Datetime.now()
        _calendar, working, _tz = dossier._moh_calendar()
        received_day = dossier._moh_local(now).date()
        earlier = self.sudo().search(
            [
                ("dossier_id", "=", dossier.id),
                ("kind", "=", kind),
                ("state", "=", "answered"),
                ("repeated", "=", False),
            ],
            limit=1,
        )
        earlier.write({"repeated": True})
        complaint = self.sudo().create(
            {
                "dossier_id": dossier.id,
                "kind": kind,
                "description": description,
                "filed_by_id": self.env.uid,
                "received_at": now,
                "due_date": working.add_working_days(received_day, self._moh_answer_days()),
                "repeat_of_id": earlier.id or False,
            }
        )
        dossier.message_post(
            body=self.env._(
                "The applicant filed a %(kind)s: %(text)s",
                kind=dict(self._fields["kind"]._description_selection(self.env))[kind],
                text=description,
            )
        )
        return complaint

    def _moh_check_handler(self):
        """The caller is in the one-stop shop or works in the dossier's deciding department."""
        for complaint in self:
            complaint.sudo().dossier_id.with_env(self.env)._moh_check_department(onestop=True)
        if not self.env.su:
            self.check_access("write")

    def _moh_check_content_update(self, vals):
        """Outside the steps only the answer changes: while the complaint is open, by its handlers."""
        if "answer" in vals:
            self._moh_check_handler()
            for complaint in self.sudo():
                if complaint.state != "received":
                    raise UserError(self.env._("This complaint was answered already; its answer no longer changes."))

    def action_answer(self):
        """Send the answer written on the complaint: the one-stop shop or the deciding department,
        an open complaint, an answer written. On time when sent by the due date."""
        self._moh_check_handler()
        for complaint in self.sudo():
            if complaint.state != "received":
                raise UserError(self.env._("This complaint was answered already; nothing was changed."))
            self._moh_text(complaint.answer, self.env._("answer"))
            now = fields.Datetime.now()
            day = complaint.dossier_id._moh_local(now).date()
            complaint.write(
                {
                    "state": "answered",
                    "handled_at": now,
                    "answered_by_id": self.env.uid,
                    "on_time": not complaint.due_date or day <= complaint.due_date,
                }
            )
            complaint.message_post(body=self.env._("Answer sent: %(answer)s", answer=complaint.answer))
            complaint.dossier_id.message_post(
                body=self.env._("A complaint was answered: %(answer)s", answer=complaint.answer)
            )
        return True

    def _moh_set_outcome(self, outcome):
        """The applicant says whether the answer satisfies them (once)."""
        self.ensure_one()
        self.sudo().dossier_id.with_env(self.env)._moh_check_applicant()
        complaint = self.sudo()
        if complaint.state != "answered":
            raise UserError(self.env._("The complaint has not been answered yet."))
        if complaint.outcome:
            raise UserError(self.env._("You already said what you think of this answer."))
        if outcome not in dict(OUTCOMES):
            raise UserError(self.env._("Choose satisfied or dissatisfied; nothing was sent."))
        complaint.write({"outcome": outcome})
