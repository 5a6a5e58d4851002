"""Who sees which dossier: a business its own company's, a department those handed to it,
the one-stop shop and the leaders all filed ones; nobody reads another business's drafts."""

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import EgovCase


@tagged("post_install", "-at_install")
class TestDossierAccess(EgovCase):
    def test_a_business_sees_its_own_companys_dossiers_only(self):
        mine = self._submitted(self.portal_a)
        colleague = self._draft(self.portal_a2)
        other = self._submitted(self.portal_b)
        Dossier = self.env["moh.dossier"]
        self.assertEqual(Dossier.with_user(self.portal_a).search([]), mine | colleague)
        self.assertEqual(Dossier.with_user(self.portal_a2).search([]), mine | colleague)
        self.assertEqual(Dossier.with_user(self.portal_b).search([]), other)
        with self.assertRaises(AccessError):
            other.with_user(self.portal_a).read(["code"])
        with self.assertRaises(AccessError):
            other.document_ids.with_user(self.portal_a).read(["name"])
        with self.assertRaises(AccessError):
            mine.with_user(self.portal_a).write({"state": "done"})

    def test_officers_by_role(self):
        draft = self._draft()
        dossier = self._submitted()
        Dossier = self.env["moh.dossier"]
        self.assertIn(dossier, Dossier.with_user(self.onestop).search([]))
        self.assertNotIn(draft, Dossier.with_user(self.onestop).search([]), "drafts stay the business's own")
        self.assertIn(dossier, Dossier.with_user(self.leader).search([]))
        self.assertIn(dossier, Dossier.with_user(self.head).search([]), "the procedure's department")
        for user in (self.specialist_legal, self.head_legal):
            with self.subTest(user=user.login):
                self.assertNotIn(dossier, Dossier.with_user(user).search([]))
                with self.assertRaises(AccessError):
                    dossier.with_user(user).read(["code"])
                with self.assertRaises(AccessError):
                    dossier.document_ids.with_user(user).read(["name"])
        for user in (self.plain_user, self.clerk):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                Dossier.with_user(user).search([])

    def test_public_lookup_needs_code_and_secret_and_shows_status_only(self):
        dossier = self._submitted()
        Dossier = self.env["moh.dossier"]
        secret = dossier.sudo().lookup_secret
        self.assertFalse(Dossier._moh_lookup(dossier.code, "WRONG000"))
        self.assertFalse(Dossier._moh_lookup(dossier.code, ""))
        self.assertFalse(Dossier._moh_lookup("", secret))
        found = Dossier._moh_lookup(dossier.code, secret.lower())
        self.assertEqual(found, dossier)
        status = found._moh_public_status()
        self.assertEqual(set(status), {"code", "procedure", "state", "submitted", "deadline", "done"})
        self.assertNotIn(self.business_a.name, str(status))
        with self.assertRaises(AccessError):
            dossier.with_user(self.portal_b).read(["lookup_secret"])
