"""The life of a dossier in the back office, as each officer: receive, accept or ask for
supplements or refuse, assign, appraise, approve and sign the e-result, return it."""

import datetime as dt

from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged

from moh_core.onestop.codes import parse_dossier_code
from moh_core.testing.fixtures import pdfsig_verdicts, pdftotext

from .common import EgovCase

# Tuesday 24 November 2026 is Vietnamese Culture Day (a public holiday from 2026): the tests
# run on fixed days around it so the working-day maths is exact.


@tagged("post_install", "-at_install")
class TestDossierFlow(EgovCase):
    @freeze_time("2026-11-23 02:00:00")  # Monday 09:00 in Hà Nội
    def test_submission_gives_the_code_the_secret_and_the_8_working_hours(self):
        dossier = self._submitted()
        self.assertEqual(dossier.state, "submitted")
        agency, day, sequence = parse_dossier_code(dossier.code)
        self.assertEqual((agency, day), ("000.00.04.G18", dt.date(2026, 11, 23)))
        self.assertEqual(sequence, 1)
        self.assertEqual(len(dossier.sudo().lookup_secret), 8)
        # 8 working hours from Monday 09:00: Monday 17:00 is 7 hours, Tuesday is a holiday,
        # so Wednesday 09:00 (02:00 UTC).
        self.assertEqual(dossier.acceptance_deadline, dt.datetime(2026, 11, 25, 2, 0))
        second = self._submitted(self.portal_b)
        self.assertEqual(parse_dossier_code(second.code)[2], 2, "the second dossier of the day is number 2")
        self.assertEqual(dossier.payment_state, "pending")
        self.assertEqual(dossier.fee_amount, 500000)
        # The business is told by email, in the chatter.
        self.assertIn(dossier.code, dossier.sudo().message_ids[0].body)
        self.assertEqual(dossier.handover_ids.mapped("kind"), ["submit"])

    def test_incomplete_dossier_cannot_be_submitted(self):
        dossier = self._draft()
        with self.assertRaises(UserError) as error:
            dossier.action_submit()
        self.assertIn("Phiếu công bố", str(error.exception))
        self.assertEqual(dossier.state, "draft")
        dossier.sudo()._moh_form_values().write({"value": ""})
        self._add(dossier)
        with self.assertRaises(UserError):
            dossier.action_submit()

    def test_accept_assign_appraise_sign_and_return(self):
        # Real time: the test PKI's certificates and CRLs are issued now.
        if not self.provider:
            self.skipTest("payment_demo is not installed")
        dossier = self._submitted()
        with self.assertRaises(UserError, msg="the fee comes first"):
            dossier.with_user(self.onestop).action_accept()
        for user in (self.specialist, self.head, self.clerk, self.portal_a):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                dossier.with_user(user).action_accept()
        self._pay(dossier)
        self.assertEqual(dossier.payment_state, "paid")
        self.assertTrue(dossier.paid_online)
        dossier.with_user(self.onestop).action_accept()
        self.assertEqual(dossier.state, "received")
        today = dossier._moh_today()
        self.assertEqual(dossier.deadline, self.env.company._moh_calendar().moh_add_working_days(today, 3))
        slip = dossier.sudo().message_ids.attachment_ids.filtered(lambda a: "phieu-tiep-nhan" in a.name)
        self.assertEqual(len(slip), 1)
        self.assertEqual(slip.moh_role, "receipt_slip")
        text = self._pdf_text(slip.raw)
        self.assertIn(dossier.code, text)
        self.assertIn(dossier.deadline.strftime("%d/%m/%Y"), text)
        self.assertEqual(set(dossier.sudo().document_ids.attachment_id.mapped("moh_role")), {"dossier_file"})

        dossier.with_user(self.onestop).action_assign()
        self.assertEqual(dossier.state, "processing")
        self.assertEqual(dossier.department_id, self.department_drug)
        # The department sees it now; its head picks a specialist.
        self.assertIn(dossier, self.env["moh.dossier"].with_user(self.head).search([]))
        self.assertNotIn(dossier, self.env["moh.dossier"].with_user(self.specialist_legal).search([]))
        dossier.with_user(self.head).action_assign(specialist=self.specialist)
        self.assertEqual(dossier.specialist_id, self.specialist)
        dossier.with_user(self.specialist).appraisal_note = "Hồ sơ đáp ứng yêu cầu."
        dossier.with_user(self.specialist).action_propose_result()
        self.assertEqual(dossier.state, "approval")
        result = dossier.result_document_id
        self.assertEqual(result.signer_id, self.head)
        self.assertEqual(result.dossier_id, dossier)

        self._approve_and_issue(result)
        self.assertEqual(result.state, "issued")
        self.assertEqual(dossier.state, "done")
        self.assertEqual(dossier.outcome, "early")
        self.assertEqual(dossier.deadline_state, "done_on_time")
        pdf = dossier.result_attachment_id.raw
        verdicts = pdfsig_verdicts(pdf, self.pki.root.cert_path)
        self.assertEqual(set(verdicts), {"signer", "seal"})
        self.assertTrue(all(v["valid"] and v["trusted"] for v in verdicts.values()), verdicts)
        # Every hand-over is on the process control slip, with its time and outcome.
        self.assertEqual(
            dossier.handover_ids.mapped("kind"), ["submit", "accept", "assign", "assign", "propose", "return"]
        )
        self.assertTrue(all(h.done_at for h in dossier.handover_ids))
        action = dossier.with_user(self.onestop).with_context(moh_slip="control").action_print_slip()
        control = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        self.assertEqual((control.moh_role, dossier.result_attachment_id.moh_role), ("control_slip", "result"))
        text = self._pdf_text(control.raw)
        self.assertIn("PHIẾU KIỂM SOÁT", text)
        self.assertIn(dossier.code, text)

    def _pdf_text(self, pdf):
        path = f"{self.pki_dir.name}/slip.pdf"
        with open(path, "wb") as handle:
            handle.write(pdf)
        return pdftotext(path)

    @freeze_time("2026-11-23 02:00:00")
    def test_refusal_with_reasons(self):
        dossier = self._submitted()
        with self.assertRaises(UserError):
            dossier.with_user(self.onestop).action_refuse("  ")
        dossier.with_user(self.onestop).action_refuse("Sản phẩm không thuộc phạm vi mỹ phẩm.\nThiếu giấy ủy quyền.")
        self.assertEqual(dossier.state, "refused")
        slip = dossier.sudo().message_ids.attachment_ids.filtered(lambda a: "phieu-tu-choi" in a.name)
        self.assertIn("Thiếu giấy ủy quyền", self._pdf_text(slip.raw))
        with self.assertRaises(UserError):
            dossier.with_user(self.onestop).action_accept()

    @freeze_time("2026-11-23 02:00:00")
    def test_fee_paid_at_the_counter(self):
        dossier = self._submitted()
        with self.assertRaises(UserError):
            dossier.with_user(self.onestop).action_accept()  # the fee is not paid yet
        for outsider in (self.portal_a, self.specialist):
            with self.assertRaises(AccessError):
                dossier.with_user(outsider).action_record_counter_payment()
        dossier.with_user(self.onestop).action_record_counter_payment()
        self.assertEqual((dossier.payment_state, dossier.paid_online), ("paid", False), "paid, not online")
        self.assertIn(self.onestop.name, dossier.sudo().message_ids[0].body, "who received the fee is noted")
        with self.assertRaises(UserError):
            dossier.with_user(self.onestop).action_record_counter_payment()  # not twice
        dossier.with_user(self.onestop).action_accept()
        self.assertEqual(dossier.state, "received")

    def test_stop_at_the_applicants_request(self):
        dossier = self._submitted()
        with self.assertRaises(UserError):
            dossier.with_user(self.onestop).action_stop()
        dossier.action_request_stop("Doanh nghiệp thay đổi kế hoạch nhập khẩu.")
        dossier.with_user(self.onestop).action_stop()
        self.assertEqual(dossier.state, "stopped")
        self.assertTrue(dossier.sudo().message_ids.attachment_ids.filtered(lambda a: "phieu-dung" in a.name))
