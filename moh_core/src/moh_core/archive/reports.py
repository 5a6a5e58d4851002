"""The signature validation report frozen at filing time, as the JSON object stored in the
package (``metadata/preservation/<file>.validation.json``).

:func:`validation_report_dict` turns the :class:`~moh_core.signatures.PdfValidationReport` that
:func:`~moh_core.signatures.validate_pdf_signatures` returned into plain JSON values: every field
of the report and of each :class:`~moh_core.signatures.SignatureReport` (dates in ISO 8601 UTC,
the signer's certificate in base64 DER, problem codes as strings), with the document's
``all_valid`` and English ``summary``. It does not import the signatures package, so building a
package needs no pyHanko.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
from collections.abc import Mapping
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from moh_core.signatures.report import PdfValidationReport

__all__ = ["report_json", "validation_report_dict"]

#: What the stored object says it is, for a reader without this product.
REPORT_FORMAT = "moh-core/pdf-signature-validation/1"


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if value.utcoffset() is not None else value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def validation_report_dict(report: PdfValidationReport) -> dict[str, Any]:
    """The report as JSON values (see the module's docstring)."""
    plain: dict[str, Any] = _plain(report)
    return {
        "format": REPORT_FORMAT,
        "validation_time": plain["validation_time"],
        "all_valid": report.all_valid,
        "summary": report.summary,
        "signatures": plain["signatures"],
    }


def report_json(report: Mapping[str, Any]) -> bytes:
    """The stored bytes: UTF-8 JSON, keys sorted, indented (stable for the same report)."""
    return (json.dumps(report, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")
