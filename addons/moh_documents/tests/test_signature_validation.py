import base64
import tempfile

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from moh_core.demo import generate_test_pki
from moh_core.testing.fixtures import append_forged_update, make_pdf, sign_pdf
from moh_core.testing.forgery import add_shadow_field, remove_signature, set_text_field

from .common import MohUsersMixin


@tagged("post_install", "-at_install")
class TestIncomingSignatures(MohUsersMixin, TransactionCase):
    """Signed PDFs received with an incoming document are checked, and the verdict is kept."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_users()
        cls.pki_dir = tempfile.TemporaryDirectory()
        cls.addClassCleanup(cls.pki_dir.cleanup)
        cls.pki = generate_test_pki(cls.pki_dir.name)
        cls.env["moh.trust.root"].create(
            [
                {
                    "name": "Test root",
                    "role": "root",
                    "certificate": base64.b64encode(cls.pki.root.der),
                    "crl": base64.b64encode(cls.pki.crls[0]),
                },
                {
                    "name": "Test intermediate",
                    "role": "intermediate",
                    "certificate": base64.b64encode(cls.pki.intermediate.der),
                    "crl": base64.b64encode(cls.pki.crls[1]),
                },
            ]
        )
        cls.signed = sign_pdf(make_pdf("Công văn số 123/SYT-NVY"), cls.pki.signer.p12_path, cls.pki.password)

    def _attach(self, name, data):
        return (
            self.env["ir.attachment"]
            .with_user(self.clerk)
            .create({"name": name, "raw": data, "mimetype": "application/pdf"})
        )

    def test_valid_signature_is_recorded_with_signer_and_certificate(self):
        doc = self._moh_new_document(attachment_ids=[(6, 0, self._attach("cv.pdf", self.signed).ids)])
        self.assertEqual(doc.signature_status, "valid")
        check = doc.signature_validation_ids
        self.assertEqual(len(check), 1)
        self.assertTrue(check.valid and check.trusted and check.intact)
        self.assertEqual(check.signer_name, self.pki.signer.common_name)
        self.assertEqual(base64.b64decode(check.certificate), self.pki.signer.der)
        self.assertEqual(check.coverage, "entire_file")
        self.assertIn("Valid signature.", check.explanation)
        # The clerk, who registered it, reads the verdict.
        self.assertEqual(check.with_user(self.clerk).signer_name, self.pki.signer.common_name)

    def test_forgeries_and_broken_files_are_reported_not_lost(self):
        tampered = bytearray(self.signed)
        tampered[len(tampered) // 3] ^= 0x01
        files = (
            self._attach("tampered.pdf", bytes(tampered))
            | self._attach("appended.pdf", append_forged_update(self.signed))
            | self._attach("broken.pdf", b"%PDF-1.7 not really")
        )
        doc = self._moh_new_document(attachment_ids=[(6, 0, files.ids)])
        self.assertEqual(doc.signature_status, "invalid")
        by_file = {c.attachment_id.name: c for c in doc.signature_validation_ids}
        self.assertFalse(by_file["appended.pdf"].valid)
        self.assertTrue(
            by_file["appended.pdf"].intact, "the digest still matches: only the difference analysis catches it"
        )
        # the file's only, so last, signature: nothing but validation data may follow it
        self.assertIn("changed_after_signing", by_file["appended.pdf"].problem_codes)
        self.assertFalse(by_file["tampered.pdf"].valid)
        self.assertIn("malformed", by_file["broken.pdf"].problem_codes)
        self.assertIn("not a readable PDF", by_file["broken.pdf"].explanation)
        self.assertEqual(len(doc.attachment_ids), 3, "nothing received is dropped")
        vi = by_file["appended.pdf"].with_context(lang="vi_VN").explanation
        self.assertIn("Văn bản đã bị thay đổi sau chữ ký cuối cùng", vi)

    def test_forgeries_are_reported_with_their_reason_in_both_languages(self):
        """A field filled after the only signature, a removed signature, a time-stamping
        certificate and an encrypted file: none is valid, and each says why, in Vietnamese too."""
        from io import BytesIO

        from reportlab.pdfgen import canvas

        shadowed = sign_pdf(
            add_shadow_field(make_pdf("Giấy phép"), "ghi_chu", 0, (70, 380, 530, 470)),
            self.pki.signer.p12_path,
            self.pki.password,
        )
        buffer = BytesIO()
        encrypted = canvas.Canvas(buffer, encrypt="bí mật")
        encrypted.drawString(72, 720, "encrypted")
        encrypted.showPage()
        encrypted.save()
        files = (
            self._attach("filled.pdf", set_text_field(shadowed, "ghi_chu", "Het han", cover=True))
            | self._attach("removed.pdf", remove_signature(self.signed, "Signature1"))
            | self._attach("tsa.pdf", sign_pdf(make_pdf(), self.pki.tsa.p12_path, self.pki.password))
            | self._attach("encrypted.pdf", buffer.getvalue())
        )
        doc = self._moh_new_document(attachment_ids=[(6, 0, files.ids)])
        self.assertEqual(doc.signature_status, "invalid")
        by_file = {c.attachment_id.name: c for c in doc.signature_validation_ids}
        expected = {
            "filled.pdf": ("changed_after_signing", "Văn bản đã bị thay đổi sau chữ ký cuối cùng."),
            "removed.pdf": ("signature_removed", "Một chữ ký đã bị gỡ khỏi văn bản sau khi ký."),
            "tsa.pdf": ("key_usage", "Chứng thư số không dùng để ký văn bản"),
            "encrypted.pdf": ("encrypted", "Tệp PDF được mã hóa nên không kiểm tra được chữ ký."),
        }
        for name, (code, vietnamese) in expected.items():
            check = by_file[name]
            self.assertFalse(check.valid, name)
            self.assertEqual(check.problem_codes.split(",")[0], code, name)
            self.assertNotIn("Valid signature.", check.explanation, name)
            self.assertIn(vietnamese, check.with_context(lang="vi_VN").explanation, name)
        self.assertTrue(by_file["removed.pdf"].signed)
        self.assertEqual(by_file["removed.pdf"].signer_name, self.pki.signer.common_name)
        self.assertIn("changed after its last signature", by_file["filled.pdf"].explanation)
        self.assertNotIn("not_covering_whole_file", by_file["filled.pdf"].problem_codes)

    def test_revoked_signer_and_unknown_authority(self):
        revoked = sign_pdf(make_pdf(), self.pki.revoked_signer.p12_path, self.pki.password)
        doc = self._moh_new_document(attachment_ids=[(6, 0, self._attach("revoked.pdf", revoked).ids)])
        check = doc.signature_validation_ids
        self.assertFalse(check.valid)
        self.assertIn("revoked", check.problem_codes)
        self.env["moh.trust.root"].search([]).unlink()
        doc.action_validate_signatures()
        self.assertIn("untrusted", doc.signature_validation_ids.problem_codes)

    def test_confidential_checks_follow_the_document(self):
        # An isolated deployment keeps the files of state secrets (Law 29/2018/QH14, Art. 5.5).
        self.env.company.sudo().moh_secret_isolated = True
        doc = self._moh_new_document(
            confidentiality="secret",
            register_id=self.env.ref("moh_documents.register_incoming_confidential").id,
            attachment_ids=[(6, 0, self._attach("mat.pdf", self.signed).ids)],
        )
        check = doc.signature_validation_ids
        self.assertTrue(check)
        self.assertTrue(check.with_user(self.clerk).signer_name)
        with self.assertRaises(AccessError):
            check.with_user(self.leader).read(["signer_name"])
