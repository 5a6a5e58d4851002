"""Settled dossiers are filed like documents (docs/records.md)."""

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
