"""Nothing of the project calls Odoo's legacy RPC endpoints, /xmlrpc and /jsonrpc: Odoo 19
deprecates them (removed in Odoo 20). Scripts, end-to-end tests, benchmarks and the
documentation's examples use /json/2 with an API key as the bearer token (tests/e2e/odoo_server.py).

The web client's own JSON-RPC routes (``/web/dataset/call_kw``, ``/web/session/authenticate``) and
routes of ``type="jsonrpc"`` are not these endpoints and stay.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("addons", "scripts", "tests", "docs", "README.md", "Dockerfile", "docker-compose.yml", "config", ".ci")
SKIPPED_SUFFIXES = {
    ".po",
    ".pot",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".ico",
    ".pdf",
    ".p12",
    ".der",
    ".woff",
    ".woff2",
    ".ttf",
    ".xsd",
    ".pyc",
}
LEGACY = re.compile(r"/xmlrpc\b|/jsonrpc\b|\bxmlrpc\b|\bxmlrpc_(?:common|object|db)\b|\bServerProxy\b")
# Uses that stay, with why; the number of lines is fixed so that a new use fails as well.
ALLOWED = {
    # An attacker's probe, not a use: a partner system's key and password are refused by the
    # legacy endpoint too, as long as Odoo (its auto-installed ``rpc`` module) serves it.
    "addons/moh_egov/tests/test_security_egov.py": 4,
}
THIS = Path(__file__).resolve()


def legacy_uses():
    found = {}
    for entry in SCANNED:
        base = ROOT / entry
        files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        for path in files:
            if path.resolve() == THIS or path.suffix in SKIPPED_SUFFIXES or "__pycache__" in path.parts:
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            lines = [f"{n}: {line.strip()}" for n, line in enumerate(text.splitlines(), 1) if LEGACY.search(line)]
            if lines:
                found[path.relative_to(ROOT).as_posix()] = lines
    return found


def test_nothing_uses_xmlrpc_or_jsonrpc():
    found = legacy_uses()
    unexpected = {path: lines for path, lines in found.items() if path not in ALLOWED}
    assert not unexpected, f"/xmlrpc or /jsonrpc used (use /json/2 with an API key): {unexpected}"
    for path, count in ALLOWED.items():
        assert len(found.get(path, [])) == count, (path, found.get(path))


def test_the_check_sees_a_use():
    for line in (
        'ServerProxy(f"{url}/xmlrpc/2/object")',
        'requests.post(f"{url}/jsonrpc", json=payload)',
        "import xmlrpc.client",
        "self.xmlrpc_object.execute_kw(db, uid, key, 'res.partner', 'read', [])",
    ):
        assert LEGACY.search(line), line
    for line in (
        '@http.route("/my/x", type="jsonrpc", auth="user")',
        'self.make_jsonrpc_request("/web/dataset/call_kw")',
        '{"jsonrpc": "2.0", "method": "call"}',
        'requests.post(f"{url}/json/2/res.partner/read")',
        "keys valid for RPC (/json/2, XML-RPC)",
    ):
        assert not LEGACY.search(line), line
