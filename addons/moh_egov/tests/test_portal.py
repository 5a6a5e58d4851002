"""The businesses' portal over HTTP, as portal users: catalogue, apply, upload (and rejected
uploads), completeness check, submit, pay with the demo provider, supplements, the signed
result, rating, the public lookup, and another business guessing URLs."""

import re

from odoo.tests import HttpCase, tagged

from .common import PNG_1PX, EgovCase, make_pdf


@tagged("post_install", "-at_install")
class TestPortal(EgovCase, HttpCase):
    def _csrf(self, response):
        found = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
        self.assertTrue(found, "the page carries a CSRF token")
        return found.group(1)

    def _login(self, user):
        self.authenticate(user.login, user.login + "-pass-2026")

    def _apply(self):
        page = self.url_open(f"/public-services/{self.procedure.id}")
        self.assertEqual(page.status_code, 200)
        response = self.url_open(f"/public-services/{self.procedure.id}/apply", data={"csrf_token": self._csrf(page)})
        self.assertEqual(response.status_code, 200)
        found = re.search(r'data-dossier-id="(\d+)"', response.text)
        self.assertTrue(found, response.text[:500])
        return self.env["moh.dossier"].browse(int(found.group(1))), response

    def _save(self, dossier, page, files=None, submit=False, **fields):
        data = {"csrf_token": self._csrf(page), **fields}
        if submit:
            data["submit"] = "1"
        return self.url_open(f"/my/dossiers/{dossier.id}/save", data=data, files=files or {})

    def test_catalogue_and_procedure_pages_are_public(self):
        response = self.url_open("/public-services?search=mỹ phẩm")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.procedure.name, response.text)
        response = self.url_open(f"/public-services/{self.procedure.id}")
        self.assertIn("Phiếu công bố", response.text)
        self.assertIn("/web/login", response.text, "anonymous visitors are asked to log in to apply")

    def test_apply_upload_check_submit_pay_and_download_the_result(self):
        self._login(self.portal_a)
        dossier, page = self._apply()
        self.assertEqual(dossier.state, "draft")
        self.assertEqual(dossier.partner_id, self.business_a)
        self.assertIn("o_moh_check_missing", page.text, "the completeness check shows the missing form")

        # A picture named .pdf for a PDF-only document: refused, nothing saved.
        response = self._save(
            dossier,
            page,
            files={f"file_{self.req_form.id}": ("phieu.pdf", PNG_1PX, "application/pdf")},
            field_product_name="Kem dưỡng da",
        )
        self.assertIn("o_moh_error", response.text)
        self.assertFalse(dossier.document_ids)
        self.assertEqual(dossier._moh_form_values().value, "Kem dưỡng da", "the form was kept")
        # A truncated PDF: refused.
        response = self._save(
            dossier, response, files={f"file_{self.req_form.id}": ("phieu.pdf", make_pdf()[:300], "application/pdf")}
        )
        self.assertIn("o_moh_error", response.text)
        self.assertFalse(dossier.document_ids)
        # Too large: refused with the limit in the message.
        self.env["ir.config_parameter"].sudo().set_param("moh_egov.upload_max_bytes", str(2 * 1024 * 1024))
        big = make_pdf() + b"%" + b"x" * (2 * 1024 * 1024)
        response = self._save(
            dossier, response, files={f"file_{self.req_form.id}": ("phieu.pdf", big, "application/pdf")}
        )
        self.assertIn("o_moh_error", response.text)
        self.assertFalse(dossier.document_ids)
        # Submitting while incomplete: refused, the draft stays.
        response = self._save(dossier, response, submit=True)
        self.assertIn("o_moh_error", response.text)
        self.assertEqual(dossier.state, "draft")
        # A good PDF and a picture for the label: accepted, then submitted.
        response = self._save(
            dossier,
            response,
            files={
                f"file_{self.req_form.id}": ("phieu-cong-bo.pdf", make_pdf(), "application/pdf"),
                f"file_{self.req_label.id}": ("nhan.png", PNG_1PX, "image/png"),
            },
        )
        self.assertNotIn("o_moh_error", response.text)
        self.assertEqual(len(dossier.document_ids), 2)
        response = self._save(dossier, response, submit=True)
        self.assertNotIn("o_moh_error", response.text)
        self.assertEqual(dossier.state, "submitted")
        self.assertIn(dossier.code, response.text)
        self.assertIn(dossier.sudo().lookup_secret, response.text)

        # The fee, through the payment form's transaction route and the demo provider.
        if not self.provider:
            self.skipTest("payment_demo is not installed")
        self.assertIn("o_moh_payment", response.text)
        token = re.search(r'data-access-token="([^"]+)"', response.text).group(1)
        result = self.make_jsonrpc_request(
            f"/my/dossiers/{dossier.id}/transaction",
            {
                "access_token": token,
                "provider_id": self.provider.id,
                "payment_method_id": self.provider.payment_method_ids[:1].id,
                "token_id": None,
                "amount": 1.0,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": f"/my/dossiers/{dossier.id}",
            },
        )
        transaction = self.env["payment.transaction"].search([("reference", "=", result["reference"])])
        self.assertEqual(transaction.amount, 500000, "the amount is the dossier's, not the browser's")
        self.make_jsonrpc_request(
            "/payment/demo/simulate_payment",
            {"reference": transaction.reference, "payment_details": "4242", "simulated_state": "done"},
        )
        self.assertEqual(dossier.payment_state, "paid")

        # The back office accepts, appraises and returns a signed result.
        dossier.with_user(self.onestop).action_accept()
        dossier.with_user(self.onestop).action_assign(specialist=self.specialist)
        dossier.with_user(self.specialist).action_propose_result()
        result_doc = dossier.result_document_id
        self._approve_and_issue(result_doc)
        self.assertEqual(dossier.state, "done")

        page = self.url_open(f"/my/dossiers/{dossier.id}")
        self.assertIn("o_moh_result", page.text)
        pdf = self.url_open(f"/my/dossiers/{dossier.id}/result")
        self.assertEqual(pdf.status_code, 200)
        self.assertTrue(pdf.content.startswith(b"%PDF"))
        self.assertEqual(pdf.content, dossier.result_attachment_id.raw)
        # A colleague of the same business sees it too.
        self._login(self.portal_a2)
        self.assertEqual(self.url_open(f"/my/dossiers/{dossier.id}/result").status_code, 200)
        # Rating.
        page = self.url_open(f"/my/dossiers/{dossier.id}")
        self.url_open(
            f"/my/dossiers/{dossier.id}/rate",
            data={"csrf_token": self._csrf(page), "rating": "3", "comment": "Nhanh chóng"},
        )
        self.assertEqual(dossier.rating, "3")

    def test_supplements_through_the_portal(self):
        dossier = self._submitted()
        self._pay(dossier) if self.provider else dossier.sudo().write({"payment_state": "none"})
        dossier.with_user(self.onestop).action_request_supplement("Bổ sung nhãn sản phẩm")
        self._login(self.portal_a)
        page = self.url_open(f"/my/dossiers/{dossier.id}")
        self.assertIn("Bổ sung nhãn sản phẩm", page.text)
        response = self._save(
            dossier,
            page,
            submit=True,
            files={f"file_{self.req_label.id}": ("nhan.pdf", make_pdf("Nhan"), "application/pdf")},
        )
        self.assertNotIn("o_moh_error", response.text)
        self.assertEqual(dossier.state, "submitted")
        self.assertTrue(dossier.document_ids.filtered("supplement"))

    def test_another_business_gets_404_everywhere(self):
        dossier = self._submitted(self.portal_a)
        document = dossier.document_ids
        dossier.with_user(self.onestop).action_refuse("Thử nghiệm")
        slip = self.env["ir.attachment"].search(
            [("res_model", "=", "moh.dossier"), ("res_id", "=", dossier.id), ("name", "like", "-phieu-")], limit=1
        )
        self._login(self.portal_b)
        page = self.url_open("/my/dossiers")
        self.assertNotIn(dossier.code, page.text)
        csrf = self._csrf(self.url_open(f"/public-services/{self.procedure.id}"))
        for url, data in [
            (f"/my/dossiers/{dossier.id}", None),
            (f"/my/dossiers/{dossier.id}/file/{document.id}", None),
            (f"/my/dossiers/{dossier.id}/slip/{slip.id}", None),
            (f"/my/dossiers/{dossier.id}/result", None),
            (f"/my/dossiers/{dossier.id}/save", {"csrf_token": csrf}),
            (f"/my/dossiers/{dossier.id}/rate", {"csrf_token": csrf, "rating": "1"}),
            (f"/my/dossiers/{dossier.id}/stop", {"csrf_token": csrf, "reason": "x"}),
        ]:
            with self.subTest(url=url):
                response = self.url_open(url, data=data)
                self.assertEqual(response.status_code, 404)
        self.assertFalse(dossier.rating)
        # Another dossier's file through one's own dossier's URL: 404 as well.
        own = self._submitted(self.portal_b)
        response = self.url_open(f"/my/dossiers/{own.id}/file/{document.id}")
        self.assertEqual(response.status_code, 404)
        response = self.url_open(f"/my/dossiers/{own.id}/slip/{slip.id}")
        self.assertEqual(response.status_code, 404)

    def test_public_lookup_by_code_and_secret(self):
        dossier = self._submitted()
        page = self.url_open("/dossier-lookup")
        csrf = self._csrf(page)
        response = self.url_open(
            "/dossier-lookup", data={"csrf_token": csrf, "code": dossier.code, "secret": "SAI00000"}
        )
        self.assertIn("o_moh_lookup_not_found", response.text)
        self.assertNotIn("o_moh_lookup_result", response.text)
        response = self.url_open(
            "/dossier-lookup", data={"csrf_token": csrf, "code": dossier.code, "secret": dossier.sudo().lookup_secret}
        )
        self.assertIn("o_moh_lookup_result", response.text)
        self.assertIn(self.procedure.name, response.text)
        self.assertNotIn(self.business_a.name, response.text)
        self.assertNotIn(self.portal_a.partner_id.email, response.text)

    def test_json_transaction_route_refuses_other_businesses(self):
        if not self.provider:
            self.skipTest("payment_demo is not installed")
        dossier = self._submitted(self.portal_a)
        self._login(self.portal_b)
        with self.assertRaises(Exception):
            self.make_jsonrpc_request(
                f"/my/dossiers/{dossier.id}/transaction",
                {
                    "access_token": "x",
                    "provider_id": self.provider.id,
                    "payment_method_id": False,
                    "token_id": None,
                    "amount": 1.0,
                    "flow": "direct",
                    "tokenization_requested": False,
                    "landing_route": "/",
                },
            )
        self.assertFalse(self.env["payment.transaction"].search([("moh_dossier_ids", "in", dossier.ids)]))

    def test_transparency_page_shows_aggregates_only(self):
        dossier = self._received() if self.provider else None
        if not dossier:
            self.skipTest("payment_demo is not installed")
        response = self.url_open("/transparency")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_moh_transparency_table", response.text)
        names = {self.department_drug.with_context(lang=lang).name for lang in ("en_US", "vi_VN")}
        self.assertTrue(any(name in response.text for name in names), "the deciding department's row")
        for private in (dossier.code, self.business_a.name, self.portal_a.partner_id.email, self.onestop.name):
            self.assertNotIn(private, response.text)
        self.assertEqual(self.url_open("/transparency?year=abc").status_code, 200)
