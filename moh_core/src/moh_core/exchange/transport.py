"""Messages the agency sends to other systems through its outbound queue, and the checks of the
partner API's description.

* **National portal events** (Cổng Dịch vụ công quốc gia, DVCQG): every change of a dossier's
  status is synchronised to the portal under the dossier code of Decree 118/2025/NĐ-CP, Art. 28,
  with the fields the portal takes: dossier code, procedure code, applicant, received / due /
  completed dates, status, processing unit. :func:`portal_event` builds one event as JSON. Each
  event has a unique ``event_id`` (the receiver's key to refuse a duplicate) and a per-dossier
  ``sequence`` (the receiver's key to put events of one dossier in order, since a retried event
  may arrive after a later one). The portal's own integration specification is not public: the
  field names are the product's, chosen to match the portal's published list of data, and the
  status codes are the product's dossier states.
* **Message identifiers**: :func:`new_message_id` gives the id every outbound message carries (in
  an HTTP header and in the body or file name), by which the receiver recognises a message it
  already received, so that delivery "at least once" by the queue is "exactly once" at the
  receiver.
* **OpenAPI**: :func:`check_openapi` checks the structure of an OpenAPI 3 document (the partner
  API's description kept in the addon), so a broken edit is caught by a plain test.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from moh_core.errors import MohError

VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")


class ExchangeError(MohError, ValueError):
    """Input that cannot make a valid message; the ``detail`` says what is wrong."""

    text = "the message exchanged with the public service portal is not valid"
    text_vi = "thông điệp trao đổi với Cổng dịch vụ công không hợp lệ"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__("invalid_exchange_data", detail=detail)


def new_message_id() -> str:
    """A new message identifier: a random UUID, in its canonical text form."""
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Applicant:
    """The applicant as the portal identifies them: a business by its tax code, a person by the
    number of their identity card."""

    name: str
    identification: str | None = None
    kind: str = "organization"
    """``organization`` or ``person``."""
    email: str | None = None
    phone: str | None = None
    address: str | None = None

    def __post_init__(self) -> None:
        if not (self.name or "").strip():
            raise ExchangeError("the applicant has no name")
        if self.kind not in ("organization", "person"):
            raise ExchangeError(f"unknown kind of applicant: {self.kind!r}")


@dataclass(frozen=True)
class PortalEvent:
    """One change of a dossier's status, as sent to the national portal."""

    dossier_code: str
    procedure_code: str
    status_code: str
    status_name: str
    applicant: Applicant
    agency_code: str
    event_time: datetime
    sequence: int
    procedure_name: str | None = None
    previous_status_code: str | None = None
    processing_unit: str | None = None
    channel: str | None = None
    submitted_at: datetime | None = None
    received_at: datetime | None = None
    due_date: date | None = None
    completed_at: datetime | None = None
    event_id: str = field(default_factory=new_message_id)

    def __post_init__(self) -> None:
        for name in ("dossier_code", "procedure_code", "status_code", "agency_code"):
            if not (getattr(self, name) or "").strip():
                raise ExchangeError(f"a portal event needs {name}")
        if self.event_time.tzinfo is None:
            raise ExchangeError("event_time must carry its time zone")
        if self.sequence < 1:
            raise ExchangeError("sequence numbers start at 1")

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, datetime):
                if value.tzinfo is None:  # stored as naive UTC (Odoo's convention)
                    value = value.replace(tzinfo=UTC)
                data[key] = value.astimezone(VIETNAM_TZ).isoformat(timespec="seconds")
            elif isinstance(value, date):
                data[key] = value.isoformat()
        data["applicant"] = {k: v for k, v in data["applicant"].items() if v is not None}
        return {"schema": "moh.portal.dossier-status/1", **data}

    def to_json(self) -> bytes:
        """UTF-8 JSON, keys sorted, so the same event always gives the same bytes."""
        return json.dumps(self.as_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def portal_event(**values: Any) -> PortalEvent:
    """A :class:`PortalEvent` from keyword arguments; ``applicant`` may be a mapping."""
    applicant = values.get("applicant")
    if isinstance(applicant, Mapping):
        values["applicant"] = Applicant(**applicant)
    return PortalEvent(**values)


def parse_portal_event(data: bytes | str) -> dict[str, Any]:
    """Read an event back (what a receiver does); refuses what is not one."""
    try:
        event = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ExchangeError(f"not JSON: {exc}") from exc
    if not isinstance(event, dict) or event.get("schema") != "moh.portal.dossier-status/1":
        raise ExchangeError("not a dossier status event")
    for key in ("event_id", "dossier_code", "procedure_code", "status_code", "sequence", "event_time"):
        if event.get(key) in (None, ""):
            raise ExchangeError(f"the event has no {key}")
    return event


# ---------------------------------------------------------------------------------- OpenAPI

_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def check_openapi(document: object) -> list[str]:
    """Problems of an OpenAPI 3 document's structure (empty when none): version, info, paths
    starting with ``/``, operations with responses, path parameters declared, local ``$ref`` s
    that resolve."""
    problems: list[str] = []
    if not isinstance(document, Mapping):
        return ["the document is not a JSON object"]
    if not str(document.get("openapi", "")).startswith("3."):
        problems.append("'openapi' must be a 3.x version")
    info = document.get("info")
    if not isinstance(info, Mapping) or not info.get("title") or not info.get("version"):
        problems.append("'info' needs a title and a version")
    paths = document.get("paths")
    if not isinstance(paths, Mapping) or not paths:
        problems.append("'paths' is missing or empty")
        paths = {}
    for path, item in paths.items():
        if not path.startswith("/"):
            problems.append(f"path {path!r} does not start with '/'")
        if not isinstance(item, Mapping):
            problems.append(f"path {path!r} is not an object")
            continue
        operations = {m: op for m, op in item.items() if m in _METHODS}
        if not operations:
            problems.append(f"path {path!r} has no operation")
        common = list(item.get("parameters", []))
        for method, operation in operations.items():
            if not isinstance(operation, Mapping) or not operation.get("responses"):
                problems.append(f"{method.upper()} {path} has no responses")
                continue
            parameters = common + list(operation.get("parameters", []))
            declared = {
                p.get("name")
                for p in (_resolve(document, p) for p in parameters)
                if isinstance(p, Mapping) and p.get("in") == "path"
            }
            for segment in path.split("/"):
                if segment.startswith("{") and segment.endswith("}") and segment[1:-1] not in declared:
                    problems.append(f"{method.upper()} {path} does not declare path parameter {segment[1:-1]!r}")
    for ref in _refs(document):
        if _resolve(document, {"$ref": ref}) is None:
            problems.append(f"reference {ref!r} does not resolve")
    return problems


def _refs(node: object) -> list[str]:
    if isinstance(node, Mapping):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        for value in node.values():
            found += _refs(value)
        return found
    if isinstance(node, list):
        return [ref for item in node for ref in _refs(item)]
    return []


def _resolve(document: Mapping[str, Any], node: object) -> object:
    if not (isinstance(node, Mapping) and isinstance(node.get("$ref"), str)):
        return node
    ref = node["$ref"]
    if not ref.startswith("#/"):
        return None
    target = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(target, Mapping) or part not in target:
            return None
        target = target[part]
    return target
