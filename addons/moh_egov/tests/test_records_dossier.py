"""Settled dossiers are filed like documents (docs/records.md)."""

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import EgovCase


@tagged("post_install", "-at_install")
class TestRecordsDossier(EgovCase):
    def test_settled_dossier_filed_by_the_handler_of_its_department(self):
        dossier = self._received()
        file_list = (
            self.env["moh.records.file.list"]
            .with_user(self.specialist)
            .create({"year": 2039, "department_id": self.department_drug.id})
        )
        records_file = (
            self.env["moh.records.file"]
            .with_user(self.specialist)
            .create({"list_id": file_list.id, "number": 1, "name": "Hồ sơ công bố mỹ phẩm"})
        )
        file_list.with_user(self.head).action_approve()
        records_file.with_user(self.specialist).action_open()
        with self.assertRaises(UserError):  # still being processed
            records_file.with_user(self.specialist).action_add_item("moh.dossier", dossier.id)
        dossier.sudo().state = "done"
        with self.assertRaises(AccessError):
            records_file.with_user(self.specialist_legal).action_add_item("moh.dossier", dossier.id)
        records_file.with_user(self.specialist).action_add_item("moh.dossier", dossier.id)
        self.assertEqual(records_file.dossier_ids, dossier)
        self.assertEqual(records_file.item_count, 1)
        self.assertEqual(dossier.with_user(self.specialist).records_file_id, records_file)
        with self.assertRaises(AccessError):
            records_file.with_user(self.specialist).write({"dossier_ids": [(5,)]})
        items = records_file.with_user(self.specialist)._moh_package_items()
        self.assertEqual(items[0]["model"], "moh.dossier")
        self.assertEqual(items[0]["metadata"]["code"], dossier.code)
        self.assertEqual(items[0]["attachments"], dossier.sudo().document_ids.attachment_id)

    def test_settled_dossier_suggests_the_file_on_its_form(self):
        dossier = self._received()
        dossier.sudo().write({"state": "done", "received_at": fields.Datetime.to_datetime("2038-06-01 03:00:00")})
        file_list = (
            self.env["moh.records.file.list"]
            .with_user(self.specialist)
            .create({"year": 2038, "department_id": self.department_drug.id})
        )
        heading = (
            self.env["moh.records.heading"]
            .with_user(self.specialist)
            .create(
                {
                    "list_id": file_list.id,
                    "code": "I",
                    "name": "Công bố mỹ phẩm",
                    "document_type_ids": [(6, 0, self.procedure.result_document_type_id.ids)],
                }
            )
        )
        records_file = (
            self.env["moh.records.file"]
            .with_user(self.specialist)
            .create({"list_id": file_list.id, "heading_id": heading.id, "number": 1, "name": "Hồ sơ công bố"})
        )
        file_list.with_user(self.head).action_approve()
        dossier = dossier.with_user(self.specialist)
        self.assertFalse(dossier.suggested_file_id)  # the file is not open yet
        records_file.with_user(self.specialist).action_open()
        self.env.invalidate_all()
        # The file of its department and year whose heading lists the type of its e-result.
        self.assertEqual(dossier.suggested_file_id, records_file)
        arch = dossier.get_view(self.env.ref("moh_egov.moh_dossier_view_form").id)["arch"]
        self.assertIn('name="suggested_file_id"', arch)
        self.assertIn('name="action_add_to_file"', arch)
        dossier.action_add_to_file()
        self.env.invalidate_all()
        self.assertEqual(dossier.records_file_id, records_file)
        self.assertFalse(dossier.suggested_file_id)
