"""Sign-in with the National Public Service Portal (DVCQG / VNeID), end to end over HTTP: the
portal's browser, the portal (Odoo) and a local identity provider on its own port, running the
OpenID Connect code flow. Citizens and businesses, the business a sign-in proves (and the one it
does not), VNeID, the single logout, a callback this browser did not start, the levels of
assurance (the provider's minimum, its minimum to act for a business, a procedure's minimum for
filing online), and an attacker over JSON-RPC who tries to give himself a TechID, a company or a
higher level."""

import html
import re
from urllib.parse import parse_qs, urlsplit

from odoo.addons.moh_documents.tests.common import RpcAttackMixin
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from moh_core.demo import make_pdf
from moh_core.testing.dvcqg_idp import CLAIM_SETS, DvcqgIdp


@tagged("post_install", "-at_install", "moh_security")
class TestNationalSignin(RpcAttackMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.idp = DvcqgIdp(client_id="moh-portal-test", client_secret="s3cret-test")
        cls.idp.start()
        cls.addClassCleanup(cls.idp.stop)
        cls.provider = cls.env.ref("moh_egov.provider_dvcqg")
        cls.provider.write(
            {
                "enabled": True,
                "client_id": "moh-portal-test",
                "moh_client_secret": "s3cret-test",
                "auth_endpoint": cls.idp.endpoint("authorize") + "?acr_values=LoA1",
                "moh_token_endpoint": cls.idp.endpoint("token"),
                "validation_endpoint": cls.idp.endpoint("userinfo"),
                "moh_jwks_uri": cls.idp.endpoint("jwks"),
                "moh_end_session_endpoint": cls.idp.endpoint("logout"),
                "moh_issuer": cls.idp.issuer,
            }
        )
        cls.procedure = cls.env.ref("moh_egov.procedure_cosmetic_import")

    def setUp(self):
        super().setUp()
        self.idp.post_logout_redirect_uris = [self.base_url() + "/"]

    # -- helpers ----------------------------------------------------------------------------------

    def _auth_link(self):
        page = self.url_open("/web/login")
        links = re.findall(r'href="([^"]*/oauth2/authorize\?[^"]*)"', page.text)
        self.assertEqual(len(links), 1, "the login page offers the national sign-in")
        return html.unescape(links[0])

    def _national_login(self, claim_set):
        """Sign in as ``claim_set`` through the IdP; the portal's answer to the callback."""
        self.idp.sign_in_as(claim_set)
        link = self._auth_link()
        query = parse_qs(urlsplit(link).query)
        self.assertEqual(query["response_type"], ["code"])
        self.assertEqual(query["code_challenge_method"], ["S256"])
        self.assertEqual(query["acr_values"], ["LoA1"])
        self.assertTrue(query["nonce"][0])
        answer = self.opener.get(link, allow_redirects=False, timeout=30)
        self.assertEqual(answer.status_code, 302, answer.text)
        callback = answer.headers["Location"]
        self.assertTrue(callback.startswith(self.base_url() + "/auth_oauth/signin?"), callback)
        return self.opener.get(callback, allow_redirects=False, timeout=60)

    def _user(self, claim_set):
        return self.env["res.users"].search([("oauth_uid", "=", CLAIM_SETS[claim_set]["TechID"])])

    def _signed_in(self, claim_set):
        response = self._national_login(claim_set)
        self.assertEqual(response.status_code, 303, response.text[:300])
        self.assertNotIn("oauth_error", response.headers["Location"])
        user = self._user(claim_set)
        self.assertEqual(len(user), 1)
        self.assertEqual(self.url_open("/my", allow_redirects=False).status_code, 200, "signed in")
        return user

    def _assert_says(self, page, *variants):
        """The login page shows the refusal in one of its languages (English, Vietnamese)."""
        text = html.unescape(page.text)
        self.assertTrue(any(variant in text for variant in variants), f"none of {variants} on the page")

    def _csrf(self, response):
        found = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
        self.assertTrue(found, "the page carries a CSRF token")
        return found.group(1)

    def _claims(self, claim_set, **changes):
        """Change what the IdP answers for ``claim_set`` during this test."""
        claims = self.idp.claim_sets[claim_set]
        before = dict(claims)
        claims.update(changes)
        self.addCleanup(lambda: (claims.clear(), claims.update(before)))

    def _refused_login(self, claim_set):
        with mute_logger("odoo.addons.moh_egov.models.res_users", "odoo.addons.auth_oauth.controllers.main"):
            response = self._national_login(claim_set)
        self.assertIn("oauth_error", response.headers["Location"])
        return self.url_open(response.headers["Location"])

    def _complete_draft(self, user):
        """A draft of ``user``'s with its form filled and its required documents (as the demo's)."""
        dossier = self.env["moh.dossier"]._moh_new_for_user(self.procedure, user)
        for value in dossier._moh_form_values():
            value.value = "2026-11-02" if value.field_id.field_type == "date" else "12"
        for requirement in self.procedure.requirement_ids.filtered("required"):
            self.env["moh.dossier.document"]._moh_add(dossier, requirement, "phieu.pdf", make_pdf("Phiếu công bố"))
        return dossier

    def _apply(self, **data):
        page = self.url_open(f"/public-services/{self.procedure.id}")
        self.assertEqual(page.status_code, 200)
        # the form may be withheld (the page says why): the session's token from the account page
        token = self._csrf(self.url_open("/my/account"))
        return page, self.url_open(f"/public-services/{self.procedure.id}/apply", data={"csrf_token": token, **data})

    # -- sign-in -----------------------------------------------------------------------------------

    def test_citizen_signs_in_and_files_in_own_name(self):
        user = self._signed_in("citizen")
        claims = CLAIM_SETS["citizen"]
        self.assertTrue(user._is_portal(), "a fresh national sign-in is a portal user, like a sign-up")
        self.assertEqual(user.oauth_provider_id, self.provider)
        self.assertEqual(user.name, claims["HoVaTen"])
        self.assertEqual(user.email, claims["ThuDienTu"])
        self.assertEqual(user.moh_national_kind, "citizen")
        self.assertEqual(user.moh_national_id_number, claims["SoDinhDanh"])
        self.assertEqual(user.moh_assurance_level, 2)
        self.assertFalse(user.moh_via_vneid)
        self.assertFalse(user.moh_national_tax_code)
        self.assertFalse(user.partner_id.parent_id)
        # The code flow ran: token by the portal's server (with the session's PKCE verifier),
        # then userinfo with the access token.
        token_call = self.idp.calls("/oauth2/token")[-1]
        self.assertEqual(token_call["status"], 200)
        self.assertTrue(token_call["params"]["code_verifier"])
        self.assertEqual(token_call["params"]["client_secret"], "s3cret-test")
        self.assertEqual(self.idp.calls("/oauth2/userinfo")[-1]["status"], 200)

        page, response = self._apply()
        self.assertIn("với tư cách cá nhân", page.text)  # "in your own name", in the user's Vietnamese
        self.assertNotIn('name="business_name"', page.text)
        found = re.search(r'data-dossier-id="(\d+)"', response.text)
        self.assertTrue(found, response.text[:500])
        dossier = self.env["moh.dossier"].browse(int(found.group(1)))
        self.assertEqual(dossier.partner_id, user.partner_id, "a citizen files in his own name")

        # Signing in again finds the same user by its TechID.
        self.opener.cookies.clear()  # another browser session
        self.assertEqual(self._signed_in("citizen"), user)

    def test_business_signs_in_linked_to_the_company_it_proves(self):
        user = self._signed_in("business")
        claims = CLAIM_SETS["business"]
        company = user.partner_id.parent_id
        self.assertTrue(company.is_company and company.moh_is_business)
        self.assertEqual(company.vat, claims["MaSoThue"])
        self.assertEqual(company.name, claims["TenDoanhNghiep"])
        self.assertEqual(user.moh_national_kind, "business")
        self.assertEqual(user.moh_national_tax_code, claims["MaSoThue"])
        _page, response = self._apply()
        found = re.search(r'data-dossier-id="(\d+)"', response.text)
        self.assertTrue(found, response.text[:500])
        self.assertEqual(self.env["moh.dossier"].browse(int(found.group(1))).partner_id, company)

    def test_vneid(self):
        user = self._signed_in("vneid")
        self.assertTrue(user.moh_via_vneid)
        self.assertEqual(user.moh_assurance_level, 2)
        self.assertEqual(user.moh_national_kind, "citizen")

    # -- what a sign-in does not prove ---------------------------------------------------------------

    def test_citizen_claiming_a_business_proves_nothing(self):
        Partner = self.env["res.partner"]
        user = self._signed_in("citizen_claiming_business")
        self.assertFalse(user.partner_id.parent_id, "a citizen's account never links a company")
        self.assertFalse(user.moh_national_tax_code)
        self.assertFalse(Partner.search([("vat", "=", "0109990001")]))
        # The form's business fields, posted anyway, make no company: the dossier is his own.
        _page, response = self._apply(business_name="Công ty TNHH Dược An Bình", vat="0109990001")
        found = re.search(r'data-dossier-id="(\d+)"', response.text)
        self.assertTrue(found, response.text[:500])
        self.assertEqual(self.env["moh.dossier"].browse(int(found.group(1))).partner_id, user.partner_id)
        self.assertFalse(Partner.search([("vat", "=", "0109990001")]))

    def test_business_cannot_file_for_a_company_of_another_tax_code(self):
        other = self._signed_in("other_business")
        company = other.partner_id.parent_id
        self.assertEqual(company.vat, CLAIM_SETS["other_business"]["MaSoThue"])
        # Linked (by an officer, or an older account) to a company of another tax code.
        foreign = self.env["res.partner"].create(
            {"name": "Công ty khác", "is_company": True, "moh_is_business": True, "vat": "0101234567"}
        )
        other.partner_id.parent_id = foreign
        before = self.env["moh.dossier"].search_count([])
        page, response = self._apply()
        for shown in (page, response):  # the page says why instead of the form; a forced POST is refused
            self.assertIn("không chứng minh bạn đại diện cho", html.unescape(shown.text))  # "does not prove..."
        self.assertNotIn(f"/public-services/{self.procedure.id}/apply", page.text)
        self.assertEqual(self.env["moh.dossier"].search_count([]), before, "no dossier in that company's name")
        with self.assertRaises(Exception) as caught:
            self.env["moh.dossier"]._moh_new_for_user(self.procedure, other)
        self.assertIn("Công ty khác", str(caught.exception))
        # Signing in again does not move the link silently.
        self.opener.cookies.clear()  # another browser session
        self._signed_in("other_business")
        self.assertEqual(other.partner_id.parent_id, foreign)

    def test_callback_not_started_by_this_browser_is_refused(self):
        self.idp.sign_in_as("business")
        link = self._auth_link()
        answer = self.opener.get(link, allow_redirects=False, timeout=30)
        callback = answer.headers["Location"]
        # The victim's browser (another session) is sent the attacker's callback.
        self.opener.cookies.clear()
        with mute_logger("odoo.addons.moh_egov.models.res_users", "odoo.addons.auth_oauth.controllers.main"):
            response = self.opener.get(callback, allow_redirects=False, timeout=60)
        self.assertIn("oauth_error", response.headers["Location"])
        self.assertFalse(self._user("business"))
        page = self.url_open(response.headers["Location"])
        self._assert_says(page, "was not started from this browser", "không được bắt đầu từ trình duyệt này")

    def test_wrong_issuer_is_refused(self):
        self.provider.moh_issuer = "https://xacthuc.dichvucong.gov.vn/oauth2/token"
        with mute_logger("odoo.addons.moh_egov.models.res_users", "odoo.addons.auth_oauth.controllers.main"):
            response = self._national_login("citizen")
        self.assertIn("oauth_error", response.headers["Location"])
        self.assertFalse(self._user("citizen"))
        page = self.url_open(response.headers["Location"])
        self._assert_says(page, "The national sign-in was refused", "Đăng nhập quốc gia bị từ chối")

    def test_identity_provider_down(self):
        self.idp.sign_in_as("citizen")
        link = self._auth_link()
        answer = self.opener.get(link, allow_redirects=False, timeout=30)
        self.idp.down = True
        try:
            with mute_logger(
                "odoo.addons.moh_egov.models.auth_oauth_provider", "odoo.addons.auth_oauth.controllers.main"
            ):
                response = self.opener.get(answer.headers["Location"], allow_redirects=False, timeout=60)
        finally:
            self.idp.down = False
        self.assertIn("oauth_error", response.headers["Location"])
        page = self.url_open(response.headers["Location"])
        self._assert_says(page, "did not answer as expected", "không phản hồi như mong đợi")
        self.assertFalse(self._user("citizen"))

    # -- levels of assurance ---------------------------------------------------------------------------

    def test_sign_in_below_the_providers_minimum_level_is_refused(self):
        self.provider.moh_min_assurance_level = "2"
        users_before = self.env["res.users"].with_context(active_test=False).search_count([])
        page = self._refused_login("citizen_level1")
        self._assert_says(page, "sign in with VNeID at level 2", "VNeID mức độ 2")
        self.assertFalse(self._user("citizen_level1"), "nothing is made for a refused sign-in")
        self.assertEqual(self.env["res.users"].with_context(active_test=False).search_count([]), users_before)
        # Level 2 passes.
        self.assertEqual(self._signed_in("citizen").moh_assurance_level, 2)

    def test_known_account_below_the_minimum_level_changes_nothing(self):
        user = self._signed_in("citizen")
        self.provider.moh_min_assurance_level = "2"
        self._claims("citizen", loAs="LoA1", HoVaTen="Nguyễn Văn Đổi Tên")
        self.opener.cookies.clear()  # another browser session
        page = self._refused_login("citizen")
        self._assert_says(page, "The national sign-in was refused", "Đăng nhập quốc gia bị từ chối")
        user.invalidate_recordset()
        self.assertEqual(user.moh_assurance_level, 2)
        self.assertEqual(user.name, CLAIM_SETS["citizen"]["HoVaTen"])
        self.assertNotEqual(self.url_open("/my", allow_redirects=False).status_code, 200, "not signed in")

    def test_business_below_the_business_level_is_not_proven(self):
        self.provider.moh_business_assurance_level = "2"
        user = self._signed_in("business_level1")
        self.assertEqual(user.moh_national_kind, "business")
        self.assertEqual(user.moh_assurance_level, 1)
        self.assertFalse(user.moh_national_tax_code, "the tax code is no proof at level 1")
        self.assertFalse(user.partner_id.parent_id)
        self.assertFalse(self.env["res.partner"].search([("vat", "=", CLAIM_SETS["business_level1"]["MaSoThue"])]))
        # The business fields posted anyway make no company: the dossier is in the person's name.
        _page, response = self._apply(business_name="Công ty Giả", vat=CLAIM_SETS["business_level1"]["MaSoThue"])
        found = re.search(r'data-dossier-id="(\d+)"', response.text)
        self.assertTrue(found, response.text[:500])
        self.assertEqual(self.env["moh.dossier"].browse(int(found.group(1))).partner_id, user.partner_id)

    def test_business_signing_in_again_at_a_lower_level_cannot_file_for_the_company(self):
        user = self._signed_in("business")
        company = user.partner_id.parent_id
        self.assertEqual(company.vat, CLAIM_SETS["business"]["MaSoThue"])
        self.provider.moh_business_assurance_level = "2"
        self._claims("business", loAs="LoA1")
        self.opener.cookies.clear()  # another browser session
        self.assertEqual(self._signed_in("business"), user)
        self.assertFalse(user.moh_national_tax_code, "the level-1 sign-in proves no business")
        self.assertEqual(user.partner_id.parent_id, company, "the link is not moved")
        before = self.env["moh.dossier"].search_count([])
        # the procedure's page says why instead of offering the form (not "in your own name")
        page = self.url_open(f"/public-services/{self.procedure.id}")
        self._assert_says(page, "requires level 2", "yêu cầu mức độ 2")
        self.assertNotIn(f"/public-services/{self.procedure.id}/apply", page.text)
        self.assertNotIn("own name", page.text)
        self.assertNotIn("tư cách cá nhân", html.unescape(page.text))
        response = self.url_open(
            f"/public-services/{self.procedure.id}/apply",
            data={"csrf_token": self._csrf(self.url_open("/my/account"))},
        )
        self._assert_says(response, "requires level 2", "yêu cầu mức độ 2")
        self.assertEqual(self.env["moh.dossier"].search_count([]), before, "no dossier in the company's name")
        with self.assertRaises(Exception) as caught:
            self.env["moh.dossier"]._moh_new_for_user(self.procedure, user)
        self.assertTrue(any(text in str(caught.exception) for text in ("requires level 2", "yêu cầu mức độ 2")))

    def test_procedure_requiring_level_2_refuses_a_level_1_sign_in(self):
        self.procedure.min_assurance_level = "2"
        self._signed_in("citizen_level1")
        page = self.url_open(f"/public-services/{self.procedure.id}")
        self.assertIn("o_moh_assurance", page.text, "the page states the level required")
        self.assertNotIn(f'action="/public-services/{self.procedure.id}/apply"', page.text)
        before = self.env["moh.dossier"].search_count([])
        # Posted anyway (with a token of this session's): refused on the server.
        response = self.url_open(
            f"/public-services/{self.procedure.id}/apply",
            data={"csrf_token": self._csrf(self.url_open("/my/security"))},
        )
        self._assert_says(response, "at assurance level 2", "mức độ đảm bảo định danh 2")
        self.assertEqual(self.env["moh.dossier"].search_count([]), before, "no draft")
        # Level 2 (another browser) applies.
        self.opener.cookies.clear()
        self._signed_in("citizen")
        _page, response = self._apply()
        self.assertTrue(re.search(r'data-dossier-id="(\d+)"', response.text), response.text[:500])

    def test_password_sign_in_has_no_assurance_level(self):
        """A national account that logs in with a password (set by a reset) is level 0 in that
        session, whatever its last national sign-in proved."""
        user = self._signed_in("citizen")
        user.sudo().password = "citizen-pass-2026"
        self.procedure.min_assurance_level = "1"
        self.opener.cookies.clear()
        self.authenticate(user.login, "citizen-pass-2026")
        before = self.env["moh.dossier"].search_count([])
        page = self.url_open(f"/public-services/{self.procedure.id}")
        self._assert_says(page, "your current sign-in: level 0", "đăng nhập hiện tại: mức độ 0")
        self.assertNotIn(f'action="/public-services/{self.procedure.id}/apply"', page.text)
        response = self.url_open(
            f"/public-services/{self.procedure.id}/apply",
            data={"csrf_token": self._csrf(self.url_open("/my/security"))},
        )
        self._assert_says(response, "your current sign-in: level 0", "đăng nhập hiện tại: mức độ 0")
        self.assertEqual(self.env["moh.dossier"].search_count([]), before)

    def test_fresh_portal_sign_up_cannot_file_a_procedure_requiring_vneid(self):
        self.procedure.min_assurance_level = "1"
        page = self.url_open("/web/signup")
        self.assertEqual(page.status_code, 200)
        response = self.url_open(
            "/web/signup",
            data={
                "csrf_token": self._csrf(page),
                "login": "loa-signup@example.vn",
                "name": "Người Đăng Ký",
                "password": "loa-signup-pass-2026",
                "confirm_password": "loa-signup-pass-2026",
            },
        )
        self.assertEqual(response.status_code, 200)
        signup = self.env["res.users"].search([("login", "=", "loa-signup@example.vn")])
        self.assertTrue(signup._is_portal())
        self.assertEqual(self.url_open("/my", allow_redirects=False).status_code, 200, "signed in")
        page = self.url_open(f"/public-services/{self.procedure.id}")
        self.assertIn("o_moh_assurance", page.text)
        self.assertNotIn('name="business_name"', page.text, "no form: the level is too low")
        response = self.url_open(
            f"/public-services/{self.procedure.id}/apply",
            data={"csrf_token": self._csrf(self.url_open("/my/security")), "business_name": "Công ty Đăng Ký"},
        )
        self._assert_says(response, "your current sign-in: level 0", "đăng nhập hiện tại: mức độ 0")
        self.assertFalse(self.env["moh.dossier"].search([("applicant_user_id", "=", signup.id)]))
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Công ty Đăng Ký")]), "nothing made")
        # The level does not matter where it is not required.
        self.procedure.min_assurance_level = "0"
        _page, response = self._apply(business_name="Công ty Đăng Ký")
        self.assertTrue(re.search(r'data-dossier-id="(\d+)"', response.text), response.text[:500])

    def test_attacker_cannot_submit_below_the_procedures_level(self):
        user = self._signed_in("citizen_level1")
        self._moh_rpc_login = user.login  # the RPC calls below run in this browser's session
        dossier = self._complete_draft(user)  # a draft made before the procedure required level 2
        self.procedure.min_assurance_level = "2"
        attempts = [
            ("res.users", "write", [[user.id], {"moh_assurance_level": 2}]),
            ("moh.procedure", "write", [[self.procedure.id], {"min_assurance_level": "0"}]),
            ("auth.oauth.provider", "write", [[self.provider.id], {"moh_min_assurance_level": "0"}]),
            ("res.users", "_moh_check_assurance", [[user.id], self.procedure.id]),
            ("moh.dossier", "write", [[dossier.id], {"state": "submitted"}]),
            ("moh.dossier", "action_submit", [[dossier.id]]),
        ]
        for model, method, args in attempts:
            with self.subTest(model=model, method=method, args=args):
                _result, error = self._rpc(user, model, method, args)
                self.assertTrue(error, f"{model}.{method}{args!r} was accepted")
        _result, error = self._rpc(user, "moh.dossier", "action_submit", [[dossier.id]])
        self.assertEqual(error, "odoo.exceptions.UserError", "refused for the level, not for the rights")
        user.invalidate_recordset()
        dossier.invalidate_recordset()
        self.assertEqual(user.moh_assurance_level, 1)
        self.assertEqual(self.procedure.min_assurance_level, "2")
        self.assertEqual(dossier.state, "draft")
        # The portal's submit button is refused the same way.
        page = self.url_open(f"/my/dossiers/{dossier.id}")
        response = self.url_open(
            f"/my/dossiers/{dossier.id}/save", data={"csrf_token": self._csrf(page), "submit": "1"}
        )
        self._assert_says(response, "at assurance level 2", "mức độ đảm bảo định danh 2")
        dossier.invalidate_recordset()
        self.assertEqual(dossier.state, "draft")
        # At level 1, as the procedure then requires, the same call files it.
        self.procedure.min_assurance_level = "1"
        _result, error = self._rpc(user, "moh.dossier", "action_submit", [[dossier.id]])
        self.assertFalse(error)
        dossier.invalidate_recordset()
        self.assertEqual(dossier.state, "submitted")

    def test_counter_intake_ignores_the_level(self):
        self.procedure.min_assurance_level = "2"
        onestop = self.env.ref("moh_egov.user_motcua")
        partner = self.env["res.partner"].create({"name": "Công ty Quầy", "is_company": True, "moh_is_business": True})
        files = [(r, "phieu.pdf", make_pdf("Phiếu")) for r in self.procedure.requirement_ids.filtered("required")]
        dossier = (
            self.env["moh.dossier"]
            .with_user(onestop)
            ._moh_open_on_paper(self.procedure, partner, "counter", files=files)
        )
        self.assertEqual(dossier.state, "submitted")

    # -- single logout --------------------------------------------------------------------------------

    def test_logout_ends_the_national_session(self):
        self._signed_in("business")
        response = self.url_open("/web/session/logout?redirect=/", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        location = response.headers["Location"]
        self.assertTrue(location.startswith(self.idp.endpoint("logout") + "?"), location)
        query = parse_qs(urlsplit(location).query)
        self.assertEqual(query["post_logout_redirect_uri"], [self.base_url() + "/"])
        answer = self.opener.get(location, allow_redirects=False, timeout=30)
        self.assertEqual(answer.status_code, 302, answer.text)
        self.assertEqual(answer.headers["Location"], self.base_url() + "/")
        self.assertEqual(self.idp.logouts[-1]["sub"], CLAIM_SETS["business"]["sub"])
        # Logged out of the portal too.
        self.assertIn(self.url_open("/my", allow_redirects=False).status_code, (302, 303))

    def test_password_logout_is_unchanged(self):
        self.authenticate("admin", "admin")
        response = self.url_open("/web/session/logout?redirect=/web/login", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/web/login"))

    # -- attacker -------------------------------------------------------------------------------------

    def test_attacker_cannot_give_himself_an_identity_or_a_company(self):
        user = self._signed_in("citizen")
        self._moh_rpc_login = user.login  # the RPC calls below run in this browser's session
        company = self.env["res.partner"].create(
            {"name": "Công ty Nạn nhân", "is_company": True, "moh_is_business": True, "vat": "0109990009"}
        )
        attempts = [
            ("res.users", "write", [[user.id], {"moh_national_tax_code": "0109990009"}]),
            ("res.users", "write", [[user.id], {"moh_national_kind": "business"}]),
            ("res.users", "write", [[user.id], {"oauth_uid": CLAIM_SETS["business"]["TechID"]}]),
            ("res.users", "write", [[user.id], {"moh_assurance_level": 4, "moh_via_vneid": True}]),
            ("res.partner", "write", [[user.partner_id.id], {"parent_id": company.id}]),
            ("res.partner", "write", [[company.id], {"vat": "0109990001"}]),
            ("res.partner", "create", [{"name": "Công ty Giả", "is_company": True, "vat": "0109990009"}]),
            ("res.users", "_moh_apply_national_identity", [[user.id], {}]),
            ("auth.oauth.provider", "write", [[self.provider.id], {"moh_issuer": False}]),
        ]
        for model, method, args in attempts:
            with self.subTest(model=model, method=method, args=args):
                _result, error = self._rpc(user, model, method, args)
                self.assertTrue(error, f"{model}.{method}{args!r} was accepted")
        user.invalidate_recordset()
        self.assertFalse(user.moh_national_tax_code)
        self.assertEqual(user.moh_national_kind, "citizen")
        self.assertFalse(user.partner_id.parent_id)
        self.assertEqual(company.vat, "0109990009")
        self.assertEqual(self.provider.moh_issuer, self.idp.issuer)
        # And the dossier he files is his own, not the company's.
        with self.assertRaises(Exception):
            user.partner_id.parent_id = company
            self.env["moh.dossier"]._moh_new_for_user(self.procedure, user)
