"""What edXML messages say: the content of document and status messages (QCVN 102:2016/BTTTT).

QCVN 102:2016/BTTTT, the national technical regulation on the structure of electronic document
messages, defines edXML (namespace :data:`~moh_core.exchange.conventions.NAMESPACE`): an
``edXMLEnvelope`` holding an ``edXMLHeader`` (``MessageHeader``, ``TraceHeaderList``, signature)
and an ``edXMLBody``
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

:mod:`moh_core.exchange.building` writes these messages, :mod:`moh_core.exchange.parsing` reads
them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import IntEnum, StrEnum

from moh_core.exchange.conventions import vietnam_time
from moh_core.exchange.identifiers import (
    DocumentKey,
    make_document_id,
    parse_document_id,
)

__all__ = [
    "ACTION_REASONS",
    "Attachment",
    "Business",
    "DocumentAction",
    "DocumentMessage",
    "Organization",
    "ReplacedDocument",
    "ResponseFor",
    "Signer",
    "StaffInfo",
    "StatusCode",
    "StatusMessage",
    "UpdateInfo",
    "UpdateReceiver",
    "business_targets",
]


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
        object.__setattr__(self, "timestamp", vietnam_time(self.timestamp))

    @property
    def document_key(self) -> DocumentKey | None:
        """The key of the document the status is about: its ``ResponseFor/DocumentId`` (agency,
        date with year, number/notation), None when that is not a readable ``DocumentId``. Never
        the number alone."""
        return parse_document_id(self.response_for.document_id if self.response_for else None)
