"""Who signs what a department decides (Decree 30/2020/NĐ-CP, Art. 13; Appendix I §II.7.b): the
e-result in the ministry's name under "TL. BỘ TRƯỞNG", in the department's own name without it;
slips 04 and 05 by the head of the deciding department."""

import datetime as dt

from odoo.tests import freeze_time, tagged

from moh_core.exchange import parse_message
from moh_core.testing.fixtures import pdftotext

from .common import EgovCase


@tagged("post_install", "-at_install")
class TestResultSignature(EgovCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.moh_head_position = "Bộ trưởng"
        cls.head.employee_id.job_title = "Cục trưởng Cục Quản lý Dược"

    def _text(self, pdf):
        path = f"{self.pki_dir.name}/result.pdf"
        with open(path, "wb") as handle:
            handle.write(pdf)
        return pdftotext(path)

    def _block(self, text, first):
        rows = text.splitlines()
        start = next(i for i, row in enumerate(rows) if row.rstrip().endswith(first))
        return [row[30:].strip() for row in rows[start:] if row[30:].strip()]

    def _proposed(self):
        dossier = self._received()
        dossier.with_user(self.onestop).action_assign(specialist=self.specialist)
        dossier.with_user(self.specialist).action_propose_result()
        return dossier

    def test_the_e_result_is_signed_by_order_of_the_minister(self):
        dossier = self._proposed()
        result = dossier.result_document_id
        self.assertEqual(result.signer_id, self.head)
        self.assertEqual(result.signer_block, "TL. BỘ TRƯỞNG / CỤC TRƯỞNG CỤC QUẢN LÝ DƯỢC")
        self._approve_and_issue(result)
        self.assertEqual(dossier.state, "done")
        text = self._text(dossier.result_attachment_id.raw)
        block = self._block(text, "TL. BỘ TRƯỞNG")
        self.assertEqual(block[:2], ["TL. BỘ TRƯỞNG", "CỤC TRƯỞNG CỤC QUẢN LÝ DƯỢC"], text)
        self.assertIn(self.head.name, block[2:])
        self.assertEqual(text.count("CỤC TRƯỞNG CỤC QUẢN LÝ DƯỢC"), 1, text)  # not again in the stamp
        signer = parse_message(self.env["moh.edxml"]._moh_export(result.sudo())).message.signer
        self.assertEqual(
            (signer.competence, signer.position, signer.full_name),
            ("TL. BỘ TRƯỞNG", "CỤC TRƯỞNG CỤC QUẢN LÝ DƯỢC", self.head.name),
        )

    def test_the_e_result_carries_the_public_verification_mark(self):
        dossier = self._proposed()
        result = dossier.result_document_id
        self._approve_and_issue(result)
        code = result.verification_code
        self.assertRegex(code, r"^[2-9A-HJ-NP-Z]{12}$")
        text = self._text(dossier.result_attachment_id.raw)
        self.assertIn(f"{result.get_base_url()}/verify/{code}", text)
        found = self.env["moh.outgoing.document"]._moh_find_verifiable(code.lower())
        self.assertEqual(found, result)
        shown = found._moh_public_verification()
        self.assertEqual(shown["number"], result.name)
        self.assertTrue(shown["report"].all_valid, shown["report"].summary)
        self.assertEqual(len(shown["report"].signatures), 2)

    def test_a_department_with_its_own_seal_decides_in_its_own_name(self):
        self.department_drug.moh_own_seal = True
        result = self._proposed().result_document_id
        self.assertEqual(result.signer_authority, "none")
        self.assertEqual(result.signer_block, "CỤC TRƯỞNG CỤC QUẢN LÝ DƯỢC")
        text = self._text(result.pdf_id.raw)
        self.assertNotIn("TL.", text)
        self.assertEqual(self._block(text, "CỤC TRƯỞNG CỤC QUẢN LÝ DƯỢC")[0], "CỤC TRƯỞNG CỤC QUẢN LÝ DƯỢC")

    def test_slips_04_and_05_are_signed_by_the_deciding_departments_head(self):
        with freeze_time("2026-11-23 02:00:00"):
            late = self._received()
            late.with_user(self.onestop).action_assign(specialist=self.specialist)
        with freeze_time("2026-11-26 02:00:00"):
            late.with_user(self.head).action_apologise("Chờ ý kiến của Hội đồng chuyên gia", dt.date(2026, 12, 4))
        stopped = self._submitted()
        stopped.action_request_stop("Doanh nghiệp thay đổi kế hoạch nhập khẩu.")
        stopped.with_user(self.onestop).action_stop()
        for dossier, name in ((late, "phieu-xin-loi"), (stopped, "phieu-dung")):
            with self.subTest(slip=name):
                slip = dossier.sudo().message_ids.attachment_ids.filtered(lambda a, n=name: n in a.name)
                self.assertEqual(len(slip), 1)
                text = self._text(slip.raw)
                block = self._block(text, "TL. BỘ TRƯỞNG")
                self.assertEqual(block[:2], ["TL. BỘ TRƯỞNG", "CỤC TRƯỞNG CỤC QUẢN LÝ DƯỢC"], text)
                self.assertIn(self.head.name, block[2:])
                self.assertNotIn(self.onestop.name, text)
