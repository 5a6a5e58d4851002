"""The layout rules of the code base, checked on the source files (no import needed).

- Test support (``moh_core.testing``) is never imported by shipped code: the addons, the rest of
  ``moh_core`` and the scripts that run the product.
- No module of ``moh_core`` is over 600 lines.
- No module imports a private (``_name``) name from another ``moh_core`` module: a helper shared
  across modules is a public name of an internal module.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "moh_core" / "src" / "moh_core"


def _shipped_python_files() -> list[Path]:
    files = [p for p in (ROOT / "addons").rglob("*.py") if "tests" not in p.relative_to(ROOT).parts]
    files += [p for p in CORE.rglob("*.py") if "testing" not in p.relative_to(CORE).parts]
    return files


def _imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


def test_shipped_code_never_imports_test_support():
    offenders = {
        str(path.relative_to(ROOT)): sorted(m for m in _imported_modules(path) if m.startswith("moh_core.testing"))
        for path in _shipped_python_files()
    }
    offenders = {path: modules for path, modules in offenders.items() if modules}
    assert not offenders, f"shipped code imports moh_core.testing: {offenders}"


def test_the_check_sees_an_import_of_test_support(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from moh_core.testing import sign_pdf\n    return sign_pdf\n")
    assert "moh_core.testing" in _imported_modules(sample)


# -- moh_core: module sizes and private names ------------------------------------------------

#: No module of moh_core is longer than this: a module that grows past it is split by concern.
MAX_LINES = 600


def _module_file(module: str, core: Path = CORE) -> Path | None:
    """The source file of a ``moh_core`` module (a package's ``__init__``), if there is one."""
    parts = module.split(".")
    if parts[0] != "moh_core":
        return None
    base = core.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _private_imports(path: Path, core: Path = CORE) -> list[str]:
    """``from moh_core.x import _name`` (relative imports too) and ``module._name`` on a moh_core
    module imported by name, in ``path``; ``__dunder__`` names are not private."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(("moh_core", *path.relative_to(core).parent.parts))
    found: list[str] = []
    modules: set[str] = set()  # local names bound to moh_core modules

    def private(name: str) -> bool:
        return name.startswith("_") and not name.endswith("__")

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*anchor, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            if not module.startswith("moh_core"):
                continue
            for alias in node.names:
                if private(alias.name):
                    found.append(f"line {node.lineno}: from {module} import {alias.name}")
                elif _module_file(f"{module}.{alias.name}", core) is not None:
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("moh_core") and alias.asname:
                    modules.add(alias.asname)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and private(node.attr)
        ):
            found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
    return found


def test_moh_core_modules_stay_small():
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(CORE.rglob("*.py"))
    }
    too_long = {path: lines for path, lines in sizes.items() if lines > MAX_LINES}
    assert not too_long, f"modules over {MAX_LINES} lines: {too_long}"


def test_no_private_name_is_imported_across_moh_core_modules():
    offenders = {}
    for path in sorted(CORE.rglob("*.py")):
        if found := _private_imports(path):
            offenders[str(path.relative_to(ROOT))] = found
    assert not offenders, f"private names imported from another module: {offenders}"


def test_the_check_sees_a_private_import(tmp_path):
    package = tmp_path / "moh_core" / "pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "other.py").write_text("_helper = 1\n")
    sample = package / "sample.py"
    sample.write_text(
        "from moh_core.pkg.other import _helper\n"
        "from .other import _helper as again\n"
        "from moh_core.pkg import other\n"
        "from moh_core.pkg.other import __doc__\n"
        "value = other._helper\n"
    )
    found = _private_imports(sample, tmp_path / "moh_core")
    assert found == [
        "line 1: from moh_core.pkg.other import _helper",
        "line 2: from moh_core.pkg.other import _helper",
        "line 5: other._helper",
    ], found
