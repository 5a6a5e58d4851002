"""Archive timestamps (PAdES B-LTA) of the signed files kept for years: added when a file is
filed, renewed by the daily job before the timestamp authority's certificate expires, logged in
moh.archival.timestamp, never losing a byte of the signed file."""

from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from moh_core.demo import make_pdf
from moh_core.signatures import ValidationMaterial, validate_pdf_signatures
from moh_core.signatures.archival import archive_timestamps, validate_archival
from moh_core.testing.fixtures import TimestampServer

from .common import RpcAttackMixin
from .test_outgoing_signing import OutgoingSigningCase


class TimestampAuthorityMixin:
    """For a signing test case: the test PKI's seal, and a timestamp authority served over HTTP
    for each test, configured at B-LT."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_test_seal()

    def setUp(self):
        super().setUp()
        self.tsa = TimestampServer(self.pki)
        self.tsa.__enter__()
        self.addCleanup(self.tsa.__exit__, None, None, None)
        self.env.company.write({"moh_signature_level": "B-LT", "moh_tsa_url": self.tsa.url})


@tagged("post_install", "-at_install")
class TestArchivalTimestamp(TimestampAuthorityMixin, RpcAttackMixin, OutgoingSigningCase, HttpCase):
    def _material(self):
        return ValidationMaterial(trust_roots=self.pki.trust_roots, crls=self.pki.crls)

    def _filed(self):
        """An issued document's PDF (signed and sealed at B-LT), filed for keeping."""
        doc = self._issued()
        attachment = doc.pdf_id
        signed = attachment.raw
        rows = attachment._moh_archive_timestamp()
        return doc, attachment, signed, rows

    def test_filing_brings_the_signed_pdf_to_b_lta_and_keeps_every_signed_byte(self):
        doc, attachment, signed, rows = self._filed()
        self.assertEqual(len(rows), 1)
        self.assertEqual((rows.reason, rows.outcome, rows.error), ("filing", "done", False))
        self.assertEqual((rows.res_model, rows.res_id), ("moh.outgoing.document", doc.id))
        self.assertEqual(rows.digest_algorithm, "sha256")
        self.assertEqual(rows.tsa_name, self.pki.tsa.common_name)
        self.assertEqual(rows.tsa_certificate_expiry, self.pki.tsa.certificate.not_valid_after_utc.replace(tzinfo=None))
        pdf = attachment.raw
        self.assertTrue(pdf.startswith(signed) and len(pdf) > len(signed))
        self.assertEqual((rows.size_before, rows.size_after), (len(signed), len(pdf)))
        self.assertTrue(attachment.moh_archival)
        self.assertEqual(attachment.moh_archival_signed_size, len(signed))
        self.assertEqual(len(archive_timestamps(pdf)), 1)
        # B-LTA: the document timestamp is valid, and so are the signer's and the seal's signatures
        check = validate_archival(pdf, material=self._material())
        self.assertTrue(check.valid, check)
        report = validate_pdf_signatures(pdf, material=self._material())
        self.assertTrue(report.all_valid, report.summary)
        # the public verification still recognises the issued file
        self.assertTrue(doc._moh_public_verification()["archived"])
        # filing again changes nothing
        self.assertFalse(attachment._moh_archive_timestamp())
        self.assertEqual(attachment.raw, pdf)

    def test_daily_job_renews_before_the_authority_certificate_expires(self):
        _doc, attachment, _signed, _rows = self._filed()
        Attachment = self.env["ir.attachment"]
        # today nothing is due (the test TSA's certificate is valid for ten years)
        self.assertEqual(Attachment._cron_renew_archival_timestamps(), 0)
        filed = attachment.raw
        # ten years on, less than the 180 days' margin before the certificate's expiry
        later = fields.Datetime.now() + timedelta(days=10 * 365 - 100)
        self.assertEqual(Attachment._cron_renew_archival_timestamps(now=later), 1)
        renewal = self.env["moh.archival.timestamp"].search([("attachment_id", "=", attachment.id)], limit=1)
        self.assertEqual((renewal.reason, renewal.outcome), ("expiry", "done"))
        pdf = attachment.raw
        self.assertTrue(pdf.startswith(filed) and len(pdf) > len(filed))
        self.assertEqual(len(archive_timestamps(pdf)), 2)
        check = validate_archival(pdf, material=self._material())
        self.assertTrue(check.valid, check)

    def test_a_weak_algorithm_is_renewed_when_declared_weak(self):
        _doc, attachment, _signed, _rows = self._filed()
        self.env["ir.config_parameter"].sudo().set_param("moh_documents.archival_weak_digests", "md5,sha1,sha256")
        self.assertEqual(self.env["ir.attachment"]._cron_renew_archival_timestamps(), 1)
        renewal = self.env["moh.archival.timestamp"].search([("attachment_id", "=", attachment.id)], limit=1)
        self.assertEqual((renewal.reason, renewal.outcome, renewal.digest_algorithm), ("algorithm", "done", "sha384"))

    def test_a_failure_keeps_the_bytes_and_records_the_error(self):
        doc = self._issued()
        attachment = doc.pdf_id
        signed = attachment.raw
        self.env.company.moh_tsa_url = False
        with mute_logger("odoo.addons.moh_documents.models.ir_attachment"):  # the failure is logged: expected
            rows = attachment._moh_archive_timestamp()
        self.assertEqual(rows.outcome, "failed")
        self.assertIn("timestamp authority", rows.error)
        self.assertEqual(attachment.raw, signed)
        self.assertFalse(attachment.moh_archival)

    def test_files_that_are_not_signed_pdfs_are_left_alone(self):
        attachment = self.env["ir.attachment"].create({"name": "note.txt", "raw": b"not a pdf"})
        unsigned = self.env["ir.attachment"].create({"name": "draft.pdf", "raw": make_pdf()})
        self.assertFalse((attachment | unsigned)._moh_archive_timestamp())
        self.assertFalse(unsigned.moh_archival)

    def test_no_role_reaches_the_service_or_writes_its_log(self):
        _doc, attachment, _signed, rows = self._filed()
        for user in (self.specialist, self.clerk, self.leader, self.admin):
            self.assertRpcRefused(user, "ir.attachment", "_moh_archive_timestamp", [[attachment.id]])
            self.assertRpcRefused(user, "ir.attachment", "_cron_renew_archival_timestamps", [])
            self.assertRpcRefused(user, "moh.archival.timestamp", "create", [{"reason": "filing", "outcome": "done"}])
            self.assertRpcRefused(user, "moh.archival.timestamp", "write", [[rows.id], {"outcome": "failed"}])
            self.assertRpcRefused(user, "moh.archival.timestamp", "unlink", [[rows.id]])
        self.assertRpcRefused(self.clerk, "ir.attachment", "write", [[attachment.id], {"moh_archival": False}])
        # read: e-office administrators and ministry leaders only
        for user in (self.specialist, self.head, self.clerk):
            self.assertRpcRefused(user, "moh.archival.timestamp", "search_read", [[]])
        for user in (self.leader, self.admin):
            result, error = self._rpc(user, "moh.archival.timestamp", "search_read", [[]], {"fields": ["outcome"]})
            self.assertIsNone(error)
            self.assertIn(rows.id, [row["id"] for row in result])
