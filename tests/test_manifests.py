"""The addons' manifests are complete and consistent with the repository (no Odoo needed)."""

import ast
import csv
import re
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ROOT / "addons"
MODULES = sorted(p.parent.name for p in ADDONS.glob("*/__manifest__.py"))
MANIFEST_KEYS_ORDER = [
    "name",
    "summary",
    "version",
    "category",
    "website",
    "author",
    "license",
    "depends",
    "external_dependencies",
    "data",
    "demo",
    "assets",
    "installable",
    "application",
    "pre_init_hook",
]


def manifest(module):
    return ast.literal_eval((ADDONS / module / "__manifest__.py").read_text())


def requirement_names():
    names = set()
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        if line.startswith("-e"):
            names.add(Path(line.split()[-1]).name.replace("_", "-"))
            continue
        names.add(re.split(r"[\[=<>!~; ]", line, maxsplit=1)[0].lower())
    return names


def test_both_addons_exist():
    assert MODULES == ["moh_documents", "moh_egov"]
    assert "moh_documents" in manifest("moh_egov")["depends"]


@pytest.mark.parametrize("module", MODULES)
def test_manifest_keys_and_version(module):
    data = manifest(module)
    assert re.fullmatch(r"19\.0\.\d+\.\d+\.\d+", data["version"])
    assert data["license"] in {"LGPL-3", "AGPL-3"}
    keys = [k for k in MANIFEST_KEYS_ORDER if k in data]
    assert list(data) == keys, "manifest keys out of the conventional order"


@pytest.mark.parametrize("module", MODULES)
def test_python_dependencies_are_in_requirements(module):
    declared = {name.lower() for name in manifest(module).get("external_dependencies", {}).get("python", [])}
    assert "moh-core" in declared
    assert declared <= requirement_names()


@pytest.mark.parametrize("module", MODULES)
def test_data_files_exist_and_parse(module):
    data = manifest(module)
    for relative in data.get("data", []) + data.get("demo", []):
        path = ADDONS / module / relative
        assert path.is_file(), relative
        if path.suffix == ".xml":
            etree.parse(str(path))
        elif path.suffix == ".csv":
            rows = list(csv.DictReader(path.open()))
            assert rows and set(rows[0]) >= {"id", "model_id:id", "perm_read"}


@pytest.mark.parametrize("module", MODULES)
def test_every_python_file_is_imported(module):
    """A models/ or tests/ file that no __init__ imports would silently never run."""
    for folder in ("models", "tests", "controllers", "wizard", "report"):
        directory = ADDONS / module / folder
        if not directory.is_dir():
            continue
        init = (directory / "__init__.py").read_text()
        for path in directory.glob("*.py"):
            if path.name in {"__init__.py", "common.py"}:
                continue
            assert f"import {path.stem}" in init, f"{folder}/{path.name} is not imported"
