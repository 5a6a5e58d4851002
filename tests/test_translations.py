"""Every string the addons show has a Vietnamese translation, with its placeholders intact."""

import re
from pathlib import Path

import polib
import pytest

ADDONS = Path(__file__).resolve().parent.parent / "addons"
MODULES = sorted(p.parent.name for p in ADDONS.glob("*/__manifest__.py"))
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}")


@pytest.mark.parametrize("module", MODULES)
def test_vietnamese_translation_is_complete(module):
    po = polib.pofile(str(ADDONS / module / "i18n" / "vi.po"))
    untranslated = [e.msgid for e in po if not e.msgstr and not e.obsolete]
    assert not untranslated, f"{module}: untranslated strings: {untranslated}"
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    assert not fuzzy, f"{module}: fuzzy translations: {fuzzy}"


@pytest.mark.parametrize("module", MODULES)
def test_placeholders_are_kept(module):
    po = polib.pofile(str(ADDONS / module / "i18n" / "vi.po"))
    for entry in po:
        if entry.msgstr:
            assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(PLACEHOLDER.findall(entry.msgstr)), entry.msgid


@pytest.mark.parametrize("module", MODULES)
def test_translation_follows_the_template(module):
    """vi.po holds exactly the template's strings (scripts/i18n.sh refreshes both)."""
    pot = polib.pofile(str(ADDONS / module / "i18n" / f"{module}.pot"))
    po = polib.pofile(str(ADDONS / module / "i18n" / "vi.po"))
    assert {e.msgid for e in pot if e.msgid} == {e.msgid for e in po if e.msgid and not e.obsolete}
