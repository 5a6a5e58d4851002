"""The disposal of files past their retention (hủy hồ sơ, tài liệu hết giá trị; Law on Archives
2024): files kept less than 5 years stay with their unit (Decree 30/2020/ND-CP, Art. 31.1) and,
once their retention has run, are proposed for disposal in a batch of the unit; the unit's head
approves it, then the disposal is recorded (who, when, on what basis). Nothing is deleted: the
files keep their metadata, marked disposed, and neither the batch nor its files can be unlinked.

Confidential and state-secret files are never proposed automatically: they are added to a batch
by hand, and such a batch is approved by a ministry leader only.

Who does what (moh.workflow.guard):

* ``action_propose`` (model method), ``action_add_file``, ``action_remove_file``: the officers
  of the unit or a ministry leader; the daily records job proposes too;
* ``action_approve`` and ``action_dispose``: the unit's head or a ministry leader (a ministry
  leader only when a file is confidential).
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

DISPOSAL_STATES = [("proposed", "Proposed"), ("approved", "Approved"), ("disposed", "Disposed")]


class MohRecordsDisposal(models.Model):
    _name = "moh.records.disposal"
    _description = "Disposal of Files"
    _inherit = ["mail.thread", "mail.activity.mixin", "moh.workflow.guard", "moh.records.batch.mixin"]
    _order = "id desc"
    _moh_mail_field_prefixes = ("message_", "activity_", "website_message_")
    _moh_workflow_fields = (
        "state",
        "department_id",
        "company_id",
        "file_ids",
        "proposed_by_id",
        "approved_by_id",
        "approved_date",
        "disposed_by_id",
        "disposed_date",
        "basis",
    )

    department_id = fields.Many2one("hr.department", string="Unit", required=True, index=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, default=lambda self: self.env.company)
    state = fields.Selection(DISPOSAL_STATES, default="proposed", required=True, tracking=True, index=True)
    file_ids = fields.One2many("moh.records.file", "disposal_id", string="Files", readonly=True)
    needs_leader = fields.Boolean(
        compute="_compute_needs_leader",
        string="Needs a Ministry Leader",
        help="A confidential file is disposed of only with a ministry leader's approval.",
    )
    proposed_by_id = fields.Many2one("res.users", readonly=True)
    approved_by_id = fields.Many2one("res.users", readonly=True)
    approved_date = fields.Datetime(string="Approved On", readonly=True)
    disposed_by_id = fields.Many2one("res.users", string="Recorded By", readonly=True)
    disposed_date = fields.Datetime(string="Disposed On", readonly=True)
    basis = fields.Text(readonly=True, help="The decision and the council's opinion the disposal is made on.")

    def _moh_batch_name(self, unit, day):
        return self.env._("Disposal %(unit)s %(day)s", unit=unit, day=day)

    @api.depends("file_ids.confidentiality")
    def _compute_needs_leader(self):
        for batch in self:
            batch.needs_leader = any(f.confidentiality != "normal" for f in batch.sudo().file_ids)

    # -- helpers ------------------------------------------------------------------------------

    @api.model
    def _moh_eligible_domain(self, department, company):
        """Closed files of the unit that stay in it (retention under 5 years), whose retention
        has run, in no disposal batch yet."""
        return [
            ("department_id", "=", department.id),
            ("company_id", "=", company.id),
            ("state", "=", "closed"),
            ("handover_due", "=", False),
            ("retention_end", "!=", False),
            ("retention_end", "<=", fields.Date.context_today(self)),
            ("disposal_id", "=", False),
        ]

    def _moh_check(self, *states):
        self._moh_check_in_states(
            states,
            lambda state: self.env._(
                "%(batch)s is %(state)s: this step is not possible now.", batch=self.display_name, state=state
            ),
            group="moh_documents.group_specialist",
            refusal=self.env._("Only the ministry's officers handle disposals."),
        )

    def _moh_check_approver(self, state):
        """Before approving or disposing: ``_moh_check(state)``, then the unit's head or a
        ministry leader (a ministry leader only for confidential files)."""
        self._moh_check(state)
        Lists = self.env["moh.records.file.list"]
        if self.needs_leader and not self.env.su and not Lists._moh_is_leader():
            raise AccessError(self.env._("A disposal of confidential files is approved by a ministry leader only."))
        Lists._moh_check_head(self.department_id)

    # -- ORM ----------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(self.env._("Disposals are proposed by the e-office (the Propose button, the daily job)."))
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("Disposals are kept, never deleted (Law on Archives 2024)."))

    # -- steps --------------------------------------------------------------------------------

    @api.model
    def action_propose(self, department_id):
        """Propose for disposal the unit's files past their retention that stay in the unit,
        except confidential ones: an officer of the unit or a ministry leader. Returns the new
        batch's id, or False when there is nothing to dispose of."""
        self._moh_check_group(
            "moh_documents.group_specialist", self.env._("Only the ministry's officers handle disposals.")
        )
        department = self.env["hr.department"].browse(department_id if isinstance(department_id, int) else [])
        if not department.exists():
            raise UserError(self.env._("Choose the unit."))
        self.env["moh.records.file.list"]._moh_check_unit(department)
        batch = self.sudo()._moh_propose(department, self.env.company)
        return batch.id or False

    def _moh_propose(self, department, company):
        files = (
            self.env["moh.records.file"]
            .sudo()
            .search([*self._moh_eligible_domain(department, company), ("confidentiality", "=", "normal")])
        )
        if not files:
            return self.browse()
        batch = self.sudo().create(
            {"department_id": department.id, "company_id": company.id, "proposed_by_id": self.env.user.id}
        )
        files.write({"disposal_id": batch.id})
        batch._moh_post(self.env._("Proposed for disposal: %(count)s files past their retention.", count=len(files)))
        heads = self.env["moh.task"]._moh_heads(department)
        for head in heads:
            batch.activity_schedule(
                "mail.mail_activity_data_todo", summary=self.env._("Approve the disposal of files"), user_id=head.id
            )
        return batch

    @api.model
    def _moh_propose_all(self):
        """The daily job: one proposal per unit with files to dispose of."""
        Files = self.env["moh.records.file"].sudo()
        today = fields.Date.context_today(self)
        groups = Files._read_group(
            [
                ("state", "=", "closed"),
                ("handover_due", "=", False),
                ("retention_end", "!=", False),
                ("retention_end", "<=", today),
                ("disposal_id", "=", False),
                ("confidentiality", "=", "normal"),
            ],
            ["department_id", "company_id"],
        )
        for department, company in groups:
            self.sudo()._moh_propose(department, company)
        return True

    def action_add_file(self, file_id):
        """Add one file past its retention by hand (a confidential one among others): an officer of
        the unit or a ministry leader, on a proposed batch."""
        self._moh_check("proposed")
        self.env["moh.records.file.list"]._moh_check_unit(self.department_id)
        records_file = self.env["moh.records.file"].browse(file_id if isinstance(file_id, int) else [])
        if not records_file.exists():
            raise UserError(self.env._("The file no longer exists."))
        records_file.check_access("read")
        eligible = records_file.sudo().filtered_domain(self._moh_eligible_domain(self.department_id, self.company_id))
        if not eligible:
            raise UserError(
                self.env._(
                    "The file %(file)s is not a closed file of the unit past its retention that stays in the unit.",
                    file=records_file.display_name,
                )
            )
        eligible.write({"disposal_id": self.id})
        self.sudo().write({"approved_by_id": False})
        self._moh_post(self.env._("Added: %(file)s", file=eligible.display_name))
        return True

    def action_remove_file(self, file_id):
        """Keep a file out of a proposed disposal."""
        self._moh_check("proposed")
        self.env["moh.records.file.list"]._moh_check_unit(self.department_id)
        records_file = self.sudo().file_ids.filtered(lambda f: f.id == file_id)
        if not records_file:
            raise UserError(self.env._("This file is not in the disposal."))
        records_file.write({"disposal_id": False})
        self._moh_post(self.env._("Kept: %(file)s", file=records_file.display_name))
        return True

    def action_approve(self):
        """Approve the disposal: the unit's head, or a ministry leader (only a ministry leader for
        confidential files)."""
        self._moh_check_approver("proposed")
        if not self.file_ids:
            raise UserError(self.env._("There is no file to dispose of."))
        self.sudo().write(
            {"state": "approved", "approved_by_id": self.env.user.id, "approved_date": fields.Datetime.now()}
        )
        self.sudo().activity_ids.action_feedback(feedback=self.env._("Approved"))
        self._moh_post(self.env._("Disposal approved."))
        return True

    def action_dispose(self, basis):
        """Record the disposal (who, when, on what basis): the files are marked disposed, kept
        with their metadata, never deleted."""
        self._moh_check_approver("approved")
        basis = (basis or "").strip() if isinstance(basis, str) else ""
        if not basis:
            raise UserError(self.env._("Give the basis of the disposal (the decision, the council's opinion)."))
        now = fields.Datetime.now()
        me = self.env.user
        self.sudo().file_ids.write(
            {"state": "disposed", "disposed_date": now, "disposed_by_id": me.id, "disposal_basis": basis}
        )
        self.sudo().write({"state": "disposed", "disposed_by_id": me.id, "disposed_date": now, "basis": basis})
        self._moh_post(self.env._("Disposal recorded."), basis)
        return True
