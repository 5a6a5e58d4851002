"""The metadata files of an archive package: the Dublin Core records (``metadata/descriptive``)
and PREMIS 3.0 (``metadata/preservation/premis.xml``), whose objects, events and agents metsrw's
PREMIS plugin writes (:func:`metsrw.plugins.premisrw.data_to_premis`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import metsrw
from lxml import etree
from metsrw.plugins import premisrw

import moh_core
from moh_core.archive.model import PackageItem
from moh_core.archive.plan import (
    CSIP_VERSION,
    NS_DC,
    NS_OAI_DC,
    NS_PREMIS,
    NS_XSI,
    OAI_DC_SCHEMA_LOCATION,
    PREMIS_SCHEMA_LOCATION,
    PREMIS_VERSION,
    SIP_VERSION,
    SOFTWARE_NAME,
    Entry,
    Plan,
    iso,
    q,
)

__all__ = ["file_dc", "item_dc", "premis", "software_version"]


# -- descriptive metadata: Dublin Core (oai_dc) ----------------------------------------------


def _dc_record(fields: Sequence[tuple[str, str]]) -> Any:
    root = etree.Element(q(NS_OAI_DC, "dc"), nsmap={"oai_dc": NS_OAI_DC, "dc": NS_DC, "xsi": NS_XSI})
    root.set(q(NS_XSI, "schemaLocation"), OAI_DC_SCHEMA_LOCATION)
    for name, value in fields:
        if value:
            etree.SubElement(root, q(NS_DC, name)).text = value
    return root


def file_dc(plan: Plan) -> Any:
    file = plan.file
    fields = [
        ("title", file.title),
        ("identifier", file.code),
        ("identifier", plan.package_id),
        ("creator", file.agency),
        ("date", f"{file.start_date.isoformat()}/{file.end_date.isoformat()}"),
        ("type", "Hồ sơ"),
        ("language", file.language),
        *(("subject", keyword) for keyword in file.keywords),
        ("description", file.description),
        ("rights", f"Thời hạn bảo quản: {file.retention}"),
        ("rights", f"Độ mật: {file.confidentiality}" if file.confidentiality else ""),
    ]
    return _dc_record(fields)


def item_dc(plan: Plan, item: PackageItem) -> Any:
    mimetypes = sorted({content.mimetype for content in item.contents})
    fields = [
        ("title", item.title),
        ("identifier", item.identifier),
        ("type", item.role.value),
        ("date", item.date.isoformat() if item.date else ""),
        ("relation", plan.file.code),
        *(("description", f"{key}: {value}") for key, value in sorted(item.metadata.items())),
        *(("format", mimetype) for mimetype in mimetypes),
    ]
    return _dc_record(fields)


# -- preservation metadata: PREMIS 3.0 through metsrw's premisrw ----------------------------


def _premis_el(data: tuple[Any, ...]) -> Any:
    return premisrw.data_to_premis(data, premis_version=PREMIS_VERSION)


def _object(entry: Entry, original_name: str, format_version: str = "") -> tuple[Any, ...]:
    designation: tuple[Any, ...] = ("format_designation", ("format_name", entry.mimetype))
    if format_version:
        designation = (*designation, ("format_version", format_version))
    return (
        "object",
        {"xsi:type": "premis:file"},
        ("object_identifier", ("object_identifier_type", "local"), ("object_identifier_value", entry.path)),
        (
            "object_characteristics",
            (
                "fixity",
                ("message_digest_algorithm", "SHA-256"),
                ("message_digest", entry.sha256),
                ("message_digest_originator", "moh-core"),
            ),
            ("size", str(len(entry.data))),
            ("format", designation),
        ),
        ("original_name", original_name),
    )


@dataclass
class _Event:
    kind: str
    moment: dt.datetime
    detail: str
    outcome: str
    outcome_note: str = ""
    objects: Sequence[tuple[str, str]] = ()  # (path, role)
    agents: Sequence[tuple[str, str]] = ()  # (agent id, role)


def _event(number: int, event: _Event) -> tuple[Any, ...]:
    outcome: tuple[Any, ...] = ("event_outcome_information", ("event_outcome", event.outcome))
    if event.outcome_note:
        outcome = (*outcome, ("event_outcome_detail", ("event_outcome_detail_note", event.outcome_note)))
    return (
        "event",
        ("event_identifier", ("event_identifier_type", "local"), ("event_identifier_value", f"event-{number:04d}")),
        ("event_type", event.kind),
        ("event_date_time", iso(event.moment)),
        ("event_detail_information", ("event_detail", event.detail)),
        outcome,
        *(
            (
                "linking_agent_identifier",
                ("linking_agent_identifier_type", "local"),
                ("linking_agent_identifier_value", agent),
                ("linking_agent_role", role),
            )
            for agent, role in event.agents
        ),
        *(
            (
                "linking_object_identifier",
                ("linking_object_identifier_type", "local"),
                ("linking_object_identifier_value", path),
                ("linking_object_role", role),
            )
            for path, role in event.objects
        ),
    )


def _agent(identifier: str, name: str, kind: str, version: str = "") -> tuple[Any, ...]:
    data: tuple[Any, ...] = (
        "agent",
        ("agent_identifier", ("agent_identifier_type", "local"), ("agent_identifier_value", identifier)),
        ("agent_name", name),
        ("agent_type", kind),
    )
    return (*data, ("agent_version", version)) if version else data


def software_version() -> str:
    import pikepdf  # noqa: PLC0415 - only for its version

    return f"moh-core {moh_core.__version__}; metsrw {metsrw.__version__}; pikepdf {pikepdf.__version__}"


def _premis_events(plan: Plan) -> list[_Event]:
    software, organisation, person = "agent-software", f"agent-{plan.file.agency_code}", "agent-packager"
    events: list[_Event] = []
    for delivered in plan.delivered:
        content, path = delivered.content, delivered.entry.path
        if content.recorded_at is not None:
            produced = content.produced_here
            events.append(
                _Event(
                    "creation" if produced else "ingestion",
                    content.recorded_at,
                    "created in the e-office" if produced else "received and registered in the e-office",
                    "success",
                    objects=[(path, "outcome")],
                    agents=[(organisation, "implementer")],
                )
            )
        if delivered.report is not None:
            report = content.validation_report or {}
            valid = bool(report.get("all_valid"))
            moment = _report_time(report, plan.created)
            events.append(
                _Event(
                    "validation",
                    moment,
                    "PAdES signature validation at filing time (moh_core.signatures)",
                    "valid" if valid else "not valid",
                    str(report.get("summary", "")),
                    objects=[(path, "source"), (delivered.report.path, "outcome")],
                    agents=[(software, "executing program"), (organisation, "implementer")],
                )
            )
        if delivered.converted:
            events.append(
                _Event(
                    "normalization",
                    plan.created,
                    "converted to PDF/A-2b (XMP identification, sRGB output intent) and validated",
                    "success",
                    objects=[(path, "outcome")],
                    agents=[(software, "executing program")],
                )
            )
    files = [(delivered.entry.path, "source") for delivered in plan.delivered]
    events.append(
        _Event(
            "message digest calculation",
            plan.created,
            "SHA-256 of every file, recorded in PREMIS fixity and METS CHECKSUM",
            "success",
            objects=files,
            agents=[(software, "executing program")],
        )
    )
    checked = [(d.entry.path, "source") for d in plan.delivered if d.content.recorded_sha256 is not None]
    if checked:
        events.append(
            _Event(
                "fixity check",
                plan.created,
                "SHA-256 of the files compared with the digests recorded when they were filed",
                "success",
                objects=checked,
                agents=[(software, "executing program")],
            )
        )
    events.append(
        _Event(
            "information package creation",
            plan.created,
            f"packaging: E-ARK SIP {SIP_VERSION} (CSIP {CSIP_VERSION}) {plan.package_id}",
            "success",
            agents=[(software, "executing program"), (person, "implementer"), (organisation, "submitter")],
        )
    )
    return events


def _report_time(report: Any, default: dt.datetime) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(str(report.get("validation_time")))
    except ValueError:
        return default
    return moment if moment.utcoffset() is not None else moment.replace(tzinfo=dt.UTC)


def premis(plan: Plan) -> Any:
    root = etree.Element(q(NS_PREMIS, "premis"), nsmap={"premis": NS_PREMIS, "xsi": NS_XSI})
    root.set("version", PREMIS_VERSION)
    root.set(q(NS_XSI, "schemaLocation"), PREMIS_SCHEMA_LOCATION)
    for delivered in plan.delivered:
        version = "PDF/A-2b" if delivered.converted else ""
        root.append(_premis_el(_object(delivered.entry, delivered.content.name, version)))
        if delivered.report is not None:
            root.append(_premis_el(_object(delivered.report, delivered.report.path.rsplit("/", 1)[1])))
    for number, event in enumerate(_premis_events(plan), start=1):
        root.append(_premis_el(_event(number, event)))
    root.append(_premis_el(_agent("agent-software", SOFTWARE_NAME, "software", software_version())))
    root.append(_premis_el(_agent(f"agent-{plan.file.agency_code}", plan.file.agency, "organization")))
    root.append(_premis_el(_agent("agent-packager", plan.agent, "person")))
    return root
