import polib
from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader


def untranslated_terms(env, module):
    """Strings the module shows (as Odoo itself extracts them) that its vi.po does not translate."""
    po = polib.pofile(file_path(f"{module}/i18n/vi.po"))
    translated = {entry.msgid for entry in po if entry.msgstr and not entry.obsolete}
    sources = {
        source
        for _module, _type, _name, _res, source, _value, _comments in TranslationModuleReader(env.cr, modules=[module])
        if source
    }
    return sorted(sources - translated)


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_every_string_is_translated_to_vietnamese(self):
        missing = untranslated_terms(self.env, "moh_documents")
        self.assertFalse(missing, f"run scripts/i18n.sh and translate: {missing}")
