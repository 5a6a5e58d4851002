"""A hand-over of closed files to the agency archive (nộp lưu hồ sơ, Decree 30/2020/ND-CP,
Art. 30): a unit gathers its closed files due to the archive, the e-office drafts the hand-over
list (mục lục hồ sơ nộp lưu) and the hand-over record (biên bản giao nhận) as internal outgoing
documents that go through the usual render, review and signature, the unit's head sends the
batch, and the archivist accepts it (the files are then handed over) or returns it.

Who does what (moh.workflow.guard):

* create, ``action_gather``, ``action_remove_file``, ``action_generate_documents``: the officers
  of the unit (or a ministry leader), on a draft;
* ``action_send``: the unit's head or a ministry leader, once the hand-over record is signed;
* ``action_accept`` / ``action_return``: an archivist, on a sent batch.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError

HANDOVER_STATES = [("draft", "Draft"), ("sent", "Sent to the Archive"), ("accepted", "Accepted")]
SIGNED_STATES = ("signed", "issued")


class MohRecordsHandover(models.Model):
    _name = "moh.records.handover"
    _description = "Hand-over to the Archive"
    _inherit = ["mail.thread", "mail.activity.mixin", "moh.workflow.guard", "moh.records.batch.mixin"]
    _order = "id desc"
    _moh_mail_field_prefixes = ("message_", "activity_", "website_message_")
    _moh_workflow_fields = (
        "state",
        "file_ids",
        "list_document_id",
        "record_document_id",
        "sent_by_id",
        "sent_date",
        "accepted_by_id",
        "accepted_date",
        "return_reason",
    )

    department_id = fields.Many2one("hr.department", string="Unit", required=True, index=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    state = fields.Selection(HANDOVER_STATES, default="draft", required=True, tracking=True, index=True, copy=False)
    file_ids = fields.One2many("moh.records.file", "handover_id", string="Files", readonly=True)
    file_count = fields.Integer(compute="_compute_file_count", string="Number of Files")
    list_document_id = fields.Many2one(
        "moh.outgoing.document",
        string="Hand-over List",
        readonly=True,
        copy=False,
        ondelete="restrict",
        groups="moh_documents.group_specialist",
    )
    record_document_id = fields.Many2one(
        "moh.outgoing.document",
        string="Hand-over Record",
        readonly=True,
        copy=False,
        ondelete="restrict",
        groups="moh_documents.group_specialist",
    )
    record_signed = fields.Boolean(compute="_compute_record_signed")
    sent_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    sent_date = fields.Datetime(string="Sent On", readonly=True, copy=False)
    accepted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    accepted_date = fields.Datetime(string="Accepted On", readonly=True, copy=False)
    return_reason = fields.Text(readonly=True, copy=False)
    note = fields.Text()

    def _moh_batch_name(self, unit, day):
        return self.env._("Hand-over %(unit)s %(day)s", unit=unit, day=day)

    @api.depends("file_ids")
    def _compute_file_count(self):
        for batch in self:
            batch.file_count = len(batch.sudo().file_ids)

    @api.depends("record_document_id.state")
    def _compute_record_signed(self):
        for batch in self:
            batch.record_signed = batch.sudo().record_document_id.state in SIGNED_STATES

    # -- helpers ------------------------------------------------------------------------------

    def _moh_check(self, *states):
        self._moh_check_in_states(
            states,
            lambda state: self.env._(
                "%(batch)s is %(state)s: this step is not possible now.", batch=self.display_name, state=state
            ),
        )

    def _moh_check_archivist(self):
        self._moh_check_group(
            "moh_documents.group_archivist", self.env._("Only the agency archive accepts or returns a hand-over.")
        )

    # -- ORM ----------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self.env["moh.records.file.list"]._moh_check_unit(
                self.env["hr.department"].browse(vals.get("department_id"))
            )
        return super().create(vals_list)

    def _moh_check_content_update(self, vals):
        changed = {name for name in vals if not name.startswith(self._moh_mail_field_prefixes)}
        for batch in self.filtered(lambda b: changed):
            self.env["moh.records.file.list"]._moh_check_unit(batch.department_id)
            if batch.state != "draft" or "department_id" in changed:
                raise UserError(self.env._("%(batch)s changes only through its steps.", batch=batch.display_name))

    @api.ondelete(at_uninstall=False)
    def _unlink_draft_only(self):
        for batch in self:
            if batch.state != "draft" or batch.list_document_id or batch.record_document_id:
                raise UserError(self.env._("%(batch)s is kept, never deleted.", batch=batch.display_name))
            self.env["moh.records.file.list"]._moh_check_unit(batch.department_id)

    # -- steps --------------------------------------------------------------------------------

    def action_gather(self):
        """Add the unit's closed files due to the archive that no other hand-over holds."""
        self._moh_check("draft")
        self.env["moh.records.file.list"]._moh_check_unit(self.department_id)
        if self.list_document_id or self.record_document_id:
            raise UserError(self.env._("The hand-over documents are drafted: the files no longer change."))
        files = (
            self.env["moh.records.file"]
            .sudo()
            .search(
                [
                    ("department_id", "=", self.department_id.id),
                    ("company_id", "=", self.company_id.id),
                    ("state", "=", "closed"),
                    ("handover_due", "=", True),
                    ("handover_id", "=", False),
                ]
            )
        )
        files.write({"handover_id": self.id})
        return len(files)

    def action_remove_file(self, file_id):
        """Take a file out of a draft hand-over."""
        self._moh_check("draft")
        self.env["moh.records.file.list"]._moh_check_unit(self.department_id)
        if self.list_document_id or self.record_document_id:
            raise UserError(self.env._("The hand-over documents are drafted: the files no longer change."))
        records_file = self.sudo().file_ids.filtered(lambda f: f.id == file_id)
        if not records_file:
            raise UserError(self.env._("This file is not in the hand-over."))
        records_file.write({"handover_id": False})
        return True

    def _moh_file_lines(self):
        lines = []
        for index, records_file in enumerate(self.sudo().file_ids.sorted(lambda f: (f.code or "", f.id)), start=1):
            retention = (
                self.env._("permanent")
                if records_file.retention_permanent
                else self.env._("%(years)s years", years=records_file.retention_years)
            )
            lines.append(
                f"{index}. {records_file.code} | {records_file.name} | "
                f"{records_file.start_date or ''} - {records_file.end_date or ''} | "
                f"{records_file.item_count} | {retention}"
            )
        return "\n".join(lines)

    def action_generate_documents(self):
        """Draft the hand-over list and the hand-over record (Art. 30.3, Appendix V) as internal
        outgoing documents of the unit, signed by its head, to be rendered, reviewed and signed
        as any other."""
        self._moh_check("draft")
        self.env["moh.records.file.list"]._moh_check_unit(self.department_id)
        if not self.file_ids:
            raise UserError(self.env._("Gather the files to hand over first."))
        if self.list_document_id or self.record_document_id:
            raise UserError(self.env._("The hand-over documents are already drafted."))
        me = self.env.user
        unit = self.department_id.sudo()
        head = self.env["moh.task"]._moh_heads(unit)[:1]
        office = self.env.ref("moh_documents.dep_office", raise_if_not_found=False)
        lines = self._moh_file_lines()
        common = {
            "document_type_id": self.env.ref("moh_documents.document_type_bien_ban").id,
            "department_id": unit.id,
            "drafter_id": me.id,
            "company_id": self.company_id.id,
            "signer_id": head.id,
            "signer_position": (head.sudo().employee_id.job_title or "").upper() or False,
            "internal_department_ids": [(6, 0, office.ids)] if office else False,
            "recipients": self.env._("- The agency archive;\n- Archived: records office, %(unit)s.", unit=unit.name),
        }
        Outgoing = self.env["moh.outgoing.document"].sudo()
        list_doc = Outgoing.create(
            {
                **common,
                "abstract": self.env._("List of the files handed over to the archive by %(unit)s", unit=unit.name),
                "body": self.env._(
                    "LIST OF FILES HANDED OVER TO THE ARCHIVE\n\n"
                    "No. | File code | Title | Period | Items | Retention\n\n%(lines)s\n\n"
                    "This list has %(count)s files.",
                    lines=lines,
                    count=len(self.file_ids),
                ),
            }
        )
        record_doc = Outgoing.create(
            {
                **common,
                "abstract": self.env._("Record of the hand-over of files to the archive by %(unit)s", unit=unit.name),
                "body": self.env._(
                    "Pursuant to Article 30 of Decree 30/2020/ND-CP on administrative documents, %(unit)s "
                    "hands over to the agency archive %(count)s files, listed in the attached list of files "
                    "handed over:\n\n%(lines)s\n\nThis record is made in two copies: the unit keeps one, the "
                    "archive the other.",
                    unit=unit.name,
                    count=len(self.file_ids),
                    lines=lines,
                ),
            }
        )
        self.sudo().write({"list_document_id": list_doc.id, "record_document_id": record_doc.id})
        self._moh_post(self.env._("Hand-over list and record drafted."))
        return True

    def action_send(self):
        """Send the batch to the archive: the unit's head or a ministry leader, once the
        hand-over record is signed. The files are then being handed over."""
        self._moh_check("draft")
        self.env["moh.records.file.list"]._moh_check_head(self.department_id)
        if not self.file_ids:
            raise UserError(self.env._("Gather the files to hand over first."))
        if not self.record_signed:
            raise UserError(self.env._("The hand-over record is signed before the batch goes to the archive."))
        self.sudo().file_ids.write({"state": "in_handover"})
        self.sudo().write({"state": "sent", "sent_by_id": self.env.user.id, "sent_date": fields.Datetime.now()})
        self._moh_post(self.env._("Sent to the archive."))
        archivists = self.env["moh.records.file"]._moh_archivists()
        for user in archivists:
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Receive the files of %(unit)s", unit=self.department_id.name),
                user_id=user.id,
            )
        return True

    def action_accept(self):
        """The archive receives the files (Art. 30): an archivist records it; the files are
        handed over."""
        self._moh_check_archivist()
        self._moh_check("sent")
        self._moh_accept()
        return True

    def _moh_accept(self):
        self.ensure_one()
        now = fields.Datetime.now()
        self.sudo().file_ids.write({"state": "handed_over", "handover_overdue": False})
        self.sudo().write({"state": "accepted", "accepted_by_id": self.env.user.id, "accepted_date": now})
        self.sudo().activity_ids.action_feedback(feedback=self.env._("Done"))
        self._moh_post(self.env._("Accepted by the archive."))
        for records_file in self.sudo().file_ids:
            records_file._moh_post(self.env._("Handed over to the archive (%(batch)s).", batch=self.display_name))

    def action_return(self, reason):
        """The archive returns the batch to the unit (incomplete files ...): an archivist, with a
        reason. The files are closed again, the batch a draft."""
        self._moh_check_archivist()
        self._moh_check("sent")
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the hand-over is returned."))
        self.sudo().file_ids.write({"state": "closed"})
        self.sudo().write({"state": "draft", "return_reason": reason})
        self.sudo().activity_ids.action_feedback(feedback=self.env._("Returned"))
        self._moh_post(self.env._("Returned by the archive."), reason)
        return True
