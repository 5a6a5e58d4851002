"""The shared parts of building an archive package: the specifications' versions and
namespaces, the package's plan (:class:`Plan`: every file, below the root folder) and small
helpers. :mod:`moh_core.archive.building` makes the plan; :mod:`~moh_core.archive.metadata`
and :mod:`~moh_core.archive.mets` write its XML."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from moh_core.archive.model import PackageContent, PackageFile, PackageItem

__all__ = [
    "CSIP_VERSION",
    "PREMIS_VERSION",
    "SIGNED_USE",
    "SIP_PROFILE",
    "SIP_VERSION",
    "Delivered",
    "Entry",
    "Plan",
    "iso",
    "q",
    "safe_name",
    "sha256",
    "to_xml",
]

#: E-ARK Common Specification for Information Packages implemented (and validated against).
CSIP_VERSION = "2.1.0"
#: E-ARK Submission Information Package specification implemented.
SIP_VERSION = "2.1.0"
SIP_PROFILE = "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"
PREMIS_VERSION = "3.0"

NS_METS = "http://www.loc.gov/METS/"
NS_XLINK = "http://www.w3.org/1999/xlink"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
NS_CSIP = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
NS_SIP = "https://DILCIS.eu/XML/METS/SIPExtensionMETS"
NS_PREMIS = "http://www.loc.gov/premis/v3"
NS_OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
NS_DC = "http://purl.org/dc/elements/1.1/"

METS_NSMAP = {"mets": NS_METS, "xlink": NS_XLINK, "xsi": NS_XSI, "csip": NS_CSIP, "sip": NS_SIP}

#: The schemas shipped in ``schemas/`` (copies of the ones the E-ARK validator validates with).
SCHEMA_FILES = {
    NS_METS: "mets.xsd",
    NS_XLINK: "xlink.xsd",
    NS_CSIP: "DILCISExtensionMETS.xsd",
    NS_SIP: "DILCISExtensionSIPMETS.xsd",
}
PREMIS_SCHEMA_LOCATION = "http://www.loc.gov/premis/v3 https://www.loc.gov/standards/premis/v3/premis.xsd"
OAI_DC_SCHEMA_LOCATION = "http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd"

REP = "rep1"
REP_DIR = f"representations/{REP}"
SIGNED_USE = "Signed original"
"""``USE`` of a signed PDF's ``mets:file`` in the representation METS: the files a reader checks
the signatures of."""
VALIDATION_MDTYPE = "MOH-PDF-SIGNATURE-VALIDATION"
#: The content information type the file groups state (no E-ARK CITS applies to these records).
CONTENT_INFORMATION_TYPE = "MOH-EOFFICE-RECORDS-FILE"
SOFTWARE_NAME = "moh-core (Ministry of Health e-office)"
UUID_NS = uuid.UUID("6f1c5c1e-2f6b-5a55-9d3e-6d6f682d6172")
PDF = "application/pdf"


def q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def safe_name(name: str) -> str:
    """A file name an archive's file system and a URL keep as it is: ASCII letters, digits,
    ``.``, ``_``, ``-`` (Vietnamese letters lose their marks; the original name is kept in
    PREMIS ``originalName`` and the METS ``xlink:title``)."""
    text = name.replace("\\", "/").rsplit("/", 1)[-1]
    text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(char for char in text if not unicodedata.combining(char))
    stem, dot, suffix = text.rpartition(".")
    if not dot or not stem:
        stem, suffix = text, ""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_-")[:80] or "file"
    suffix = re.sub(r"[^A-Za-z0-9]+", "", suffix)[:10]
    return f"{stem}.{suffix}" if suffix else stem


@dataclass
class Entry:
    """One file of the package (path below the root folder)."""

    path: str
    data: bytes
    mimetype: str

    @property
    def sha256(self) -> str:
        return sha256(self.data)


@dataclass
class Delivered:
    """One document file as delivered in the representation."""

    item_index: int
    item: PackageItem
    content: PackageContent
    entry: Entry
    converted: bool
    report: Entry | None = None
    file_id: str = ""


@dataclass
class Plan:
    file: PackageFile
    package_id: str
    created: dt.datetime
    agent: str
    delivered: list[Delivered] = field(default_factory=list)
    entries: dict[str, Entry] = field(default_factory=dict)

    def add(self, path: str, data: bytes, mimetype: str) -> Entry:
        entry = Entry(path, data, mimetype)
        self.entries[path] = entry
        return entry

    def ident(self, kind: str, key: str) -> str:
        """A deterministic xs:ID for ``kind`` and ``key`` within this package."""
        return f"{kind}-{uuid.uuid5(UUID_NS, f'{self.package_id}/{kind}/{key}')}"


def to_xml(root: Any) -> bytes:
    etree.cleanup_namespaces(root)
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data
