"""Carry the Vietnamese translations of the previous vi.po files over into freshly exported ones.

Usage: python scripts/i18n_merge.py KEEP_DIR MODULE...   (KEEP_DIR holds <module>.po copies)

Odoo's export leaves the strings of Python code untranslated, so without this step every
export would lose them. The header keeps the language and plural forms of Vietnamese.
"""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def merge(old_path: Path, new_path: Path) -> tuple[int, int]:
    old = polib.pofile(str(old_path)) if old_path.exists() else []
    known = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in old if entry.msgstr and not entry.obsolete}
    by_id = {entry.msgid: entry.msgstr for entry in old if entry.msgstr and not entry.obsolete}
    new = polib.pofile(str(new_path))
    carried = 0
    for entry in new:
        if entry.msgstr:
            continue
        value = known.get((entry.msgctxt, entry.msgid)) or by_id.get(entry.msgid)
        if value:
            entry.msgstr = value
            carried += 1
    new.metadata["Language"] = "vi"
    new.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    new.save(str(new_path))
    return carried, sum(1 for entry in new if not entry.msgstr and not entry.obsolete)


def main(argv: list[str]) -> int:
    keep = Path(argv[0])
    for module in argv[1:]:
        carried, missing = merge(keep / f"{module}.po", ROOT / "addons" / module / "i18n" / "vi.po")
        print(f"{module}: {carried} translations carried over, {missing} still to translate")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
