"""The demo linked to its local national portal in one go
(``moh.exchange.peer._moh_use_local_national_portal``, what ``scripts/demo_dvcqg.sh`` runs): with
the settings of a running ``LocalNationalPortal`` (its adapter's catalogue made of the database's
procedures by ``scripts/demo_dvcqg_catalogue.sql``), each link works end to end over HTTP, on the
demo data: a dossier's step is synced (``DongBoHoSoMC`` in the double's journal), the login page
offers the national sign-in and it signs in, a fee is paid through the payment platform. Only a
system administrator links, never over RPC."""

import html
import json
import re
import tempfile
from pathlib import Path

import requests
from odoo.addons.moh_documents.tests.common import RpcAttackMixin
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from moh_core.testing.dvcqg_idp import CLAIM_SETS
from moh_core.testing.dvcqg_portal import LocalNationalPortal, with_procedures

from .common import OverHttpMixin

CATALOGUE_SQL = Path(__file__).resolve().parents[3] / "scripts" / "demo_dvcqg_catalogue.sql"


@tagged("post_install", "-at_install")
class TestLocalNationalPortal(OverHttpMixin, RpcAttackMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.admin = env.ref("base.user_admin")
        cls.motcua = env.ref("moh_egov.user_motcua")
        cls.applicant = env.ref("moh_egov.user_dn_hoasen")
        cls.demo_peer = env["moh.exchange.peer"].search([("national_portal", "=", True)])
        env.flush_all()
        env.cr.execute(CATALOGUE_SQL.read_text(encoding="utf-8"))
        [rows] = env.cr.fetchone()
        journal = tempfile.TemporaryDirectory()
        cls.addClassCleanup(journal.cleanup)
        cls.journal = Path(journal.name) / "dvcqg.jsonl"
        base = cls.base_url()
        cls.portal = LocalNationalPortal(
            journal=cls.journal,
            catalogue=with_procedures(rows),
            redirect_uris=[f"{base}/auth_oauth/signin"],
            post_logout_redirect_uris=[f"{base}/"],
            pull_token="pull-token-test",
            payment_token="pay-token-test",
        ).start()
        cls.addClassCleanup(cls.portal.stop)
        cls.done = (
            env["moh.exchange.peer"]
            .with_user(cls.admin)
            ._moh_use_local_national_portal(cls.portal.settings(), public_url=base)
        )
        cls.peer = env["moh.exchange.peer"].browse(cls.done["peer_id"])

    def _submitted(self):
        """The demo's dossier waiting at the one-stop shop, its fee unpaid."""
        dossier = self.env["moh.dossier"].search(
            [
                ("state", "=", "submitted"),
                ("payment_state", "=", "pending"),
                ("partner_id", "=", self.applicant.partner_id.commercial_partner_id.id),
            ],
            limit=1,
        )
        self.assertTrue(dossier, "the demo has a dossier waiting at the one-stop shop")
        return dossier

    # -- what is configured ----------------------------------------------------------------------

    def test_the_settings_are_applied_once(self):
        portal, peer = self.portal, self.peer
        self.assertEqual((peer.protocol, peer.transport, peer.url), ("dvcqg", "http", portal.sync.url))
        self.assertEqual((peer.dvcqg_username, peer.dvcqg_password), ("moh", "secret"))
        self.assertEqual((peer.dvcqg_dstcode, peer.dvcqg_madonvi), ("G15", "G15"))
        self.assertEqual(peer.auth_token, "pull-token-test")
        self.assertEqual(peer.dvcqg_public_url, self.base_url())
        national = self.env["moh.exchange.peer"].search([("national_portal", "=", True)])
        self.assertEqual(national, peer, "the demo's national portal peer is archived")
        self.assertTrue(self.demo_peer and not (self.demo_peer - peer).filtered("active"))
        self.assertEqual(
            self.env["ir.config_parameter"].get_param("moh_egov.dvcqg_inbound_pull_url"),
            f"{portal.inbound.url}/dossiers",
        )
        provider = self.env.ref("moh_egov.provider_dvcqg")
        self.assertTrue(provider.enabled)
        self.assertEqual((provider.client_id, provider.moh_client_secret), ("moh-portal", "moh-portal-secret"))
        self.assertEqual(provider.moh_issuer, portal.idp.issuer)
        self.assertEqual(provider.moh_jwks_uri, portal.idp.endpoint("jwks"))
        payment = self.env.ref("moh_egov.payment_provider_dvcqg")
        self.assertEqual((payment.state, payment.is_published), ("test", True))
        self.assertEqual((payment.dvcqg_endpoint, payment.dvcqg_token), (portal.payment.url, "pay-token-test"))
        # Every procedure is in the double's catalogue, so every dossier syncs; the documents
        # have the codes of the portal's filed dossiers.
        procedures = self.env["moh.procedure"].search([])
        self.assertEqual(self.done["procedures_unknown"], [])
        self.assertTrue(all(procedures.mapped("dvcqg_code")))
        cosmetic = self.env.ref("moh_egov.procedure_cosmetic_import")
        self.assertEqual(cosmetic.dvcqg_code, cosmetic.code)
        self.assertIn(cosmetic.dvcqg_name, {cosmetic.name, cosmetic.with_context(lang="vi_VN").name})
        self.assertEqual(cosmetic.requirement_ids.sorted("sequence").mapped("dvcqg_code"), ["TP1", "TP2", "TP3", "TP4"])
        # Again: the same peer, updated, with its token.
        again = (
            self.env["moh.exchange.peer"]
            .with_user(self.admin)
            ._moh_use_local_national_portal(self.portal.settings(), public_url=self.base_url())
        )
        self.assertEqual(again["peer_id"], peer.id)
        self.assertEqual(again["inbound_token"], self.done["inbound_token"])
        self.assertEqual(
            self.env["moh.exchange.peer"].with_context(active_test=False).search_count([("code", "=", peer.code)]), 1
        )

    def test_settings_missing_a_value_are_refused(self):
        settings = json.loads(json.dumps(self.portal.settings()))
        settings["oauth"]["Token URL"] = ""
        Peer = self.env["moh.exchange.peer"].with_user(self.admin)
        with self.assertRaisesRegex(UserError, "Token URL"):
            Peer._moh_use_local_national_portal(settings)
        with self.assertRaisesRegex(UserError, "payment"):
            Peer._moh_use_local_national_portal({"peer": settings["peer"], "oauth": settings["oauth"]})

    # -- each link, end to end -------------------------------------------------------------------

    def test_a_dossier_step_is_synced(self):
        dossier = self._submitted()
        dossier.with_user(self.motcua).action_refuse("Hồ sơ không thuộc thẩm quyền")
        [message] = self.env["moh.exchange.message"].search(
            [("res_model", "=", "moh.dossier"), ("res_id", "=", dossier.id), ("kind", "=", "dvcqg_sync")]
        )
        self.assertEqual(message.peer_id, self.peer)
        outcome = self._over_http(message._moh_deliver)
        self.assertTrue(outcome.startswith("sent: inserted"), outcome)
        entries = [json.loads(line) for line in self.journal.read_text(encoding="utf-8").splitlines()]
        [synced] = [e for e in entries if e["service"] == "DongBoHoSoMC" and e["error_code"] == "0"]
        [record] = synced["body"]["data"]
        self.assertEqual(record["MaHoSo"], dossier.code)
        self.assertEqual(record["MaTTHC"], dossier.procedure_id.code)
        self.assertEqual(record["TrangThaiHoSo"], "3")  # refused
        self.assertTrue(all(d["ok"] for d in self.portal.sync.state.downloads), "the files by their signed links")
        self.assertTrue(self.portal.sync.state.steps[dossier.code])

    def test_the_login_page_signs_in_through_the_portal(self):
        self.portal.idp.sign_in_as("citizen")
        page = self.url_open("/web/login")
        links = re.findall(r'href="([^"]*/oauth2/authorize\?[^"]*)"', page.text)
        self.assertEqual(len(links), 1, "the login page offers the national sign-in")
        link = html.unescape(links[0])
        self.assertTrue(link.startswith(self.portal.idp.endpoint("authorize")), link)
        answer = self.opener.get(link, allow_redirects=False, timeout=30)
        self.assertEqual(answer.status_code, 302, answer.text)
        callback = answer.headers["Location"]
        self.assertTrue(callback.startswith(self.base_url() + "/auth_oauth/signin?"), callback)
        response = self.opener.get(callback, allow_redirects=False, timeout=60)
        self.assertEqual(response.status_code, 303, response.text[:300])
        self.assertNotIn("oauth_error", response.headers["Location"])
        user = self.env["res.users"].search([("oauth_uid", "=", CLAIM_SETS["citizen"]["TechID"])])
        self.assertEqual(user.oauth_provider_id, self.env.ref("moh_egov.provider_dvcqg"))
        self.assertEqual(self.url_open("/my", allow_redirects=False).status_code, 200, "signed in")

    def test_a_fee_is_paid_through_the_platform(self):
        dossier = self._submitted()
        self.authenticate(self.applicant.login, self.applicant.login)
        page = self.url_open(f"/my/dossiers/{dossier.id}")
        self.assertEqual(page.status_code, 200)
        provider = self.env.ref("moh_egov.payment_provider_dvcqg")
        result = self.make_jsonrpc_request(
            f"/my/dossiers/{dossier.id}/transaction",
            {
                "access_token": re.search(r'data-access-token="([^"]+)"', page.text).group(1),
                "provider_id": provider.id,
                "payment_method_id": self.env.ref("payment.payment_method_napas_card").id,
                "token_id": None,
                "amount": dossier.fee_amount,
                "flow": "redirect",
                "tokenization_requested": False,
                "landing_route": f"/my/dossiers/{dossier.id}",
            },
        )
        [init] = self.portal.payment.entries("INIT")
        self.assertEqual((init["reference"], init["amount"]), (result["reference"], dossier.fee_amount), init)
        sent = self.portal.payment.payments[result["reference"]].message
        self.assertEqual(sent["ThongTinBienLai"]["MaHoSo"], dossier.code)
        action = re.search(r'action="([^"]+)"', result["redirect_form_html"]).group(1)
        self.assertTrue(action.startswith(self.portal.payment.url), action)
        # "Pay" on the platform's page: it calls the product back with the shared secret.
        self.cr.flush()
        self.cr.clear()
        with self.allow_requests(all_requests=True):
            paid = requests.post(html.unescape(action), data={"pay": "1"}, allow_redirects=False, timeout=30)
        self.http_request_allow_all = False
        self.env.invalidate_all()
        self.assertEqual(paid.status_code, 303, paid.text[:300])
        self.assertEqual(self.portal.payment.entries("callback")[0]["status"], 200)
        self.assertEqual(dossier.payment_state, "paid")

    # -- who may link ----------------------------------------------------------------------------

    def test_only_a_system_administrator_links_and_never_over_rpc(self):
        settings = self.portal.settings()
        eoffice_admin = new_test_user(
            self.env, login="t_eoffice_admin", groups="base.group_user,moh_documents.group_moh_admin"
        )
        for user in (eoffice_admin, self.motcua, self.applicant):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["moh.exchange.peer"].with_user(user)._moh_use_local_national_portal(settings)
        for user, password in ((self.admin, "admin"), (self.motcua, "motcua"), (self.applicant, "dn.hoasen")):
            with self.subTest(rpc=user.login):
                self._moh_rpc_login = None
                _result, error = self._rpc(
                    user, "moh.exchange.peer", "_moh_use_local_national_portal", [settings], password=password
                )
                self.assertEqual(error, "odoo.exceptions.AccessError")
        self.assertEqual(self.env["moh.exchange.peer"].search([("national_portal", "=", True)]), self.peer)
