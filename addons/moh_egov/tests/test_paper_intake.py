"""One-stop intake beyond the portal (Decree 118/2025/ND-CP, Art. 17-18), as the one-stop officer:
counter and postal dossiers scanned in and decided in one step (form 01, 02 or 03), the 15:00
hand-over rule, refusal after appraisal with a written notice of reasons, and the supplement
rules no legal text sets, which are procedure parameters, off by default."""

import base64
import datetime as dt
from unittest.mock import patch

from odoo.addons.moh_documents.tests.common import RpcAttackMixin
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, freeze_time, tagged

from moh_core.onestop.codes import parse_dossier_code
from moh_core.testing.fixtures import pdfsig_verdicts, pdftotext

from .common import EgovCase, make_pdf

REFUSED = ("odoo.exceptions.AccessError", "odoo.exceptions.UserError", "odoo.exceptions.ValidationError")


class PaperCase(EgovCase):
    def _intake(self, user=None, files=True, value="Kem dưỡng da Hoa Sen", **vals):
        """The officer fills the intake form for business A: the scanned application form and
        the product name transcribed from the paper form."""
        lines = (
            [
                (
                    0,
                    0,
                    {
                        "requirement_id": self.req_form.id,
                        "filename": "phieu-cong-bo-scan.pdf",
                        "data": base64.b64encode(make_pdf("Phieu cong bo (scan)")),
                    },
                )
            ]
            if files
            else []
        )
        values = {
            "procedure_id": self.procedure.id,
            "partner_id": self.business_a.id,
            "channel": "counter",
            "contact_name": "Phạm Minh Đức",
            "contact_phone": "024 3826 5599",
            "fee_received": True,
            "file_ids": lines,
            "value_ids": [(0, 0, {"field_id": field.id, "value": value}) for field in self.procedure.form_field_ids],
        }
        values.update(vals)
        return self.env["moh.dossier.intake"].with_user(user or self.onestop).create(values)

    def _emails(self, dossier):
        """The emails to the applicant in the dossier's chatter (the steps post them as comments)."""
        self.env.invalidate_all()
        return dossier.sudo().message_ids.filtered(
            lambda m: m.message_type == "comment" and dossier.code in str(m.body)
        )

    def _dossier(self, action):
        return self.env["moh.dossier"].with_user(self.onestop).browse(action["res_id"])

    def _slip(self, dossier, suffix):
        slips = dossier.sudo().slip_ids.filtered(lambda a: suffix in a.name)
        self.assertEqual(len(slips), 1, f"one {suffix} slip")
        path = f"{self.pki_dir.name}/{suffix}.pdf"
        with open(path, "wb") as handle:
            handle.write(slips.raw)
        return " ".join(pdftotext(path).split())


@tagged("post_install", "-at_install")
class TestPaperIntake(PaperCase):
    @freeze_time("2026-11-25 02:00:00")  # Wednesday 09:00 in Hà Nội
    def test_counter_dossier_received_in_one_step_with_form_01(self):
        wizard = self._intake()
        wizard.action_check()
        self.assertTrue(wizard.is_complete)
        self.assertIn("Provided", wizard.report)
        dossier = self._dossier(wizard.action_receive())
        self.assertEqual((dossier.state, dossier.channel), ("received", "counter"))
        self.assertEqual(parse_dossier_code(dossier.code)[:2], ("000.00.04.G18", dt.date(2026, 11, 25)))
        self.assertEqual(dossier.deadline, dt.date(2026, 11, 30), "3 working days from Wednesday")
        self.assertEqual(dossier.document_ids.mapped("name"), ["phieu-cong-bo-scan.pdf"], "the scans are its files")
        self.assertEqual(dossier.document_ids.detected_type, "pdf", "checked by content, as portal uploads are")
        self.assertTrue(dossier.digitised)
        self.assertEqual((dossier.payment_state, dossier.paid_online), ("paid", False))
        self.assertEqual(dossier.partner_id, self.business_a)
        text = self._slip(dossier, "phieu-tiep-nhan")
        self.assertIn("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", text)
        self.assertIn(dossier.code, text)
        self.assertIn("30/11/2026", text)
        self.assertIn("NGƯỜI NỘP HỒ SƠ", text, "printed for the applicant's and the officer's signatures")
        self.assertIn("Phạm Minh Đức", text)
        self.assertIn(self.onestop.name, text)
        # The business's portal users see it; another business does not.
        self.assertIn(dossier, self.env["moh.dossier"].with_user(self.portal_a2).search([]))
        self.assertIn("phieu-tiep-nhan", " ".join(dossier.with_user(self.portal_a).slip_ids.mapped("name")))
        self.assertNotIn(dossier, self.env["moh.dossier"].with_user(self.portal_b).search([]))
        with self.assertRaises(UserError, msg="received once"):
            wizard.action_receive()

    def test_an_officer_with_a_signing_key_signs_form_01(self):
        # Real time: the test PKI's certificates and CRLs are issued now.
        with open(self.pki.signer.p12_path, "rb") as handle:
            self.env["moh.signing.key"].create(
                {
                    "name": "Khóa của cán bộ một cửa",
                    "user_id": self.onestop.id,
                    "pkcs12_file": base64.b64encode(handle.read()),
                }
            )
        wizard = self._intake()
        wizard.action_check()
        self.assertTrue(wizard.officer_has_key)
        with self.assertRaises(UserError, msg="the password is asked"):
            wizard.action_receive()
        dossier = self._dossier(wizard.with_context(moh_password=self.pki.password).action_receive())
        receipt = dossier.sudo().slip_ids.filtered(lambda a: "phieu-tiep-nhan" in a.name)
        verdicts = pdfsig_verdicts(receipt.raw, self.pki.root.cert_path)
        self.assertEqual(set(verdicts), {"officer"})
        self.assertTrue(verdicts["officer"]["valid"] and verdicts["officer"]["trusted"], verdicts)
        self.assertIn(dossier.code, self._slip(dossier, "phieu-tiep-nhan"))

    def test_the_receipt_is_signed_whatever_its_file_name(self):
        # The slip is found by its role: renamed, the receipt is still the one the officer signs.
        from ..report import slips

        with open(self.pki.signer.p12_path, "rb") as handle:
            self.env["moh.signing.key"].create(
                {
                    "name": "Khóa của cán bộ một cửa",
                    "user_id": self.onestop.id,
                    "pkcs12_file": base64.b64encode(handle.read()),
                }
            )
        render = slips.render_dossier_slip
        with patch.object(
            slips, "render_dossier_slip", lambda dossier, kind: (render(dossier, kind)[0], f"{kind}.pdf")
        ):
            dossier = self._dossier(self._intake().with_context(moh_password=self.pki.password).action_receive())
        receipt = dossier.sudo().slip_ids
        self.assertEqual((receipt.name, receipt.moh_role), ("receipt.pdf", "receipt_slip"))
        verdicts = pdfsig_verdicts(receipt.raw, self.pki.root.cert_path)
        self.assertEqual(set(verdicts), {"officer"})
        self.assertTrue(verdicts["officer"]["valid"], verdicts)

    @freeze_time("2026-11-25 02:00:00")
    def test_incomplete_paper_dossier_gets_one_form_02_listing_every_defect(self):
        wizard = self._intake(
            files=False,
            value="",
            channel="postal",
            defect_ids=[
                (
                    0,
                    0,
                    {
                        "content": "Giấy ủy quyền của nhà sản xuất",
                        "reason": "Hết hiệu lực",
                        "guidance": "Nộp bản còn hiệu lực, hợp pháp hóa lãnh sự",
                    },
                )
            ],
        )
        wizard.action_check()
        self.assertFalse(wizard.is_complete)
        with self.assertRaises(UserError):
            wizard.action_receive()
        self.assertFalse(
            self.env["moh.dossier"].sudo().search([("partner_id", "=", self.business_a.id)]),
            "nothing filed by a refused step",
        )
        dossier = self._dossier(wizard.action_request_supplement())
        self.assertEqual((dossier.state, dossier.channel, dossier.supplement_count), ("supplement", "postal", 1))
        contents = [d["content"] for d in dossier.supplement_defects]
        self.assertEqual(len(contents), 3, contents)
        self.assertIn("Phiếu công bố", contents, "the missing document, from the completeness check")
        self.assertTrue(any("Tên sản phẩm" in c for c in contents), "the empty form field")
        self.assertIn("Giấy ủy quyền của nhà sản xuất", contents, "the officer's own finding")
        text = self._slip(dossier, "phieu-bo-sung")
        for part in (
            "Phiếu công bố",
            "Tên sản phẩm",
            "Giấy ủy quyền của nhà sản xuất",
            "Hết hiệu lực",
            "hợp pháp hóa lãnh sự",
            "Hướng dẫn",
            "Lý do",
        ):
            self.assertIn(part, text)
        # The applicant completes it on the portal.
        self._add(dossier, supplement=True)
        dossier.sudo()._moh_form_values().write({"value": "Kem dưỡng da"})
        dossier.with_user(self.portal_a).action_supplement_done()
        self.assertEqual(dossier.state, "submitted")

    @freeze_time("2026-11-25 02:00:00")
    def test_refusal_to_receive_with_form_03(self):
        wizard = self._intake(refusal_reason="Sản phẩm không thuộc phạm vi mỹ phẩm.\nKhông thuộc thẩm quyền của Bộ.")
        dossier = self._dossier(wizard.action_refuse())
        self.assertEqual((dossier.state, dossier.refusal_stage), ("refused", "reception"))
        text = self._slip(dossier, "phieu-tu-choi")
        self.assertIn("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", text)
        self.assertIn("Không thuộc thẩm quyền của Bộ.", text)
        with self.assertRaises(UserError):
            self._intake(refusal_reason="  ").action_refuse()

    @freeze_time("2026-11-25 02:00:00")
    def test_a_bad_scan_is_refused_by_the_upload_checks_and_nothing_is_filed(self):
        wizard = self._intake()
        wizard.file_ids.data = base64.b64encode(b"MZ\x90\x00" + b"\x00" * 200)
        with self.assertRaises(UserError) as error:
            wizard.action_check()
        self.assertIn("phieu-cong-bo-scan.pdf", str(error.exception))
        with self.assertRaises(UserError):
            wizard.action_receive()
        self.assertFalse(self.env["moh.dossier"].sudo().search([("partner_id", "=", self.business_a.id)]))

    def test_only_the_one_stop_shop_receives_paper_dossiers(self):
        for user in (self.specialist, self.head, self.clerk, self.portal_a):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self._intake(user=user)
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["moh.dossier"].with_user(user)._moh_open_on_paper(self.procedure, self.business_a, "counter")


@tagged("post_install", "-at_install")
class TestPaperHandoverCutoff(PaperCase):
    """Decree 118/2025/ND-CP, Art. 18.2: to the competent body the same working day, or the start
    of the next one when received after 15:00 (a company setting). Not the statutory deadline."""

    def _accept_handover(self, utc, channel="counter"):
        with freeze_time(utc):
            dossier = self._dossier(self._intake(channel=channel).action_receive())
        return dossier, dossier.handover_ids.filtered(lambda h: h.kind == "accept")

    def test_before_and_after_15_00(self):
        early, step = self._accept_handover("2026-11-25 07:59:00")  # Wednesday 14:59
        self.assertEqual(step.due_at, dt.datetime(2026, 11, 25, 10, 0), "the same day, 17:00")
        late, step = self._accept_handover("2026-11-25 08:01:00")  # Wednesday 15:01
        self.assertEqual(step.due_at, dt.datetime(2026, 11, 26, 1, 0), "Thursday 08:00")
        self.assertEqual(early.deadline, late.deadline, "the statutory deadline does not move")

    def test_friday_afternoon_and_the_holiday(self):
        _dossier, step = self._accept_handover("2026-11-27 08:01:00")  # Friday 15:01
        self.assertEqual(step.due_at, dt.datetime(2026, 11, 30, 1, 0), "Monday 08:00")
        _dossier, step = self._accept_handover("2026-11-27 07:59:00", channel="postal")  # Friday 14:59
        self.assertEqual(step.due_at, dt.datetime(2026, 11, 27, 10, 0), "Friday 17:00")
        # Tuesday 24 November 2026 is Vietnamese Culture Day.
        _dossier, step = self._accept_handover("2026-11-23 08:01:00")  # Monday 15:01
        self.assertEqual(step.due_at, dt.datetime(2026, 11, 25, 1, 0), "Wednesday 08:00")

    def test_the_cutoff_is_the_companys_setting(self):
        self.assertEqual(self.env.company.moh_handover_cutoff, 15.0)
        with self.assertRaises(AccessError):
            self.env.company.with_user(self.onestop).moh_handover_cutoff = 16.0
        with self.assertRaises(ValidationError):
            self.env.company.moh_handover_cutoff = 25.0
        self.env.company.moh_handover_cutoff = 16.0
        _dossier, step = self._accept_handover("2026-11-25 08:01:00")  # 15:01, before 16:00
        self.assertEqual(step.due_at, dt.datetime(2026, 11, 25, 10, 0))

    def test_online_dossiers_keep_the_steps_share(self):
        with freeze_time("2026-11-25 08:01:00"):
            dossier = self._received()
        step = dossier.handover_ids.filtered(lambda h: h.kind == "accept")
        # Half a working day from 15:01: Thursday 10:01, not the paper rule's Thursday 08:00.
        self.assertEqual(step.due_at, dt.datetime(2026, 11, 26, 3, 1))


@tagged("post_install", "-at_install")
class TestSupplementParameters(PaperCase):
    """No legal text sets a time limit to ask, "once only" or closing after N days: parameters of
    each procedure, off by default."""

    def _off(self):
        self.procedure.with_user(self.admin).write(
            {"supplement_request_days": 0, "supplement_once_only": False, "supplement_close_days": 0}
        )

    def test_defaults_are_off(self):
        defaults = (
            self.env["moh.procedure"]
            .with_user(self.admin)
            .default_get(["supplement_request_days", "supplement_once_only", "supplement_close_days"])
        )
        self.assertEqual(
            defaults, {"supplement_request_days": 0, "supplement_once_only": False, "supplement_close_days": 0}
        )
        demo = self.env["moh.procedure"].search([("id", "!=", self.procedure.id)])
        samples = (
            "cosmetic_import",
            "cosmetic_domestic",
            "drug_advertising",
            "pharmacy_practice",
            "cfs_cosmetic",
            "health_supplement",
            "medical_device_cd",
        )
        for sample in samples:
            self.assertIn(self.env.ref(f"moh_egov.procedure_{sample}"), demo)
        self.assertFalse(
            any(
                demo.mapped("supplement_request_days")
                + demo.mapped("supplement_close_days")
                + demo.mapped("supplement_once_only")
            )
        )
        for field in ("supplement_request_days", "supplement_once_only", "supplement_close_days"):
            self.assertIn("No legal source was found", self.env["moh.procedure"]._fields[field].help)
        with self.assertRaises(AccessError):
            self.procedure.with_user(self.onestop).supplement_once_only = False

    def test_off_no_time_limit_a_second_request_and_never_closed(self):
        self._off()
        with freeze_time("2026-11-23 02:00:00"):
            dossier = self._submitted()
        with freeze_time("2026-12-07 02:00:00"):  # long after "3 working days"
            dossier.with_user(self.onestop).action_request_supplement("Bổ sung nhãn sản phẩm")
        self.assertEqual(dossier.state, "supplement")
        self.assertFalse(dossier.supplement_deadline, "no closing date")
        with freeze_time("2027-03-01 02:00:00"):
            self.assertNotIn(dossier, self.env["moh.dossier"]._cron_moh_close_incomplete())
        self.assertEqual(dossier.state, "supplement", "never closed without the parameter")
        with freeze_time("2027-03-01 03:00:00"):
            self._add(dossier, self.req_label, filename="nhan.pdf", supplement=True)
            dossier.action_supplement_done()
            dossier.with_user(self.onestop).action_request_supplement("Nhãn chưa có tiếng Việt")
        self.assertEqual((dossier.state, dossier.supplement_count), ("supplement", 2))

    def test_once_only(self):
        with freeze_time("2026-11-23 02:00:00"):
            dossier = self._submitted()
            dossier.with_user(self.onestop).action_request_supplement("Bổ sung nhãn sản phẩm")
            self._add(dossier, self.req_label, filename="nhan.pdf", supplement=True)
            dossier.action_supplement_done()
            with self.assertRaises(UserError):
                dossier.with_user(self.onestop).action_request_supplement("Lần hai")
        self.assertEqual((dossier.state, dossier.supplement_count), ("submitted", 1))

    def test_request_limit(self):
        self._off()
        self.procedure.with_user(self.admin).supplement_request_days = 2
        with freeze_time("2026-11-23 02:00:00"):  # Monday
            dossier = self._submitted()
        with freeze_time("2026-11-27 02:00:00"), self.assertRaises(UserError):  # Friday: the 3rd working day
            dossier.with_user(self.onestop).action_request_supplement("Quá hạn")
        self.assertEqual(dossier.state, "submitted")
        with freeze_time("2026-11-26 02:00:00"):  # Thursday: the 2nd (Tuesday is a holiday)
            dossier.with_user(self.onestop).action_request_supplement("Trong hạn")
        self.assertEqual(dossier.state, "supplement")

    def test_closed_after_n_working_days_with_a_notice(self):
        self._off()
        self.procedure.with_user(self.admin).supplement_close_days = 5
        with freeze_time("2026-11-25 02:00:00"):  # Wednesday
            dossier = self._submitted()
            dossier.with_user(self.onestop).action_request_supplement("Bổ sung nhãn sản phẩm")
        self.assertEqual(dossier.supplement_deadline, dt.date(2026, 12, 2))
        with freeze_time("2026-12-02 10:00:00"):  # 17:00 on the last day
            self.assertNotIn(dossier, self.env["moh.dossier"]._cron_moh_close_incomplete())
        emails = len(self._emails(dossier))
        with freeze_time("2026-12-03 02:00:00"):
            closed = self.env["moh.dossier"]._cron_moh_close_incomplete()
        self.assertIn(dossier, closed)
        self.assertEqual(dossier.state, "closed")
        self.assertEqual(len(self._emails(dossier)), emails + 1, "the applicant is told")
        self.assertEqual(dossier.handover_ids[-1].kind, "close")

    def test_back_office_request_lists_every_defect_at_once(self):
        with freeze_time("2026-11-23 02:00:00"):
            dossier = self._submitted()
            wizard = (
                self.env["moh.dossier.action.wizard"]
                .with_user(self.onestop)
                .create(
                    {
                        "dossier_id": dossier.id,
                        "action": "supplement",
                        "defect_ids": [
                            (
                                0,
                                0,
                                {
                                    "content": "Nhãn sản phẩm",
                                    "reason": "Thiếu tiếng Việt",
                                    "guidance": "Bổ sung nhãn phụ",
                                },
                            ),
                            (
                                0,
                                0,
                                {
                                    "content": "Giấy ủy quyền",
                                    "reason": "Bản chụp không rõ",
                                    "guidance": "Nộp bản sao chứng thực",
                                },
                            ),
                        ],
                    }
                )
            )
            wizard.action_confirm()
        self.assertEqual(dossier.supplement_count, 1, "one request")
        self.assertEqual([d["content"] for d in dossier.supplement_defects], ["Nhãn sản phẩm", "Giấy ủy quyền"])
        self.assertEqual(len(dossier.supplement_items.splitlines()), 2)
        text = self._slip(dossier, "phieu-bo-sung")
        for part in ("Thiếu tiếng Việt", "Bổ sung nhãn phụ", "Bản chụp không rõ", "Nộp bản sao chứng thực"):
            self.assertIn(part, text)


@tagged("post_install", "-at_install")
class TestReturnAfterAppraisal(PaperCase):
    def _in_appraisal(self):
        with freeze_time("2026-11-25 02:00:00"):
            dossier = self._received()
            dossier.with_user(self.onestop).action_assign(specialist=self.specialist)
        return dossier

    def test_specialist_returns_the_dossier_with_a_written_notice_of_reasons(self):
        dossier = self._in_appraisal()
        with self.assertRaises(UserError):
            dossier.with_user(self.specialist).action_return_after_appraisal(" ")
        for outsider in (self.specialist_legal, self.portal_a, self.clerk):
            with self.subTest(user=outsider.login), self.assertRaises(AccessError):
                dossier.with_user(outsider).action_return_after_appraisal("Không đạt")
        self.assertEqual(dossier.state, "processing")
        emails = len(self._emails(dossier))
        with freeze_time("2026-11-26 02:00:00"):
            dossier.with_user(self.specialist).action_return_after_appraisal(
                "Nhãn sản phẩm không đáp ứng quy định.\nThành phần thuộc danh mục cấm."
            )
        self.assertEqual((dossier.state, dossier.refusal_stage), ("refused", "appraisal"))
        text = self._slip(dossier, "phieu-tra-lai-ho-so")
        self.assertIn("THÔNG BÁO TRẢ LẠI HỒ SƠ", text)
        self.assertNotIn("PHIẾU TỪ CHỐI TIẾP NHẬN", text, "not form 03")
        self.assertIn("Thành phần thuộc danh mục cấm.", text)
        self.assertIn("Kính gửi", text)
        self.assertFalse(dossier.sudo().slip_ids.filtered(lambda a: "phieu-tu-choi" in a.name))
        # The applicant sees the notice and the reasons.
        self.assertIn("phieu-tra-lai-ho-so", " ".join(dossier.with_user(self.portal_a).slip_ids.mapped("name")))
        self.assertIn("danh mục cấm", dossier.with_user(self.portal_a).refusal_reason)
        self.assertEqual(len(self._emails(dossier)), emails + 1, "the applicant is told")

    def test_only_once_appraised(self):
        with freeze_time("2026-11-25 02:00:00"):
            dossier = self._received()
        with self.assertRaises(UserError):
            dossier.with_user(self.onestop).action_return_after_appraisal("Chưa thẩm định")
        self.assertEqual(dossier.state, "received")

    def test_the_one_stop_shop_returns_it(self):
        dossier = self._in_appraisal()
        with freeze_time("2026-11-26 02:00:00"):
            dossier.with_user(self.onestop).action_return_after_appraisal("Không đạt yêu cầu.")
        self.assertEqual(dossier.refusal_stage, "appraisal")


@tagged("post_install", "-at_install")
class TestPaperIntakeSecurity(RpcAttackMixin, PaperCase, HttpCase):
    """Over JSON-RPC: a specialist or a business cannot open a counter dossier, issue form 03 or
    return a dossier it does not appraise; a counter dossier is its business's on the portal."""

    def _call(self, user, model, method, args=(), kwargs=None):
        password = user.login + "-pass-2026" if user.share else user.login.ljust(8, "x")
        return self._rpc(user, model, method, args, kwargs, password=password)

    def assertRefused(self, user, model, method, args=(), kwargs=None):
        result, error = self._call(user, model, method, args, kwargs)
        self.assertIn(
            error, REFUSED, f"{user.login} called {model}.{method}{tuple(args)!r}: got {error or repr(result)}"
        )

    def test_specialist_and_business_cannot_open_a_counter_dossier_or_issue_form_03(self):
        with freeze_time("2026-11-25 02:00:00"):
            submitted = self._submitted()
        wizard = self._intake()
        register = (
            self.env["moh.dossier.register.print.wizard"]
            .with_user(self.onestop)
            .create({"date_from": "2026-01-01", "date_to": "2026-12-31"})
        )
        count = self.env["moh.dossier"].sudo().search_count([])
        vals = {
            "procedure_id": self.procedure.id,
            "partner_id": self.business_a.id,
            "channel": "counter",
            "refusal_reason": "Giả mạo",
        }
        for user in (self.specialist, self.portal_a):
            with self.subTest(user=user.login):
                self.assertRefused(user, "moh.dossier.intake", "create", [vals])
                self.assertRefused(user, "moh.dossier.intake", "action_refuse", [wizard.ids])
                self.assertRefused(user, "moh.dossier.intake", "action_receive", [wizard.ids])
                self.assertRefused(user, "moh.dossier.intake", "action_check", [wizard.ids])
                self.assertRefused(user, "moh.dossier.intake", "action_request_supplement", [wizard.ids])
                self.assertRefused(user, "moh.dossier.register.print.wizard", "action_print", [register.ids])
                self.assertRefused(
                    user, "moh.dossier", "_moh_open_on_paper", [[], self.procedure.id, self.business_a.id, "counter"]
                )
                self.assertRefused(user, "moh.dossier", "action_refuse", [submitted.ids, "Giả mạo"])
        self.env.invalidate_all()
        self.assertEqual(self.env["moh.dossier"].sudo().search_count([]), count, "no dossier opened")
        self.assertEqual(submitted.sudo().state, "submitted")
        self.assertFalse(submitted.sudo().slip_ids, "no form 03")
        self.assertFalse(wizard.dossier_id)
        self.assertFalse(
            self.env["ir.attachment"].sudo().search([("res_model", "=", register._name), ("res_id", "=", register.id)]),
            "no register printed",
        )

    def test_business_cannot_return_its_dossier_after_appraisal(self):
        with freeze_time("2026-11-25 02:00:00"):
            dossier = self._received()
            dossier.with_user(self.onestop).action_assign(specialist=self.specialist)
        for user in (self.portal_a, self.specialist_legal):
            self.assertRefused(user, "moh.dossier", "action_return_after_appraisal", [dossier.ids, "Tự trả"])
        self.env.invalidate_all()
        self.assertEqual(dossier.sudo().state, "processing")

    def test_counter_dossier_on_the_applicants_portal(self):
        with freeze_time("2026-11-25 02:00:00"):
            dossier = self._dossier(self._intake().action_receive())
        self.authenticate(self.portal_a2.login, self.portal_a2.login + "-pass-2026")
        page = self.url_open(f"/my/dossiers/{dossier.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(dossier.code, page.text)
        slip = dossier.sudo().slip_ids[:1]
        self.assertEqual(self.url_open(f"/my/dossiers/{dossier.id}/slip/{slip.id}").status_code, 200)
        self.authenticate(self.portal_b.login, self.portal_b.login + "-pass-2026")
        self.assertEqual(self.url_open(f"/my/dossiers/{dossier.id}").status_code, 404)
