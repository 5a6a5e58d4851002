"""The partner API: an issued document's status by its number, with an API key of a partner
system's technical user; nothing without a valid key, nothing the key may not see."""

import json
from pathlib import Path

from odoo import api
from odoo.tests import HttpCase, new_test_user, tagged

from moh_core.exchange.transport import check_openapi

from .test_outgoing_signing import OutgoingSigningCase


@tagged("post_install", "-at_install")
class TestPartnerApi(OutgoingSigningCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.moh_agency_code = "000.00.00.G18"
        cls._moh_test_seal("Con dấu (kiểm thử)")
        cls.partner_user = new_test_user(
            cls.env, login="t_api_partner", groups="moh_documents.group_api_partner", name="Hệ thống đối tác"
        )
        cls.key = (
            cls.env["res.users.apikeys"]
            .with_user(cls.partner_user)
            .sudo()
            ._generate("moh_partner_api", "Hệ thống đối tác", None)
        )
        cls.clerk_key = cls.env["res.users.apikeys"].with_user(cls.clerk).sudo()._generate(None, "Khóa văn thư", None)

    def setUp(self):
        super().setUp()
        self.issued = doc = self._issued()
        self.number = f"{doc.number:02d}/{doc.symbol}"

    def _get(self, path, key=None):
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return self.url_open(path, headers=headers)

    def test_an_issued_document_by_its_number(self):
        response = self._get(f"/api/v1/documents/{self.number}", self.key)
        self.assertEqual(response.status_code, 200, response.text)
        data = response.json()
        self.assertEqual(data["number"], self.number)
        self.assertEqual(data["state"], "issued")
        self.assertEqual(data["issue_date"], self.issued.issue_date.isoformat())
        self.assertEqual(data["abstract"], self.issued.abstract)
        self.assertEqual(data["sent_to"], [])
        # The slash of the number may come encoded.
        encoded = self._get(f"/api/v1/documents/{self.number.replace('/', '%2F')}", self.key)
        self.assertEqual(encoded.status_code, 200)

    def test_without_a_valid_partner_key_nothing_is_told(self):
        path = f"/api/v1/documents/{self.number}"
        for key in (None, "not-a-key", self.key[:-1] + ("0" if self.key[-1] != "0" else "1"), self.clerk_key):
            with self.subTest(key=key and key[:6]):
                response = self._get(path, key)
                self.assertEqual(response.status_code, 401)
                self.assertEqual(response.json()["error"], "unauthorized")
                self.assertNotIn(self.issued.abstract, response.text)

    def test_an_employees_key_works_on_json2_from_a_cold_worker(self):
        """/json/2 checks the key before the request has a user; the check that the key is not a
        partner system's reads the key's user's groups, which on a worker with cold caches used
        to fail there (Access Denied on the first call each worker served)."""
        self.env.registry.clear_cache()
        with self.env.registry.cursor() as cr:  # a request's own transaction, no user yet
            env = api.Environment(cr, None, {})
            self.assertEqual(
                env["res.users.apikeys"]._check_credentials(scope="rpc", key=self.clerk_key), self.clerk.id
            )
            self.assertIsNone(env["res.users.apikeys"]._check_credentials(scope="rpc", key=self.key))
        self.env.registry.clear_cache()
        response = self.url_open(
            "/json/2/res.users/read",
            data=json.dumps({"ids": self.clerk.ids, "fields": ["login"]}),
            headers={"Authorization": f"Bearer {self.clerk_key}", "Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200, response.text[:300])
        self.assertEqual(response.json(), [{"id": self.clerk.id, "login": self.clerk.login}])

    def test_unknown_draft_and_confidential_documents_are_not_found(self):
        draft = self._approved()
        # An isolated deployment keeps the text of state secrets (Law 29/2018/QH14, Art. 5.5).
        self.env.company.sudo().moh_secret_isolated = True
        secret_register = self.env["moh.document.register"]._moh_secret_register("outgoing", self.env.company)
        confidential = self._approved()
        confidential.sudo().write({"confidentiality": "secret", "register_id": secret_register.id})
        for number in ("999/QĐ-BYT", "abc", f"{draft.id}/{draft.symbol}"):
            with self.subTest(number=number):
                self.assertEqual(self._get(f"/api/v1/documents/{number}", self.key).status_code, 404)
        # Issued but confidential: the partner's record rules hide it, as if it did not exist.
        self.issued.sudo().write({"confidentiality": "secret", "register_id": secret_register.id})
        self.assertEqual(self._get(f"/api/v1/documents/{self.number}", self.key).status_code, 404)

    def test_the_openapi_description_is_served_and_valid(self):
        response = self._get("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        document = response.json()
        self.assertEqual(check_openapi(document), [])
        self.assertIn("/api/v1/documents/{number}", document["paths"])
        self.assertIn("/api/v1/dossiers/{code}", document["paths"])
        kept = json.loads((Path(__file__).resolve().parent.parent / "static" / "api" / "openapi.json").read_text())
        self.assertEqual(document, kept)
