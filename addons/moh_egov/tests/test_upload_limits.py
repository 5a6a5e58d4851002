"""A "decompression bomb" uploaded through the portal: a small PDF whose page inflates to 200 MiB
is refused by the upload check in the applicant's language, and nothing of it is kept."""

import re

from markupsafe import escape
from odoo.tests import HttpCase, tagged

from moh_core.testing.fixtures import inflating_pdf

from .common import EgovCase

MiB = 1024 * 1024


@tagged("post_install", "-at_install")
class TestUploadLimits(EgovCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.portal_a.lang = "vi_VN"

    def test_a_pdf_that_inflates_to_200_mib_is_refused_in_vietnamese_and_nothing_is_kept(self):
        bomb = inflating_pdf([200 * MiB])
        self.assertLess(len(bomb), 250 * 1024, "far below the 20 MB upload limit")
        dossier = self._draft()
        attachments = self.env["ir.attachment"].sudo().search_count([])
        self.authenticate(self.portal_a.login, self.portal_a.login + "-pass-2026")
        page = self.url_open(f"/my/dossiers/{dossier.id}")
        self.assertEqual(page.status_code, 200)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.url_open(
            f"/my/dossiers/{dossier.id}/save",
            data={"csrf_token": csrf},
            files={f"file_{self.req_form.id}": ("don-de-nghi.pdf", bomb, "application/pdf")},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_moh_error", response.text)
        # The reason, as the applicant's language gives it.
        from moh_core.onestop import UploadProblem, check_upload

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
            self._add(dossier, data=inflating_pdf([8 * MiB]), filename="don.pdf")
        self.assertFalse(dossier.sudo().document_ids)
