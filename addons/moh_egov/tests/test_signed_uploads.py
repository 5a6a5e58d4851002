"""Signed files uploaded to a dossier: a valid signature is accepted and its verdict kept; a file
changed after its signature, or whose signature was removed, is refused and nothing is kept."""

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from moh_core.testing.fixtures import sign_pdf
from moh_core.testing.forgery import add_shadow_field, remove_signature, set_text_field

from .common import EgovCase, make_pdf


@tagged("post_install", "-at_install")
class TestSignedUploads(EgovCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        form = add_shadow_field(make_pdf("Phieu cong bo"), "ghi_chu", 0, (70, 600, 530, 700))
        cls.signed = sign_pdf(form, cls.pki.signer.p12_path, cls.pki.password)

    def test_a_validly_signed_file_is_accepted_with_its_verdict(self):
        dossier = self._draft()
        document = self._add(dossier, data=self.signed)
        self.assertEqual((document.signature_count, document.signatures_valid), (1, "valid"))
        checks = self.env["moh.signature.validation"].sudo().search([("attachment_id", "=", document.attachment_id.id)])
        self.assertTrue(checks.valid, checks.explanation)

    def test_forged_signed_files_are_refused_and_nothing_is_kept(self):
        dossier = self._draft()
        forgeries = {
            "filled-after-signing.pdf": set_text_field(self.signed, "ghi_chu", "Het han", cover=True),
            "signature-removed.pdf": remove_signature(self.signed, "Signature1"),
        }
        attachments = self.env["ir.attachment"].sudo().search_count([])
        for name, data in forgeries.items():
            with self.subTest(name), mute_logger("pyhanko"), self.assertRaisesRegex(UserError, "not valid"):
                self._add(dossier, data=data, filename=name)
        self.assertFalse(dossier.sudo().document_ids)
        self.assertEqual(self.env["ir.attachment"].sudo().search_count([]), attachments)
