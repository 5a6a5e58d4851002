"""Reading edXML messages (QCVN 102:2016/BTTTT): hostile input refused, the quirks of real senders
tolerated, the rest validated against the schemas.

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
``exchange/data/edxml/`` (``document.xsd`` or ``status.xsd``, sharing ``common.xsd``); its comments
say where each part comes from. Not well-formed XML (``MALFORMED``), undeclared prefixes
(``NAMESPACE_ERROR``), another root (``NOT_EDXML``), invented or missing elements
(``NOT_CONFORMANT``), impossible dates (``INVALID_DATE``), broken base64
(``BAD_ATTACHMENT_ENCODING``), a manifest entry without its attachment (``MISSING_ATTACHMENT``)
and two attachments with one ContentId (``DUPLICATE_ATTACHMENT``) are refused.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from lxml import etree

from moh_core.exchange.conventions import (
    DATE_FORMAT,
    DS,
    NS,
    TIMESTAMP_FORMAT,
    VIETNAM_TZ,
    YMD,
    E,
)
from moh_core.exchange.problems import EdxmlError, EdxmlNotice, EdxmlProblem, Notice
from moh_core.exchange.reading import (
    ParsedDocument,
    ParsedStatus,
    read_document,
    read_status,
)
from moh_core.exchange.schema import validate

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_UNPACKED_BYTES",
    "MAX_ATTACHMENT_BYTES",
    "parse_message",
]

#: Largest message :func:`parse_message` reads by default: 40 MiB.
DEFAULT_MAX_BYTES = 40 * 1024 * 1024
#: Largest total of unpacked attachments by default: 100 MiB.
DEFAULT_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
#: Largest attachment the hardened parser can read: libxml2 without ``huge_tree`` refuses a text
#: node over 10,000,000 characters, i.e. 7,500,000 bytes in base64.
MAX_ATTACHMENT_BYTES = 7_500_000

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
    E + name
    for name in (
        "edXML",
        "edXMLEnvelope",
        "edXMLHeader",
        "edXMLBody",
        "edXMLManifest",
        "TraceHeaderList",
    )
)
_DATE_ELEMENTS = frozenset({f"{E}PromulgationDate", f"{E}DueDate"})
_TIMESTAMP_ELEMENTS = frozenset({f"{E}Timestamp"})
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
    if root.tag != f"{E}edXML":
        raise EdxmlError(EdxmlProblem.NOT_EDXML, f"the root element is {root.tag}")
    header = root.find("e:edXMLEnvelope/e:edXMLHeader/e:MessageHeader", NS)
    is_status = header is not None and header.find("e:StatusCode", NS) is not None
    kind = "status" if is_status else "document"
    notices: list[Notice] = []
    _normalise(root, header, kind, notices)
    validate(root, kind)
    if kind == "status":
        return read_status(root, notices)
    return read_document(root, notices, max_unpacked_bytes)


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
    for signature in list(root.iter(f"{E}Signature")):
        for element in list(signature.iter(f"{E}*")):
            element.tag = DS + etree.QName(element).localname
        notices.append(Notice(EdxmlNotice.UNQUALIFIED_SIGNATURE, "Signature without the XML-DSig namespace"))
    for element in reversed(list(root.iter(f"{E}*"))):
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
    for element in root.iter(f"{E}*"):
        if element.tag in _DATE_ELEMENTS:
            element.text = _normal_date(element, notices)
        elif element.tag in _TIMESTAMP_ELEMENTS:
            element.text = _normal_timestamp(element, notices)


_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_YMD_HMS = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2}) (\d{1,2}):(\d{2}):(\d{2})")
_DMY_HMS = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}) (\d{1,2}):(\d{2}):(\d{2})")


def _normal_date(element: etree._Element, notices: list[Notice]) -> str:
    text = (element.text or "").strip()
    name = etree.QName(element).localname
    try:
        if match := YMD.fullmatch(text):
            value = date(*map(int, match.groups()))
        elif match := _DMY.fullmatch(text):
            day, month, year = map(int, match.groups())
            value = date(year, month, day)
        else:
            raise ValueError(text)
    except ValueError:
        detail = f"{name} {text!r} (line {element.sourceline})"
        raise EdxmlError(EdxmlProblem.INVALID_DATE, detail) from None
    canonical = value.strftime(DATE_FORMAT)
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
    canonical = value.strftime(TIMESTAMP_FORMAT)
    if canonical != text:
        notices.append(Notice(EdxmlNotice.DATE_FORMAT, f"{name} {text!r} read as {canonical}"))
    return canonical
