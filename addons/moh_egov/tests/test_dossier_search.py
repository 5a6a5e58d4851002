"""The dossiers' search box ignores diacritics and case (the database's unaccent, which
moh_documents installs): the applicant's name and the dossier code, typed as people type them."""

from odoo.tests import TransactionCase, new_test_user, tagged

from moh_core.search import fold


@tagged("post_install", "-at_install")
class TestDossierSearch(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.onestop = new_test_user(cls.env, login="t_onestop_search", groups="moh_egov.group_onestop")

    def test_applicant_and_code_without_diacritics_or_case(self):
        Dossier = self.env["moh.dossier"].with_user(self.onestop)
        dossier = Dossier.search([("code", "!=", False)], limit=1)
        if not dossier:
            self.skipTest("no demo dossier with a code")
        name = dossier.partner_id.name
        self.assertIn(dossier, Dossier.search([("partner_id", "ilike", fold(name).upper())]))
        self.assertIn(dossier, Dossier.search([("code", "ilike", dossier.code.lower())]))
        self.assertIn(
            dossier.partner_id.id, [i for i, _n in Dossier.partner_id.with_user(self.onestop).name_search(fold(name))]
        )
