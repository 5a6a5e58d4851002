"""What goes into an archive package (:class:`PackageFile`, :class:`PackageItem`,
:class:`PackageContent`) and what reading one back found (:class:`PackageCheck`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = [
    "ContentCheck",
    "ItemRole",
    "PackageCheck",
    "PackageContent",
    "PackageFile",
    "PackageItem",
]


class ItemRole(StrEnum):
    """What a document of the records file is in the e-office."""

    INCOMING = "incoming"
    OUTGOING = "outgoing"
    TASK = "task"
    DOSSIER = "dossier"
    OTHER = "other"


@dataclass(frozen=True)
class PackageFile:
    """The closed records file (hồ sơ) being archived: its descriptive record.

    ``code`` is the file's code (số và ký hiệu hồ sơ), ``retention`` its retention period as the
    records schedule says it ("Vĩnh viễn", "10 năm"), ``agency`` the creating agency (the fonds)
    and ``agency_code`` its identification code (mã định danh), ``confidentiality`` the secrecy
    mark ("" for none), ``language`` an ISO 639 code. ``package_id`` is the package's OBJID and
    root folder; default: a UUID derived from ``agency_code`` and ``code``, so the same file
    always gets the same identifier.
    """

    code: str
    title: str
    start_date: dt.date
    end_date: dt.date
    retention: str
    agency: str
    agency_code: str
    language: str = "vi"
    confidentiality: str = ""
    keywords: Sequence[str] = ()
    description: str = ""
    package_id: str | None = None


@dataclass(frozen=True)
class PackageContent:
    """One file of a document, as the e-office holds it.

    ``produced_here``: the e-office rendered it (an unsigned PDF of this kind is delivered as
    PDF/A-2b). ``signed``: a signed PDF, copied byte for byte; it needs ``validation_report``,
    the report of :func:`moh_core.signatures.validate_pdf_signatures` made when it was filed, as
    :func:`moh_core.archive.validation_report_dict` returns it. ``recorded_at``: when it was
    created (``produced_here``) or received; it dates the PREMIS creation/ingestion event.
    ``recorded_sha256``: the SHA-256 (hex) the e-office recorded when the file was filed; the
    bytes are checked against it before packaging (a PREMIS "fixity check" event), and a file
    that changed in storage is refused.
    """

    name: str
    data: bytes = field(repr=False)
    mimetype: str
    produced_here: bool = False
    signed: bool = False
    validation_report: Mapping[str, Any] | None = field(default=None, repr=False)
    recorded_at: dt.datetime | None = None
    recorded_sha256: str | None = None


@dataclass(frozen=True)
class PackageItem:
    """A document of the records file: an incoming or outgoing document, a task, a dossier."""

    identifier: str
    title: str
    role: ItemRole
    contents: Sequence[PackageContent]
    date: dt.date | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ContentCheck:
    """One file listed in a package's METS, as found on reading it back."""

    path: str
    """The path inside the package, below its root folder."""
    present: bool
    digest_ok: bool
    signed: bool
    signature_ok: bool | None
    """The signature checker's verdict on a signed PDF; None when not signed or not checked."""
    signature_detail: str = ""


@dataclass(frozen=True)
class PackageCheck:
    """What :func:`moh_core.archive.read_package` found. ``ok`` only if every file listed in the
    METS files is there with its SHA-256 digest, nothing else is there, and every signed PDF
    passed the signature checker (when one was given)."""

    package_id: str
    files: tuple[ContentCheck, ...]
    missing: tuple[str, ...]
    extra: tuple[str, ...]
    digest_failures: tuple[str, ...]
    signature_failures: tuple[str, ...]
    signatures_checked: bool

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.digest_failures or self.signature_failures)
