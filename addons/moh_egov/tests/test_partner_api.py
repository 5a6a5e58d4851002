"""The partner API for dossiers: a filed dossier's status by its code, with a partner system's
API key; drafts, unknown codes and requests without a valid key tell nothing."""

from odoo.tests import HttpCase, new_test_user, tagged

from .common import EgovCase


@tagged("post_install", "-at_install")
class TestPartnerApiDossiers(EgovCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner_user = new_test_user(
            cls.env, login="t_api_partner", groups="moh_documents.group_api_partner", name="Hệ thống đối tác"
        )
        # The partner follows the procedure's dossiers (the API tells it nothing of others).
        cls.partner_user.moh_api_procedure_ids = cls.procedure
        cls.key = (
            cls.env["res.users.apikeys"]
            .with_user(cls.partner_user)
            .sudo()
            ._generate("moh_partner_api", "Hệ thống đối tác", None)
        )
        cls.business_key = (
            cls.env["res.users.apikeys"].with_user(cls.portal_b).sudo()._generate(None, "Khóa của doanh nghiệp", None)
        )

    def _get(self, code, key=None):
        return self.url_open(f"/api/v1/dossiers/{code}", headers={"Authorization": f"Bearer {key}"} if key else {})

    def test_a_filed_dossier_by_its_code(self):
        dossier = self._submitted()
        response = self._get(dossier.code, self.key)
        self.assertEqual(response.status_code, 200, response.text)
        data = response.json()
        self.assertEqual(data["code"], dossier.code)
        self.assertEqual(data["procedure_code"], "T.000001")
        self.assertEqual(data["status_code"], "submitted")
        self.assertIsNone(data["due_date"])
        self.assertNotIn("Công ty TNHH Mỹ phẩm A", response.text, "nothing about the applicant")

    def test_unknown_codes_drafts_and_requests_without_a_partner_key_tell_nothing(self):
        dossier = self._submitted()
        self.assertEqual(self._get("000.00.04.G18-991231-9999", self.key).status_code, 404)
        draft = self._draft()
        draft.sudo().code = "000.00.04.G18-991231-0001"
        self.assertEqual(self._get(draft.code, self.key).status_code, 404)
        # Another business's key is not a partner system's: 401, even for its own dossiers.
        for key in (None, "wrong-key", self.business_key):
            with self.subTest(key=key and key[:6]):
                response = self._get(dossier.code, key)
                self.assertEqual(response.status_code, 401)
                self.assertNotIn(dossier.code, response.text)
