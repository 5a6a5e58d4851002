"""The one-stop officer lands on the dossier queue; the portal shows the ministry's name and
emblem instead of Odoo's placeholder logo."""

from odoo.addons.moh_documents.tests.common import BrowserCase
from odoo.addons.moh_documents.tests.test_dashboard import LANDING_JS
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestOneStopLanding(BrowserCase):
    def test_one_stop_officer_lands_on_the_dossier_queue(self):
        officer = self.env.ref("moh_egov.user_motcua")
        queue = self.env.ref("moh_egov.action_moh_dossier")
        self.assertEqual(officer._moh_landing_action(), queue)
        # A one-stop officer who is also a specialist still lands on the queue.
        officer.group_ids |= self.env.ref("moh_documents.group_specialist")
        self.assertEqual(officer._moh_landing_action(), queue)
        # A ministry leader's landing comes first.
        officer.group_ids |= self.env.ref("moh_documents.group_ministry_leader")
        self.assertEqual(officer._moh_landing_action(), self.env.ref("moh_documents.action_moh_leadership_dashboard"))

    def test_first_screen_in_the_browser(self):
        officer = self.env.ref("moh_egov.user_motcua")
        code = LANDING_JS.replace("EXPECTED", str(self.env.ref("moh_egov.action_moh_dossier").id))
        self.browser_js("/odoo", code, login=officer.login, timeout=60)


@tagged("post_install", "-at_install")
class TestMinistryIdentity(HttpCase):
    def test_portal_header_shows_the_ministry(self):
        company = self.env.ref("base.main_company")
        self.assertEqual(company.name, "Bộ Y tế")
        self.assertFalse(company.uses_default_logo, "the ministry's emblem, not Odoo's placeholder")
        portal = self.env["res.users"].search([("share", "=", True), ("login", "=", "dn.hoasen")], limit=1)
        self.authenticate(portal.login, portal.login)
        page = self.url_open("/my")
        self.assertEqual(page.status_code, 200)
        self.assertIn(f"/logo.png?company={company.id}", page.text)
        self.assertIn('alt="Logo of Bộ Y tế"', page.text)
        logo = self.url_open(f"/logo.png?company={company.id}")
        self.assertEqual(logo.status_code, 200)
        self.assertEqual(logo.headers.get("Content-Type"), "image/png")

    def test_identity_kept_when_the_agency_set_its_own(self):
        company = self.env.ref("base.main_company")
        company.name = "Sở Y tế Hà Nội"
        before = company.logo
        self.env["res.company"]._moh_set_ministry_identity()
        self.assertEqual(company.name, "Sở Y tế Hà Nội")
        self.assertEqual(company.logo, before)
        company.name = "My Company"
        self.env["res.company"]._moh_set_ministry_identity()
        self.assertEqual(company.name, "Bộ Y tế")
