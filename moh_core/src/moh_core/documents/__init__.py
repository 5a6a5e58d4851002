"""Official documents of Decree 30/2020/NĐ-CP: layouts of outgoing documents, registers, copies.

The names below are the package's public surface; the modules behind them may move.
:mod:`moh_core.documents.pagekit` is the Decree 30 page kit (page, title block, signature block,
recipients) that the other printed forms (the one-stop shop's slips) are drawn with.
"""

from moh_core.documents import pagekit
from moh_core.documents.copies import (
    CopyBlock,
    render_copy,
)
from moh_core.documents.layout import (
    OutgoingDocument,
    render_outgoing_document,
)
from moh_core.documents.pagekit import (
    MOTTO,
    NATIONAL_TITLE,
    SIGNATURE_SPACE_MM,
    Signer,
    format_issue_date,
    format_number_symbol,
    format_place_date,
)
from moh_core.documents.registers import (
    DossierTrackingEntry,
    IncomingRegisterEntry,
    OutgoingRegisterEntry,
    render_dossier_tracking_register,
    render_incoming_register,
    render_outgoing_register,
)
from moh_core.documents.verification import (
    VerificationMark,
    format_verification_code,
    new_verification_code,
    normalise_verification_code,
    verification_url,
)

__all__ = [
    "MOTTO",
    "NATIONAL_TITLE",
    "SIGNATURE_SPACE_MM",
    "CopyBlock",
    "DossierTrackingEntry",
    "IncomingRegisterEntry",
    "OutgoingDocument",
    "OutgoingRegisterEntry",
    "Signer",
    "VerificationMark",
    "format_issue_date",
    "format_number_symbol",
    "format_place_date",
    "format_verification_code",
    "new_verification_code",
    "normalise_verification_code",
    "pagekit",
    "render_copy",
    "render_dossier_tracking_register",
    "render_incoming_register",
    "render_outgoing_document",
    "render_outgoing_register",
    "verification_url",
]
