from odoo.addons.moh_documents.tests.test_translations import untranslated_terms
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_every_string_is_translated_to_vietnamese(self):
        missing = untranslated_terms(self.env, "moh_egov")
        self.assertFalse(missing, f"run scripts/i18n.sh and translate: {missing}")
