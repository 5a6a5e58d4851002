"""Revocation checked online (Circular 15/2025/TT-BKHCN, Appendix II 1.2) and documents issued at
PAdES B-LT. No test here reaches a network: the demo PKI stays offline (its CRLs are uploaded with
the trusted authorities), and the responder of the certificate authority below is a loopback port
nothing listens on."""

import base64
import io
import tempfile
from datetime import UTC, datetime, timedelta

from odoo.tests import HttpCase, TransactionCase, tagged

from moh_core.demo import DEMO_TSA_URL, make_pdf
from moh_core.testing import sign_pdf
from moh_core.testing.live_pki import free_port, make_live_pki

from .common import MohUsersMixin, RpcAttackMixin
from .test_outgoing_signing import OutgoingSigningCase


@tagged("post_install", "-at_install")
class TestRevocationUnreachable(MohUsersMixin, TransactionCase):
    """An incoming document signed under an authority whose OCSP responder does not answer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_users()
        cls.pki_dir = tempfile.TemporaryDirectory()
        cls.addClassCleanup(cls.pki_dir.cleanup)
        cls.live = make_live_pki(cls.pki_dir.name, port=free_port())  # its services are never started
        cls.env["moh.trust.root"].create(
            {"name": "CA with an OCSP responder", "role": "root", "certificate": base64.b64encode(cls.live.root_der)}
        )
        cls.signed = sign_pdf(make_pdf("Công văn 45/SYT"), cls.live.write_pkcs12("ocsp-signer"), cls.live.password)
        cls.env.company.moh_revocation_timeout = 1.0

    def _received(self):
        attachment = (
            self.env["ir.attachment"]
            .with_user(self.clerk)
            .create({"name": "cv-45.pdf", "raw": self.signed, "mimetype": "application/pdf"})
        )
        return self._moh_new_document(attachment_ids=[(6, 0, attachment.ids)])

    def test_clerk_sees_the_warning_when_the_responder_does_not_answer(self):
        self.assertTrue(self.env.company.moh_revocation_live, "online checking is on by default")
        doc = self._received()
        check = doc.with_user(self.clerk).signature_validation_ids
        self.assertEqual(len(check), 1)
        self.assertFalse(check.valid)
        self.assertFalse(check.trusted)
        self.assertTrue(check.intact)
        self.assertIn("revocation_unreachable", check.problem_codes)
        self.assertTrue(check.revocation_unreachable)
        self.assertIn("did not answer", check.explanation)
        self.assertEqual(doc.with_user(self.clerk).signature_status, "revocation_unchecked")

    def test_air_gapped_setting_checks_the_uploaded_lists_only(self):
        self.env.company.moh_revocation_live = False
        check = self._received().signature_validation_ids
        self.assertFalse(check.valid)
        self.assertIn("revocation_unknown", check.problem_codes)
        self.assertNotIn("revocation_unreachable", check.problem_codes)
        self.assertFalse(check.revocation_unreachable)

    def test_new_agencies_sign_at_b_lt_and_check_online(self):
        company = self.env["res.company"].create({"name": "Sở Y tế (thử nghiệm)"})
        self.assertEqual(company.moh_signature_level, "B-LT")
        self.assertTrue(company.moh_revocation_live)
        self.assertGreater(company.moh_revocation_timeout, 0)


@tagged("post_install", "-at_install")
class TestIssuedLongTerm(OutgoingSigningCase):
    """Documents are issued at PAdES B-LT by default, with the demo's time-stamping authority."""

    def test_issued_document_carries_its_validation_data(self):
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import DocumentSecurityStore

        from moh_core.signatures import ValidationMaterial, validate_pdf_signatures
        from moh_core.signatures.revocation import OFFLINE

        company = self.env.company
        self.assertEqual(company.moh_signature_level, "B-LT", "the demo signs at B-LT")
        self.assertEqual(company.moh_tsa_url, DEMO_TSA_URL)
        doc = self._issued()  # signed by the leader, numbered, sealed and issued by the clerk
        self.assertEqual(doc.state, "issued")
        checks = {c.field_name: c for c in doc.with_user(self.clerk).signature_validation_ids}
        self.assertEqual(set(checks), {"signer", "seal"})
        for name, check in checks.items():
            self.assertTrue(check.valid, f"{name}: {check.explanation}")
            self.assertTrue(check.timestamp_time, f"{name} has no timestamp")
            # Validated today at the time of the check, not at the timestamp's time.
            self.assertTrue(check.validated_as_of and check.validated_as_of >= check.timestamp_time, name)
        pdf = doc.pdf_id.raw
        dss = DocumentSecurityStore.read_dss(PdfFileReader(io.BytesIO(pdf)))
        self.assertTrue(dss.certs, "the certificates are embedded")
        self.assertTrue(list(dss.crls), "the revocation data is embedded")
        # Without the authorities' lists and offline, the document's own data settles the status.
        roots = self.env["moh.trust.root"].search([("role", "=", "root")])
        material = ValidationMaterial(trust_roots=[base64.b64decode(r.certificate) for r in roots])
        report = validate_pdf_signatures(pdf, material=material, revocation=OFFLINE)
        self.assertTrue(report.all_valid, report.summary)
        # Years later, the embedded revocation data out of date and the signer's certificate
        # expired: still valid, at the time its timestamp proves.
        for days in (400, 5 * 365):
            later = datetime.now(UTC) + timedelta(days=days)
            report = validate_pdf_signatures(pdf, material=material, revocation=OFFLINE, validation_time=later)
            self.assertTrue(report.all_valid, report.summary)
            for signature in report.signatures:
                self.assertEqual(signature.validated_at, signature.timestamp_time)


@tagged("post_install", "-at_install")
class TestRevocationSettingSecurity(RpcAttackMixin, MohUsersMixin, HttpCase):
    """Only the e-office administrator turns online revocation checking off or lowers the level."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_users()

    def test_other_roles_cannot_turn_the_check_off(self):
        company = self.env.company
        for user in (self.clerk, self.leader, self.specialist):
            for values in (
                {"moh_revocation_live": False},
                {"moh_revocation_timeout": 60},
                {"moh_signature_level": "B-B"},
                {"moh_tsa_url": "http://127.0.0.1:9/tsa"},
            ):
                self.assertRpcRefused(user, "res.company", "write", [company.ids, values])
        self.assertTrue(company.moh_revocation_live)
        self.assertEqual(company.moh_signature_level, "B-LT")
        self.assertEqual(company.moh_tsa_url, DEMO_TSA_URL)
