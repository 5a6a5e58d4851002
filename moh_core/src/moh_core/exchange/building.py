"""Building edXML messages (QCVN 102:2016/BTTTT) in the layout of the government's exchange SDK.

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
"""

from __future__ import annotations

import base64
import uuid
import zipfile
from collections.abc import Sequence
from datetime import datetime
from io import BytesIO
from pathlib import PurePath

from lxml import etree

from moh_core.exchange.conventions import (
    DATE_FORMAT,
    NAMESPACE,
    TIMESTAMP_FORMAT,
    VIETNAM_TZ,
    E,
    nfc,
    vietnam_time,
)
from moh_core.exchange.file_types import FILE_TYPES, sniff, type_of_name
from moh_core.exchange.messages import (
    Attachment,
    Business,
    DocumentMessage,
    Organization,
    ResponseFor,
    StaffInfo,
    StatusMessage,
)
from moh_core.exchange.problems import EdxmlError, EdxmlProblem
from moh_core.exchange.schema import validate

__all__ = ["build_document_message", "build_status_message"]

_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


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
    sent_at = vietnam_time(sent_at or datetime.now(VIETNAM_TZ))
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
        _sub(info, "PromulgationDate", doc.promulgation_date.strftime(DATE_FORMAT))
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
            _sub(mh, "DueDate", doc.due_date.strftime(DATE_FORMAT))
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
        _sub(entry, "Timestamp", sent_at.strftime(TIMESTAMP_FORMAT))
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
            encoded = etree.SubElement(root, f"{E}AttachmentEncoded")
            for content_id, name, description, content_type, payload in prepared:
                attachment = _sub(encoded, "Attachment")
                _sub(attachment, "ContentId", f"cid:{content_id}")
                _sub(attachment, "AttachmentName", name)
                _sub(attachment, "Description", description)
                _sub(attachment, "ContentType", content_type)
                # The SDK re-declares the prefix here; so do we, to look the same.
                transfer = etree.SubElement(attachment, f"{E}ContentTransferEncoded", nsmap={"edXML": NAMESPACE})
                transfer.text = base64.b64encode(payload).decode("ascii")
    except ValueError as exc:  # lxml: text XML cannot carry (control characters)
        raise EdxmlError(EdxmlProblem.NOT_CONFORMANT, str(exc)) from exc
    validate(root, "document")
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
        _sub(mh, "Timestamp", status.timestamp.strftime(TIMESTAMP_FORMAT))
    except ValueError as exc:
        raise EdxmlError(EdxmlProblem.NOT_CONFORMANT, str(exc)) from exc
    validate(root, "status")
    return _serialise(root)


def _envelope() -> tuple[etree._Element, etree._Element]:
    # The SDK's layout: edXML namespace as default on the root, the edXML: prefix declared on
    # the envelope, so that everything inside it is prefixed and AttachmentEncoded is not.
    root = etree.Element(f"{E}edXML", nsmap={None: NAMESPACE})
    envelope = etree.SubElement(root, f"{E}edXMLEnvelope", nsmap={"edXML": NAMESPACE})
    return root, _sub(envelope, "edXMLHeader")


def _sub(parent: etree._Element, name: str, text: object = None) -> etree._Element:
    element = etree.SubElement(parent, E + name)
    if text is not None:
        element.text = nfc(str(text))
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
        _sub(element, "PromulgationDate", response.promulgation_date.strftime(DATE_FORMAT))


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
    detected = sniff(data, item.name) or type_of_name(item.name)
    content_type = item.content_type or FILE_TYPES.get(detected or "", "application/octet-stream")
    return content_id, item.name, description, content_type, data


def _serialise(root: etree._Element) -> bytes:
    # Written by hand for the double quotes of the SDK's declaration.
    body: bytes = etree.tostring(root, encoding="UTF-8", pretty_print=True)
    return _DECLARATION + body
