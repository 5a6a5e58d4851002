"""The content of an edXML message that :func:`~moh_core.exchange.parsing.parse_message` accepted:
its header, trace, signature and attachments, with the notices of what was tolerated.

Attachments as the SDK sends them are a zip holding one file named ``<uuid>.<ext>``, while
``AttachmentName`` keeps the original name. :class:`ReceivedAttachment` keeps the bytes as
transmitted (:attr:`~ReceivedAttachment.data`) and the file itself
(:attr:`~ReceivedAttachment.content`, unpacked when it was packed), each with its detected type.
"""

from __future__ import annotations

import base64
import binascii
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO

from lxml import etree

from moh_core.exchange.conventions import (
    DATE_FORMAT,
    DS,
    NS,
    TIMESTAMP_FORMAT,
    VIETNAM_TZ,
    nfc,
)
from moh_core.exchange.file_types import (
    FILE_TYPES,
    ZIP_ERRORS,
    same_type,
    sniff,
    type_of_mime,
    type_of_name,
)
from moh_core.exchange.messages import (
    Business,
    DocumentAction,
    DocumentMessage,
    Organization,
    ReplacedDocument,
    ResponseFor,
    Signer,
    StaffInfo,
    StatusCode,
    StatusMessage,
    UpdateInfo,
    UpdateReceiver,
)
from moh_core.exchange.problems import EdxmlError, EdxmlNotice, EdxmlProblem, Notice

__all__ = [
    "ParsedDocument",
    "ParsedStatus",
    "ReceivedAttachment",
    "TraceEntry",
    "read_document",
    "read_status",
]

_REPLACEMENT_CHARACTER = "\ufffd".encode()


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


# ---------------------------------------------------------------------------- reading fields


def _text(parent: etree._Element | None, path: str) -> str | None:
    if parent is None:
        return None
    element = parent.find(path, NS)
    if element is None or element.text is None:
        return None
    return nfc(element.text.strip()) or None


def _int(parent: etree._Element | None, path: str) -> int | None:
    text = _text(parent, path)
    return int(text) if text is not None else None


def _bool(parent: etree._Element | None, path: str) -> bool | None:
    text = _text(parent, path)
    return text in ("true", "1") if text is not None else None


def _date(parent: etree._Element | None, path: str) -> date | None:
    text = _text(parent, path)
    return datetime.strptime(text, DATE_FORMAT).date() if text is not None else None


def _timestamp(parent: etree._Element, path: str) -> datetime:
    value = datetime.strptime(_text(parent, path) or "", TIMESTAMP_FORMAT)
    return value.replace(tzinfo=VIETNAM_TZ)


def _texts(parent: etree._Element | None, path: str) -> tuple[str, ...]:
    if parent is None:
        return ()
    return tuple(nfc(item.text.strip()) for item in parent.findall(path, NS) if item.text)


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
    info = element.find("e:BussinessDocumentInfo", NS)
    update_info = None
    if info is not None:
        update_info = UpdateInfo(
            document_info=_int(info, "e:DocumentInfo"),
            document_receiver=_int(info, "e:DocumentReceiver"),
            receivers=tuple(
                UpdateReceiver(_text(item, "e:OrganId") or "", _int(item, "e:ReceiverType"))
                for item in info.findall("e:ReceiverList/e:Receiver", NS)
            ),
        )
    return Business(
        action=DocumentAction(_int(element, "e:BussinessDocType")),  # type: ignore[arg-type]  # required by the schema (schema.validate)
        reason=_text(element, "e:BussinessDocReason"),
        document_id=_text(element, "e:DocumentId"),
        paper=bool(_bool(element, "e:Paper")),
        staff=_read_staff(element.find("e:StaffInfo", NS)),
        update_info=update_info,
        replaced=tuple(
            ReplacedDocument(_text(item, "e:DocumentId") or "", _texts(item, "e:OrganIdList/e:OrganId"))
            for item in element.findall("e:ReplacementInfoList/e:ReplacementInfo", NS)
        ),
    )


def read_document(root: etree._Element, notices: list[Notice], max_unpacked_bytes: int) -> ParsedDocument:
    header = root.find("e:edXMLEnvelope/e:edXMLHeader", NS)
    mh = header.find("e:MessageHeader", NS)
    signer = mh.find("e:SignerInfo", NS)
    other = mh.find("e:OtherInfo", NS)
    trace_list = header.find("e:TraceHeaderList", NS)
    trace = []
    for entry in trace_list.findall("e:TraceHeader", NS):
        organ_id = _text(entry, "e:OrganId")
        if organ_id is None or organ_id.lower() == "null":
            detail = f"trace header of {_text(entry, 'e:Timestamp')}"
            notices.append(Notice(EdxmlNotice.UNKNOWN_TRACE_ORGAN, detail))
            organ_id = None
        trace.append(TraceEntry(organ_id, _timestamp(entry, "e:Timestamp")))
    message = DocumentMessage(
        sender=_read_organization(mh.find("e:From", NS)),
        recipients=tuple(_read_organization(item) for item in mh.findall("e:To", NS)),
        document_id=_text(mh, "e:DocumentId") or "",
        code_number=_text(mh, "e:Code/e:CodeNumber") or "",
        code_notation=_text(mh, "e:Code/e:CodeNotation") or "",
        promulgation_place=_text(mh, "e:PromulgationInfo/e:Place"),
        promulgation_date=_date(mh, "e:PromulgationInfo/e:PromulgationDate"),  # type: ignore[arg-type]  # required by the schema (schema.validate)
        document_type=_int(mh, "e:DocumentType/e:Type"),  # type: ignore[arg-type]  # required by the schema (schema.validate)
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
        response_for=_read_response_for(mh.find("e:ResponseFor", NS)),
        steering_type=_int(mh, "e:SteeringType"),
        to_places=_texts(mh, "e:ToPlaces/e:Place"),
        business=_read_business(trace_list.find("e:Bussiness", NS)),
    )
    attachments = _read_attachments(root, max_unpacked_bytes)
    for attachment in attachments:
        notices.extend(attachment.notices)
    return ParsedDocument(
        message=message,
        trace=tuple(trace),
        attachments=attachments,
        signed=header.find(f"{DS}Signature") is not None,
        notices=tuple(notices),
    )


def read_status(root: etree._Element, notices: list[Notice]) -> ParsedStatus:
    header = root.find("e:edXMLEnvelope/e:edXMLHeader", NS)
    mh = header.find("e:MessageHeader", NS)
    message = StatusMessage(
        sender=_read_organization(mh.find("e:From", NS)),
        response_for=_read_response_for(mh.find("e:ResponseFor", NS)),  # type: ignore[arg-type]  # required by the schema (schema.validate)
        status=StatusCode(_text(mh, "e:StatusCode")),  # type: ignore[arg-type]  # required by the schema (schema.validate)
        timestamp=_timestamp(mh, "e:Timestamp"),
        description=_text(mh, "e:Description"),
        staff=_read_staff(mh.find("e:StaffInfo", NS)),
    )
    return ParsedStatus(message=message, signed=header.find(f"{DS}Signature") is not None, notices=tuple(notices))


# ---------------------------------------------------------------------------- attachments


def _bare_cid(text: str | None) -> str:
    text = text or ""
    return text[4:] if text.lower().startswith("cid:") else text


def _read_attachments(root: etree._Element, max_unpacked_bytes: int) -> tuple[ReceivedAttachment, ...]:
    references: dict[str, etree._Element] = {}
    for reference in root.findall("e:edXMLEnvelope/e:edXMLBody/e:edXMLManifest/e:Reference", NS):
        content_id = _bare_cid(_text(reference, "e:ContentId"))
        if content_id in references:
            raise EdxmlError(EdxmlProblem.DUPLICATE_ATTACHMENT, f"the manifest lists cid:{content_id} twice")
        references[content_id] = reference
    encoded: dict[str, etree._Element] = {}
    for attachment in root.findall("e:AttachmentEncoded/e:Attachment", NS):
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
    named = type_of_name(name)
    transmitted = sniff(data, name)
    content, packed_name = data, None
    # The SDK packs each file in a zip of one entry and keeps the file's name: unpack it. A file
    # named .zip is a zip the sender meant to send.
    if transmitted == "zip" and named != "zip":
        content, packed_name, problem = _unpack(data, budget)
        if problem:
            notice(EdxmlNotice.DAMAGED_ATTACHMENT, problem)
    content_type = sniff(content, name) if packed_name else transmitted
    declared_kind = type_of_mime(declared)
    if declared_kind and not same_type(declared_kind, transmitted):
        notice(
            EdxmlNotice.DECLARED_TYPE_MISMATCH,
            f"declared {declared}, the content is {_describe_type(transmitted)}",
        )
    manifest_kind = type_of_mime(manifest_type)
    if manifest_kind and not same_type(manifest_kind, transmitted) and not same_type(manifest_kind, content_type):
        notice(
            EdxmlNotice.MANIFEST_TYPE_MISMATCH,
            f"the manifest says {manifest_type}, the content is {_describe_type(content_type)}",
        )
    if named and not same_type(named, content_type):
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
    except ZIP_ERRORS as exc:
        return data, None, f"the zip cannot be opened ({type(exc).__name__}: {exc})"


def _text_decoded(pdf: bytes) -> bool:
    """A PDF read as text and written back: its binary comment (line 2) or much of it is U+FFFD."""
    second_line = pdf[:1024].split(b"\n", 2)[1:2]
    if second_line and second_line[0].startswith(b"%" + _REPLACEMENT_CHARACTER):
        return True
    return pdf.count(_REPLACEMENT_CHARACTER) * 3 * 100 > len(pdf)
