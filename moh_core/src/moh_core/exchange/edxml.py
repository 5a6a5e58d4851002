"""Building and reading edXML messages: documents exchanged between agencies (QCVN 102:2016/BTTTT).

QCVN 102:2016/BTTTT, the national technical regulation on the structure of electronic document
messages, defines edXML (namespace :data:`NAMESPACE`): an ``edXMLEnvelope`` holding an
``edXMLHeader`` (``MessageHeader``, ``TraceHeaderList``, signature) and an ``edXMLBody``
(``edXMLManifest`` listing the attachments by ``cid:``), the attachments themselves in base64 in
``AttachmentEncoded`` beside the envelope. The regulation's text does not fix element names
down to the last detail and no official XSD exists: the names, codes and layout here are those
of the government's exchange SDK (VPCP/VNPT "EdXML102"), whose sample messages, with messages
of other software received through the national hub (VXP), are what the project tests against.

Two kinds of message:

* a **document message** (:class:`DocumentMessage`): a new document, or the revocation, update or
  replacement of one, said by ``BussinessDocType`` (sic) in the trace header's ``Bussiness``
  block (:class:`DocumentAction`: 0 new, 1 revoke, 2 update, 3 replace);
* a **status message** (:class:`StatusMessage`): what the receiving agency did with a document
  (:class:`StatusCode` 01 delivered … 06 completed, 13/15/16 for recalls).

Building
--------
:func:`build_document_message` and :func:`build_status_message` write the SDK's layout exactly:
the root ``<edXML>`` with the edXML namespace as default, the ``edXML:`` prefix declared on the
envelope, ``AttachmentEncoded`` unprefixed outside the envelope, each ``ContentTransferEncoded``
re-declaring the prefix, the base64 on one line, dates ``yyyy/MM/dd`` and timestamps
``yyyy/MM/dd HH:mm:ss`` in Vietnam's time. Text is written in Unicode NFC. Every message built is
validated against the project's schema before it is returned. Messages are not signed: the
``Signature`` elements of the SDK's samples are dummies that verify nowhere, and the hub knows the
sending system by its own connection credentials.
Attachments are sent as they are (what other software does); ``zip_attachments=True`` packs
each into a one-entry zip as the SDK does, for a peer that expects that.

Reading
-------
:func:`parse_message` returns a :class:`ParsedDocument` or :class:`ParsedStatus`, or raises
:class:`EdxmlError` (an :class:`EdxmlProblem` code and an English message); nothing partial is
ever returned. The input is hostile until proven otherwise:

* its size is checked before anything is parsed (:data:`DEFAULT_MAX_BYTES`);
* a document type declaration is refused (``DOCTYPE_FORBIDDEN``), found in the prolog before
  parsing, by libxml2's entity-amplification guard while parsing, or in the parsed tree;
* lxml parses with entities left unresolved, no DTD loaded, no network, every request for an
  external resource answered with nothing, and ``huge_tree`` off, so libxml2's limits stand: a
  text node is at most 10,000,000 characters, so one attachment is at most about 7.5 MB
  (:data:`MAX_ATTACHMENT_BYTES`), larger ones are ``ATTACHMENT_TOO_LARGE``;
* unpacked attachments are read with a budget (``max_unpacked_bytes``): a zip bomb is refused.

Quirks of real senders that lose no meaning are tolerated, and reported as :class:`Notice` s
where a person should know (the Odoo side shows them on the incoming document):

* prefixes placed anywhere (only namespaces count); comments; CRLF or LF;
* elements sent empty (``<DueDate></DueDate>``, ``<ResponseFor/>``): read as absent;
* children of ``From``/``To``/``ResponseFor``/``StaffInfo``/``Reference``/… in any order, and
  the ``Bussiness`` block before or after the ``TraceHeader`` s (the schema says so with
  ``xs:all`` and a choice); ``MessageHeader`` children in any order (XSD 1.0 cannot say that for
  a group with the repeated ``To``, so they are put in the schema's order before validating);
* dates as ``dd/MM/yyyy`` or ISO 8601 (``DATE_FORMAT``); text in decomposed Unicode (read as NFC);
* a ``Signature`` outside the XML-DSig namespace (``UNQUALIFIED_SIGNATURE``); signatures are
  not verified (none of the SDK's verifies) and :attr:`ParsedDocument.signed` only says one is
  there;
* trace headers without an organisation or with ``null`` (``UNKNOWN_TRACE_ORGAN``);
* attachments whose declared type is not their content: types are detected from the content's
  magic bytes (no libmagic needed), a zip labelled as PDF is reported
  (``DECLARED_TYPE_MISMATCH``) and unpacked; a file whose content does not match its name
  (``NAME_TYPE_MISMATCH``), the manifest disagreeing (``MANIFEST_TYPE_MISMATCH``), a PDF whose
  binary bytes the sender's software turned into U+FFFD, or a zip that cannot be opened
  (``DAMAGED_ATTACHMENT``), an attachment the manifest does not list (``UNLISTED_ATTACHMENT``).

After those normalisations the message is validated against the schema in
``moh_core/data/edxml/`` (``document.xsd`` or ``status.xsd``, sharing ``common.xsd``); its comments
say where each part comes from. Not well-formed XML (``MALFORMED``), undeclared prefixes
(``NAMESPACE_ERROR``), another root (``NOT_EDXML``), invented or missing elements
(``NOT_CONFORMANT``), impossible dates (``INVALID_DATE``), broken base64
(``BAD_ATTACHMENT_ENCODING``), a manifest entry without its attachment (``MISSING_ATTACHMENT``)
and two attachments with one ContentId (``DUPLICATE_ATTACHMENT``) are refused.

Attachments as the SDK sends them are a zip holding one file named ``<uuid>.<ext>``, while
``AttachmentName`` keeps the original name. :class:`ReceivedAttachment` keeps the bytes as
transmitted (:attr:`~ReceivedAttachment.data`) and the file itself
(:attr:`~ReceivedAttachment.content`, unpacked when it was packed), each with its detected type.

Times: timestamps in messages carry no time zone and are Vietnam's local time; they are read as
aware datetimes in :data:`VIETNAM_TZ`, and the builders refuse naive datetimes (Odoo's are UTC,
Python's local: either guess would be wrong somewhere).
"""

from __future__ import annotations

import base64
import binascii
import re
import threading
import unicodedata
import uuid
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from enum import IntEnum, StrEnum
from io import BytesIO
from pathlib import Path, PurePath
from typing import Any

from lxml import etree

__all__ = [
    "ACTION_REASONS",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_UNPACKED_BYTES",
    "FILE_TYPES",
    "MAX_ATTACHMENT_BYTES",
    "NAMESPACE",
    "SCHEMA_DIR",
    "VIETNAM_TZ",
    "XMLDSIG_NAMESPACE",
    "Attachment",
    "Business",
    "DocumentAction",
    "DocumentKey",
    "DocumentMessage",
    "EdxmlError",
    "EdxmlNotice",
    "EdxmlProblem",
    "Notice",
    "Organization",
    "ParsedDocument",
    "ParsedStatus",
    "ReceivedAttachment",
    "ReplacedDocument",
    "ResponseFor",
    "Signer",
    "StaffInfo",
    "StatusCode",
    "StatusMessage",
    "TraceEntry",
    "UpdateInfo",
    "UpdateReceiver",
    "build_document_message",
    "build_status_message",
    "business_targets",
    "document_key",
    "make_document_id",
    "parse_document_id",
    "parse_message",
]

#: The edXML namespace of QCVN 102:2016/BTTTT.
NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
XMLDSIG_NAMESPACE = "http://www.w3.org/2000/09/xmldsig#"
#: Vietnam's time (UTC+7, no daylight saving): the time of every edXML timestamp.
VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")
#: Largest message :func:`parse_message` reads by default: 40 MiB.
DEFAULT_MAX_BYTES = 40 * 1024 * 1024
#: Largest total of unpacked attachments by default: 100 MiB.
DEFAULT_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
#: Largest attachment the hardened parser can read: libxml2 without ``huge_tree`` refuses a text
#: node over 10,000,000 characters, i.e. 7,500,000 bytes in base64.
MAX_ATTACHMENT_BYTES = 7_500_000
#: Folder of the schemas messages are validated against.
SCHEMA_DIR = Path(__file__).with_name("data") / "edxml"

_E = f"{{{NAMESPACE}}}"
_DS = f"{{{XMLDSIG_NAMESPACE}}}"
_NS = {"e": NAMESPACE}
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
_DATE_FORMAT = "%Y/%m/%d"
_TIMESTAMP_FORMAT = "%Y/%m/%d %H:%M:%S"
_MAX_DETAIL = 400


# ============================================================================ codes


class DocumentAction(IntEnum):
    """``BussinessDocType``: what a document message does."""

    NEW = 0
    REVOKE = 1
    UPDATE = 2
    REPLACE = 3


#: The ``BussinessDocReason`` texts of the SDK's samples, for callers that want the usual wording.
ACTION_REASONS: dict[DocumentAction, str] = {
    DocumentAction.NEW: "Văn bản điện tử mới",
    DocumentAction.REVOKE: "Thu hồi văn bản điện tử",
    DocumentAction.UPDATE: "Cập nhật văn bản điện tử",
    DocumentAction.REPLACE: "Văn bản thay thế",
}


class StatusCode(StrEnum):
    """``StatusCode`` of a status message (the exchange SDK's codes)."""

    DELIVERED = "01"
    REFUSED = "02"
    ACCEPTED = "03"
    ASSIGNED = "04"
    PROCESSING = "05"
    COMPLETED = "06"
    RECALL_REQUESTED = "13"
    RECALL_ACCEPTED = "15"
    RECALL_REFUSED = "16"

    @property
    def description(self) -> str:
        """One English sentence, for logs and messages."""
        return _STATUS_DESCRIPTIONS[self]


_STATUS_DESCRIPTIONS: dict[StatusCode, str] = {
    StatusCode.DELIVERED: "the document reached the recipient's system",
    StatusCode.REFUSED: "the recipient refused or returned the document",
    StatusCode.ACCEPTED: "the recipient accepted the document and entered it in its register",
    StatusCode.ASSIGNED: "the recipient assigned the document for handling",
    StatusCode.PROCESSING: "the recipient is handling the document",
    StatusCode.COMPLETED: "the recipient completed the handling of the document",
    StatusCode.RECALL_REQUESTED: "the sender asks to recall or update the document",
    StatusCode.RECALL_ACCEPTED: "the recipient agreed to the recall or update",
    StatusCode.RECALL_REFUSED: "the recipient refused the recall or update",
}


class EdxmlProblem(StrEnum):
    """Why a message is refused or cannot be built; the Odoo side translates the codes."""

    TOO_LARGE = "too_large"
    ATTACHMENT_TOO_LARGE = "attachment_too_large"
    DOCTYPE_FORBIDDEN = "doctype_forbidden"
    MALFORMED = "malformed"
    NAMESPACE_ERROR = "namespace_error"
    NOT_EDXML = "not_edxml"
    NOT_CONFORMANT = "not_conformant"
    INVALID_DATE = "invalid_date"
    BAD_ATTACHMENT_ENCODING = "bad_attachment_encoding"
    MISSING_ATTACHMENT = "missing_attachment"
    DUPLICATE_ATTACHMENT = "duplicate_attachment"

    @property
    def description(self) -> str:
        """One English sentence, for logs and messages."""
        return _PROBLEM_DESCRIPTIONS[self]


_PROBLEM_DESCRIPTIONS: dict[EdxmlProblem, str] = {
    EdxmlProblem.TOO_LARGE: "the message is larger than allowed",
    EdxmlProblem.ATTACHMENT_TOO_LARGE: "an attachment is larger than allowed",
    EdxmlProblem.DOCTYPE_FORBIDDEN: ("the message contains a document type declaration or entities, which are refused"),
    EdxmlProblem.MALFORMED: "the message is not well-formed XML",
    EdxmlProblem.NAMESPACE_ERROR: "the message uses an XML namespace prefix it does not declare",
    EdxmlProblem.NOT_EDXML: "the message is not an edXML message",
    EdxmlProblem.NOT_CONFORMANT: "the message does not have the structure of an edXML message",
    EdxmlProblem.INVALID_DATE: "the message contains a date that does not exist or cannot be read",
    EdxmlProblem.BAD_ATTACHMENT_ENCODING: "an attachment is not valid base64",
    EdxmlProblem.MISSING_ATTACHMENT: ("the manifest lists an attachment the message does not contain"),
    EdxmlProblem.DUPLICATE_ATTACHMENT: "two attachments have the same content identifier",
}


class EdxmlNotice(StrEnum):
    """A quirk of the sender that was tolerated; the Odoo side translates the codes."""

    DATE_FORMAT = "date_format"
    UNQUALIFIED_SIGNATURE = "unqualified_signature"
    UNKNOWN_TRACE_ORGAN = "unknown_trace_organ"
    DECLARED_TYPE_MISMATCH = "declared_type_mismatch"
    MANIFEST_TYPE_MISMATCH = "manifest_type_mismatch"
    NAME_TYPE_MISMATCH = "name_type_mismatch"
    DAMAGED_ATTACHMENT = "damaged_attachment"
    UNLISTED_ATTACHMENT = "unlisted_attachment"

    @property
    def description(self) -> str:
        """One English sentence, for logs and messages."""
        return _NOTICE_DESCRIPTIONS[self]


_NOTICE_DESCRIPTIONS: dict[EdxmlNotice, str] = {
    EdxmlNotice.DATE_FORMAT: "a date was not written as yyyy/MM/dd and was converted",
    EdxmlNotice.UNQUALIFIED_SIGNATURE: ("the signature element is not in the XML signature namespace"),
    EdxmlNotice.UNKNOWN_TRACE_ORGAN: ("a trace header does not say which organisation relayed the message"),
    EdxmlNotice.DECLARED_TYPE_MISMATCH: ("an attachment's declared type is not the type of its content"),
    EdxmlNotice.MANIFEST_TYPE_MISMATCH: ("the manifest gives an attachment a type its content does not have"),
    EdxmlNotice.NAME_TYPE_MISMATCH: "an attachment's content does not match its file name",
    EdxmlNotice.DAMAGED_ATTACHMENT: "an attachment was damaged by the sender's software",
    EdxmlNotice.UNLISTED_ATTACHMENT: ("the message contains an attachment its manifest does not list"),
}


class EdxmlError(Exception):
    """A message refused or not built: ``code``, the English ``message``, a technical ``detail``."""

    def __init__(self, code: EdxmlProblem, detail: str | None = None) -> None:
        self.code = code
        self.detail = detail[:_MAX_DETAIL] if detail else None
        text = code.description[:1].upper() + code.description[1:]
        self.message = f"{text}: {self.detail}" if self.detail else f"{text}."
        super().__init__(self.message)


@dataclass(frozen=True)
class Notice:
    """One tolerated quirk; ``content_id`` names the attachment it concerns, if any."""

    code: EdxmlNotice
    detail: str
    content_id: str | None = None

    @property
    def message(self) -> str:
        return f"{self.code.description}: {self.detail}"


# ============================================================================ message content


@dataclass(frozen=True)
class Organization:
    """``From`` / ``To``: an agency, by its identification code (Decision 20/2020/QĐ-TTg)."""

    organ_id: str
    name: str | None = None
    """``OrganName``."""
    in_charge: str | None = None
    """``OrganizationInCharge``: the agency's governing body (ministry, province)."""
    address: str | None = None
    email: str | None = None
    telephone: str | None = None
    fax: str | None = None
    website: str | None = None


@dataclass(frozen=True)
class Signer:
    """``SignerInfo``: who signed the document, as printed on it."""

    full_name: str | None = None
    position: str | None = None
    competence: str | None = None
    """Signing authority, e.g. ``TL. BỘ TRƯỞNG`` / ``KT. BỘ TRƯỞNG``."""


@dataclass(frozen=True)
class ResponseFor:
    """``ResponseFor``: the document a message answers, revokes or reports on."""

    organ_id: str
    document_id: str
    code: str | None = None
    """Its number and notation, ``7816/VPCP-TTĐT``."""
    promulgation_date: date | None = None


@dataclass(frozen=True)
class StaffInfo:
    """``StaffInfo``: the clerk who handled the message."""

    department: str | None = None
    staff: str | None = None
    email: str | None = None
    mobile: str | None = None


@dataclass(frozen=True)
class UpdateReceiver:
    """``BussinessDocumentInfo/ReceiverList/Receiver`` of an update (codes as sent)."""

    organ_id: str
    receiver_type: int | None = None


@dataclass(frozen=True)
class UpdateInfo:
    """``BussinessDocumentInfo`` of an update: what changed (0/1 flags) and for which recipients."""

    document_info: int | None = None
    document_receiver: int | None = None
    receivers: tuple[UpdateReceiver, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "receivers", tuple(self.receivers))


@dataclass(frozen=True)
class ReplacedDocument:
    """``ReplacementInfo`` of a replacement: a document replaced, and at which recipients."""

    document_id: str
    organ_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "organ_ids", tuple(self.organ_ids))


@dataclass(frozen=True)
class Business:
    """The trace header's ``Bussiness`` block: what the message does to the document.

    In the SDK's samples a new document and an update carry a ``document_id`` (the document
    concerned), a revocation is the revoked document sent again under its own ``DocumentId``, a
    replacement lists the documents replaced in ``replaced`` (:func:`business_targets`). A
    message without the block is a new document.
    """

    action: DocumentAction = DocumentAction.NEW
    reason: str | None = None
    """``BussinessDocReason``, free text; :data:`ACTION_REASONS` has the SDK's wording."""
    document_id: str | None = None
    paper: bool = False
    """Whether a paper copy is also sent."""
    staff: StaffInfo | None = None
    update_info: UpdateInfo | None = None
    replaced: tuple[ReplacedDocument, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "action", DocumentAction(self.action))
        object.__setattr__(self, "replaced", tuple(self.replaced))


def make_document_id(organ_id: str, promulgation_date: date, number: str, notation: str) -> str:
    """``DocumentId`` as the SDK writes it: ``senderOrgId,yyyy/MM/dd,number/notation``."""
    return f"{organ_id},{promulgation_date.strftime(_DATE_FORMAT)},{number}/{notation}"


@dataclass(frozen=True)
class DocumentKey:
    """What identifies a document between agencies: the issuing agency, the date of issue (with
    its year) and the number/notation, normalised so that two writings of one ``DocumentId``
    compare equal (QCVN 102:2016; Decree 30/2020/NĐ-CP, Art. 18.3-18.4: a revocation, update or
    replacement, and every status message, name the document this way).

    A number alone is no key: numbers restart every year (Decree 30, Art. 15) and every agency
    has its own. ``str(key)`` is the canonical ``DocumentId``, used as the stored matching key.
    """

    organ_id: str
    promulgation_date: date
    number: str
    notation: str

    def __str__(self) -> str:
        return make_document_id(self.organ_id, self.promulgation_date, self.number, self.notation)


def _key_part(text: str) -> str:
    return "".join(_nfc(text).split()).upper()


def document_key(
    organ_id: str | None, promulgation_date: date | str | None, number_notation: str | None
) -> DocumentKey | None:
    """The :class:`DocumentKey` of a document, or None when a part is missing or unreadable.

    Normalised: spaces dropped, letters upper-cased (agency codes and notations are written in
    capitals; NFC for the Vietnamese letters), leading zeros of a numeric number dropped
    (``05`` and ``5`` are one number). The date is a :class:`~datetime.date` or text
    ``yyyy/MM/dd`` (also ``yyyy-MM-dd``); an impossible date (the SDK's ``2014/02/30``) gives None:
    such a key matches nothing. ``number_notation`` is ``number/notation``; the notation may
    itself contain ``/`` (``30/2020/NĐ-CP``).
    """
    organ = _key_part(organ_id or "")
    number, _sep, notation = (number_notation or "").partition("/")
    number, notation = _key_part(number), _key_part(notation)
    if number.isdigit():
        number = number.lstrip("0") or "0"
    if isinstance(promulgation_date, str):
        match = _YMD.fullmatch(promulgation_date.strip())
        try:
            promulgation_date = date(*map(int, match.groups())) if match else None
        except ValueError:
            promulgation_date = None
    elif isinstance(promulgation_date, datetime):
        promulgation_date = promulgation_date.date()
    if not (organ and number and notation and isinstance(promulgation_date, date)):
        return None
    return DocumentKey(organ, promulgation_date, number, notation)


def parse_document_id(document_id: str | None) -> DocumentKey | None:
    """The :class:`DocumentKey` of a ``DocumentId`` ``senderOrgId,yyyy/MM/dd,number/notation``;
    None for anything else (a bare UUID, as some senders write, an impossible date)."""
    parts = (document_id or "").split(",", 2)
    if len(parts) != 3:
        return None
    return document_key(*parts)


@dataclass(frozen=True)
class DocumentMessage:
    """The ``MessageHeader`` of a document message, and its ``Bussiness`` block.

    ``document_id`` defaults to :func:`make_document_id` of the sender, date, number and
    notation. Integer codes (``document_type``, ``priority``, ``steering_type``…) are passed
    through as the sender codes them.
    """

    sender: Organization
    recipients: tuple[Organization, ...]
    code_number: str
    code_notation: str
    promulgation_date: date
    document_type: int
    subject: str
    document_type_name: str | None = None
    document_type_detail: int | None = None
    promulgation_place: str | None = None
    content: str | None = None
    signer: Signer | None = None
    due_date: date | None = None
    priority: int = 0
    sphere_of_promulgation: str | None = None
    typer_notation: str | None = None
    """Initials of the typist (``TyperNotation``)."""
    promulgation_amount: int | None = None
    """Number of copies issued."""
    page_amount: int | None = None
    direction: bool | None = None
    appendixes: tuple[str, ...] = ()
    response_for: ResponseFor | None = None
    steering_type: int | None = None
    to_places: tuple[str, ...] = ()
    """``ToPlaces``: the "Nơi nhận" lines."""
    document_id: str = ""
    business: Business | None = field(default_factory=Business)

    def __post_init__(self) -> None:
        for name in ("recipients", "appendixes", "to_places"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if not self.document_id:
            object.__setattr__(
                self,
                "document_id",
                make_document_id(
                    self.sender.organ_id,
                    self.promulgation_date,
                    self.code_number,
                    self.code_notation,
                ),
            )

    @property
    def action(self) -> DocumentAction:
        return self.business.action if self.business else DocumentAction.NEW


def business_targets(message: DocumentMessage) -> tuple[str, ...]:
    """The ``DocumentId`` s (as sent) of the earlier documents ``message`` acts on.

    * a new document: none;
    * a revocation or an update: the ``Bussiness`` block's ``DocumentId`` when it has one, else
      the message's own ``DocumentId`` (the SDK re-sends the document itself, under its own id,
      with ``BussinessDocType`` 1 or 2). ``ResponseFor`` is not a target: it names the document
      the revoked one answered;
    * a replacement: each ``ReplacementInfo/DocumentId`` once (the SDK's sample lists one twice),
      else the block's ``DocumentId``.

    Decree 30/2020/NĐ-CP, Art. 18.3-18.4 and QCVN 102:2016 (``Bussiness``).
    """
    business = message.business
    if business is None or business.action == DocumentAction.NEW:
        return ()
    if business.action == DocumentAction.REPLACE:
        replaced = tuple(dict.fromkeys(r.document_id for r in business.replaced if r.document_id))
        if replaced:
            return replaced
        return (business.document_id,) if business.document_id else ()
    target = business.document_id or message.document_id
    return (target,) if target else ()


@dataclass(frozen=True)
class Attachment:
    """A file to send. ``content_type`` defaults to the type detected from the content, then the
    name; ``content_id`` (without ``cid:``) to a new UUID."""

    name: str
    data: bytes = field(repr=False)
    content_type: str | None = None
    description: str | None = None
    content_id: str | None = None


@dataclass(frozen=True)
class StatusMessage:
    """A status message: ``sender`` reports ``status`` of the document ``response_for``."""

    sender: Organization
    response_for: ResponseFor
    status: StatusCode
    timestamp: datetime
    """Aware; written in Vietnam's time, to the second."""
    description: str | None = None
    staff: StaffInfo | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", StatusCode(self.status))
        object.__setattr__(self, "timestamp", _vietnam_time(self.timestamp))

    @property
    def document_key(self) -> DocumentKey | None:
        """The key of the document the status is about: its ``ResponseFor/DocumentId`` (agency,
        date with year, number/notation), None when that is not a readable ``DocumentId``. Never
        the number alone."""
        return parse_document_id(self.response_for.document_id if self.response_for else None)


# ============================================================================ read results


@dataclass(frozen=True)
class TraceEntry:
    """A ``TraceHeader``: a system the message went through, and when."""

    organ_id: str | None
    timestamp: datetime


@dataclass(frozen=True)
class ReceivedAttachment:
    """An attachment as received; :attr:`content` is the file to keep."""

    content_id: str
    """Without the ``cid:`` prefix."""
    name: str
    description: str | None
    declared_type: str | None
    """The attachment's ``ContentType``."""
    manifest_type: str | None
    """The manifest's ``ContentType`` for it."""
    data: bytes = field(repr=False)
    """The bytes transmitted (base64-decoded)."""
    transmitted_type: str | None
    """Type of :attr:`data` by its magic bytes (a key of :data:`FILE_TYPES`), None if unknown."""
    content: bytes = field(repr=False)
    """The file: :attr:`data`, unpacked if the sender packed it in a zip of one file."""
    content_type: str | None
    """Type of :attr:`content` by its magic bytes, None if unknown."""
    packed_name: str | None = None
    """Name of the file inside the sender's zip, when it was packed."""
    notices: tuple[Notice, ...] = ()

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def packed(self) -> bool:
        return self.packed_name is not None

    @property
    def mimetype(self) -> str:
        """MIME type of :attr:`content` as detected (not as declared)."""
        return FILE_TYPES.get(self.content_type or "", "application/octet-stream")


@dataclass(frozen=True)
class ParsedDocument:
    """A document message read and validated."""

    message: DocumentMessage
    trace: tuple[TraceEntry, ...]
    attachments: tuple[ReceivedAttachment, ...]
    signed: bool
    """The message carries a signature element (not verified)."""
    notices: tuple[Notice, ...] = ()

    @property
    def action(self) -> DocumentAction:
        return self.message.action


@dataclass(frozen=True)
class ParsedStatus:
    """A status message read and validated."""

    message: StatusMessage
    signed: bool
    notices: tuple[Notice, ...] = ()


# ============================================================================ file types

#: Type names this module detects -> MIME type.
FILE_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "zip": "application/zip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "ole": "application/x-ole-storage",
    "rtf": "application/rtf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "tiff": "image/tiff",
    "rar": "application/vnd.rar",
    "7z": "application/x-7z-compressed",
    "gzip": "application/gzip",
    "xml": "application/xml",
    "txt": "text/plain",
}
_TYPE_BY_MIME: dict[str, str] = {
    **{mime: name for name, mime in FILE_TYPES.items()},
    "text/xml": "xml",
    "application/x-zip-compressed": "zip",
    "application/x-pdf": "pdf",
    "image/jpg": "jpeg",
    "application/x-rar-compressed": "rar",
}
_TYPE_BY_EXTENSION: dict[str, str] = {
    **{name: name for name in FILE_TYPES if name != "ole"},
    "jpg": "jpeg",
    "jpe": "jpeg",
    "tif": "tiff",
    "gz": "gzip",
    "edxml": "xml",
}
#: An OLE2 compound file is whichever of these its name says.
_OLE_TYPES = frozenset({"doc", "xls", "ppt"})
#: Zip-based formats: a zip declared as application/zip may be one of these.
_ZIP_BASED = frozenset({"zip", "docx", "xlsx", "pptx", "odt", "ods", "odp"})
_OOXML_PARTS = {
    "word/document.xml": "docx",
    "xl/workbook.xml": "xlsx",
    "ppt/presentation.xml": "pptx",
}
_ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"{\\rtf", "rtf"),
    (b"Rar!\x1a\x07", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x1f\x8b", "gzip"),
)
_REPLACEMENT_CHARACTER = "\ufffd".encode()
#: What a damaged or unusual zip makes zipfile raise (encrypted entries: RuntimeError;
#: unknown compression: NotImplementedError).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    OSError,
    EOFError,
    ValueError,
    RuntimeError,
    NotImplementedError,
    zlib.error,
)


def _type_of_name(name: str | None) -> str | None:
    return _TYPE_BY_EXTENSION.get(PurePath(name or "").suffix.lower().lstrip("."))


def _type_of_mime(mime: str | None) -> str | None:
    return _TYPE_BY_MIME.get((mime or "").split(";")[0].strip().lower())


def _sniff(data: bytes, name: str | None = None) -> str | None:
    """The type of ``data`` by its magic bytes; ``name`` only tells OLE2 files apart."""
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return _sniff_zip(data)
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            if kind == "ole":
                named = _type_of_name(name)
                return named if named in _OLE_TYPES else "ole"
            return kind
    # Readers accept a PDF header anywhere in the first kilobyte.
    if b"%PDF-" in data[:1024]:
        return "pdf"
    head = data[:4096]
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml"):
        return "xml"
    if data and _is_text(head, truncated=len(data) > len(head)):
        return "txt"
    return None


def _sniff_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                for part, kind in _OOXML_PARTS.items():
                    if part in names:
                        return kind
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    return _ODF_MIMETYPES.get(entry.read(100).strip(), "zip")
    except _ZIP_ERRORS:
        pass
    return "zip"


def _is_text(head: bytes, *, truncated: bool) -> bool:
    # A cut multi-byte character at the end of a truncated head is not a reason to say "binary".
    for cut in range(4 if truncated else 1):
        try:
            text = head[: len(head) - cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
        return all(ch.isprintable() or ch in "\t\r\n\f" for ch in text)
    return False


def _same_type(declared: str, actual: str | None) -> bool:
    if actual is None:
        return False
    if declared == actual:
        return True
    if declared == "zip" and actual in _ZIP_BASED:
        return True
    return {declared, actual} <= _OLE_TYPES | {"ole"}


# ============================================================================ building


def build_document_message(
    doc: DocumentMessage,
    attachments: Sequence[Attachment] = (),
    *,
    sent_at: datetime | None = None,
    zip_attachments: bool = False,
) -> bytes:
    """The edXML document message of ``doc`` with ``attachments``, as UTF-8 bytes.

    The trace header names the sender and ``sent_at`` (aware; default now). With
    ``zip_attachments`` each file is packed, as the SDK does, into a zip holding one entry
    ``<uuid>.<ext>``, declared ``application/zip``, under its own name.

    :raises EdxmlError: ``DUPLICATE_ATTACHMENT`` for two attachments with one ``content_id``,
        ``NOT_CONFORMANT`` when the result would not validate (no recipient, empty subject,
        characters XML cannot carry).
    :raises ValueError: ``sent_at`` is naive.
    """
    sent_at = _vietnam_time(sent_at or datetime.now(VIETNAM_TZ))
    prepared = [_prepare_attachment(item, sent_at, zip_attachments) for item in attachments]
    seen: set[str] = set()
    for content_id, *_ in prepared:
        if content_id in seen:
            raise EdxmlError(EdxmlProblem.DUPLICATE_ATTACHMENT, f"cid:{content_id}")
        seen.add(content_id)
    try:
        root, header = _envelope()
        mh = _sub(header, "MessageHeader")
        _organization(mh, "From", doc.sender)
        for recipient in doc.recipients:
            _organization(mh, "To", recipient)
        _sub(mh, "DocumentId", doc.document_id)
        code = _sub(mh, "Code")
        _sub(code, "CodeNumber", doc.code_number)
        _sub(code, "CodeNotation", doc.code_notation)
        info = _sub(mh, "PromulgationInfo")
        _opt(info, "Place", doc.promulgation_place)
        _sub(info, "PromulgationDate", doc.promulgation_date.strftime(_DATE_FORMAT))
        kind = _sub(mh, "DocumentType")
        _sub(kind, "Type", doc.document_type)
        _opt(kind, "TypeDetail", doc.document_type_detail)
        _opt(kind, "TypeName", doc.document_type_name)
        _sub(mh, "Subject", doc.subject)
        _opt(mh, "Content", doc.content)
        if doc.signer is not None:
            signer = _sub(mh, "SignerInfo")
            _opt(signer, "Competence", doc.signer.competence)
            _opt(signer, "Position", doc.signer.position)
            _opt(signer, "FullName", doc.signer.full_name)
        if doc.due_date is not None:
            _sub(mh, "DueDate", doc.due_date.strftime(_DATE_FORMAT))
        other = _sub(mh, "OtherInfo")
        _sub(other, "Priority", doc.priority)
        _opt(other, "SphereOfPromulgation", doc.sphere_of_promulgation)
        _opt(other, "TyperNotation", doc.typer_notation)
        _opt(other, "PromulgationAmount", doc.promulgation_amount)
        _opt(other, "PageAmount", doc.page_amount)
        if doc.direction is not None:
            _sub(other, "Direction", "true" if doc.direction else "false")
        if doc.appendixes:
            appendixes = _sub(other, "Appendixes")
            for appendix in doc.appendixes:
                _sub(appendixes, "Appendix", appendix)
        if doc.response_for is not None:
            _response_for(mh, doc.response_for)
        _opt(mh, "SteeringType", doc.steering_type)
        if doc.to_places:
            places = _sub(mh, "ToPlaces")
            for place in doc.to_places:
                _sub(places, "Place", place)
        trace = _sub(header, "TraceHeaderList")
        entry = _sub(trace, "TraceHeader")
        _sub(entry, "OrganId", doc.sender.organ_id)
        _sub(entry, "Timestamp", sent_at.strftime(_TIMESTAMP_FORMAT))
        if doc.business is not None:
            _business(trace, doc.business)
        body = _sub(header.getparent(), "edXMLBody")
        manifest = _sub(body, "edXMLManifest")
        manifest.set("version", "1.0")
        for content_id, name, description, content_type, _ in prepared:
            reference = _sub(manifest, "Reference")
            _sub(reference, "ContentId", f"cid:{content_id}")
            _sub(reference, "ContentType", content_type)
            _sub(reference, "Description", description)
            _sub(reference, "AttachmentName", name)
        if prepared:
            encoded = etree.SubElement(root, f"{_E}AttachmentEncoded")
            for content_id, name, description, content_type, payload in prepared:
                attachment = _sub(encoded, "Attachment")
                _sub(attachment, "ContentId", f"cid:{content_id}")
                _sub(attachment, "AttachmentName", name)
                _sub(attachment, "Description", description)
                _sub(attachment, "ContentType", content_type)
                # The SDK re-declares the prefix here; so do we, to look the same.
                transfer = etree.SubElement(attachment, f"{_E}ContentTransferEncoded", nsmap={"edXML": NAMESPACE})
                transfer.text = base64.b64encode(payload).decode("ascii")
    except ValueError as exc:  # lxml: text XML cannot carry (control characters)
        raise EdxmlError(EdxmlProblem.NOT_CONFORMANT, str(exc)) from exc
    _validate(root, "document")
    return _serialise(root)


def build_status_message(status: StatusMessage) -> bytes:
    """The edXML status message of ``status``, as UTF-8 bytes.

    :raises EdxmlError: ``NOT_CONFORMANT`` when the result would not validate.
    """
    try:
        root, header = _envelope()
        mh = _sub(header, "MessageHeader")
        _organization(mh, "From", status.sender)
        _response_for(mh, status.response_for)
        if status.staff is not None:
            _staff(mh, status.staff)
        _sub(mh, "StatusCode", status.status.value)
        _opt(mh, "Description", status.description)
        _sub(mh, "Timestamp", status.timestamp.strftime(_TIMESTAMP_FORMAT))
    except ValueError as exc:
        raise EdxmlError(EdxmlProblem.NOT_CONFORMANT, str(exc)) from exc
    _validate(root, "status")
    return _serialise(root)


def _envelope() -> tuple[etree._Element, etree._Element]:
    # The SDK's layout: edXML namespace as default on the root, the edXML: prefix declared on
    # the envelope, so that everything inside it is prefixed and AttachmentEncoded is not.
    root = etree.Element(f"{_E}edXML", nsmap={None: NAMESPACE})
    envelope = etree.SubElement(root, f"{_E}edXMLEnvelope", nsmap={"edXML": NAMESPACE})
    return root, _sub(envelope, "edXMLHeader")


def _sub(parent: etree._Element, name: str, text: object = None) -> etree._Element:
    element = etree.SubElement(parent, _E + name)
    if text is not None:
        element.text = _nfc(str(text))
    return element


def _opt(parent: etree._Element, name: str, value: object) -> None:
    if value is not None and value != "":
        _sub(parent, name, value)


def _organization(parent: etree._Element, tag: str, org: Organization) -> None:
    element = _sub(parent, tag)
    _sub(element, "OrganId", org.organ_id)
    _opt(element, "OrganizationInCharge", org.in_charge)
    _opt(element, "OrganName", org.name)
    _opt(element, "OrganAdd", org.address)
    _opt(element, "Email", org.email)
    _opt(element, "Telephone", org.telephone)
    _opt(element, "Fax", org.fax)
    _opt(element, "Website", org.website)


def _response_for(parent: etree._Element, response: ResponseFor) -> None:
    element = _sub(parent, "ResponseFor")
    _sub(element, "OrganId", response.organ_id)
    _opt(element, "Code", response.code)
    _sub(element, "DocumentId", response.document_id)
    if response.promulgation_date is not None:
        _sub(element, "PromulgationDate", response.promulgation_date.strftime(_DATE_FORMAT))


def _staff(parent: etree._Element, staff: StaffInfo) -> None:
    element = _sub(parent, "StaffInfo")
    _opt(element, "Department", staff.department)
    _opt(element, "Staff", staff.staff)
    _opt(element, "Email", staff.email)
    _opt(element, "Mobile", staff.mobile)


def _business(parent: etree._Element, business: Business) -> None:
    element = _sub(parent, "Bussiness")
    _opt(element, "DocumentId", business.document_id)
    _sub(element, "BussinessDocType", int(business.action))
    _opt(element, "BussinessDocReason", business.reason)
    _sub(element, "Paper", 1 if business.paper else 0)
    if business.update_info is not None:
        info = _sub(element, "BussinessDocumentInfo")
        _opt(info, "DocumentInfo", business.update_info.document_info)
        _opt(info, "DocumentReceiver", business.update_info.document_receiver)
        if business.update_info.receivers:
            receivers = _sub(info, "ReceiverList")
            for receiver in business.update_info.receivers:
                item = _sub(receivers, "Receiver")
                _sub(item, "OrganId", receiver.organ_id)
                _opt(item, "ReceiverType", receiver.receiver_type)
    if business.replaced:
        replacements = _sub(element, "ReplacementInfoList")
        for replaced in business.replaced:
            item = _sub(replacements, "ReplacementInfo")
            _sub(item, "DocumentId", replaced.document_id)
            if replaced.organ_ids:
                organs = _sub(item, "OrganIdList")
                for organ_id in replaced.organ_ids:
                    _sub(organs, "OrganId", organ_id)
    if business.staff is not None:
        _staff(element, business.staff)


def _prepare_attachment(item: Attachment, sent_at: datetime, pack: bool) -> tuple[str, str, str, str, bytes]:
    """(content id, name, description, content type, bytes to send) of one attachment."""
    content_id = item.content_id or str(uuid.uuid4())
    content_id = content_id.removeprefix("cid:")
    description = item.description or item.name
    data = bytes(item.data)
    if pack:
        suffix = PurePath(item.name).suffix
        entry = zipfile.ZipInfo(f"{uuid.uuid4()}{suffix}", date_time=sent_at.timetuple()[:6])
        entry.compress_type = zipfile.ZIP_DEFLATED
        buffer = BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(entry, data)
        return content_id, item.name, description, FILE_TYPES["zip"], buffer.getvalue()
    detected = _sniff(data, item.name) or _type_of_name(item.name)
    content_type = item.content_type or FILE_TYPES.get(detected or "", "application/octet-stream")
    return content_id, item.name, description, content_type, data


def _serialise(root: etree._Element) -> bytes:
    # Written by hand for the double quotes of the SDK's declaration.
    body: bytes = etree.tostring(root, encoding="UTF-8", pretty_print=True)
    return _DECLARATION + body


# ============================================================================ schemas

_schemas = threading.local()


def _schema(kind: str) -> etree.XMLSchema:
    """The compiled schema of ``kind`` (``document`` or ``status``), one per thread."""
    cache: dict[str, etree.XMLSchema] = _schemas.__dict__
    schema = cache.get(kind)
    if schema is None:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        schema = etree.XMLSchema(etree.parse(str(SCHEMA_DIR / f"{kind}.xsd"), parser))
        cache[kind] = schema
    return schema


def _validate(root: etree._Element, kind: str) -> None:
    schema = _schema(kind)
    if schema.validate(root):
        return
    error = (schema.error_log.filter_from_errors() or schema.error_log)[0]
    detail = _short_names(error.message)
    if error.line:
        detail = f"line {error.line}: {detail}"
    if "ContentTransferEncoded" in error.message and "base64Binary" in error.message:
        raise EdxmlError(EdxmlProblem.BAD_ATTACHMENT_ENCODING, detail)
    raise EdxmlError(EdxmlProblem.NOT_CONFORMANT, detail)


def _short_names(text: str) -> str:
    return text.replace(_E, "").replace(_DS, "ds:")


# ============================================================================ parsing

#: Children of MessageHeader in the schema's order, by message kind.
_HEADER_ORDER: dict[str, tuple[str, ...]] = {
    "document": (
        "From",
        "To",
        "DocumentId",
        "Code",
        "PromulgationInfo",
        "DocumentType",
        "Subject",
        "Content",
        "SignerInfo",
        "DueDate",
        "OtherInfo",
        "ResponseFor",
        "SteeringType",
        "ToPlaces",
    ),
    "status": ("From", "ResponseFor", "StaffInfo", "StatusCode", "Description", "Timestamp"),
}
#: Containers kept even when empty: the schema judges them (an empty manifest is a message
#: without attachments).
_STRUCTURE = frozenset(
    _E + name
    for name in (
        "edXML",
        "edXMLEnvelope",
        "edXMLHeader",
        "edXMLBody",
        "edXMLManifest",
        "TraceHeaderList",
    )
)
_DATE_ELEMENTS = frozenset({f"{_E}PromulgationDate", f"{_E}DueDate"})
_TIMESTAMP_ELEMENTS = frozenset({f"{_E}Timestamp"})
_ROOT_START = re.compile(r"<[A-Za-z_:\x80-\uffff]")
_NAMESPACE_ERRORS = frozenset(
    getattr(etree.ErrorTypes, name) for name in dir(etree.ErrorTypes) if name.startswith("NS_ERR_")
)


def parse_message(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED_BYTES,
) -> ParsedDocument | ParsedStatus:
    """Read an edXML message; see the module's docstring for what is tolerated and refused.

    :param max_bytes: the largest message read; checked before parsing.
    :param max_unpacked_bytes: the largest total of attachments unpacked from the senders' zips.
    :raises EdxmlError: the message is refused; nothing of it is returned.
    """
    data = bytes(data)
    if len(data) > max_bytes:
        raise EdxmlError(EdxmlProblem.TOO_LARGE, f"{len(data)} bytes, at most {max_bytes} allowed")
    if not data.strip():
        raise EdxmlError(EdxmlProblem.MALFORMED, "the message is empty")
    if _declares_doctype(data):
        raise EdxmlError(EdxmlProblem.DOCTYPE_FORBIDDEN, "<!DOCTYPE before the root element")
    root = _parse_xml(data)
    if root.tag != f"{_E}edXML":
        raise EdxmlError(EdxmlProblem.NOT_EDXML, f"the root element is {root.tag}")
    header = root.find("e:edXMLEnvelope/e:edXMLHeader/e:MessageHeader", _NS)
    is_status = header is not None and header.find("e:StatusCode", _NS) is not None
    kind = "status" if is_status else "document"
    notices: list[Notice] = []
    _normalise(root, header, kind, notices)
    _validate(root, kind)
    if kind == "status":
        return _read_status(root, notices)
    return _read_document(root, notices, max_unpacked_bytes)


def _declares_doctype(data: bytes) -> bool:
    """Whether ``<!DOCTYPE`` comes before the root element: a look at the first 64 KiB, in
    UTF-16 when the message is, before anything is parsed."""
    head = data[:65536]
    if head.startswith((b"\xff\xfe", b"<\x00")):
        prolog = head.decode("utf-16-le", errors="ignore")
    elif head.startswith((b"\xfe\xff", b"\x00<")):
        prolog = head.decode("utf-16-be", errors="ignore")
    else:
        prolog = head.decode("latin-1")
    root_start = _ROOT_START.search(prolog)
    return "<!DOCTYPE" in prolog[: root_start.start() if root_start else len(prolog)]


class _NoExternalResources(etree.Resolver):
    """Answers every request for an external DTD or entity with nothing.

    With entities unresolved and DTDs not loaded libxml2 should ask for none; but some parser
    options make it load external parameter entities anyway (lxml's ``collect_ids=False`` does),
    so no request reaches the file system or the network whatever the options.
    """

    def resolve(self, url: str, public_id: str | None, context: Any) -> Any:
        return self.resolve_string("", context)


def _parse_xml(data: bytes) -> etree._Element:
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    parser.resolvers.add(_NoExternalResources())
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        message = str(exc)
        if "amplification" in message or "Detected an entity reference loop" in message:
            raise EdxmlError(EdxmlProblem.DOCTYPE_FORBIDDEN, message) from None
        if "Text node too long" in message or "huge text node" in message:
            raise EdxmlError(
                EdxmlProblem.ATTACHMENT_TOO_LARGE,
                f"a text over 10,000,000 characters (an attachment over {MAX_ATTACHMENT_BYTES} bytes)",
            ) from None
        # exc.code is libxml2's code of the error reported (its error log may hold older
        # entries of the same thread).
        if exc.code in _NAMESPACE_ERRORS:
            raise EdxmlError(EdxmlProblem.NAMESPACE_ERROR, message) from None
        raise EdxmlError(EdxmlProblem.MALFORMED, message) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise EdxmlError(EdxmlProblem.DOCTYPE_FORBIDDEN, docinfo.doctype or "a DTD")
    return root


def _normalise(root: etree._Element, header: etree._Element | None, kind: str, notices: list[Notice]) -> None:
    """Undo the tolerated quirks in place, so that the schema can judge the rest."""
    for signature in list(root.iter(f"{_E}Signature")):
        for element in list(signature.iter(f"{_E}*")):
            element.tag = _DS + etree.QName(element).localname
        notices.append(Notice(EdxmlNotice.UNQUALIFIED_SIGNATURE, "Signature without the XML-DSig namespace"))
    for element in reversed(list(root.iter(f"{_E}*"))):
        if (
            element.tag not in _STRUCTURE
            and len(element) == 0
            and not element.attrib
            and not (element.text or "").strip()
        ):
            element.getparent().remove(element)
    if header is not None and header.getparent() is not None:
        order = {name: index for index, name in enumerate(_HEADER_ORDER[kind])}
        header[:] = sorted(header, key=lambda child: order.get(etree.QName(child).localname, len(order)))
    for element in root.iter(f"{_E}*"):
        if element.tag in _DATE_ELEMENTS:
            element.text = _normal_date(element, notices)
        elif element.tag in _TIMESTAMP_ELEMENTS:
            element.text = _normal_timestamp(element, notices)


_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_YMD = re.compile(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})")
_YMD_HMS = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2}) (\d{1,2}):(\d{2}):(\d{2})")
_DMY_HMS = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}) (\d{1,2}):(\d{2}):(\d{2})")


def _normal_date(element: etree._Element, notices: list[Notice]) -> str:
    text = (element.text or "").strip()
    name = etree.QName(element).localname
    try:
        if match := _YMD.fullmatch(text):
            value = date(*map(int, match.groups()))
        elif match := _DMY.fullmatch(text):
            day, month, year = map(int, match.groups())
            value = date(year, month, day)
        else:
            raise ValueError(text)
    except ValueError:
        detail = f"{name} {text!r} (line {element.sourceline})"
        raise EdxmlError(EdxmlProblem.INVALID_DATE, detail) from None
    canonical = value.strftime(_DATE_FORMAT)
    if canonical != text:
        notices.append(Notice(EdxmlNotice.DATE_FORMAT, f"{name} {text!r} read as {canonical}"))
    return canonical


def _normal_timestamp(element: etree._Element, notices: list[Notice]) -> str:
    text = (element.text or "").strip()
    name = etree.QName(element).localname
    try:
        if match := _YMD_HMS.fullmatch(text):
            year, month, day, hour, minute, second = map(int, match.groups())
            value = datetime(year, month, day, hour, minute, second)
        elif match := _DMY_HMS.fullmatch(text):
            day, month, year, hour, minute, second = map(int, match.groups())
            value = datetime(year, month, day, hour, minute, second)
        else:
            value = datetime.fromisoformat(text)
            if value.tzinfo is not None:
                value = value.astimezone(VIETNAM_TZ).replace(tzinfo=None)
    except ValueError:
        detail = f"{name} {text!r} (line {element.sourceline})"
        raise EdxmlError(EdxmlProblem.INVALID_DATE, detail) from None
    canonical = value.strftime(_TIMESTAMP_FORMAT)
    if canonical != text:
        notices.append(Notice(EdxmlNotice.DATE_FORMAT, f"{name} {text!r} read as {canonical}"))
    return canonical


# ---------------------------------------------------------------------------- reading fields


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _text(parent: etree._Element | None, path: str) -> str | None:
    if parent is None:
        return None
    element = parent.find(path, _NS)
    if element is None or element.text is None:
        return None
    return _nfc(element.text.strip()) or None


def _int(parent: etree._Element | None, path: str) -> int | None:
    text = _text(parent, path)
    return int(text) if text is not None else None


def _bool(parent: etree._Element | None, path: str) -> bool | None:
    text = _text(parent, path)
    return text in ("true", "1") if text is not None else None


def _date(parent: etree._Element | None, path: str) -> date | None:
    text = _text(parent, path)
    return datetime.strptime(text, _DATE_FORMAT).date() if text is not None else None


def _timestamp(parent: etree._Element, path: str) -> datetime:
    value = datetime.strptime(_text(parent, path) or "", _TIMESTAMP_FORMAT)
    return value.replace(tzinfo=VIETNAM_TZ)


def _texts(parent: etree._Element | None, path: str) -> tuple[str, ...]:
    if parent is None:
        return ()
    return tuple(_nfc(item.text.strip()) for item in parent.findall(path, _NS) if item.text)


def _read_organization(element: etree._Element) -> Organization:
    return Organization(
        organ_id=_text(element, "e:OrganId") or "",
        name=_text(element, "e:OrganName"),
        in_charge=_text(element, "e:OrganizationInCharge"),
        address=_text(element, "e:OrganAdd"),
        email=_text(element, "e:Email"),
        telephone=_text(element, "e:Telephone"),
        fax=_text(element, "e:Fax"),
        website=_text(element, "e:Website"),
    )


def _read_response_for(element: etree._Element | None) -> ResponseFor | None:
    if element is None:
        return None
    return ResponseFor(
        organ_id=_text(element, "e:OrganId") or "",
        document_id=_text(element, "e:DocumentId") or "",
        code=_text(element, "e:Code"),
        promulgation_date=_date(element, "e:PromulgationDate"),
    )


def _read_staff(element: etree._Element | None) -> StaffInfo | None:
    if element is None:
        return None
    return StaffInfo(
        department=_text(element, "e:Department"),
        staff=_text(element, "e:Staff"),
        email=_text(element, "e:Email"),
        mobile=_text(element, "e:Mobile"),
    )


def _read_business(element: etree._Element | None) -> Business | None:
    if element is None:
        return None
    info = element.find("e:BussinessDocumentInfo", _NS)
    update_info = None
    if info is not None:
        update_info = UpdateInfo(
            document_info=_int(info, "e:DocumentInfo"),
            document_receiver=_int(info, "e:DocumentReceiver"),
            receivers=tuple(
                UpdateReceiver(_text(item, "e:OrganId") or "", _int(item, "e:ReceiverType"))
                for item in info.findall("e:ReceiverList/e:Receiver", _NS)
            ),
        )
    return Business(
        action=DocumentAction(_int(element, "e:BussinessDocType")),  # type: ignore[arg-type]  # required by the schema (_validate)
        reason=_text(element, "e:BussinessDocReason"),
        document_id=_text(element, "e:DocumentId"),
        paper=bool(_bool(element, "e:Paper")),
        staff=_read_staff(element.find("e:StaffInfo", _NS)),
        update_info=update_info,
        replaced=tuple(
            ReplacedDocument(_text(item, "e:DocumentId") or "", _texts(item, "e:OrganIdList/e:OrganId"))
            for item in element.findall("e:ReplacementInfoList/e:ReplacementInfo", _NS)
        ),
    )


def _read_document(root: etree._Element, notices: list[Notice], max_unpacked_bytes: int) -> ParsedDocument:
    header = root.find("e:edXMLEnvelope/e:edXMLHeader", _NS)
    mh = header.find("e:MessageHeader", _NS)
    signer = mh.find("e:SignerInfo", _NS)
    other = mh.find("e:OtherInfo", _NS)
    trace_list = header.find("e:TraceHeaderList", _NS)
    trace = []
    for entry in trace_list.findall("e:TraceHeader", _NS):
        organ_id = _text(entry, "e:OrganId")
        if organ_id is None or organ_id.lower() == "null":
            detail = f"trace header of {_text(entry, 'e:Timestamp')}"
            notices.append(Notice(EdxmlNotice.UNKNOWN_TRACE_ORGAN, detail))
            organ_id = None
        trace.append(TraceEntry(organ_id, _timestamp(entry, "e:Timestamp")))
    message = DocumentMessage(
        sender=_read_organization(mh.find("e:From", _NS)),
        recipients=tuple(_read_organization(item) for item in mh.findall("e:To", _NS)),
        document_id=_text(mh, "e:DocumentId") or "",
        code_number=_text(mh, "e:Code/e:CodeNumber") or "",
        code_notation=_text(mh, "e:Code/e:CodeNotation") or "",
        promulgation_place=_text(mh, "e:PromulgationInfo/e:Place"),
        promulgation_date=_date(mh, "e:PromulgationInfo/e:PromulgationDate"),  # type: ignore[arg-type]  # required by the schema (_validate)
        document_type=_int(mh, "e:DocumentType/e:Type"),  # type: ignore[arg-type]  # required by the schema (_validate)
        document_type_detail=_int(mh, "e:DocumentType/e:TypeDetail"),
        document_type_name=_text(mh, "e:DocumentType/e:TypeName"),
        subject=_text(mh, "e:Subject") or "",
        content=_text(mh, "e:Content"),
        signer=(
            Signer(
                full_name=_text(signer, "e:FullName"),
                position=_text(signer, "e:Position"),
                competence=_text(signer, "e:Competence"),
            )
            if signer is not None
            else None
        ),
        due_date=_date(mh, "e:DueDate"),
        priority=_int(other, "e:Priority") or 0,
        sphere_of_promulgation=_text(other, "e:SphereOfPromulgation"),
        typer_notation=_text(other, "e:TyperNotation"),
        promulgation_amount=_int(other, "e:PromulgationAmount"),
        page_amount=_int(other, "e:PageAmount"),
        direction=_bool(other, "e:Direction"),
        appendixes=_texts(other, "e:Appendixes/e:Appendix"),
        response_for=_read_response_for(mh.find("e:ResponseFor", _NS)),
        steering_type=_int(mh, "e:SteeringType"),
        to_places=_texts(mh, "e:ToPlaces/e:Place"),
        business=_read_business(trace_list.find("e:Bussiness", _NS)),
    )
    attachments = _read_attachments(root, max_unpacked_bytes)
    for attachment in attachments:
        notices.extend(attachment.notices)
    return ParsedDocument(
        message=message,
        trace=tuple(trace),
        attachments=attachments,
        signed=header.find(f"{_DS}Signature") is not None,
        notices=tuple(notices),
    )


def _read_status(root: etree._Element, notices: list[Notice]) -> ParsedStatus:
    header = root.find("e:edXMLEnvelope/e:edXMLHeader", _NS)
    mh = header.find("e:MessageHeader", _NS)
    message = StatusMessage(
        sender=_read_organization(mh.find("e:From", _NS)),
        response_for=_read_response_for(mh.find("e:ResponseFor", _NS)),  # type: ignore[arg-type]  # required by the schema (_validate)
        status=StatusCode(_text(mh, "e:StatusCode")),  # type: ignore[arg-type]  # required by the schema (_validate)
        timestamp=_timestamp(mh, "e:Timestamp"),
        description=_text(mh, "e:Description"),
        staff=_read_staff(mh.find("e:StaffInfo", _NS)),
    )
    return ParsedStatus(message=message, signed=header.find(f"{_DS}Signature") is not None, notices=tuple(notices))


# ---------------------------------------------------------------------------- attachments


def _bare_cid(text: str | None) -> str:
    text = text or ""
    return text[4:] if text.lower().startswith("cid:") else text


def _read_attachments(root: etree._Element, max_unpacked_bytes: int) -> tuple[ReceivedAttachment, ...]:
    references: dict[str, etree._Element] = {}
    for reference in root.findall("e:edXMLEnvelope/e:edXMLBody/e:edXMLManifest/e:Reference", _NS):
        content_id = _bare_cid(_text(reference, "e:ContentId"))
        if content_id in references:
            raise EdxmlError(EdxmlProblem.DUPLICATE_ATTACHMENT, f"the manifest lists cid:{content_id} twice")
        references[content_id] = reference
    encoded: dict[str, etree._Element] = {}
    for attachment in root.findall("e:AttachmentEncoded/e:Attachment", _NS):
        content_id = _bare_cid(_text(attachment, "e:ContentId"))
        if content_id in encoded:
            raise EdxmlError(EdxmlProblem.DUPLICATE_ATTACHMENT, f"cid:{content_id}")
        encoded[content_id] = attachment
    missing = [content_id for content_id in references if content_id not in encoded]
    if missing:
        raise EdxmlError(EdxmlProblem.MISSING_ATTACHMENT, ", ".join(f"cid:{c}" for c in missing))
    budget = [max_unpacked_bytes]
    ordered = [*references, *(c for c in encoded if c not in references)]
    return tuple(
        _read_attachment(content_id, encoded[content_id], references.get(content_id), budget) for content_id in ordered
    )


def _read_attachment(
    content_id: str,
    element: etree._Element,
    reference: etree._Element | None,
    budget: list[int],
) -> ReceivedAttachment:
    name = _text(element, "e:AttachmentName") or ""
    declared = _text(element, "e:ContentType")
    manifest_type = _text(reference, "e:ContentType")
    encoded = "".join((_text(element, "e:ContentTransferEncoded") or "").split())
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise EdxmlError(EdxmlProblem.BAD_ATTACHMENT_ENCODING, f"{name}: {exc}") from None
    notices: list[Notice] = []

    def notice(code: EdxmlNotice, detail: str) -> None:
        notices.append(Notice(code, f"{name}: {detail}", content_id))

    if reference is None:
        notice(EdxmlNotice.UNLISTED_ATTACHMENT, f"cid:{content_id}")
    named = _type_of_name(name)
    transmitted = _sniff(data, name)
    content, packed_name = data, None
    # The SDK packs each file in a zip of one entry and keeps the file's name: unpack it. A file
    # named .zip is a zip the sender meant to send.
    if transmitted == "zip" and named != "zip":
        content, packed_name, problem = _unpack(data, budget)
        if problem:
            notice(EdxmlNotice.DAMAGED_ATTACHMENT, problem)
    content_type = _sniff(content, name) if packed_name else transmitted
    declared_kind = _type_of_mime(declared)
    if declared_kind and not _same_type(declared_kind, transmitted):
        notice(
            EdxmlNotice.DECLARED_TYPE_MISMATCH,
            f"declared {declared}, the content is {_describe_type(transmitted)}",
        )
    manifest_kind = _type_of_mime(manifest_type)
    if manifest_kind and not _same_type(manifest_kind, transmitted) and not _same_type(manifest_kind, content_type):
        notice(
            EdxmlNotice.MANIFEST_TYPE_MISMATCH,
            f"the manifest says {manifest_type}, the content is {_describe_type(content_type)}",
        )
    if named and not _same_type(named, content_type):
        inside = f" (inside the zip: {packed_name})" if packed_name else ""
        notice(
            EdxmlNotice.NAME_TYPE_MISMATCH,
            f"named as {named}, the content{inside} is {_describe_type(content_type)}",
        )
    if content_type == "pdf" and _text_decoded(content):
        notice(
            EdxmlNotice.DAMAGED_ATTACHMENT,
            "the PDF's binary bytes were replaced by U+FFFD (decoded as text by the sender)",
        )
    return ReceivedAttachment(
        content_id=content_id,
        name=name,
        description=_text(element, "e:Description") or _text(reference, "e:Description"),
        declared_type=declared,
        manifest_type=manifest_type,
        data=data,
        transmitted_type=transmitted,
        content=content,
        content_type=content_type,
        packed_name=packed_name,
        notices=tuple(notices),
    )


def _describe_type(kind: str | None) -> str:
    return kind if kind else "of an unknown type"


def _unpack(data: bytes, budget: list[int]) -> tuple[bytes, str | None, str | None]:
    """(file, its name, None) for a zip of one file; (data, None, reason) if it cannot be opened.

    A zip of several files is a zip: returned as it is. Reading stops past the budget
    (``ATTACHMENT_TOO_LARGE``): the sizes in a zip's directory are not trusted.
    """
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            files = [info for info in archive.infolist() if not info.is_dir()]
            if len(files) != 1:
                return data, None, None
            info = files[0]
            chunks, total = [], 0
            with archive.open(info) as entry:
                while chunk := entry.read(1 << 20):
                    total += len(chunk)
                    if total > budget[0]:
                        raise EdxmlError(
                            EdxmlProblem.ATTACHMENT_TOO_LARGE,
                            f"{info.filename} unpacks to more than {budget[0]} bytes",
                        )
                    chunks.append(chunk)
            budget[0] -= total
            return b"".join(chunks), info.filename, None
    except _ZIP_ERRORS as exc:
        return data, None, f"the zip cannot be opened ({type(exc).__name__}: {exc})"


def _text_decoded(pdf: bytes) -> bool:
    """A PDF read as text and written back: its binary comment (line 2) or much of it is U+FFFD."""
    second_line = pdf[:1024].split(b"\n", 2)[1:2]
    if second_line and second_line[0].startswith(b"%" + _REPLACEMENT_CHARACTER):
        return True
    return pdf.count(_REPLACEMENT_CHARACTER) * 3 * 100 > len(pdf)


# ============================================================================ helpers


def _vietnam_time(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("edXML times must be timezone-aware datetimes.")
    return value.astimezone(VIETNAM_TZ).replace(microsecond=0)
