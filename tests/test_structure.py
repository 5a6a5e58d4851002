"""The layout rules of the code base, checked on the source files (no import needed).

- Test support (``moh_core.testing``) is never imported by shipped code: the addons, the rest of
  ``moh_core`` and the scripts that run the product.
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
