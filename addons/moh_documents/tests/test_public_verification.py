"""Public verification of issued documents, over real HTTP requests and without logging in: the
code and QR code printed on the issued PDF, /verify/<code> (identity and signatures, never the
content; unknown, unissued and state-secret codes all "not found"; revoked said so), and /verify
for an uploaded PDF (the validator's verdict with its reasons, within size, type and rate limits,
nothing of the file kept)."""

import re
import tempfile

import psycopg2
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from moh_core.documents import new_verification_code
from moh_core.testing.fixtures import append_forged_update, pdftotext

from ..controllers import verification
from .common import RpcAttackMixin
from .test_outgoing_signing import OutgoingSigningCase

MiB = 1024 * 1024


@tagged("post_install", "-at_install")
class TestPublicVerification(OutgoingSigningCase, RpcAttackMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.seal_key = cls._moh_test_seal("Chữ ký số Bộ Y tế")

    def setUp(self):
        super().setUp()
        verification.LIMITER.clear()
        self.addCleanup(verification.LIMITER.clear)
        self.set_param("uploads", 50)
        self.doc = self._issued()

    def set_param(self, kind, value):
        self.env["ir.config_parameter"].sudo().set_param(f"moh_documents.verify_{kind}_per_minute", str(value))

    def _page(self, path):
        return self.url_open(path, allow_redirects=False)

    def _csrf(self):
        page = self.url_open("/verify")
        self.assertEqual(page.status_code, 200)
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def _upload(self, data, filename="van-ban.pdf", csrf=None):
        return self.url_open(
            "/verify",
            data={"csrf_token": csrf or self._csrf()},
            files={"file": (filename, data, "application/pdf")},
        )

    def _stored(self):
        return (
            self.env["ir.attachment"].sudo().search_count([]),
            self.env["moh.signature.validation"].sudo().search_count([]),
        )

    # -- the mark on the issued PDF ------------------------------------------------------------

    def test_the_issued_pdf_carries_the_code_and_the_verification_url(self):
        code = self.doc.verification_code
        self.assertRegex(code, r"^[2-9A-HJ-NP-Z]{12}$")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(self.doc.pdf_id.raw)
            handle.flush()
            first_page = pdftotext(handle.name, 1, 1)
        self.assertIn(f"{code[:4]}-{code[4:8]}-{code[8:]}", first_page)
        self.assertIn(f"{self.doc.get_base_url()}/verify/{code}", first_page)
        # The seal and the number filled after the signer's signature left the signatures valid.
        self.assertTrue(self.doc.signature_validation_ids)
        self.assertTrue(all(self.doc.signature_validation_ids.mapped("valid")))

    def test_codes_are_unique_drawn_by_the_system_and_never_written_by_users(self):
        other = self._issued()
        self.assertNotEqual(other.verification_code, self.doc.verification_code)
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.UniqueViolation), self.env.cr.savepoint():
            other.sudo().write({"verification_code": self.doc.verification_code})
            other.flush_recordset()
        other.invalidate_recordset()
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.CheckViolation), self.env.cr.savepoint():
            other.sudo().write({"verification_code": "AAAAAAAAAAA1"})
            other.flush_recordset()
        other.invalidate_recordset()
        # A workflow field: nobody writes it over RPC, the records office included.
        self.assertRpcRefused(
            self.clerk,
            "moh.outgoing.document",
            "write",
            [[other.id], {"verification_code": new_verification_code()}],
            errors=("odoo.exceptions.AccessError", "odoo.exceptions.UserError", "odoo.exceptions.ValidationError"),
        )
        self.assertNotEqual(other.verification_code, self.doc.verification_code)

    # -- /verify/<code> ------------------------------------------------------------------------

    def test_the_code_shows_number_date_unit_signers_and_valid(self):
        response = self._page(f"/verify/{self.doc.verification_code}")
        self.assertEqual(response.status_code, 200)
        html = response.text
        # In Vietnamese: the reasons of the signatures (PAdES B-B: no timestamp).
        self.assertIn("Có các phiên bản sau chữ ký này", html)
        for shown in (
            self.doc.name,
            self.doc.issue_date.strftime("%d/%m/%Y"),
            self.doc.company_id.name,
            self.doc.department_id.with_context(lang="vi_VN").name,
            self.leader.name,
            self.pki.signer.common_name,
            self.pki.seal.common_name,
        ):
            self.assertIn(shown, html)
        self.assertIn("o_moh_verify_valid", html)
        self.assertIn("o_moh_verify_issued", html)
        self.assertNotIn("o_moh_verify_invalid", html)
        # Never the content.
        self.assertNotIn(self.doc.abstract, html)
        self.assertNotIn("Danh mục thuốc hiếm", html)
        self.assertNotIn(f"/web/content/{self.doc.pdf_id.id}", html)
        # The code as printed, typed in the form, leads to the same page.
        code = self.doc.verification_code
        typed = self._page(f"/verify?code={code[:4]}-{code[4:8]}-{code[8:].lower()}")
        self.assertEqual(typed.status_code, 303)
        self.assertTrue(typed.headers["Location"].endswith(f"/verify/{code}"))

    def test_unknown_unissued_and_secret_codes_are_the_same_not_found(self):
        signed = self._approved()
        signed.sudo().register_id = self.env.ref("moh_documents.register_outgoing")
        signed.with_user(self.leader).action_sign(self.pki.password)
        self.assertTrue(signed.verification_code, "allocated when the final PDF was prepared for signing")
        secret = self._issued()
        # A state-secret document never gets a code; one that had would still not be shown.
        self.env.flush_all()
        self.env.cr.execute("UPDATE moh_outgoing_document SET confidentiality = 'secret' WHERE id = %s", [secret.id])
        secret.invalidate_recordset()
        self.assertIsNone(secret._moh_verification_mark())
        pages = {
            name: self._page(f"/verify/{code}")
            for name, code in (
                ("unknown", new_verification_code()),
                ("garbage", "NOT-A-CODE"),
                ("signed, not issued", signed.verification_code),
                ("state secret", secret.verification_code),
            )
        }
        for name, response in pages.items():
            with self.subTest(name):
                self.assertEqual(response.status_code, 404)
                self.assertIn("o_moh_verify_not_found", response.text)
                self.assertNotIn("o_moh_verify_document", response.text)
                for leak in (signed.name, secret.name, signed.abstract, self.leader.name):
                    self.assertNotIn(leak, response.text)

    def test_a_revoked_document_says_so(self):
        self.doc.with_user(self.clerk).action_revoke("Ban hành nhầm đối tượng")
        response = self._page(f"/verify/{self.doc.verification_code}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_moh_verify_revoked", response.text)
        self.assertNotIn("o_moh_verify_issued", response.text)
        self.assertIn(self.doc.name, response.text)

    def test_an_archived_file_that_changed_is_not_valid(self):
        attachment = self.doc.pdf_id.sudo()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE moh_outgoing_document SET signed_checksum = %s WHERE id = %s", ["0" * 64, self.doc.id]
        )
        self.doc.invalidate_recordset()
        response = self._page(f"/verify/{self.doc.verification_code}")
        self.assertIn("o_moh_verify_invalid", response.text)
        self.assertNotIn("o_moh_verify_valid", response.text)
        self.assertTrue(attachment.exists())

    # -- uploads -------------------------------------------------------------------------------

    def test_the_issued_pdf_uploaded_is_valid_and_nothing_is_kept(self):
        before = self._stored()
        response = self._upload(self.doc.pdf_id.raw)
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_moh_verify_upload_verdict", response.text)
        self.assertIn("o_moh_verify_valid", response.text)
        self.assertIn(self.pki.seal.common_name, response.text)
        self.assertIn("Có các phiên bản sau chữ ký này", response.text)  # the reasons, in Vietnamese
        self.assertEqual(self._stored(), before)

    def test_a_tampered_copy_is_not_valid_with_the_reason(self):
        before = self._stored()
        response = self._upload(append_forged_update(self.doc.pdf_id.raw))
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_moh_verify_invalid", response.text)
        self.assertIn("Văn bản đã bị thay đổi sau chữ ký cuối cùng", response.text)
        self.assertEqual(self._stored(), before)

    def test_a_non_pdf_and_a_too_large_file_are_refused_with_a_clear_message(self):
        before = self._stored()
        not_pdf = self._upload(b"Hello, this is not a PDF at all.\n" * 20, filename="van-ban.pdf")
        self.assertEqual(not_pdf.status_code, 400)
        self.assertIn("Tệp không phải là tệp PDF", not_pdf.text)
        self.env["ir.config_parameter"].sudo().set_param("moh_documents.verify_max_bytes", str(MiB))
        # Declared larger than the limit: refused from the request's length, before reading it.
        large = self._upload(self.doc.pdf_id.raw + b"\0" * (2 * MiB))
        self.assertEqual(large.status_code, 413)
        self.assertIn("Tệp vượt quá dung lượng cho phép 1 MB", large.text)
        # Just over the limit (the form's margin): refused after reading one byte too many.
        pdf = self.doc.pdf_id.raw
        over = self._upload(pdf + b"\0" * (MiB + 1 - len(pdf)))
        self.assertEqual(over.status_code, 400)
        self.assertIn("Tệp vượt quá dung lượng cho phép 1 MB", over.text)
        self.assertEqual(self._stored(), before)

    def test_an_upload_without_csrf_token_is_refused(self):
        with mute_logger("odoo.http"):
            response = self.url_open(
                "/verify",
                data={"csrf_token": "forged"},
                files={"file": ("a.pdf", self.doc.pdf_id.raw, "application/pdf")},
            )
        self.assertEqual(response.status_code, 400)
        self.assertNotIn("o_moh_verify_upload_verdict", response.text)

    def test_beyond_the_rate_limit_a_client_is_refused_with_a_message(self):
        self.set_param("uploads", 2)
        csrf = self._csrf()
        for _attempt in range(2):
            self.assertEqual(self._upload(self.doc.pdf_id.raw, csrf=csrf).status_code, 200)
        refused = self._upload(self.doc.pdf_id.raw, csrf=csrf)
        self.assertEqual(refused.status_code, 429)
        self.assertIn("quá nhiều lượt kiểm tra", refused.text)
        self.assertNotIn("o_moh_verify_upload_verdict", refused.text)
        # Lookups have their own allowance.
        self.set_param("lookups", 1)
        self.assertEqual(self._page(f"/verify/{self.doc.verification_code}").status_code, 200)
        again = self._page(f"/verify/{self.doc.verification_code}")
        self.assertEqual(again.status_code, 429)
        self.assertNotIn(self.doc.name, again.text)
