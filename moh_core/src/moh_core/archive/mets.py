"""The METS files of an archive package: the root ``METS.xml`` and the representation's.

METS is written with metsrw: its :class:`metsrw.Agent` writes the header's agents and its
:class:`metsrw.FSEntry` each ``mets:file`` with its ``CHECKSUM``; its PREMIS plugin
(:func:`metsrw.plugins.premisrw.data_to_premis`) writes every PREMIS object, event and agent.
metsrw has no parameter for what CSIP adds to METS, so the elements it returns are completed in
their lxml tree here, and the document around them is assembled with lxml:

* its ``METSDocument.serialize`` stamps the header with the current time (``LASTMODDATE``), gives
  sections process-wide counters as IDs, and writes Archivematica's structural maps (``LABEL=
  "Archivematica default"`` and a logical "Normative Directory Structure"), where CSIP requires
  one ``PHYSICAL`` map labelled ``CSIP`` with the Metadata/Documentation/Schemas/Representations
  divisions: the document would be neither valid CSIP nor reproducible, so it is not used;
* ``FSEntry`` writes ``FLocat LOCTYPE="OTHER" OTHERLOCTYPE="SYSTEM"``; CSIP requires
  ``LOCTYPE="URL"`` and ``xlink:type="simple"``, and ``MIMETYPE``, ``SIZE`` and ``CREATED`` on the
  file, which metsrw cannot write: they are set on its element;
* ``Agent`` writes notes without attributes; CSIP's ``csip:NOTETYPE`` is set on them;
* ``MDRef.serialize`` opens its target path relative to the working directory (to compute an
  ``XPTR``) and has no ``SIZE``/``CHECKSUM``/``CREATED``/``MIMETYPE``: ``mdRef`` is written here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import metsrw
from lxml import etree

from moh_core.archive.metadata import software_version
from moh_core.archive.plan import (
    CONTENT_INFORMATION_TYPE,
    METS_NSMAP,
    NS_CSIP,
    NS_METS,
    NS_XLINK,
    NS_XSI,
    REP,
    REP_DIR,
    SCHEMA_FILES,
    SIGNED_USE,
    SIP_PROFILE,
    SOFTWARE_NAME,
    VALIDATION_MDTYPE,
    Entry,
    Plan,
    iso,
    q,
)

__all__ = ["representation_mets", "root_mets"]


# -- METS -----------------------------------------------------------------------------------


def _mets_root(plan: Plan, label: str, schemas_prefix: str, *, root: bool) -> Any:
    mets = etree.Element(q(NS_METS, "mets"), nsmap=METS_NSMAP)
    mets.set("OBJID", plan.package_id if root else f"{plan.package_id}-{REP}")
    mets.set("LABEL", label)
    mets.set("TYPE", "Textual works – Digital")
    mets.set(q(NS_CSIP, "CONTENTINFORMATIONTYPE"), "MIXED")
    mets.set("PROFILE", SIP_PROFILE)
    locations = " ".join(f"{ns} {schemas_prefix}{name}" for ns, name in SCHEMA_FILES.items())
    mets.set(q(NS_XSI, "schemaLocation"), locations)
    header = etree.SubElement(mets, q(NS_METS, "metsHdr"))
    header.set("CREATEDATE", iso(plan.created))
    header.set("LASTMODDATE", iso(plan.created))
    header.set("RECORDSTATUS", "NEW")
    header.set(q(NS_CSIP, "OAISPACKAGETYPE"), "SIP")
    software = metsrw.Agent("CREATOR", type="SOFTWARE", name=SOFTWARE_NAME, notes=[software_version()])
    archivist = metsrw.Agent("ARCHIVIST", type="ORGANIZATION", name=plan.file.agency, notes=[plan.file.agency_code])
    for agent, note_type in ((software, "SOFTWARE VERSION"), (archivist, "IDENTIFICATIONCODE")):
        element = agent.serialize()
        for note in element.iter(q(NS_METS, "note")):
            note.set(q(NS_CSIP, "NOTETYPE"), note_type)
        header.append(element)
    return mets


def _md_ref(parent: Any, entry: Entry, prefix: str, created: dt.datetime, mdtype: str) -> None:
    ref = etree.SubElement(parent, q(NS_METS, "mdRef"))
    ref.set("LOCTYPE", "URL")
    ref.set(q(NS_XLINK, "type"), "simple")
    ref.set(q(NS_XLINK, "href"), prefix + entry.path)
    if mdtype.startswith("OTHER:"):
        ref.set("MDTYPE", "OTHER")
        ref.set("OTHERMDTYPE", mdtype.removeprefix("OTHER:"))
    else:
        ref.set("MDTYPE", mdtype)
    ref.set("MIMETYPE", entry.mimetype)
    ref.set("SIZE", str(len(entry.data)))
    ref.set("CREATED", iso(created))
    ref.set("CHECKSUM", entry.sha256)
    ref.set("CHECKSUMTYPE", "SHA-256")


def _file(plan: Plan, entry: Entry, href: str, file_id: str, *, title: str = "", use: str = "") -> Any:
    """A ``mets:file`` from metsrw's FSEntry, completed with CSIP's attributes."""
    fs_entry = metsrw.FSEntry(
        path=href,
        fileid=file_id,
        use=use or "original",
        file_uuid=file_id.split("-", 1)[1],
        checksum=entry.sha256,
        checksumtype="SHA-256",
    )
    element = fs_entry.serialize_filesec()
    element.set("ID", file_id)
    element.attrib.pop("GROUPID", None)
    element.set("MIMETYPE", entry.mimetype)
    element.set("SIZE", str(len(entry.data)))
    element.set("CREATED", iso(plan.created))
    if use:
        element.set("USE", use)
    flocat = element.find(q(NS_METS, "FLocat"))
    flocat.set("LOCTYPE", "URL")
    flocat.attrib.pop("OTHERLOCTYPE", None)
    flocat.set(q(NS_XLINK, "type"), "simple")
    if title:
        flocat.set(q(NS_XLINK, "title"), title)
    return element


def _file_group(file_sec: Any, group_id: str, use: str) -> Any:
    """A ``mets:fileGrp``. The package is ``MIXED``; a group states its content information
    type, none of E-ARK's content type specifications applying (CSIP62, CSIP63)."""
    group = etree.SubElement(file_sec, q(NS_METS, "fileGrp"), ID=group_id, USE=use)
    group.set(q(NS_CSIP, "CONTENTINFORMATIONTYPE"), "OTHER")
    group.set(q(NS_CSIP, "OTHERCONTENTINFORMATIONTYPE"), CONTENT_INFORMATION_TYPE)
    return group


def root_mets(plan: Plan) -> Any:
    mets = _mets_root(plan, plan.file.title, "schemas/", root=True)
    dmd_ids = []
    for path, entry in plan.entries.items():
        if path.startswith("metadata/descriptive/"):
            dmd_id = plan.ident("dmd", path)
            dmd = etree.SubElement(mets, q(NS_METS, "dmdSec"), ID=dmd_id, CREATED=iso(plan.created), STATUS="CURRENT")
            _md_ref(dmd, entry, "", plan.created, "DC")
            dmd_ids.append(dmd_id)
    amd_id = plan.ident("amd", "root")
    amd = etree.SubElement(mets, q(NS_METS, "amdSec"), ID=amd_id)
    premis = plan.entries["metadata/preservation/premis.xml"]
    digiprov = etree.SubElement(amd, q(NS_METS, "digiprovMD"), ID=plan.ident("digiprov", premis.path), STATUS="CURRENT")
    _md_ref(digiprov, premis, "", plan.created, "PREMIS")
    for delivered in plan.delivered:
        if delivered.report is not None:
            digiprov = etree.SubElement(
                amd, q(NS_METS, "digiprovMD"), ID=plan.ident("digiprov", delivered.report.path), STATUS="CURRENT"
            )
            _md_ref(digiprov, delivered.report, "", plan.created, f"OTHER:{VALIDATION_MDTYPE}")
    file_sec = etree.SubElement(mets, q(NS_METS, "fileSec"), ID=plan.ident("filesec", "root"))
    groups = {
        "Documentation": [e for p, e in plan.entries.items() if p.startswith("documentation/")],
        "Schemas": [e for p, e in plan.entries.items() if p.startswith("schemas/")],
        f"Representations/{REP}": [plan.entries[f"{REP_DIR}/METS.xml"]],
    }
    group_ids = {}
    for use, entries in groups.items():
        group_ids[use] = plan.ident("grp", use)
        group = _file_group(file_sec, group_ids[use], use)
        for entry in entries:
            group.append(_file(plan, entry, entry.path, plan.ident("file", entry.path)))
    struct = etree.SubElement(
        mets, q(NS_METS, "structMap"), ID=plan.ident("struct", "root"), TYPE="PHYSICAL", LABEL="CSIP"
    )
    top = etree.SubElement(struct, q(NS_METS, "div"), ID=plan.ident("div", "root"), LABEL=plan.package_id)
    etree.SubElement(
        top,
        q(NS_METS, "div"),
        ID=plan.ident("div", "metadata"),
        LABEL="Metadata",
        DMDID=" ".join(dmd_ids),
        ADMID=amd_id,
    )
    for use in ("Documentation", "Schemas"):
        div = etree.SubElement(top, q(NS_METS, "div"), ID=plan.ident("div", use), LABEL=use)
        etree.SubElement(div, q(NS_METS, "fptr"), FILEID=group_ids[use])
    rep_use = f"Representations/{REP}"
    reps = etree.SubElement(top, q(NS_METS, "div"), ID=plan.ident("div", "Representations"), LABEL="Representations")
    etree.SubElement(reps, q(NS_METS, "fptr"), FILEID=group_ids[rep_use])
    div = etree.SubElement(reps, q(NS_METS, "div"), ID=plan.ident("div", rep_use), LABEL=rep_use)
    mptr = etree.SubElement(div, q(NS_METS, "mptr"))
    mptr.set(q(NS_XLINK, "title"), f"METS file describing the representation {REP}")
    mptr.set(q(NS_XLINK, "href"), f"{REP_DIR}/METS.xml")
    mptr.set(q(NS_XLINK, "type"), "simple")
    mptr.set("LOCTYPE", "URL")
    return mets


def representation_mets(plan: Plan) -> Any:
    mets = _mets_root(plan, f"{plan.file.title} ({REP})", "../../schemas/", root=False)
    file_sec = etree.SubElement(mets, q(NS_METS, "fileSec"), ID=plan.ident("filesec", REP))
    group_id = plan.ident("grp", f"{REP}/Data")
    group = _file_group(file_sec, group_id, "Data")
    for delivered in plan.delivered:
        href = delivered.entry.path.removeprefix(f"{REP_DIR}/")
        use = SIGNED_USE if delivered.content.signed else ""
        group.append(_file(plan, delivered.entry, href, delivered.file_id, title=delivered.content.name, use=use))
    physical = etree.SubElement(
        mets, q(NS_METS, "structMap"), ID=plan.ident("struct", REP), TYPE="PHYSICAL", LABEL="CSIP"
    )
    top = etree.SubElement(physical, q(NS_METS, "div"), ID=plan.ident("div", REP), LABEL=REP)
    data = etree.SubElement(top, q(NS_METS, "div"), ID=plan.ident("div", f"{REP}/Data"), LABEL="Data")
    etree.SubElement(data, q(NS_METS, "fptr"), FILEID=group_id)
    logical = etree.SubElement(
        mets, q(NS_METS, "structMap"), ID=plan.ident("struct", "records-file"), TYPE="LOGICAL", LABEL="Records file"
    )
    top = etree.SubElement(logical, q(NS_METS, "div"), ID=plan.ident("div", "records-file"), LABEL=plan.file.title)
    top.set("TYPE", "file")
    divs: dict[int, Any] = {}
    for delivered in plan.delivered:
        div = divs.get(delivered.item_index)
        if div is None:
            item = delivered.item
            div = etree.SubElement(top, q(NS_METS, "div"), ID=plan.ident("div", f"item/{delivered.item_index}"))
            div.set("TYPE", item.role.value)
            div.set("LABEL", item.title)
            div.set("ORDERLABEL", item.identifier)
            divs[delivered.item_index] = div
        etree.SubElement(div, q(NS_METS, "fptr"), FILEID=delivered.file_id)
    return mets
