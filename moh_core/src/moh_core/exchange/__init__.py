"""Exchange of documents between agencies: edXML messages (QCVN 102:2016/BTTTT) and transport.

The names below are the package's public surface; the modules behind them may move.
"""

from moh_core.exchange.agency_codes import (
    AGENCY_CODE_EXAMPLE,
    is_agency_code,
)
from moh_core.exchange.edxml import (
    ACTION_REASONS,
    DEFAULT_MAX_BYTES,
    Attachment,
    Business,
    DocumentAction,
    DocumentMessage,
    EdxmlError,
    EdxmlProblem,
    Organization,
    ParsedStatus,
    ResponseFor,
    Signer,
    StaffInfo,
    StatusCode,
    StatusMessage,
    build_document_message,
    build_status_message,
    business_targets,
    document_key,
    make_document_id,
    parse_document_id,
    parse_message,
)
from moh_core.exchange.transport import (
    new_message_id,
    portal_event,
)

__all__ = [
    "ACTION_REASONS",
    "AGENCY_CODE_EXAMPLE",
    "Attachment",
    "Business",
    "DEFAULT_MAX_BYTES",
    "DocumentAction",
    "DocumentMessage",
    "EdxmlError",
    "EdxmlProblem",
    "Organization",
    "ParsedStatus",
    "ResponseFor",
    "Signer",
    "StaffInfo",
    "StatusCode",
    "StatusMessage",
    "build_document_message",
    "build_status_message",
    "business_targets",
    "document_key",
    "is_agency_code",
    "make_document_id",
    "new_message_id",
    "parse_document_id",
    "parse_message",
    "portal_event",
]
