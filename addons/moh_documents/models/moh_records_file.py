"""A file (hồ sơ) of a unit's yearly file list: opened by its handler, filled with the
documents, tasks and dossiers of one matter, closed, then handed over to the agency archive,
kept back by the unit for a while, or disposed of when its retention has run.

Legal basis (docs/records.md):

* Art. 28 Decree 30/2020/ND-CP: the file list is approved at the start of the year; each file has
  a code, a heading, a title, a retention period and a handler.
* Art. 29: the handler opens the file, gathers its documents and closes it once the matter is
  settled, its metadata complete. Closing freezes its content.
* Art. 30: files of basic construction works are handed over within 3 months of the settlement of
  the works, others within 1 year of the end of the matter; the System warns 30 days ahead
  (Appendix VI). Art. 31: files kept 5 years or more go to the archive; keeping one back needs an
  approval, for at most 2 years (31.3).

File code (Appendix V, "mã hồ sơ"): ``<agency identification code>.<year>.<number>``, the number
of the file in its list on three digits, e.g. ``000.00.00.G18.2026.015``.

Who does what (moh.workflow.guard: the workflow fields change only in the steps below):

* planning (create, edit while planned): the officers of the unit while the list is a draft;
* ``action_open``: an officer of the unit, on a planned file of an approved list: becomes its
  handler;
* ``action_add_item`` / ``action_remove_item`` / ``action_close``: the handler, the unit's head
  or a ministry leader, on an open file;
* ``action_set_settlement``: the same, on a closed file of basic construction;
* ``action_keep_back``: the unit's head or a ministry leader, on a closed file due for hand-over,
  at most 2 years;
* ``action_export_package`` / ``action_check_package``: whoever may read a closed file (its unit,
  a leader, the archivist once it is handed over);
* hand-over and disposal: moh.records.handover and moh.records.disposal.

Sealing (``_moh_on_close``, in superuser mode, once the file is closed): the signed PDFs of a file
kept 5 years or more get an archive timestamp (PAdES B-LTA), then each file of its items is
recorded with its SHA-256 and, when signed, the validation report of that day; the archive package
(E-ARK SIP, moh_core.archive, docs/archive-packages.md) carries both.
"""

import datetime as dt
import hashlib
import logging

from dateutil.relativedelta import relativedelta
from odoo import api, fields, models
from odoo.exceptions import UserError

from .moh_deadline_policy import CONFIDENTIALITY
from .moh_records_retention import HANDOVER_MIN_YEARS

_logger = logging.getLogger(__name__)

FILE_STATES = [
    ("planned", "Planned"),
    ("open", "Open"),
    ("closed", "Closed"),
    ("in_handover", "Being Handed Over"),
    ("handed_over", "Handed Over"),
    ("kept_back", "Kept Back"),
    ("disposed", "Disposed"),
]
#: How long the archive waits for a file after the matter ended (Art. 30.1).
HANDOVER_DELAY = relativedelta(years=1)
#: ... and for a file of basic construction, after the settlement of the works (Art. 30.1.a).
BUILDING_HANDOVER_DELAY = relativedelta(months=3)
#: The longest a unit may keep back a file due for hand-over (Art. 31.3).
KEEP_BACK_MAX = relativedelta(years=2)
#: The warning before the hand-over deadline (Appendix VI).
WARNING_DAYS = 30


class MohRecordsFile(models.Model):
    _name = "moh.records.file"
    _description = "Records File"
    _inherit = ["mail.thread", "mail.activity.mixin", "moh.workflow.guard"]
    _order = "year desc, department_id, number"
    _rec_names_search = ["code", "name"]
    _moh_mail_field_prefixes = ("message_", "activity_", "website_message_")
    _moh_workflow_fields = (
        "state",
        "code",
        "handler_id",
        "closed_date",
        "closed_by_id",
        "incoming_document_ids",
        "outgoing_document_ids",
        "task_ids",
        "settlement_date",
        "handover_id",
        "handover_warned_on",
        "handover_overdue",
        "kept_back_until",
        "kept_back_reason",
        "kept_back_by_id",
        "disposal_id",
        "disposed_date",
        "disposed_by_id",
        "disposal_basis",
        "filing_record",
        "package_attachment_id",
    )
    #: The metadata a file must have to be closed (Art. 29; Appendix VI §III).
    _moh_close_required = ("name", "start_date", "end_date", "retention_id", "language")

    code = fields.Char(string="File Code", readonly=True, copy=False, index=True)
    name = fields.Char(string="Title", required=True, tracking=True)
    list_id = fields.Many2one(
        "moh.records.file.list",
        string="File List",
        required=True,
        index=True,
        ondelete="restrict",
        groups="moh_documents.group_specialist",
    )
    heading_id = fields.Many2one(
        "moh.records.heading",
        domain="[('list_id', '=', list_id)]",
        ondelete="restrict",
        groups="moh_documents.group_specialist",
    )
    number = fields.Integer(string="File Number", required=True, help="The file's number in its list.")
    department_id = fields.Many2one(related="list_id.department_id", store=True, index=True, string="Unit")
    year = fields.Integer(related="list_id.year", store=True)
    company_id = fields.Many2one(related="list_id.company_id", store=True)
    list_state = fields.Selection(
        related="list_id.state", string="List Status", groups="moh_documents.group_specialist"
    )
    state = fields.Selection(FILE_STATES, default="planned", required=True, tracking=True, index=True, copy=False)
    # Sealed when the file is closed (_moh_on_close): per attachment of its items, the SHA-256
    # and size of its bytes and, for a signed PDF, the signature validation report of that day.
    filing_record = fields.Json(readonly=True, copy=False)
    package_attachment_id = fields.Many2one(
        "ir.attachment", string="Archive Package", readonly=True, copy=False, ondelete="set null"
    )
    handler_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    # Metadata (Appendix VI §III.4).
    start_date = fields.Date(string="From", tracking=True)
    end_date = fields.Date(string="To", tracking=True, help="When the matter of the file ended.")
    retention_id = fields.Many2one("moh.records.retention", tracking=True)
    retention_years = fields.Integer(compute="_compute_retention", store=True)
    retention_permanent = fields.Boolean(compute="_compute_retention", store=True, string="Permanent")
    handover_due = fields.Boolean(
        compute="_compute_retention",
        store=True,
        string="Due to the Archive",
        help="Kept permanently or 5 years and more: handed over to the agency archive (Art. 31.1).",
    )
    confidentiality = fields.Selection(CONFIDENTIALITY, required=True, default="normal", tracking=True)
    reader_ids = fields.Many2many(
        "res.users",
        "moh_records_file_reader_rel",
        "file_id",
        "user_id",
        string="Granted Readers",
        default=lambda self: [(6, 0, [self.env.uid])],
        help="Who, besides its handler, reads a confidential file.",
    )
    language = fields.Char(default="Tiếng Việt")
    keywords = fields.Char()
    notes = fields.Text()
    page_count = fields.Integer(string="Pages", help="Paper files: the number of sheets (Art. 29).")
    building = fields.Boolean(
        string="Basic Construction Works",
        help="A file of a basic construction work: handed over within 3 months of the settlement (Art. 30.1.a).",
    )
    settlement_date = fields.Date(string="Settled On", readonly=True, copy=False, tracking=True)
    # Items.
    incoming_document_ids = fields.Many2many(
        "moh.incoming.document",
        "moh_records_file_incoming_rel",
        "file_id",
        "document_id",
        string="Incoming Documents",
        groups="moh_documents.group_specialist",
        readonly=True,
        copy=False,
    )
    outgoing_document_ids = fields.Many2many(
        "moh.outgoing.document",
        "moh_records_file_outgoing_rel",
        "file_id",
        "document_id",
        string="Outgoing Documents",
        groups="moh_documents.group_specialist",
        readonly=True,
        copy=False,
    )
    task_ids = fields.Many2many(
        "moh.task",
        "moh_records_file_task_rel",
        "file_id",
        "task_id",
        string="Tasks",
        readonly=True,
        copy=False,
        groups="moh_documents.group_specialist",
    )
    item_count = fields.Integer(string="Items", compute="_compute_item_count", store=True)
    # Closing, hand-over, keeping back, disposal.
    closed_date = fields.Date(string="Closed On", readonly=True, copy=False)
    closed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    handover_deadline = fields.Date(
        compute="_compute_handover_deadline",
        store=True,
        string="Hand-over Deadline",
        help="Art. 30: 3 months after the settlement of a construction work, 1 year after the end of "
        "other matters; the end of the approved keeping back when the file was kept back.",
    )
    handover_warned_on = fields.Date(readonly=True, copy=False)
    handover_overdue = fields.Boolean(string="Hand-over Overdue", readonly=True, copy=False, index=True)
    handover_id = fields.Many2one("moh.records.handover", string="Hand-over", readonly=True, copy=False, index=True)
    kept_back_until = fields.Date(readonly=True, copy=False, tracking=True)
    kept_back_reason = fields.Text(readonly=True, copy=False)
    kept_back_by_id = fields.Many2one("res.users", string="Keeping Back Approved By", readonly=True, copy=False)
    retention_end = fields.Date(
        compute="_compute_retention_end",
        store=True,
        help="From the 1st of January after the matter ended, the retention period later (empty when permanent).",
    )
    disposal_id = fields.Many2one("moh.records.disposal", readonly=True, copy=False, index=True)
    disposed_date = fields.Datetime(string="Disposed On", readonly=True, copy=False)
    disposed_by_id = fields.Many2one("res.users", string="Disposal Recorded By", readonly=True, copy=False)
    disposal_basis = fields.Text(readonly=True, copy=False)
    # What the caller may do (buttons); the steps check again.
    moh_can_handle = fields.Boolean(compute="_compute_moh_can")
    moh_can_approve = fields.Boolean(compute="_compute_moh_can")

    _number_unique = models.Constraint("UNIQUE(list_id, number)", "This file number is already used in this list.")

    # -- computes -----------------------------------------------------------------------------

    def _moh_item_fields(self):
        """The file's items: {model: field}. moh_egov adds the dossiers."""
        return {
            "moh.incoming.document": "incoming_document_ids",
            "moh.outgoing.document": "outgoing_document_ids",
            "moh.task": "task_ids",
        }

    @api.depends("incoming_document_ids", "outgoing_document_ids", "task_ids")
    def _compute_item_count(self):
        for records_file in self:
            records_file.item_count = sum(
                len(records_file.sudo()[name]) for name in records_file._moh_item_fields().values()
            )

    @api.depends("retention_id.permanent", "retention_id.years")
    def _compute_retention(self):
        for records_file in self:
            retention = records_file.sudo().retention_id
            records_file.retention_years = retention.years
            records_file.retention_permanent = retention.permanent
            records_file.handover_due = bool(retention) and (
                retention.permanent or retention.years >= HANDOVER_MIN_YEARS
            )

    @api.depends("building", "settlement_date", "end_date", "closed_date", "kept_back_until", "handover_due")
    def _compute_handover_deadline(self):
        for records_file in self:
            deadline = False
            if records_file.handover_due:
                if records_file.kept_back_until:
                    deadline = records_file.kept_back_until
                elif records_file.building:
                    deadline = records_file.settlement_date and records_file.settlement_date + BUILDING_HANDOVER_DELAY
                else:
                    ended = records_file.end_date or records_file.closed_date
                    deadline = ended and ended + HANDOVER_DELAY
            records_file.handover_deadline = deadline

    @api.depends("end_date", "closed_date", "retention_years", "retention_permanent")
    def _compute_retention_end(self):
        for records_file in self:
            ended = records_file.end_date or records_file.closed_date
            if not ended or records_file.retention_permanent or not records_file.retention_years:
                records_file.retention_end = False
            else:
                records_file.retention_end = dt.date(ended.year + 1 + records_file.retention_years, 1, 1)

    @api.depends("state", "handler_id", "department_id")
    @api.depends_context("uid")
    def _compute_moh_can(self):
        heads = self.env["moh.task"]._moh_heads
        leader = self.env.user.has_group("moh_documents.group_ministry_leader")
        for records_file in self:
            approver = leader or self.env.user in heads(records_file.sudo().department_id)
            records_file.moh_can_approve = approver
            records_file.moh_can_handle = approver or self.env.user == records_file.handler_id

    @api.depends("code", "name")
    def _compute_display_name(self):
        for records_file in self:
            records_file.display_name = " - ".join(part for part in (records_file.code, records_file.name) if part)

    # -- helpers ------------------------------------------------------------------------------

    def _moh_check(self, *states, archivist=False):
        """Before any step: one file, which the caller (an e-office officer, or with ``archivist``
        the agency archive's archivist too) may read, in one of ``states``."""
        self._moh_check_in_states(
            states,
            lambda state: self.env._(
                "The file %(file)s is %(state)s: this step is not possible now.", file=self.display_name, state=state
            ),
            group="moh_documents.group_specialist",
            refusal=self.env._("Only the ministry's officers handle files."),
            archivist=archivist,
        )

    def _moh_check_handler(self):
        """The handler of the file, a head of its unit or a ministry leader."""
        self.ensure_one()
        if self.env.su or self.env.user == self.handler_id:
            return
        self.env["moh.records.file.list"]._moh_check_head(self.department_id)

    @api.model
    def _moh_archivists(self):
        return self.env.ref("moh_documents.group_archivist").sudo().all_user_ids.filtered("active")

    def _moh_compute_code(self):
        self.ensure_one()
        agency = self.company_id._moh_agency_code(self.env._("at the head of every file code"))
        return f"{agency}.{self.year}.{self.number:03d}"

    # -- ORM ----------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                file_list = self.env["moh.records.file.list"].browse(vals.get("list_id"))
                if not file_list.exists():
                    raise UserError(self.env._("A file belongs to a file list."))
                file_list.check_access("write")
                file_list._moh_check_unit(file_list.department_id)
                if file_list.state != "draft":
                    raise UserError(
                        self.env._("%(list)s is approved: plan new files in a draft list.", list=file_list.display_name)
                    )
        return super().create(vals_list)

    def _moh_check_content_update(self, vals):
        """Planned and open files change (by the officers of their unit); a closed file is frozen."""
        changed = {name for name in vals if not name.startswith(self._moh_mail_field_prefixes)}
        if not changed:
            return
        if "list_id" in changed:
            raise UserError(self.env._("A file stays in the list it was planned in."))
        for records_file in self:
            records_file.list_id._moh_check_unit(records_file.department_id)
            if records_file.state not in ("planned", "open"):
                raise UserError(
                    self.env._(
                        "The file %(file)s is closed: its content and metadata no longer change.",
                        file=records_file.display_name,
                    )
                )
            if records_file.state == "open" and changed & {"number", "heading_id"}:
                raise UserError(
                    self.env._(
                        "The file %(file)s is open: its number no longer changes.", file=records_file.display_name
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_planned_only(self):
        """Files are kept: only a file planned in a draft list may be removed from it."""
        for records_file in self:
            if records_file.state != "planned" or records_file.list_id.state != "draft":
                raise UserError(
                    self.env._(
                        "The file %(file)s is kept, never deleted (Law on Archives 2024).",
                        file=records_file.display_name,
                    )
                )
            records_file.list_id._moh_check_unit(records_file.department_id)

    # -- steps --------------------------------------------------------------------------------

    def action_open(self):
        """Open a planned file of an approved list (Art. 29.1): the caller, an officer of the
        unit, becomes its handler."""
        self._moh_check("planned")
        self.env["moh.records.file.list"]._moh_check_unit(self.department_id)
        if self.list_id.state != "approved":
            raise UserError(
                self.env._(
                    "Files are opened from an approved file list: %(list)s is not.", list=self.list_id.display_name
                )
            )
        self.sudo().write(
            {
                "state": "open",
                "handler_id": self.env.user.id,
                "code": self._moh_compute_code(),
                "start_date": self.start_date or fields.Date.context_today(self),
            }
        )
        self._moh_post(self.env._("File opened."))
        return True

    @api.model
    def _moh_browse_item(self, model, res_id):
        field = self._moh_item_fields().get(model)
        if not field:
            raise UserError(self.env._("%(model)s cannot be filed.", model=model))
        if not isinstance(res_id, int) or isinstance(res_id, bool):
            raise UserError(self.env._("Give the record to file by its id."))
        item = self.env[model].browse(res_id)
        if not item.exists():
            raise UserError(self.env._("The record to file no longer exists."))
        return field, item

    def action_add_item(self, model, res_id):
        """File a document, a task or a dossier the caller may read into this open file: the
        handler, the unit's head or a ministry leader. A record belongs to one file only; a
        confidential record goes only into a file as confidential."""
        self._moh_check("open")
        self.check_access("write")
        self._moh_check_handler()
        field, item = self._moh_browse_item(model, res_id)
        item.check_access("read")
        item._moh_records_check_fileable()
        owner = self.sudo().search([(field, "in", item.ids)], limit=1)
        if owner:
            raise UserError(
                self.env._(
                    "%(item)s is already in the file %(file)s.", item=item.sudo().display_name, file=owner.display_name
                )
            )
        level = item.sudo()._moh_records_confidentiality()
        if level != "normal" and self.confidentiality == "normal":
            raise UserError(
                self.env._(
                    "%(item)s is confidential: it goes only into a file marked as confidential.",
                    item=item.sudo().display_name,
                )
            )
        self.sudo().write({field: [(4, item.id)]})
        self._moh_post(self.env._("Added: %(item)s", item=item.sudo().display_name))
        return True

    def action_remove_item(self, model, res_id):
        """Take a record out of this open file: the handler, the unit's head or a ministry leader."""
        self._moh_check("open")
        self.check_access("write")
        self._moh_check_handler()
        field, item = self._moh_browse_item(model, res_id)
        if item not in self.sudo()[field]:
            raise UserError(self.env._("%(item)s is not in this file.", item=item.sudo().display_name))
        self.sudo().write({field: [(3, item.id)]})
        self._moh_post(self.env._("Removed: %(item)s", item=item.sudo().display_name))
        return True

    def _moh_missing_metadata(self):
        self.ensure_one()
        missing = [
            self._fields[name]._description_string(self.env) for name in self._moh_close_required if not self[name]
        ]
        if not self.item_count:
            missing.append(self.env._("at least one item"))
        return missing

    def action_close(self):
        """Close the file once its matter is settled (Art. 29.2): the handler, the unit's head or
        a ministry leader, with the metadata complete. Its content is frozen from now on."""
        self._moh_check("open")
        self.check_access("write")
        self._moh_check_handler()
        missing = self._moh_missing_metadata()
        if missing:
            raise UserError(
                self.env._(
                    "Complete the file %(file)s before closing it: %(missing)s.",
                    file=self.display_name,
                    missing=", ".join(missing),
                )
            )
        if self.end_date < self.start_date:
            raise UserError(self.env._("The file's period ends before it starts."))
        self.sudo().write(
            {"state": "closed", "closed_date": fields.Date.context_today(self), "closed_by_id": self.env.user.id}
        )
        self._moh_post(self.env._("File closed: %(count)s items.", count=self.item_count))
        self.sudo()._moh_on_close()
        return True

    def _moh_on_close(self):
        """Called once for each file just closed, in superuser mode, after the closing step's
        checks and writes: seals the file. The signed PDFs of a file kept 5 years or more get an
        archive timestamp (PAdES B-LTA, ir.attachment._moh_archive_timestamp; renewed by the
        daily job); then every file of its items is recorded in ``filing_record``: the SHA-256
        and size of its bytes and, for a signed PDF, the validation report of its signatures on
        the day of filing, which the archive package carries (moh_core.archive)."""
        from moh_core.archive import validation_report_dict  # noqa: PLC0415
        from moh_core.signatures import EncryptedPdfError, InvalidPdfError, validate_pdf_signatures  # noqa: PLC0415

        Trust = self.env["moh.trust.root"]
        for records_file in self:
            attachments = self.env["ir.attachment"].sudo()
            for item in records_file._moh_package_items():
                attachments |= item["attachments"]
            if records_file.retention_permanent or records_file.retention_years >= HANDOVER_MIN_YEARS:
                attachments._moh_archive_timestamp(reason="filing")
            material = Trust._moh_validation_material(records_file.company_id)
            now = fields.Datetime.now()
            files = {}
            for attachment in attachments:
                data = attachment.raw or b""
                entry = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "signed": False}
                if data.startswith(b"%PDF-"):
                    try:
                        report = validate_pdf_signatures(data, material=material)
                    except (InvalidPdfError, EncryptedPdfError) as error:
                        _logger.info(
                            "Filing %s: %s is not a readable PDF (%s)", records_file.code, attachment.name, error
                        )
                        report = None
                    if report is not None and report.signed:
                        entry["signed"] = True
                        entry["validation_report"] = validation_report_dict(report)
                files[str(attachment.id)] = entry
            records_file.write({"filing_record": {"recorded_at": fields.Datetime.to_string(now), "files": files}})
        return True

    def action_set_settlement(self, settlement_date):
        """Record the settlement of the works of a closed construction file: its hand-over
        deadline is 3 months later (Art. 30.1.a)."""
        self._moh_check("closed", "kept_back")
        self._moh_check_handler()
        if not self.building:
            raise UserError(self.env._("Only files of basic construction works have a settlement."))
        day = fields.Date.to_date(settlement_date)
        if not day:
            raise UserError(self.env._("Give the date of the settlement."))
        self.sudo().write({"settlement_date": day, "handover_warned_on": False, "handover_overdue": False})
        self._moh_post(self.env._("Settlement of the works recorded: %(day)s.", day=day))
        return True

    def action_keep_back(self, until, reason):
        """Approve keeping a closed file due for hand-over in the unit until ``until`` (Art.
        31.3): the unit's head or a ministry leader, for at most 2 years after the hand-over
        deadline, with a reason. When it ends, the file is due again."""
        self._moh_check("closed")
        self.check_access("write")
        self.env["moh.records.file.list"]._moh_check_head(self.department_id)
        if not self.handover_due:
            raise UserError(
                self.env._("The file %(file)s stays in its unit: it is not handed over.", file=self.display_name)
            )
        day = fields.Date.to_date(until)
        reason = (reason or "").strip()
        if not day or not reason:
            raise UserError(self.env._("Give the end date of the keeping back and its reason."))
        today = fields.Date.context_today(self)
        limit = max(today, self.handover_deadline or today) + KEEP_BACK_MAX
        if day <= today or day > limit:
            raise UserError(
                self.env._(
                    "A file is kept back for at most 2 years (Decree 30/2020/ND-CP, Art. 31.3): choose a date "
                    "after today and no later than %(limit)s.",
                    limit=limit,
                )
            )
        self.sudo().write(
            {
                "state": "kept_back",
                "kept_back_until": day,
                "kept_back_reason": reason,
                "kept_back_by_id": self.env.user.id,
                "handover_warned_on": False,
                "handover_overdue": False,
            }
        )
        self._moh_post(self.env._("Kept back in the unit until %(day)s.", day=day), reason)
        return True

    # -- for the archive package --------------------------------------------------------------

    def _moh_package_items(self):
        """The file's items, for the archive package: a list of dicts ``{"model", "res_id",
        "name", "attachments" (ir.attachment, in superuser mode), "metadata" (dict)}``, in the
        order incoming documents, outgoing documents, tasks (and dossiers with moh_egov), each
        by id. Checks that the caller may read the file first; the items are read in superuser
        mode (an archivist reads the file, not the documents)."""
        self.ensure_one()
        self.check_access("read")
        items = []
        for model, field in self._moh_item_fields().items():
            for item in self.sudo()[field].sorted("id"):
                items.append(
                    {
                        "model": model,
                        "res_id": item.id,
                        "name": item.display_name,
                        "attachments": item._moh_records_attachments(),
                        "metadata": item._moh_records_metadata(),
                    }
                )
        return items

    def _moh_package_metadata(self):
        """The file's own metadata (Appendix VI §III.4), for the archive package."""
        self.ensure_one()
        self.check_access("read")
        f = self.sudo()
        return {
            "code": f.code,
            "title": f.name,
            "unit": f.department_id.name,
            "year": f.year,
            "heading": f.heading_id.display_name or "",
            "start_date": f.start_date,
            "end_date": f.end_date,
            "item_count": f.item_count,
            "page_count": f.page_count,
            "retention": "permanent" if f.retention_permanent else f.retention_years,
            "confidentiality": f.confidentiality,
            "language": f.language,
            "keywords": f.keywords or "",
            "notes": f.notes or "",
            "handler": f.handler_id.name,
            "closed_date": f.closed_date,
        }

    def action_export_package(self):
        """Export the closed file as an archive package (E-ARK SIP, moh_core.archive) that an
        archive ingests without this product, kept as the file's attachment and downloaded.
        Whoever may read the file (its unit, a leader, the archivist once it is handed over)."""
        self._moh_check("closed", "in_handover", "handed_over", "kept_back", archivist=True)
        from moh_core.archive import ArchiveError  # noqa: PLC0415

        try:
            package = self.sudo()._moh_build_package()
        except ArchiveError as error:
            raise UserError(error.message_in(self.env.lang)) from error
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"{self.code or self.id}.zip",
                    "raw": package,
                    "mimetype": "application/zip",
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        )
        self.sudo().write({"package_attachment_id": attachment.id})
        self._moh_post(
            self.env._(
                "Archive package exported: %(name)s (SHA-256 %(digest)s).",
                name=attachment.name,
                digest=hashlib.sha256(package).hexdigest(),
            )
        )
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}

    def action_check_package(self):
        """Read the file's last archive package back without trusting it: every SHA-256 digest,
        missing and extra files, and every signed PDF's signatures against the ministry's trust
        roots; the outcome goes in the file's history. Returns whether all holds."""
        self._moh_check("closed", "in_handover", "handed_over", "kept_back", archivist=True)
        if not self.package_attachment_id:
            raise UserError(self.env._("Export the archive package first."))
        from moh_core.archive import ArchiveError, read_package  # noqa: PLC0415
        from moh_core.signatures import validate_pdf_signatures  # noqa: PLC0415

        material = self.env["moh.trust.root"]._moh_validation_material(self.sudo().company_id)
        try:
            check = read_package(
                self.sudo().package_attachment_id.raw or b"",
                check_signatures=lambda pdf: validate_pdf_signatures(pdf, material=material),
            )
        except ArchiveError as error:
            raise UserError(error.message_in(self.env.lang)) from error
        if check.ok:
            self._moh_post(
                self.env._(
                    "Archive package checked: %(count)s files, every digest and signature holds.",
                    count=len(check.files),
                )
            )
        else:
            problems = [*check.missing, *check.extra, *check.digest_failures, *check.signature_failures]
            self._moh_post(self.env._("Archive package check failed: %(problems)s", problems=", ".join(problems)))
        return check.ok

    @api.model
    def _moh_item_record_content(self, item):
        """An item without files (a task) as an XML record of its metadata, for the package."""
        from lxml import etree  # noqa: PLC0415

        from moh_core.archive import PackageContent  # noqa: PLC0415

        root = etree.Element("record", model=item["model"], id=str(item["res_id"]))
        etree.SubElement(root, "name").text = item["name"] or ""
        for key, value in item["metadata"].items():
            if value not in (None, False, ""):
                etree.SubElement(root, "field", name=key).text = str(value)
        return PackageContent(
            name=f"{item['model'].replace('.', '-')}-{item['res_id']}.xml",
            data=etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True),
            mimetype="application/xml",
            produced_here=True,
        )

    def _moh_build_package(self):
        """The archive package (ZIP bytes) of the file, from its items and its filing record."""
        from moh_core.archive import ItemRole, PackageContent, PackageFile, PackageItem, build_package  # noqa: PLC0415

        self.ensure_one()
        meta = self._moh_package_metadata()
        recorded = (self.filing_record or {}).get("files", {})
        roles = {
            "moh.incoming.document": ItemRole.INCOMING,
            "moh.outgoing.document": ItemRole.OUTGOING,
            "moh.task": ItemRole.TASK,
            "moh.dossier": ItemRole.DOSSIER,
        }
        items = []
        for item in self._moh_package_items():
            contents = []
            for attachment in item["attachments"]:
                data = attachment.raw or b""
                entry = recorded.get(str(attachment.id), {})
                digest = entry.get("sha256")
                if digest and entry.get("size") and len(data) > entry["size"] and attachment.moh_archival:
                    # Archive timestamps renewed since filing append to the filed bytes.
                    if hashlib.sha256(data[: entry["size"]]).hexdigest() == digest:
                        digest = None
                contents.append(
                    PackageContent(
                        name=attachment.name or f"file-{attachment.id}",
                        data=data,
                        mimetype=attachment.mimetype or "application/octet-stream",
                        produced_here=item["model"] == "moh.outgoing.document" and not entry.get("signed"),
                        signed=bool(entry.get("signed")),
                        validation_report=entry.get("validation_report"),
                        recorded_at=attachment.create_date and attachment.create_date.replace(tzinfo=dt.UTC),
                        recorded_sha256=digest,
                    )
                )
            if not contents:  # a task without files: its record is its content
                contents.append(self._moh_item_record_content(item))
            items.append(
                PackageItem(
                    identifier=f"{item['model']}-{item['res_id']}",
                    title=item["name"] or "",
                    role=roles.get(item["model"], ItemRole.OTHER),
                    contents=contents,
                    metadata={
                        key: str(value) for key, value in item["metadata"].items() if value not in (None, False, "")
                    },
                )
            )
        company = self.company_id
        retention = "Vĩnh viễn" if meta["retention"] == "permanent" else f"{meta['retention']} năm"
        package_file = PackageFile(
            code=meta["code"],
            title=meta["title"],
            start_date=meta["start_date"],
            end_date=meta["end_date"],
            retention=retention,
            agency=company.name,
            agency_code=company.moh_agency_code or company.name,
            language="vi" if (meta["language"] or "").lower().startswith(("tiếng việt", "vi")) else "und",
            confidentiality="" if meta["confidentiality"] == "normal" else meta["confidentiality"],
            keywords=tuple(word.strip() for word in meta["keywords"].split(",") if word.strip()),
            description=meta["notes"],
        )
        created = fields.Datetime.now().replace(tzinfo=dt.UTC)
        return build_package(package_file, items, created=created, agent=self.env.user.name)

    # -- daily job ----------------------------------------------------------------------------

    @api.model
    def _cron_moh_records(self):
        """The daily records job: kept-back files whose time has run are due again; files due
        within 30 days are announced to the unit's head and the archivists, overdue ones flagged
        (Appendix VI); files past their retention that stay in their unit are proposed for
        disposal (moh.records.disposal)."""
        today = fields.Date.context_today(self)
        files = self.sudo()
        for records_file in files.search([("state", "=", "kept_back"), ("kept_back_until", "<", today)]):
            records_file.write({"state": "closed", "handover_warned_on": False})
            records_file._moh_post(self.env._("The keeping back has ended: the file is due to the archive again."))
        due = files.search(
            [
                ("state", "=", "closed"),
                ("handover_due", "=", True),
                ("handover_deadline", "!=", False),
                ("handover_deadline", "<=", today + dt.timedelta(days=WARNING_DAYS)),
            ]
        )
        archivists = self._moh_archivists()
        for records_file in due:
            overdue = records_file.handover_deadline < today
            if records_file.handover_warned_on and (not overdue or records_file.handover_overdue):
                continue
            people = self.env["moh.task"]._moh_heads(records_file.department_id) | archivists
            summary = (
                self.env._("Hand-over to the archive overdue: %(file)s", file=records_file.display_name)
                if overdue
                else self.env._(
                    "Hand over to the archive by %(day)s: %(file)s",
                    day=records_file.handover_deadline,
                    file=records_file.display_name,
                )
            )
            for user in people:
                records_file.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=records_file.handover_deadline,
                    summary=summary,
                    user_id=user.id,
                )
            records_file.write({"handover_warned_on": today, "handover_overdue": overdue})
        self.env["moh.records.disposal"].sudo()._moh_propose_all()
        return True

    # -- demo data ----------------------------------------------------------------------------

    @api.model
    def _moh_demo_sign(self, document, drafter):
        """Demo data: an outgoing draft through its review chain (each reviewer approves), then
        signed by its signer with their demo key (moh.signing.key._moh_load_demo_signing)."""
        from moh_core.demo import DEFAULT_PASSWORD  # noqa: PLC0415

        document.with_user(drafter).action_request_review()
        document._moh_review_by_each()
        document.with_user(drafter).action_approved()
        document.with_user(document.signer_id).action_sign(DEFAULT_PASSWORD)

    @api.model
    def _moh_demo_records(self):
        """Demo data: the year's file lists of three units approved by their heads, files opened
        and filled by their specialists, and last year's file of the Department of Legal Affairs
        closed and handed over: its hand-over list and record reviewed and signed by the unit's
        head (with the demo PKI's key, ``_moh_demo_sign``), the batch sent by the head and accepted
        by the archivist."""
        if self.env["res.lang"]._lang_get("vi_VN"):
            self = self.with_context(lang="vi_VN")  # noqa: PLW0642 - the demo is written in Vietnamese
        ref = self.env.ref
        year = fields.Date.context_today(self).year
        Lists = self.env["moh.records.file.list"]
        retention = {
            key: ref(f"moh_documents.retention_{key}")
            for key in ("permanent_acts", "plans_reports", "letters", "invitations")
        }
        types = {
            key: ref(f"moh_documents.document_type_{key}")
            for key in ("cong_van", "bao_cao", "quyet_dinh", "ke_hoach", "giay_moi")
        }

        def file_list(unit, head, specialist, list_year, headings):
            """headings: [(code, name, types, [(number, title, retention), ...]), ...]"""
            new = Lists.with_user(specialist).create({"year": list_year, "department_id": ref(unit).id})
            for sequence, (code, name, doc_types, files) in enumerate(headings, start=1):
                heading = (
                    self.env["moh.records.heading"]
                    .with_user(specialist)
                    .create(
                        {
                            "list_id": new.id,
                            "sequence": sequence,
                            "code": code,
                            "name": name,
                            "document_type_ids": [(6, 0, [types[t].id for t in doc_types])],
                        }
                    )
                )
                for number, title, period in files:
                    self.with_user(specialist).create(
                        {
                            "list_id": new.id,
                            "heading_id": heading.id,
                            "number": number,
                            "name": title,
                            "retention_id": retention[period].id,
                        }
                    )
            new.with_user(head).action_approve()
            return new

        def file_of(the_list, number):
            return the_list.file_ids.filtered(lambda f: f.number == number)

        def add(records_file, user, records):
            for record in records:
                if record.with_user(user).has_access("read") and record.state in record._moh_records_states:
                    records_file.with_user(user).action_add_item(record._name, record.id)

        qld, cv_qld = ref("moh_documents.user_cuctruong_qld"), ref("moh_documents.user_chuyenvien_qld")
        drug = file_list(
            "moh_documents.dep_drug",
            qld,
            cv_qld,
            year,
            [
                (
                    "I",
                    "Cung ứng thuốc",
                    ["cong_van", "bao_cao"],
                    [
                        (1, f"Hồ sơ về bảo đảm cung ứng thuốc hiếm cho các bệnh viện năm {year}", "letters"),
                        (2, f"Hồ sơ gia hạn giấy đăng ký lưu hành thuốc năm {year}", "letters"),
                    ],
                ),
                (
                    "II",
                    "Văn bản quy phạm, quyết định",
                    ["quyet_dinh"],
                    [(3, "Hồ sơ xây dựng Quyết định ban hành Danh mục thuốc hiếm", "permanent_acts")],
                ),
                (
                    "III",
                    "Hội nghị, hội thảo",
                    ["giay_moi"],
                    [(4, f"Hồ sơ hội nghị tổng kết công tác dược năm {year}", "invitations")],
                ),
            ],
        )
        rare = file_of(drug, 1)
        rare.with_user(cv_qld).action_open()
        rare.with_user(cv_qld).write({"keywords": "thuốc hiếm; cung ứng; bệnh viện"})
        tasks = self.env["moh.task"].sudo()
        add(rare, cv_qld, ref("moh_documents.demo_incoming_1"))
        add(rare, cv_qld, tasks.search([("name", "=like", "Rà soát danh mục thuốc hiếm%")], limit=1))

        kcb, cv_kcb = ref("moh_documents.user_cuctruong_kcb"), ref("moh_documents.user_chuyenvien_kcb")
        services = file_list(
            "moh_documents.dep_medical_services",
            kcb,
            cv_kcb,
            year,
            [
                (
                    "I",
                    "Báo cáo, thống kê khám bệnh, chữa bệnh",
                    ["bao_cao", "ke_hoach"],
                    [(1, f"Hồ sơ báo cáo tình hình khám, chữa bệnh và quá tải bệnh viện năm {year}", "plans_reports")],
                ),
                ("II", "Công văn trao đổi", ["cong_van"], [(2, "Hồ sơ trả lời kiến nghị của các sở y tế", "letters")]),
            ],
        )
        reports = file_of(services, 1)
        reports.with_user(cv_kcb).action_open()
        add(reports, cv_kcb, ref("moh_documents.demo_incoming_2"))
        add(reports, cv_kcb, tasks.search([("name", "=like", "Báo cáo tình hình khám, chữa bệnh%")], limit=1))

        pc, cv_pc = ref("moh_documents.user_vutruong_pc"), ref("moh_documents.user_chuyenvien_pc")
        file_list(
            "moh_documents.dep_legal",
            pc,
            cv_pc,
            year,
            [
                (
                    "I",
                    "Xây dựng văn bản quy phạm pháp luật",
                    ["quyet_dinh"],
                    [(1, "Hồ sơ thẩm định dự thảo Thông tư về giá dịch vụ khám bệnh, chữa bệnh", "permanent_acts")],
                ),
                (
                    "II",
                    "Tổng kết, báo cáo",
                    ["bao_cao", "ke_hoach"],
                    [(2, f"Hồ sơ tổng kết công tác pháp chế năm {year}", "plans_reports")],
                ),
            ],
        )
        # Last year's file, closed and handed over to the archive.
        last = file_list(
            "moh_documents.dep_legal",
            pc,
            cv_pc,
            year - 1,
            [
                (
                    "I",
                    "Tổng kết, báo cáo",
                    ["bao_cao"],
                    [(1, f"Hồ sơ tổng kết công tác pháp chế năm {year - 1}", "plans_reports")],
                )
            ],
        )
        closed = file_of(last, 1)
        closed.with_user(cv_pc).action_open()
        closed.with_user(cv_pc).write(
            {
                "start_date": dt.date(year - 1, 1, 5),
                "end_date": dt.date(year - 1, 12, 22),
                "keywords": "pháp chế; tổng kết",
                "notes": "Gồm báo cáo tổng kết và kết quả giao việc liên quan.",
            }
        )
        add(closed, cv_pc, tasks.search([("name", "=like", "Tổng kết công tác pháp chế%")], limit=1))
        if closed.item_count:
            closed.with_user(cv_pc).action_close()
            batch = (
                self.env["moh.records.handover"]
                .with_user(cv_pc)
                .create({"department_id": ref("moh_documents.dep_legal").id})
            )
            batch.with_user(cv_pc).action_gather()
            batch.with_user(cv_pc).action_generate_documents()
            for document in batch.sudo().list_document_id | batch.sudo().record_document_id:
                self._moh_demo_sign(document, cv_pc)
            batch.with_user(pc).action_send()
            batch.with_user(ref("moh_documents.user_luutru")).action_accept()
        self.env["moh.incoming.document"]._moh_demo_unqueue_mail()
        return True
