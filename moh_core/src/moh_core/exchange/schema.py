"""The schemas edXML messages are validated against: ``document.xsd`` or ``status.xsd``, sharing
``common.xsd``, in ``exchange/data/edxml/`` (their comments say where each part comes from).
Messages built are validated before they are returned; messages received once the tolerated quirks
are undone.
"""

from __future__ import annotations

import threading
from pathlib import Path

from lxml import etree

from moh_core.exchange.conventions import DS, E
from moh_core.exchange.problems import EdxmlError, EdxmlProblem

__all__ = ["SCHEMA_DIR", "validate"]

#: Folder of the schemas messages are validated against.
SCHEMA_DIR = Path(__file__).with_name("data") / "edxml"

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


def validate(root: etree._Element, kind: str) -> None:
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
    return text.replace(E, "").replace(DS, "ds:")
