import base64
import tempfile

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from moh_core.demo import generate_test_pki
from moh_core.testing.fixtures import TimestampServer, find_softhsm, make_softhsm_token, pdfsig_verdicts

from .common import MohUsersMixin


class OutgoingSigningCase(MohUsersMixin, TransactionCase):
    """Test PKI, trusted authorities and personal keys for the signing tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_users()
        cls.env.company.moh_abbreviation = "BYT"
        cls.pki_dir = tempfile.TemporaryDirectory()
        cls.addClassCleanup(cls.pki_dir.cleanup)
        cls.pki = pki = generate_test_pki(cls.pki_dir.name)
        cls.env["moh.trust.root"].create(
            [
                {
                    "name": "Test root",
                    "role": "root",
                    "certificate": base64.b64encode(pki.root.der),
                    "crl": base64.b64encode(pki.crls[0]),
                },
                {
                    "name": "Test intermediate",
                    "role": "intermediate",
                    "certificate": base64.b64encode(pki.intermediate.der),
                    "crl": base64.b64encode(pki.crls[1]),
                },
            ]
        )

        def p12(entity):
            with open(entity.p12_path, "rb") as handle:
                return base64.b64encode(handle.read())

        Key = cls.env["moh.signing.key"]
        cls.leader_key = Key.create(
            {"name": "Khóa ký của Thứ trưởng", "user_id": cls.leader.id, "pkcs12_file": p12(pki.signer)}
        )
        cls.deputy_key = Key.create(
            {"name": "Khóa đã thu hồi", "user_id": cls.deputy.id, "pkcs12_file": p12(pki.revoked_signer)}
        )

    @classmethod
    def _moh_test_seal(cls, name="Chữ ký số Bộ Y tế (kiểm thử)"):
        """The agency's seal becomes this test PKI's (a database with demo data has its own)."""
        Key = cls.env["moh.signing.key"]
        Key.search([("usage", "=", "seal")]).active = False
        with open(cls.pki.seal.p12_path, "rb") as handle:
            return Key.create(
                {"name": name, "usage": "seal", "pkcs12_file": base64.b64encode(handle.read()), "pin": cls.pki.password}
            )

    def _issued(self):
        """An approved document, signed by the leader and issued, sealed, by the records office."""
        doc = self._approved()
        doc.sudo().register_id = self.env.ref("moh_documents.register_outgoing")
        doc.with_user(self.leader).action_sign(self.pki.password)
        doc.with_user(self.clerk).action_issue()
        return doc

    def _approved(self, signer=None):
        doc = (
            self.env["moh.outgoing.document"]
            .with_user(self.specialist)
            .create(
                {
                    "document_type_id": self.env.ref("moh_documents.document_type_quyet_dinh").id,
                    "department_id": self.department_drug.id,
                    "abstract": "Ban hành Danh mục thuốc hiếm",
                    "body": "Điều 1. Ban hành kèm theo Quyết định này Danh mục thuốc hiếm.",
                    "signer_id": (signer or self.leader).id,
                    "signer_authority": "kt",
                    "signer_authority_position": "BỘ TRƯỞNG",
                    "signer_position": "THỨ TRƯỞNG",
                }
            )
        )
        doc.with_user(self.specialist).action_request_review()
        for reviewer in (self.head, doc.legal_reviewer_id, doc.signer_id):
            self._review(doc, reviewer, "validate")
        doc.with_user(self.specialist).action_approved()
        return doc


@tagged("post_install", "-at_install")
class TestOutgoingSigning(OutgoingSigningCase):
    """The competent person signs an approved document with their own key (PAdES)."""

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
        # The check made before signing, and the revocation data it used, are kept with it.
        self.assertIn("certificate OK", check.signing_check)
        self.assertIn(b"BEGIN X509 CRL", base64.b64decode(check.signing_revocation_data))

    def test_bulk_signing_with_the_key_opened_once(self):
        docs = self._approved() | self._approved() | self._approved()
        wizard = (
            self.env["moh.outgoing.sign.wizard"]
            .with_user(self.leader)
            .create({"document_ids": [(6, 0, docs.ids)], "password": self.pki.password})
        )
        # As the form's Sign button does: the password travels in the call's context only.
        action = wizard.with_context(moh_password=self.pki.password).action_sign()
        # Several documents are signed in the background (moh.signing.batch), here run at once.
        self.env["moh.signing.batch"].with_user(self.leader).browse(action["res_id"])._moh_run()
        self.assertEqual(set(docs.mapped("state")), {"signed"})
        self.env.cr.execute("SELECT to_jsonb(w)::text FROM moh_outgoing_sign_wizard w WHERE id = %s", wizard.ids)
        self.assertNotIn(f'"{self.pki.password}"', self.env.cr.fetchone()[0], "the password is not kept")
        for doc in docs:
            self.assertTrue(doc.signature_validation_ids.valid)

    # A wrong password is logged as a warning for the administrators: expected here.
    @mute_logger("odoo.addons.moh_documents.models.moh_signing_key")
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


@tagged("post_install", "-at_install")
class TestOutgoingIssuing(OutgoingSigningCase):
    """The records office numbers, dates and seals the signed document, then issues it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seal_key = cls._moh_test_seal("Chữ ký số Bộ Y tế")
        cls.register = cls.env["moh.document.register"].create(
            {"name": "Sổ văn bản đi (kiểm thử)", "code": "TEST-DI", "direction": "outgoing"}
        )

    def _signed(self, **values):
        doc = self._approved()
        doc.sudo().write({"register_id": self.register.id, **values})
        doc.with_user(self.leader).action_sign(self.pki.password)
        return doc

    def _text(self, pdf):
        import subprocess

        path = f"{self.pki_dir.name}/issued.pdf"
        with open(path, "wb") as handle:
            handle.write(pdf)
        return subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout

    def test_the_files_are_known_by_their_role_never_by_their_name(self):
        doc = (
            self.env["moh.outgoing.document"]
            .with_user(self.specialist)
            .create(
                {
                    "document_type_id": self.env.ref("moh_documents.document_type_quyet_dinh").id,
                    "department_id": self.department_drug.id,
                    "register_id": self.register.id,
                    "abstract": "Ban hành Danh mục thuốc hiếm",
                    "body": "Điều 1. Ban hành kèm theo Quyết định này Danh mục thuốc hiếm.",
                    "signer_id": self.leader.id,
                    "signer_authority": "kt",
                    "signer_authority_position": "BỘ TRƯỞNG",
                    "signer_position": "THỨ TRƯỞNG",
                }
            )
        )
        doc.with_user(self.specialist).action_request_review()
        draft = doc.pdf_id
        self.assertEqual(draft.moh_role, "draft_pdf", "the version sent for review")
        # A draft version named as the PDF prepared for signing used to be is still a draft: the
        # signer signs the final rendering with its fields, never the draft.
        draft.sudo().name = "x-ky.pdf"
        for reviewer in (self.head, doc.legal_reviewer_id, doc.signer_id):
            self._review(doc, reviewer, "validate")
        doc.with_user(self.specialist).action_approved()
        # At approval, the final rendering with its fields replaces the draft: signing only signs.
        self.assertNotEqual(doc.pdf_id, draft)
        self.assertEqual(doc.pdf_id.moh_role, "signing_pdf")
        doc.with_user(self.leader).action_sign(self.pki.password)
        files = doc.sudo().version_ids
        prepared = files.filtered(lambda a: a.moh_role == "signing_pdf")
        self.assertEqual(len(prepared), 1, "the final rendering was made for the signature")
        self.assertEqual(doc.pdf_id.moh_role, "signed_pdf")
        doc.with_user(self.clerk).action_issue()
        self.assertEqual(
            (doc.state, doc.pdf_id.moh_role), ("issued", "issued_pdf"), "its number and date fields are there"
        )
        self.assertEqual(draft.moh_role, "draft_pdf")

    def test_the_pdf_prepared_for_signing_is_found_whatever_its_name(self):
        doc = self._approved()
        doc.sudo().register_id = self.register
        prepared = doc.pdf_id  # prepared at approval
        self.assertEqual(prepared.moh_role, "signing_pdf")
        prepared.sudo().name = "anything.pdf"
        doc.with_user(self.leader).action_sign(self.pki.password)
        self.assertEqual(
            doc.sudo().version_ids.filtered(lambda a: a.moh_role == "signing_pdf"),
            prepared,
            "signed as it was prepared, not prepared again",
        )
        self.assertTrue(doc.signature_validation_ids.valid)
        doc.with_user(self.clerk).action_issue()
        self.assertEqual(doc.state, "issued")

    def test_clerk_numbers_seals_and_issues(self):
        doc = self._signed(internal_department_ids=[(6, 0, self.department_legal.ids)])
        doc.with_user(self.clerk).action_issue()
        self.assertEqual(doc.state, "issued")
        self.assertEqual((doc.number, doc.name), (1, "01/QĐ-BYT"))
        pdf = doc.pdf_id.raw
        # Both signatures valid for pyHanko (difference analysis: the number and date were filled
        # in form fields after the signer signed) and for poppler's pdfsig.
        checks = {c.field_name: c for c in doc.signature_validation_ids}
        self.assertEqual(set(checks), {"signer", "seal"})
        for name, check in checks.items():
            self.assertTrue(check.valid and check.trusted, f"{name}: {check.explanation}")
        self.assertEqual(checks["seal"].signer_name, self.pki.seal.common_name)
        verdicts = pdfsig_verdicts(pdf, self.pki.root.cert_path)
        self.assertTrue(all(v["valid"] and v["trusted"] for v in verdicts.values()), verdicts)
        self.assertEqual(set(verdicts), {"signer", "seal"})
        text = self._text(pdf)
        self.assertIn("01/QĐ-BYT", text.replace(" ", ""))
        self.assertEqual(doc.signed_checksum, __import__("hashlib").sha256(pdf).hexdigest())
        # Final: nobody edits it any more.
        with self.assertRaises(UserError):
            doc.with_user(self.clerk).sudo(False).write({"abstract": "Sửa sau khi phát hành"})
        # The legal department receives it as an incoming document, waiting for its head.
        incoming = self.env["moh.incoming.document"].search([("number_symbol", "=", "01/QĐ-BYT")])
        self.assertEqual(len(incoming), 1)
        self.assertEqual(incoming.lead_department_id, self.department_legal)
        self.assertEqual(incoming.signature_status, "valid")
        self.assertIn(self.head_legal, incoming.activity_ids.user_id)

    def test_only_the_records_office_issues_a_signed_document(self):
        doc = self._approved()
        with self.assertRaises(UserError):
            doc.with_user(self.clerk).action_issue()  # not signed yet
        doc.sudo().register_id = self.register
        doc.with_user(self.leader).action_sign(self.pki.password)
        for user in (self.leader, self.head, self.specialist):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                doc.with_user(user).action_issue()

    def test_tampering_with_the_issued_pdf_is_detected(self):
        doc = self._signed()
        doc.with_user(self.clerk).action_issue()
        tampered = bytearray(doc.pdf_id.raw)
        tampered[len(tampered) // 2] ^= 0x01
        copy = self.env["ir.attachment"].create(
            {"name": "tampered.pdf", "raw": bytes(tampered), "mimetype": "application/pdf"}
        )
        checks = self.env["moh.signature.validation"]._moh_validate(doc, copy)
        self.assertFalse(all(check.valid for check in checks))

    def test_a_copy_renumbered_after_the_seal_is_not_valid(self):
        """The register number changed (05 -> 99) in a revision after the agency's seal: the seal
        is no longer valid, and says so in the user's language."""
        from moh_core.testing.forgery import set_text_field

        doc = self._signed()
        doc.with_user(self.clerk).action_issue()
        checks = {c.field_name: c for c in doc.signature_validation_ids}
        self.assertTrue(all(check.valid for check in checks.values()), [c.explanation for c in checks.values()])
        forged = self.env["ir.attachment"].create(
            {
                "name": "renumbered.pdf",
                "raw": set_text_field(doc.pdf_id.raw, "number", "99"),
                "mimetype": "application/pdf",
            }
        )
        with mute_logger("pyhanko"):
            checks = {c.field_name: c for c in self.env["moh.signature.validation"]._moh_validate(doc, forged)}
        self.assertFalse(checks["seal"].valid)
        self.assertEqual(checks["seal"].problem_codes.split(",")[0], "changed_after_signing")
        self.assertIn(
            "Văn bản đã bị thay đổi sau chữ ký cuối cùng.", checks["seal"].with_context(lang="vi_VN").explanation
        )
        self.assertTrue(checks["signer"].valid, "the number was left to the records office by the signer's lock")

    def test_seal_on_a_pkcs11_token(self):
        if not find_softhsm():
            self.skipTest("SoftHSM2 is not installed")
        token = make_softhsm_token(f"{self.pki_dir.name}/hsm", self.pki.seal, chain=(self.pki.intermediate,))
        self.seal_key.write(
            {
                "kind": "pkcs11",
                "pkcs11_library": token.lib_path,
                "pkcs11_token": token.token_label,
                "pkcs11_key": token.key_label,
                "pkcs11_certificate": token.cert_label,
                "pin": token.pin,
            }
        )
        doc = self._signed()
        doc.with_user(self.clerk).action_issue()
        checks = {c.field_name: c for c in doc.signature_validation_ids}
        self.assertTrue(checks["seal"].valid, checks["seal"].explanation)

    def test_long_term_signatures_with_the_configured_timestamp_authority(self):
        """PAdES B-LT as chosen in the settings: timestamps from the configured TSA, and the
        certificates and revocation data embedded in the PDF."""
        with TimestampServer(self.pki) as tsa:
            self.env.company.write({"moh_signature_level": "B-LT", "moh_tsa_url": tsa.url})
            doc = self._signed()
            doc.with_user(self.clerk).action_issue()
        checks = {c.field_name: c for c in doc.signature_validation_ids}
        for name, check in checks.items():
            self.assertTrue(check.valid, f"{name}: {check.explanation}")
            self.assertTrue(check.timestamp_time, f"{name} has no timestamp")
        # The revocation data travels with the document: it validates with no CRL given.
        from moh_core.signatures import ValidationMaterial, validate_pdf_signatures

        report = validate_pdf_signatures(doc.pdf_id.raw, material=ValidationMaterial(trust_roots=[self.pki.root.der]))
        self.assertTrue(report.all_valid, report.summary)

    def test_timestamp_levels_need_a_timestamp_authority(self):
        self.env.company.write({"moh_signature_level": "B-T", "moh_tsa_url": False})
        doc = self._approved()
        with self.assertRaises(UserError):
            doc.with_user(self.leader).action_sign(self.pki.password)
