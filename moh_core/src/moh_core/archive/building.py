"""Building the E-ARK SIP of a closed records file: :func:`build_package` (a ZIP) and
:func:`write_package` (a folder). The layout and the choices are in docs/archive-packages.md;
:mod:`~moh_core.archive.mets` and :mod:`~moh_core.archive.metadata` write the XML files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
import zipfile
from collections.abc import Sequence
from importlib import resources
from io import BytesIO
from pathlib import Path

from moh_core.archive.errors import ArchiveError, ArchiveProblem
from moh_core.archive.metadata import file_dc, item_dc, premis
from moh_core.archive.mets import representation_mets, root_mets
from moh_core.archive.model import PackageFile, PackageItem
from moh_core.archive.pdfa import to_pdfa_2b
from moh_core.archive.plan import (
    CSIP_VERSION,
    PDF,
    PREMIS_VERSION,
    REP_DIR,
    SCHEMA_FILES,
    SIP_PROFILE,
    SIP_VERSION,
    UUID_NS,
    Delivered,
    Plan,
    safe_name,
    to_xml,
)
from moh_core.archive.reports import report_json

__all__ = [
    "CSIP_VERSION",
    "PREMIS_VERSION",
    "SIP_PROFILE",
    "SIP_VERSION",
    "build_package",
    "package_files",
    "write_package",
]


# -- input checks ---------------------------------------------------------------------------


def _require(condition: bool, detail: str) -> None:
    if not condition:
        raise ArchiveError(ArchiveProblem.INVALID_INPUT, detail, what=detail)


def _check_input(file: PackageFile, items: Sequence[PackageItem], created: dt.datetime, agent: str) -> None:
    _require(created.utcoffset() is not None, "created must be timezone-aware")
    _require(bool(agent.strip()), "the agent who packages the file is missing")
    for label, value in (
        ("code", file.code),
        ("title", file.title),
        ("agency", file.agency),
        ("agency_code", file.agency_code),
        ("retention", file.retention),
    ):
        _require(bool(value.strip()), f"the records file has no {label}")
    _require(file.start_date <= file.end_date, "the records file ends before it starts")
    if not items:
        raise ArchiveError(ArchiveProblem.EMPTY_FILE)
    seen: set[str] = set()
    for item in items:
        _require(bool(item.identifier.strip()), "a document has no identifier")
        if item.identifier in seen:
            raise ArchiveError(ArchiveProblem.DUPLICATE_ITEM, identifier=item.identifier)
        seen.add(item.identifier)
        _require(bool(item.contents), f"the document {item.identifier} has no file")
        for content in item.contents:
            _require(bool(content.name.strip()) and bool(content.data), f"an empty file in {item.identifier}")
            _require(bool(content.mimetype.strip()), f"the file {content.name} has no type")
            if content.signed and content.validation_report is None:
                raise ArchiveError(ArchiveProblem.REPORT_REQUIRED, name=content.name)
            if not content.signed and content.validation_report is not None:
                raise ArchiveError(ArchiveProblem.REPORT_UNEXPECTED, name=content.name)
            if content.recorded_at is not None:
                _require(content.recorded_at.utcoffset() is not None, "recorded_at must be timezone-aware")
            recorded = content.recorded_sha256
            if recorded is not None and recorded.lower() != hashlib.sha256(content.data).hexdigest():
                raise ArchiveError(ArchiveProblem.FIXITY_MISMATCH, detail=recorded[:64], name=content.name)


# -- the plan: every file of the package ----------------------------------------------------


def _plan(file: PackageFile, items: Sequence[PackageItem], created: dt.datetime, agent: str) -> Plan:
    _check_input(file, items, created, agent)
    package_id = file.package_id or f"uuid-{uuid.uuid5(UUID_NS, f'{file.agency_code}/{file.code}')}"
    _require(re.fullmatch(r"[A-Za-z_][A-Za-z0-9._-]*", package_id) is not None, "package_id is not a valid identifier")
    plan = Plan(file, package_id, created, agent)
    for index, item in enumerate(items, start=1):
        used: set[str] = set()
        for content in item.contents:
            name = safe_name(content.name)
            stem, dot, suffix = name.rpartition(".")
            counter = 1
            while name in used:
                counter += 1
                name = f"{stem}-{counter}.{suffix}" if dot else f"{suffix}-{counter}"
            used.add(name)
            convert = content.produced_here and not content.signed and content.mimetype == PDF
            data = to_pdfa_2b(content.data, name=content.name, moment=created) if convert else content.data
            entry = plan.add(f"{REP_DIR}/data/{index:03d}/{name}", data, content.mimetype)
            delivered = Delivered(index, item, content, entry, convert)
            delivered.file_id = plan.ident("file", entry.path)
            if content.validation_report is not None:
                report_path = f"metadata/preservation/{index:03d}-{name}.validation.json"
                delivered.report = plan.add(report_path, report_json(content.validation_report), "application/json")
            plan.delivered.append(delivered)
    plan.add("metadata/descriptive/dc.xml", to_xml(file_dc(plan)), "text/xml")
    for index, item in enumerate(items, start=1):
        plan.add(f"metadata/descriptive/item-{index:03d}.dc.xml", to_xml(item_dc(plan, item)), "text/xml")
    plan.add("metadata/preservation/premis.xml", to_xml(premis(plan)), "text/xml")
    for name in SCHEMA_FILES.values():
        plan.add(
            f"schemas/{name}", resources.files("moh_core.archive").joinpath("schemas", name).read_bytes(), "text/xml"
        )
    plan.add("documentation/package-description.txt", _description(plan), "text/plain")
    plan.add(f"{REP_DIR}/METS.xml", to_xml(representation_mets(plan)), "text/xml")
    plan.add("METS.xml", to_xml(root_mets(plan)), "text/xml")
    return plan


# -- documentation -------------------------------------------------------------------------


def _description(plan: Plan) -> bytes:
    file = plan.file
    lines = [
        f"{file.title}",
        f"Mã hồ sơ / file code: {file.code}",
        f"Cơ quan / agency: {file.agency} ({file.agency_code})",
        f"Thời gian / dates: {file.start_date.isoformat()} – {file.end_date.isoformat()}",
        f"Thời hạn bảo quản / retention: {file.retention}",
        "",
        f"E-ARK SIP {SIP_VERSION} (E-ARK CSIP {CSIP_VERSION}), METS 1.12, PREMIS {PREMIS_VERSION}, Dublin Core (oai_dc).",
        "METS.xml: the package; representations/rep1/METS.xml: the documents (logical map: one division each).",
        "metadata/descriptive: Dublin Core of the file and of each document.",
        "metadata/preservation/premis.xml: objects (SHA-256 fixity), events, agents.",
        "metadata/preservation/*.validation.json: signature validation reports made when the signed files were filed.",
        "Signed PDFs are the filed bytes; unsigned PDFs produced by the e-office are PDF/A-2b.",
        "",
        "Tài liệu / documents:",
    ]
    for delivered in plan.delivered:
        item = delivered.item
        lines.append(f"- {item.identifier} ({item.role.value}) {item.title}: {delivered.entry.path}")
    return ("\n".join(lines) + "\n").encode("utf-8")


# -- output ---------------------------------------------------------------------------------


def package_files(
    file: PackageFile, items: Sequence[PackageItem], *, created: dt.datetime, agent: str
) -> tuple[str, dict[str, bytes]]:
    """The package's root folder name and its files (paths below it, sorted)."""
    plan = _plan(file, items, created, agent)
    return plan.package_id, {path: plan.entries[path].data for path in sorted(plan.entries)}


def build_package(file: PackageFile, items: Sequence[PackageItem], *, created: dt.datetime, agent: str) -> bytes:
    """The E-ARK SIP of ``file`` with its documents ``items``, as a ZIP: one root folder named
    after the package's OBJID, entries in sorted order, dated ``created``; the same input gives
    the same bytes.

    :param created: timezone-aware packaging time (METS CREATEDATE, PREMIS events, PDF/A metadata).
    :param agent: who packages the file (a person's name; a PREMIS agent).
    :raises ArchiveError: incomplete input, a signed file without its validation report, a PDF
        the e-office produced that cannot be made PDF/A-2b.
    """
    package_id, files = package_files(file, items, created=created, agent=agent)
    stamp = created.astimezone(dt.UTC).timetuple()[:6]
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path, data in files.items():
            info = zipfile.ZipInfo(f"{package_id}/{path}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            info.create_system = 3
            archive.writestr(info, data)
    return out.getvalue()


def write_package(
    file: PackageFile, items: Sequence[PackageItem], directory: str | Path, *, created: dt.datetime, agent: str
) -> Path:
    """Write the package as a folder ``directory/<OBJID>`` (which must not exist yet) and return
    its path. Same content as :func:`build_package`."""
    package_id, files = package_files(file, items, created=created, agent=agent)
    root = Path(directory) / package_id
    root.mkdir(parents=True, exist_ok=False)
    for path, data in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root
