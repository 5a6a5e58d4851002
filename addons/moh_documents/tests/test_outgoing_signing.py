import base64
import tempfile

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged

from moh_core.pki import generate_test_pki
from moh_core.testing import pdfsig_verdicts

from .common import MohUsersMixin


@tagged("post_install", "-at_install")
class TestOutgoingSigning(MohUsersMixin, TransactionCase):
    """The competent person signs an approved document with their own key (PAdES)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_users()
        cls.env.company.moh_abbreviation = "BYT"
        cls.pki_dir = tempfile.TemporaryDirectory()
        cls.addClassCleanup(cls.pki_dir.cleanup)
        cls.pki = pki = generate_test_pki(cls.pki_dir.name)
        cls.env["moh.trust.root"].create([
            {"name": "Test root", "role": "root", "certificate": base64.b64encode(pki.root.der),
             "crl": base64.b64encode(pki.crls[0])},
            {"name": "Test intermediate", "role": "intermediate", "certificate": base64.b64encode(pki.intermediate.der),
             "crl": base64.b64encode(pki.crls[1])},
        ])

        def p12(entity):
            with open(entity.p12_path, "rb") as handle:
                return base64.b64encode(handle.read())

        Key = cls.env["moh.signing.key"]
        cls.leader_key = Key.create({"name": "Khóa ký của Thứ trưởng", "user_id": cls.leader.id, "pkcs12_file": p12(pki.signer)})
        cls.deputy_key = Key.create({"name": "Khóa đã thu hồi", "user_id": cls.deputy.id, "pkcs12_file": p12(pki.revoked_signer)})

    def _approved(self, signer=None):
        doc = self.env["moh.outgoing.document"].with_user(self.specialist).create({
            "document_type_id": self.env.ref("moh_documents.document_type_quyet_dinh").id,
            "department_id": self.department_drug.id,
            "abstract": "Ban hành Danh mục thuốc hiếm",
            "body": "Điều 1. Ban hành kèm theo Quyết định này Danh mục thuốc hiếm.",
            "signer_id": (signer or self.leader).id,
            "signer_authority": "kt", "signer_authority_position": "BỘ TRƯỞNG", "signer_position": "THỨ TRƯỞNG",
        })
        doc.with_user(self.specialist).action_request_review()
        for reviewer in (self.head, doc.legal_reviewer_id, doc.signer_id):
            self._review(doc, reviewer, "validate")
        doc.with_user(self.specialist).action_approved()
        return doc

    def test_signer_signs_and_the_pdf_validates_with_pyhanko_and_pdfsig(self):
        doc = self._approved()
        doc.with_user(self.leader).action_sign(self.pki.password)
        self.assertEqual(doc.state, "signed")
        check = doc.signature_validation_ids
        self.assertEqual(len(check), 1)
        self.assertTrue(check.valid and check.trusted and check.intact, check.explanation)
        self.assertEqual(check.field_name, "signer")
        self.assertEqual(check.signer_name, self.pki.signer.common_name)
        verdicts = pdfsig_verdicts(doc.pdf_id.raw, self.pki.root.cert_path)
        self.assertTrue(verdicts["signer"]["valid"], verdicts)
        self.assertTrue(verdicts["signer"]["trusted"], verdicts)
        self.assertTrue(doc.signed_checksum)

    def test_only_the_signer_signs(self):
        doc = self._approved()
        for user in (self.head, self.specialist, self.clerk, self.deputy):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                doc.with_user(user).action_sign(self.pki.password)
        with self.assertRaises(UserError):
            doc.with_user(self.leader).action_sign("wrong password")
        self.assertEqual(doc.state, "to_sign")

    def test_a_revoked_certificate_is_refused_before_signing(self):
        doc = self._approved(signer=self.deputy)
        with self.assertRaises(UserError) as refusal:
            doc.with_user(self.deputy).action_sign(self.pki.password)
        self.assertIn("revoked", str(refusal.exception))
        self.assertEqual(doc.state, "to_sign")

    def test_keys_are_private_to_their_owner(self):
        Key = self.env["moh.signing.key"]
        self.assertEqual(Key.with_user(self.leader).search([]), self.leader_key)
        self.assertFalse(Key.with_user(self.head).search([]))
        with self.assertRaises(AccessError):
            self.leader_key.with_user(self.head).read(["pkcs12_file"])
