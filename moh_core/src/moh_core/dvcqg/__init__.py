"""The link to the national public service portal (Cổng Dịch vụ công quốc gia, DVCQG): its wire
conventions, a client of its adapter, the dossier and progress records it takes, the catalogue
readers and signed file links. Plain Python; the Odoo side fills the dataclasses."""

from .catalogue import Agency, Field, Lookup, Procedure, parse_agencies, parse_fields, parse_lookup, parse_procedures
from .client import Client, Settings
from .links import sign, signed_url, verify
from .records import (
    DEFAULT_APPLICANT_KINDS,
    DEFAULT_CHANNELS,
    DEFAULT_RETURN_KINDS,
    DEFAULT_STATUS_MAP,
    DossierSnapshot,
    Fee,
    FileRef,
    MappingError,
    Mappings,
    ResultDoc,
    Step,
    Supplement,
    dossier_record,
    status_code,
    step_record,
)
from .wire import DvcqgAuthError, DvcqgError, Reply, format_date, parse_date, parse_reply, scalar

__all__ = [
    "DEFAULT_APPLICANT_KINDS",
    "DEFAULT_CHANNELS",
    "DEFAULT_RETURN_KINDS",
    "DEFAULT_STATUS_MAP",
    "Agency",
    "Client",
    "DossierSnapshot",
    "DvcqgAuthError",
    "DvcqgError",
    "Fee",
    "Field",
    "FileRef",
    "Lookup",
    "MappingError",
    "Mappings",
    "Procedure",
    "Reply",
    "ResultDoc",
    "Settings",
    "Step",
    "Supplement",
    "dossier_record",
    "format_date",
    "parse_agencies",
    "parse_date",
    "parse_fields",
    "parse_lookup",
    "parse_procedures",
    "parse_reply",
    "scalar",
    "sign",
    "signed_url",
    "status_code",
    "step_record",
    "verify",
]
