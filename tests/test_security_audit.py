"""The security audit (docs/security.md) covers every route and every sudo() of the addons, and
nothing that no longer exists. (Public methods and the per-role model table are checked on real
Odoo by moh_egov/tests/test_security_audit.py.)"""

import security_audit as audit


def _section(title):
    text = audit.AUDIT.read_text(encoding="utf-8")
    found = audit.sections(text)
    assert title in found, f"docs/security.md has no section '## {title}'"
    return found[title]


def test_every_route_has_an_entry_with_its_auth():
    body = _section("Routes")
    declared = audit.routes()
    listed = {}
    for row in audit.table_rows(body):
        url = audit.CODE.search(row[0]).group(1)
        listed[url] = audit.CODE.search(row[1]).group(1) if len(row) > 1 and audit.CODE.search(row[1]) else row[1]
    missing = sorted(set(declared) - set(listed))
    stale = sorted(set(listed) - set(declared))
    assert not missing, f"routes without an entry in docs/security.md: {missing}"
    assert not stale, f"entries for routes that no longer exist: {stale}"
    wrong = {url: (listed[url], auth) for url, auth in declared.items() if listed[url] != auth}
    assert not wrong, f"routes whose auth differs from the audit (audit, code): {wrong}"
    assert not audit.incomplete_rows(body, 4), "every route says what it serves and what it checks"


def test_every_sudo_has_an_entry():
    body = _section("sudo()")
    listed = audit.keys(body)
    present = audit.sudo_sites()
    missing = sorted(present - listed)
    stale = sorted(listed - present)
    assert not missing, f"functions calling sudo() without an entry in docs/security.md: {missing}"
    assert not stale, f"entries for functions that no longer call sudo(): {stale}"
    assert not audit.incomplete_rows(body, 2), "every sudo() says which check precedes it"


def test_the_inventory_finds_what_it_should(tmp_path):
    """The inventory itself: a known route and a known sudo() are found."""
    assert audit.routes()["/dossier-lookup"] == "public"
    assert any(site.startswith("moh_egov/controllers/portal.py:") for site in audit.sudo_sites())
