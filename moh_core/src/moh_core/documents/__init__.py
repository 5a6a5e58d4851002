"""Official documents of Decree 30/2020/NĐ-CP: layouts of outgoing documents, registers, copies.

The names below are the package's public surface; the modules behind them may move.
"""

from moh_core.documents.copies import (
    CopyBlock,
    render_copy,
)
from moh_core.documents.layout import (
    MOTTO,
    NATIONAL_TITLE,
    SIGNATURE_SPACE_MM,
    OutgoingDocument,
    Signer,
    format_issue_date,
    format_number_symbol,
    format_place_date,
    render_outgoing_document,
)
from moh_core.documents.registers import (
    DossierTrackingEntry,
    IncomingRegisterEntry,
    OutgoingRegisterEntry,
    render_dossier_tracking_register,
    render_incoming_register,
    render_outgoing_register,
)

__all__ = [
    "CopyBlock",
    "DossierTrackingEntry",
    "IncomingRegisterEntry",
    "MOTTO",
    "NATIONAL_TITLE",
    "OutgoingDocument",
    "OutgoingRegisterEntry",
    "SIGNATURE_SPACE_MM",
    "Signer",
    "format_issue_date",
    "format_number_symbol",
    "format_place_date",
    "render_copy",
    "render_dossier_tracking_register",
    "render_incoming_register",
    "render_outgoing_document",
    "render_outgoing_register",
]
