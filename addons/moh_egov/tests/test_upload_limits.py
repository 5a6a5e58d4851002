"""A "decompression bomb" uploaded through the portal: a small PDF whose page inflates to 200 MiB
is refused by the upload check in the applicant's language, and nothing of it is kept."""

import re
import zlib

from markupsafe import escape

from odoo.tests import HttpCase, tagged

from .common import EgovCase

MiB = 1024 * 1024


def inflating_pdf(inflated_bytes):
    """A valid one-page PDF whose content stream is the zlib of ``inflated_bytes`` zero bytes
    (compressed piece by piece: 200 MiB fit in about 200 KiB)."""
    compressor = zlib.compressobj(9)
    block = bytes(MiB)
    stream = b"".join([compressor.compress(block) for _ in range(inflated_bytes // MiB)] + [compressor.flush()])
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@tagged("post_install", "-at_install")
class TestUploadLimits(EgovCase, HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.portal_a.lang = "vi_VN"

    def test_a_pdf_that_inflates_to_200_mib_is_refused_in_vietnamese_and_nothing_is_kept(self):
        bomb = inflating_pdf(200 * MiB)
        self.assertLess(len(bomb), 250 * 1024, "far below the 20 MB upload limit")
        dossier = self._draft()
        attachments = self.env["ir.attachment"].sudo().search_count([])
        self.authenticate(self.portal_a.login, self.portal_a.login + "-pass-2026")
        page = self.url_open(f"/my/dossiers/{dossier.id}")
        self.assertEqual(page.status_code, 200)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.url_open(f"/my/dossiers/{dossier.id}/save", data={"csrf_token": csrf},
                                 files={f"file_{self.req_form.id}": ("don-de-nghi.pdf", bomb, "application/pdf")})
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_moh_error", response.text)
        # The reason, as the applicant's language gives it.
        from moh_core.uploads import UploadProblem, check_upload  # noqa: PLC0415

        Document = self.env["moh.dossier.document"].with_context(lang="vi_VN")
        refusal = check_upload(bomb, "don-de-nghi.pdf", max_inflated_bytes=Document._moh_inflate_limit())
        self.assertEqual(refusal.problem, UploadProblem.INFLATES_TOO_MUCH)
        expected = Document._moh_upload_message("don-de-nghi.pdf", refusal)
        self.assertIn(str(escape(expected)), response.text)
        self.assertIn("100", expected, "the budget is stated")
        # Nothing kept: no dossier document, no attachment.
        dossier.invalidate_recordset()
        self.assertFalse(dossier.sudo().document_ids)
        self.assertEqual(self.env["ir.attachment"].sudo().search_count([]), attachments)

    def test_the_budget_is_a_setting(self):
        Document = self.env["moh.dossier.document"]
        self.assertEqual(Document._moh_inflate_limit(), 100 * MiB)
        self.env["ir.config_parameter"].sudo().set_param("moh_egov.upload_max_inflated_bytes", str(4 * MiB))
        self.assertEqual(Document._moh_inflate_limit(), 4 * MiB)
        dossier = self._draft()
        with self.assertRaisesRegex(Exception, "decompresses to more than the 4 MB"):
            self._add(dossier, data=inflating_pdf(8 * MiB), filename="don.pdf")
        self.assertFalse(dossier.sudo().document_ids)
