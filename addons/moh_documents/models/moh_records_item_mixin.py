"""What a record needs to be filed (moh.records.file): incoming and outgoing documents, tasks
and (moh_egov) dossiers inherit it.

* ``records_file_id``: the file the record is in, if the caller may read it;
* ``suggested_file_id``: for a record not filed yet, an open file of its unit for its year whose
  heading (or, failing that, any heading) fits its document type: the e-office suggests it once
  the document is registered (incoming) or issued (outgoing), and ``action_add_to_file`` files
  it there (through moh.records.file.action_add_item, which checks the caller).

The concrete models say when they may be filed, in which unit and year, and what the archive
package keeps of them (``_moh_records_*``).
"""

from odoo import api, fields, models
from odoo.exceptions import UserError


class MohRecordsItemMixin(models.AbstractModel):
    _name = "moh.records.item.mixin"
    _description = "Record That Can Be Filed"

    #: The states in which the record may be filed.
    _moh_records_states = ()
    #: The record's fields (paths, read in superuser mode) that give its unit and its document
    #: type, to suggest a file, and its files for the archive package; with
    #: ``_moh_records_own_files``, the files attached to the record itself too (not those of a
    #: binary field nor those with a role).
    _moh_records_department_field = None
    _moh_records_document_type_field = None
    _moh_records_attachment_fields = ()
    _moh_records_own_files = False

    records_file_id = fields.Many2one(
        "moh.records.file", string="File", compute="_compute_records_file", compute_sudo=False
    )
    suggested_file_id = fields.Many2one("moh.records.file", compute="_compute_records_file", compute_sudo=False)

    def _moh_records_field(self):
        return self.env["moh.records.file"]._moh_item_fields()[self._name]

    @api.depends_context("uid")
    def _compute_records_file(self):
        Files = self.env["moh.records.file"]
        field = self._moh_records_field()
        in_files = {}
        if self.ids:
            for records_file in Files.sudo().search([(field, "in", self.ids)]):
                for item in records_file[field]:
                    in_files[item.id] = records_file
        for record in self:
            owner = in_files.get(record.id, Files)
            record.records_file_id = owner if owner and owner.has_access("read") else False
            record.suggested_file_id = (
                False if owner or record.state not in self._moh_records_states else record._moh_records_suggest()
            )

    def _moh_records_suggest(self):
        """An open file of the record's unit for its year, readable by the caller; one whose
        heading lists the record's document type first."""
        self.ensure_one()
        department = self._moh_records_department()
        if not department or not self.env.user.has_group("moh_documents.group_specialist"):
            return self.env["moh.records.file"]
        files = self.env["moh.records.file"].search(
            [
                ("state", "=", "open"),
                ("department_id", "=", department.id),
                ("year", "=", self._moh_records_year()),
                ("confidentiality", "=", "normal")
                if self.sudo()._moh_records_confidentiality() == "normal"
                else ("confidentiality", "!=", "normal"),
            ]
        )
        doc_type = self._moh_records_document_type()
        return files.filtered(lambda f: doc_type and doc_type in f.heading_id.document_type_ids)[:1]

    # -- overridden by the concrete models ----------------------------------------------------

    def _moh_records_department(self):
        field = self._moh_records_department_field
        return self.sudo().mapped(field) if field else self.env["hr.department"]

    def _moh_records_year(self):
        return fields.Date.context_today(self).year

    def _moh_records_document_type(self):
        field = self._moh_records_document_type_field
        return self.sudo().mapped(field) if field else self.env["moh.document.type"]

    def _moh_records_confidentiality(self):
        return self["confidentiality"] if "confidentiality" in self._fields else "normal"

    def _moh_records_attachments(self):
        """The record's files for the archive package (superuser mode)."""
        record = self.sudo()
        attachments = self.env["ir.attachment"].sudo()
        for path in self._moh_records_attachment_fields:
            attachments |= record.mapped(path)
        if self._moh_records_own_files:
            attachments |= attachments.search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", record.id),
                    ("res_field", "=", False),
                    ("moh_role", "=", False),
                ]
            )
        return attachments

    def _moh_records_metadata(self):
        return {"name": self.display_name}

    def _moh_records_check_fileable(self):
        for record in self:
            if record.state not in self._moh_records_states:
                raise UserError(
                    self.env._("%(record)s cannot be filed in its present state.", record=record.sudo().display_name)
                )

    # -- step ---------------------------------------------------------------------------------

    def _moh_records_add_to_file(self):
        """File the record in its suggested file (the file's step checks the caller). The
        concrete models' ``action_add_to_file`` (their button) call it: a public method of an
        abstract model would be reachable on the abstract model itself."""
        self.ensure_one()
        self.check_access("read")
        records_file = self.suggested_file_id
        if not records_file:
            raise UserError(
                self.env._("No open file of its unit fits %(record)s: add it from the file.", record=self.display_name)
            )
        return records_file.action_add_item(self._name, self.id)
