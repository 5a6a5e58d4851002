"""A heading (đề mục) of a yearly file list: the sections the list groups its files under, and
the kinds of document filed there (which the e-office uses to suggest a file for a document)."""

from odoo import api, fields, models
from odoo.exceptions import UserError


class MohRecordsHeading(models.Model):
    _name = "moh.records.heading"
    _description = "File List Heading"
    _order = "list_id, sequence, id"

    list_id = fields.Many2one(
        "moh.records.file.list", string="File List", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    code = fields.Char(help="E.g. I, II or 1.1: the heading's number in the list.")
    name = fields.Char(required=True)
    document_type_ids = fields.Many2many(
        "moh.document.type",
        string="Document Types",
        help="Documents of these types are suggested for the open files of this heading.",
    )

    @api.depends("code", "name")
    def _compute_display_name(self):
        for heading in self:
            heading.display_name = " ".join(part for part in (heading.code, heading.name) if part)

    def _moh_check_list(self, lists):
        if self.env.su:
            return
        for file_list in lists:
            file_list.check_access("write")
            file_list._moh_check_unit(file_list.department_id)
            if file_list.state != "draft":
                raise UserError(
                    self.env._("%(list)s is approved: its headings no longer change.", list=file_list.display_name)
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._moh_check_list(self.env["moh.records.file.list"].browse({v.get("list_id") for v in vals_list}))
        return super().create(vals_list)

    def write(self, vals):
        lists = self.list_id
        if vals.get("list_id"):
            lists |= self.env["moh.records.file.list"].browse(vals["list_id"])
        self._moh_check_list(lists)
        return super().write(vals)

    def unlink(self):
        self._moh_check_list(self.list_id)
        return super().unlink()
