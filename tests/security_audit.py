"""Reading the security audit (docs/security.md) and taking stock of the code it must cover.

The audit lists, in Markdown tables, every public method of the addons' models, every controller
route, and every function that calls ``sudo()``, each with who may reach it and what it checks
first. This module parses those tables and finds, by reading the addons' source (``ast``, no Odoo
import), the routes and the ``sudo()`` sites that exist; the tests compare the two, both ways, so
that a new route or ``sudo()`` without an entry, or an entry left behind by removed code, fails.
The Odoo test (moh_egov/tests/test_security_audit.py) does the same for public methods and the
generated per-role model table, which need the registry.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AUDIT = ROOT / "docs" / "security.md"
ADDONS = ROOT / "addons"
ADDON_NAMES = ("moh_documents", "moh_egov")

CODE = re.compile(r"`([^`]+)`")
GENERATED = re.compile(r"<!-- BEGIN GENERATED: (\w+) -->\n(.*?)<!-- END GENERATED: \1 -->", re.S)


def sections(text):
    """``{heading: body}`` for each ``## heading`` of the audit."""
    parts = re.split(r"^## +(.+)$", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def table_rows(body):
    """The cells of every table row in ``body`` (header and separator rows left out)."""
    rows = []
    for line in body.splitlines():
        line = line.strip()
        if not line.startswith("|") or set(line) <= set("|-: "):
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows.append(cells)
    # The first row of each table is its header.
    return [row for row in rows if not row[0].startswith("**") and row[0] not in HEADERS]


HEADERS = {"Model", "Route", "Where", "Role", "Group"}


def keys(body, columns=1):
    """The backquoted names in the first ``columns`` cells of each row, as tuples."""
    found = set()
    for row in table_rows(body):
        names = []
        for cell in row[:columns]:
            match = CODE.search(cell)
            names.append(match.group(1) if match else cell)
        found.add(tuple(names) if columns > 1 else names[0])
    return found


def incomplete_rows(body, width):
    """Rows whose explanation cells are empty or say TODO."""
    return [
        row for row in table_rows(body) if len(row) < width or any(not cell or "TODO" in cell for cell in row[:width])
    ]


def generated(text, name):
    match = next((m for m in GENERATED.finditer(text) if m.group(1) == name), None)
    return match.group(2) if match else None


def replace_generated(text, name, body):
    return GENERATED.sub(
        lambda m: (
            f"<!-- BEGIN GENERATED: {name} -->\n{body}<!-- END GENERATED: {name} -->"
            if m.group(1) == name
            else m.group(0)
        ),
        text,
    )


def _source_files(subdirectory=None):
    for addon in ADDON_NAMES:
        base = ADDONS / addon
        for path in sorted(base.rglob("*.py")):
            relative = path.relative_to(ADDONS)
            if "tests" in relative.parts:
                continue
            if subdirectory and subdirectory not in relative.parts:
                continue
            yield relative, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _functions(tree):
    """``(qualified name, node)`` of every function, methods as ``Class.method``."""
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    yield f"{node.name}.{item.name}", item
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node.name, node


def sudo_sites():
    """``{"addon/path.py:Class.function"}`` for every function of the addons that calls sudo()."""
    sites = set()
    for relative, tree in _source_files():
        for name, function in _functions(tree):
            if any(
                isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "sudo"
                for node in ast.walk(function)
            ):
                sites.add(f"{relative.as_posix()}:{name}")
    return sites


def routes():
    """``{url: auth}`` for every route the addons' controllers declare."""
    found = {}
    for _relative, tree in _source_files("controllers"):
        for _name, function in _functions(tree):
            for decorator in function.decorator_list:
                if not (isinstance(decorator, ast.Call) and getattr(decorator.func, "attr", None) == "route"):
                    continue
                urls = decorator.args[0] if decorator.args else None
                urls = [urls] if isinstance(urls, ast.Constant) else list(getattr(urls, "elts", []))
                auth = next((kw.value.value for kw in decorator.keywords if kw.arg == "auth"), "user")
                for url in urls:
                    found[url.value] = auth
    return found
