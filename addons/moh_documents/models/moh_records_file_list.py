"""The yearly file list of a unit (danh mục hồ sơ, Decree 30/2020/ND-CP, Art. 28, Appendix V):
its headings and the files planned for the year, drafted by the unit and approved at the start
of the year by the unit's head or a ministry leader. Once approved the list is frozen; its
files are opened by their handlers (moh.records.file).
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

LIST_STATES = [("draft", "Draft"), ("approved", "Approved")]


class MohRecordsFileList(models.Model):
    _name = "moh.records.file.list"
    _description = "File List"
    _inherit = ["mail.thread", "moh.workflow.guard"]
    _order = "year desc, department_id"
    _moh_workflow_fields = ("state", "approved_by_id", "approved_date")
    _moh_mail_field_prefixes = ("message_", "activity_", "website_message_")

    name = fields.Char(compute="_compute_name", store=True)
    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year, tracking=True)
    department_id = fields.Many2one("hr.department", string="Unit", required=True, index=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    state = fields.Selection(LIST_STATES, default="draft", required=True, tracking=True, copy=False)
    heading_ids = fields.One2many("moh.records.heading", "list_id", string="Headings")
    file_ids = fields.One2many("moh.records.file", "list_id", string="Files")
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_date = fields.Datetime(string="Approved On", readonly=True, copy=False)
    note = fields.Text()

    _unit_year_unique = models.Constraint(
        "UNIQUE(company_id, department_id, year)", "This unit already has a file list for this year."
    )

    @api.depends("year", "department_id.name")
    def _compute_name(self):
        for file_list in self:
            file_list.name = self.env._(
                "File list %(year)s - %(unit)s", year=file_list.year, unit=file_list.department_id.name or ""
            )

    # -- who ----------------------------------------------------------------------------------

    @api.model
    def _moh_is_leader(self):
        return self.env.user.has_group("moh_documents.group_ministry_leader")

    @api.model
    def _moh_in_unit(self, department):
        """The caller works in ``department`` (or one of its parents)."""
        mine = self.env.user.employee_ids.department_id
        return bool(mine) and bool(
            self.env["hr.department"].sudo().search_count([("id", "=", department.id), ("id", "child_of", mine.ids)])
        )

    @api.model
    def _moh_check_unit(self, department):
        """The caller is an officer of ``department``, or a ministry leader."""
        if self.env.su or self._moh_is_leader():
            return
        if not self.env.user.has_group("moh_documents.group_specialist") or not self._moh_in_unit(department):
            raise AccessError(
                self.env._(
                    "Only the officers of %(unit)s and the ministry's leaders handle its records.",
                    unit=department.sudo().display_name,
                )
            )

    @api.model
    def _moh_check_head(self, department):
        """The caller heads ``department``, or is a ministry leader."""
        if self.env.su or self._moh_is_leader():
            return
        if self.env.user not in self.env["moh.task"]._moh_heads(department):
            raise AccessError(
                self.env._(
                    "Only the head of %(unit)s or a ministry leader approves this.",
                    unit=department.sudo().display_name,
                )
            )

    # -- ORM ----------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._moh_check_unit(self.env["hr.department"].browse(vals.get("department_id")))
        return super().create(vals_list)

    def _moh_check_content_update(self, vals):
        changed = {name for name in vals if not name.startswith(self._moh_mail_field_prefixes)}
        for file_list in self:
            if changed:
                file_list._moh_check_unit(file_list.department_id)
            if "department_id" in changed:
                self._moh_check_unit(self.env["hr.department"].browse(vals["department_id"]))
            if changed and file_list.state != "draft":
                raise UserError(self.env._("%(list)s is approved: it no longer changes.", list=file_list.display_name))

    @api.ondelete(at_uninstall=False)
    def _unlink_draft_only(self):
        if any(file_list.state != "draft" for file_list in self):
            raise UserError(self.env._("An approved file list is kept, never deleted."))
        for file_list in self:
            file_list._moh_check_unit(file_list.department_id)

    # -- steps --------------------------------------------------------------------------------

    def action_approve(self):
        """Approve the list at the start of the year (Art. 28): the unit's head or a ministry
        leader, on a draft list with at least one planned file."""
        for file_list in self:
            file_list.check_access("read")
            self._moh_check_head(file_list.department_id)
            if file_list.state != "draft":
                raise UserError(self.env._("%(list)s is already approved.", list=file_list.display_name))
            if not file_list.file_ids:
                raise UserError(
                    self.env._("Plan at least one file in %(list)s before approving it.", list=file_list.display_name)
                )
            file_list.sudo().write(
                {"state": "approved", "approved_by_id": self.env.user.id, "approved_date": fields.Datetime.now()}
            )
            file_list.sudo().message_post(body=self.env._("File list approved."), author_id=self.env.user.partner_id.id)
        return True
