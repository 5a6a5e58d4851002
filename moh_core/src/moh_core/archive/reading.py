"""Reading an archive package back without trusting it: :func:`read_package`.

The ZIP is refused (:class:`~moh_core.archive.ArchiveError`) before anything is inflated when
it has too many entries, an entry or the whole declared larger than the limits, a path that is
absolute, climbs out (``..``), uses backslashes or drive letters, a symbolic link, an encrypted
entry, or names the same path twice; every entry is then read with a bound on what it inflates
to (a header that lies about its size is caught). The METS files are parsed without DTDs,
entities or network access. Each ``mets:file`` and ``mets:mdRef`` of the root METS and of the
representation METS files is checked against the file it points to (SHA-256); files no METS lists
are reported as extra, listed files that are absent as missing. Signed PDFs (``USE="Signed
original"`` in a representation METS) are given to the caller's signature checker.
"""

from __future__ import annotations

import hashlib
import posixpath
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from os import PathLike
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from lxml import etree

from moh_core.archive.errors import ArchiveError, ArchiveProblem
from moh_core.archive.model import ContentCheck, PackageCheck
from moh_core.archive.plan import NS_METS, NS_XLINK, SIGNED_USE

__all__ = ["SignatureChecker", "SignatureVerdict", "read_package"]

DEFAULT_MAX_ENTRIES = 10_000
DEFAULT_MAX_ENTRY_BYTES = 512 * 1024 * 1024
DEFAULT_MAX_TOTAL_BYTES = 4 * 1024 * 1024 * 1024
MAX_METS_BYTES = 64 * 1024 * 1024


class SignatureVerdict(Protocol):
    """What a signature checker returns: a :class:`~moh_core.signatures.PdfValidationReport`
    fits."""

    @property
    def all_valid(self) -> bool: ...

    @property
    def summary(self) -> str: ...


#: Called with a signed PDF's bytes; an exception it raises counts as a failed check.
SignatureChecker = Callable[[bytes], SignatureVerdict]


@dataclass(frozen=True)
class _Reference:
    path: str
    checksum: str
    checksum_type: str
    signed: bool


def _refuse(code: ArchiveProblem, detail: str | None = None, **params: str) -> ArchiveError:
    return ArchiveError(code, detail, **params)


def _safe_entry_name(name: str) -> bool:
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return False
    parts = name.rstrip("/").split("/")
    return not any(part in ("", ".", "..") or ":" in part for part in parts)


def _open(source: bytes | str | PathLike[str], max_total: int) -> zipfile.ZipFile:
    try:
        if isinstance(source, bytes):
            if len(source) > max_total:
                raise _refuse(ArchiveProblem.TOO_LARGE, f"{len(source)} bytes")
            return zipfile.ZipFile(BytesIO(source))
        size = Path(source).stat().st_size
        if size > max_total:
            raise _refuse(ArchiveProblem.TOO_LARGE, f"{size} bytes")
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _refuse(ArchiveProblem.NOT_A_ZIP, str(exc)) from exc


def _entries(archive: zipfile.ZipFile, max_entries: int, max_entry: int, max_total: int) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > max_entries:
        raise _refuse(ArchiveProblem.TOO_MANY_ENTRIES, f"{len(infos)} entries")
    total = 0
    entries: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        if not _safe_entry_name(name):
            raise _refuse(ArchiveProblem.UNSAFE_PATH, path=name[:200])
        if stat.S_ISLNK(info.external_attr >> 16) or info.flag_bits & 0x1:
            raise _refuse(ArchiveProblem.UNSAFE_PATH, "a link or an encrypted entry", path=name[:200])
        if info.is_dir():
            continue
        if name in entries:
            raise _refuse(ArchiveProblem.UNSAFE_PATH, "the path appears twice", path=name[:200])
        total += info.file_size
        if info.file_size > max_entry or total > max_total:
            raise _refuse(ArchiveProblem.TOO_LARGE, f"{name}: {info.file_size} bytes")
        entries[name] = info
    return entries


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """The entry's bytes. zipfile never inflates more than the declared size (checked against
    the limits before); a stream that holds more, or less, or other bytes fails its CRC."""
    if info.file_size > limit:
        raise _refuse(ArchiveProblem.TOO_LARGE, f"{info.filename}: {info.file_size} bytes")
    try:
        with archive.open(info) as stream:
            data: bytes = stream.read(info.file_size)
    except Exception as exc:  # trust boundary: BadZipFile, zlib.error, EOFError from foreign bytes
        raise _refuse(ArchiveProblem.NOT_A_ZIP, f"{info.filename}: {exc}") from exc
    return data


_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)


def _parse_mets(data: bytes, path: str) -> Any:
    try:
        tree = etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise _refuse(ArchiveProblem.MALFORMED_METS, str(exc), path=path) from exc
    if tree.getroottree().docinfo.doctype or tree.tag != f"{{{NS_METS}}}mets":
        raise _refuse(ArchiveProblem.MALFORMED_METS, "not a METS document or a DOCTYPE", path=path)
    return tree


def _resolve(base: str, href: str | None, mets_path: str) -> str:
    """The package path ``href`` points to from the METS file in folder ``base``."""
    if not href:
        raise _refuse(ArchiveProblem.MALFORMED_METS, "a reference without xlink:href", path=mets_path)
    parts = urlsplit(href)
    target = unquote(parts.path)
    if parts.scheme or parts.netloc or target.startswith("/"):
        raise _refuse(ArchiveProblem.MALFORMED_METS, f"reference outside the package: {href[:200]}", path=mets_path)
    resolved = posixpath.normpath(posixpath.join(base, target))
    if resolved.startswith("..") or not _safe_entry_name(resolved):
        raise _refuse(ArchiveProblem.MALFORMED_METS, f"reference outside the package: {href[:200]}", path=mets_path)
    return resolved


def _references(tree: Any, base: str, mets_path: str) -> list[_Reference]:
    found = []
    for element in tree.iter(f"{{{NS_METS}}}file", f"{{{NS_METS}}}mdRef"):
        if element.tag == f"{{{NS_METS}}}file":
            locator = element.find(f"{{{NS_METS}}}FLocat")
            href = locator.get(f"{{{NS_XLINK}}}href") if locator is not None else None
        else:
            href = element.get(f"{{{NS_XLINK}}}href")
        found.append(
            _Reference(
                _resolve(base, href, mets_path),
                (element.get("CHECKSUM") or "").lower(),
                element.get("CHECKSUMTYPE") or "",
                element.get("USE") == SIGNED_USE,
            )
        )
    return found


def _check_signature(checker: SignatureChecker, data: bytes) -> tuple[bool, str]:
    try:
        verdict = checker(data)
    except Exception as exc:  # noqa: BLE001 - trust boundary: a checker refusing the bytes is a failure
        return False, f"{type(exc).__name__}: {exc}"[:400]
    return bool(verdict.all_valid), str(verdict.summary)


def read_package(
    source: bytes | str | PathLike[str],
    *,
    check_signatures: SignatureChecker | None = None,
    max_entries: int = DEFAULT_MAX_ENTRIES,
    max_entry_bytes: int = DEFAULT_MAX_ENTRY_BYTES,
    max_total_bytes: int = DEFAULT_MAX_TOTAL_BYTES,
) -> PackageCheck:
    """Check a package ZIP (its bytes or its path): every digest, missing and extra files, and
    (``check_signatures``) every signed PDF; see the module's docstring.

    :raises ArchiveError: not a ZIP, too large, unsafe paths, no single root folder, no root
        METS or a METS that cannot be read.
    """
    with _open(source, max_total_bytes) as archive:
        entries = _entries(archive, max_entries, max_entry_bytes, max_total_bytes)
        roots = {name.split("/", 1)[0] for name in entries}
        if len(roots) != 1 or any("/" not in name for name in entries):
            raise _refuse(ArchiveProblem.NO_ROOT_FOLDER, ", ".join(sorted(roots))[:200])
        root = roots.pop()
        files = {name.split("/", 1)[1]: info for name, info in entries.items()}
        if "METS.xml" not in files:
            raise _refuse(ArchiveProblem.MISSING_METS, path="METS.xml")
        mets = _parse_mets(_read(archive, files["METS.xml"], min(max_entry_bytes, MAX_METS_BYTES)), "METS.xml")
        references = _references(mets, "", "METS.xml")
        for pointer in mets.iter(f"{{{NS_METS}}}mptr"):
            rep_path = _resolve("", pointer.get(f"{{{NS_XLINK}}}href"), "METS.xml")
            if rep_path not in files:
                raise _refuse(ArchiveProblem.MISSING_METS, path=rep_path)
            rep = _parse_mets(_read(archive, files[rep_path], min(max_entry_bytes, MAX_METS_BYTES)), rep_path)
            references += _references(rep, posixpath.dirname(rep_path), rep_path)
        checks: list[ContentCheck] = []
        listed: set[str] = set()
        for ref in references:
            if ref.path in listed:
                continue
            listed.add(ref.path)
            info = files.get(ref.path)
            if info is None:
                checks.append(ContentCheck(ref.path, False, False, ref.signed, None))
                continue
            data = _read(archive, info, max_entry_bytes)
            digest_ok = ref.checksum_type.upper() == "SHA-256" and hashlib.sha256(data).hexdigest() == ref.checksum
            signature_ok: bool | None = None
            detail = ""
            if ref.signed and check_signatures is not None:
                signature_ok, detail = _check_signature(check_signatures, data)
            checks.append(ContentCheck(ref.path, True, digest_ok, ref.signed, signature_ok, detail))
    extra = sorted(set(files) - listed - {"METS.xml"})
    return PackageCheck(
        package_id=mets.get("OBJID") or root,
        files=tuple(checks),
        missing=tuple(check.path for check in checks if not check.present),
        extra=tuple(extra),
        digest_failures=tuple(check.path for check in checks if check.present and not check.digest_ok),
        signature_failures=tuple(check.path for check in checks if check.signature_ok is False),
        signatures_checked=check_signatures is not None,
    )
