"""The documentation points only at what exists, and the README stays short.

Checked in README.md, docs/*.md, each addon's readme/*.md and moh_core/README.md:

- every relative Markdown link names an existing file (and, with ``#anchor``, a heading of it);
- every repository path written in backquotes (`scripts/test.sh`, `docs/operations.md`,
  `config/*.conf`, `scripts/bench/<name>.*`) exists; a ``<placeholder>`` or ``*`` must match
  something; a path .gitignore anchors at the root (a tool's output) may be named before it exists;
- every ``moh_core`` module or name written in backquotes (`moh_core.signatures.signing`,
  `moh_core.exchange.identifiers.document_key`) exists, so a module that moves cannot leave its old
  path behind in the documentation.

The README holds what a newcomer needs first (what the product is, how to run and test it, the
demo logins, where to read on) and must stay within 10 KiB; the rest lives in docs/.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "moh_core" / "src"
README_LIMIT = 10 * 1024

FENCE = re.compile(r"^```.*?^```", re.M | re.S)
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
CODE = re.compile(r"`([^`\n]+)`")
MODULE = re.compile(r"moh_core(?:\.[A-Za-z_]\w*)+")
PLACEHOLDER = re.compile(r"<[^>]*>")


def documentation_files(root: Path = ROOT) -> list[Path]:
    files = [root / "README.md", root / "moh_core" / "README.md"]
    files += sorted((root / "docs").glob("*.md"))
    files += sorted((root / "addons").glob("*/readme/*.md"))
    return [path for path in files if path.is_file()]


def _prose(text: str) -> str:
    """The text without its fenced code blocks (commands and diagrams, not references)."""
    return FENCE.sub("", text)


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    heading = heading.strip().lower().replace("`", "")
    return re.sub(r"[^\w\- ]", "", heading).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = _prose(path.read_text(encoding="utf-8"))
    return {slug(match) for match in re.findall(r"^#{1,6}\s+(.+?)\s*#*$", text, flags=re.M)}


def broken_links(path: Path) -> list[str]:
    """The relative links of ``path`` whose file (or heading) does not exist."""
    broken = []
    for target in LINK.findall(_prose(path.read_text(encoding="utf-8"))):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
            continue
        file_part, _, anchor = target.partition("#")
        destination = (path.parent / file_part).resolve() if file_part else path
        if not destination.exists():
            broken.append(target)
        elif anchor and destination.suffix == ".md" and anchor not in anchors(destination):
            broken.append(target)
    return broken


def _top_level_names(root: Path) -> set[str]:
    """What a repository path can start with: the entries of the repository root (not the
    git-ignored or hidden ones, which the scripts create, except the CI folder)."""
    return {
        entry.name
        for entry in root.iterdir()
        if (not entry.name.startswith(".") or entry.name == ".ci") and entry.name != "__pycache__"
    }


def repository_paths(text: str, root: Path = ROOT) -> set[str]:
    """The repository paths written in backquotes in ``text``."""
    names = _top_level_names(root)
    found = set()
    for span in CODE.findall(_prose(text)):
        for word in span.split():
            word = word.rstrip(",;:")
            if word.split("/")[0] in names:
                found.add(word)
    return found


def generated_paths(root: Path = ROOT) -> set[str]:
    """The repository paths that .gitignore anchors at the root (``/moh_core/mutants/``): tools
    write them, so the documentation may name them before they exist."""
    ignore = root / ".gitignore"
    lines = ignore.read_text(encoding="utf-8").splitlines() if ignore.is_file() else []
    return {line.strip().strip("/") for line in lines if line.startswith("/")}


def missing_paths(path: Path, root: Path = ROOT) -> list[str]:
    missing = []
    generated = generated_paths(root)
    for word in sorted(repository_paths(path.read_text(encoding="utf-8"), root)):
        pattern = PLACEHOLDER.sub("*", word).rstrip("/")
        if pattern in generated:
            continue
        if "*" in pattern or "?" in pattern:
            if not any(root.glob(pattern)):
                missing.append(word)
        elif not (root / pattern).exists():
            missing.append(word)
    return missing


@cache
def _defined_names(module: Path) -> dict[str, set[str]]:
    """Top-level names a module defines or imports, each with the names its class body defines."""
    tree = ast.parse(module.read_text(encoding="utf-8"), filename=str(module))
    names: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names[node.name] = set()
        elif isinstance(node, ast.ClassDef):
            members = set()
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    members.add(item.name)
                elif isinstance(item, ast.Assign):
                    members.update(t.id for t in item.targets if isinstance(t, ast.Name))
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    members.add(item.target.id)
            names[node.name] = members
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        names[name.id] = set()
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = set()
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names[(alias.asname or alias.name).split(".")[0]] = set()
    return names


def module_exists(dotted: str, source: Path = CORE) -> bool:
    """Whether ``moh_core.a.b.Name.attr`` names a module of moh_core, or a name in one."""
    parts = dotted.split(".")
    location = source / parts[0]
    module = location / "__init__.py"
    rest = parts[1:]
    while rest and ((location / rest[0]).is_dir() or (location / f"{rest[0]}.py").is_file()):
        if (location / rest[0]).is_dir():
            location = location / rest[0]
            module = location / "__init__.py"
        else:
            module = location / f"{rest[0]}.py"
            location = None
        rest = rest[1:]
        if location is None:
            break
    if not module.is_file():
        return False
    if not rest:
        return True
    names = _defined_names(module)
    if rest[0] not in names:
        return False
    return len(rest) == 1 or not names[rest[0]] or rest[1] in names[rest[0]]


def missing_modules(path: Path, source: Path = CORE) -> list[str]:
    found = set()
    for span in CODE.findall(_prose(path.read_text(encoding="utf-8"))):
        found.update(MODULE.findall(span))
    return sorted(name for name in found if not module_exists(name, source))


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_documentation_files_are_found():
    names = {_relative(path) for path in documentation_files()}
    assert {
        "README.md",
        "docs/security.md",
        "docs/architecture.md",
        "moh_core/README.md",
        "addons/moh_documents/readme/USAGE.md",
        "addons/moh_egov/readme/USAGE.md",
    } <= names


def test_relative_links_point_at_existing_files():
    broken = {_relative(path): links for path in documentation_files() if (links := broken_links(path))}
    assert not broken, f"links to missing files or headings: {broken}"


def test_repository_paths_exist():
    missing = {_relative(path): paths for path in documentation_files() if (paths := missing_paths(path))}
    assert not missing, f"paths named in the documentation that do not exist: {missing}"


def test_moh_core_modules_and_names_exist():
    missing = {_relative(path): names for path in documentation_files() if (names := missing_modules(path))}
    assert not missing, f"moh_core modules or names in the documentation that do not exist: {missing}"


def test_readme_is_short():
    size = (ROOT / "README.md").stat().st_size
    assert size <= README_LIMIT, f"README.md is {size} bytes; keep it within {README_LIMIT} and move the rest to docs/"


def test_the_checks_see_what_is_wrong(tmp_path):
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "test.sh").write_text("")
    (tmp_path / "docs").mkdir()
    (tmp_path / ".gitignore").write_text(".venv/\n/scripts/output/\n", encoding="utf-8")
    page = tmp_path / "docs" / "page.md"
    page.write_text(
        "# Page\n\n## A heading\n\n"
        "[ok](../scripts/test.sh) [gone](gone.md) [anchor](#a-heading) [bad anchor](#nothing) "
        "[web](https://example.org/x.md)\n\n"
        "`scripts/test.sh` `scripts/gone.sh` `scripts/<name>.sh` `scripts/<name>.py` `.cache/pg`\n\n"
        "`scripts/output/` is written by a tool; `scripts/elsewhere/` is not\n\n"
        "```sh\nscripts/elsewhere.sh `scripts/in-a-fence.sh`\n```\n",
        encoding="utf-8",
    )
    assert broken_links(page) == ["gone.md", "#nothing"]
    assert missing_paths(page, tmp_path) == ["scripts/<name>.py", "scripts/elsewhere/", "scripts/gone.sh"]


def test_the_module_check_sees_old_paths():
    assert module_exists("moh_core.signatures.interrupted.prepare_interrupted")
    assert module_exists("moh_core.exchange.identifiers.document_key")
    assert module_exists("moh_core.onestop.clock.DossierClock")
    assert module_exists("moh_core.calendar")
    assert not module_exists("moh_core.signing")
    assert not module_exists("moh_core.edxml.document_key")
    assert not module_exists("moh_core.onestop.clock.NoSuchName")
