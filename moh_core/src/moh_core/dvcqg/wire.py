"""The wire conventions of the national public service portal's (DVCQG) adapter.

UTF-8 JSON whose scalars are strings (``"1"``, ``"True"``), dates as ``yyyyMMddHHmmss`` in
Vietnam's time (Asia/Ho_Chi_Minh), and replies ``{error_code, message, result?}``: ``0`` (older
adapters ``"00"``) is success, ``-1`` an error, and ``3``/``-3`` or a message saying "đã tồn tại"
(already exists) a duplicate that the sender resends as an update.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import MohError

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "%Y%m%d%H%M%S"

OK_CODES = ("0", "00")
DUPLICATE_CODES = ("3", "-3")
DUPLICATE_MARKERS = ("đã tồn tại", "da ton tai", "already exists")
# Codes an adapter answers while it cannot serve (not confirmed by the public contract: settings).
RETRYABLE_CODES: tuple[str, ...] = ()
# Words of a message that says the session is no longer valid (settings too).
AUTH_MARKERS = ("session", "phiên", "phien", "token", "unauthorized", "đăng nhập")


class DvcqgError(MohError):
    """A call that did not succeed. ``retryable``: the same call may succeed later (network,
    server busy, 5xx); otherwise the content itself is refused and resending it changes nothing.
    ``detail``: what was called and what came back (for the logs and the dead letter)."""

    text = "the national public service portal did not accept the call"
    text_vi = "Cổng Dịch vụ công quốc gia không chấp nhận yêu cầu"

    def __init__(self, message: str, *, retryable: bool, reply: Reply | None = None, status: int | None = None):
        super().__init__("dvcqg_call", detail=message)
        self.retryable = retryable
        self.reply = reply
        self.status = status


class DvcqgAuthError(DvcqgError):
    """Login refused (wrong credentials or dstcode): permanent until the settings change."""

    text = "the national public service portal refused the sign-in of this link"
    text_vi = "Cổng Dịch vụ công quốc gia từ chối đăng nhập của kết nối này"

    def __init__(self, message: str, *, reply: Reply | None = None, status: int | None = None):
        super().__init__(message, retryable=False, reply=reply, status=status)


def format_date(value: dt.datetime | dt.date | None) -> str:
    """``yyyyMMddHHmmss`` in Vietnam's time; a naive datetime is UTC (as Odoo stores them);
    a date is midnight of that day in Vietnam; None is the empty string."""
    if value is None:
        return ""
    if not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day).strftime(DATE_FORMAT)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(VIETNAM).strftime(DATE_FORMAT)


def day_at(value: dt.date | None, at: dt.time = dt.time(17, 0)) -> str:
    """A day (a due date) as DVCQG's datetime: ``at`` o'clock of that day in Vietnam (the end of
    office hours unless told; the contract does not say which time a due day stands for)."""
    if value is None:
        return ""
    return dt.datetime.combine(value, at).strftime(DATE_FORMAT)


def parse_date(text: str | None) -> dt.datetime | None:
    """``yyyyMMddHHmmss`` (Vietnam's time) as an aware datetime; empty is None; ValueError when malformed."""
    if not text:
        return None
    if len(text) != 14 or not text.isdigit():
        raise ValueError(f"not a yyyyMMddHHmmss date: {text!r}")
    return dt.datetime.strptime(text, DATE_FORMAT).replace(tzinfo=VIETNAM)


def scalar(value: Any) -> Any:
    """A value as the adapter wants it: scalars as strings (booleans ``"True"``/``"False"``,
    None empty), lists and dicts converted member by member."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, dict):
        return {key: scalar(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [scalar(item) for item in value]
    if isinstance(value, dt.datetime | dt.date):
        return format_date(value)
    return str(value)


@dataclass(frozen=True)
class Reply:
    """One adapter reply, classified."""

    code: str
    message: str
    result: Any = None
    raw: dict[str, Any] = field(default_factory=dict)
    retryable_codes: tuple[str, ...] = RETRYABLE_CODES
    auth_markers: tuple[str, ...] = AUTH_MARKERS

    @property
    def ok(self) -> bool:
        return self.code in OK_CODES

    @property
    def duplicate(self) -> bool:
        if self.ok:
            return False
        message = self.message.casefold()
        return self.code in DUPLICATE_CODES or any(marker in message for marker in DUPLICATE_MARKERS)

    @property
    def auth_failure(self) -> bool:
        """The session is refused (expired or unknown): log in again once."""
        if self.ok or self.duplicate:
            return False
        message = self.message.casefold()
        return any(marker in message for marker in self.auth_markers)

    @property
    def retryable(self) -> bool:
        return self.code in self.retryable_codes

    def error(self, service: str) -> DvcqgError:
        return DvcqgError(
            f"{service}: error_code {self.code or '?'}: {self.message or 'no message'}",
            retryable=self.retryable,
            reply=self,
        )


def parse_reply(
    data: Any,
    *,
    retryable_codes: Iterable[str] = RETRYABLE_CODES,
    auth_markers: Iterable[str] = AUTH_MARKERS,
) -> Reply:
    """A decoded JSON reply as a :class:`Reply`; a reply that is not an object with an
    ``error_code`` is a retryable error (a proxy's page, a truncated answer)."""
    if not isinstance(data, dict) or "error_code" not in data:
        raise DvcqgError(f"not an adapter reply: {str(data)[:200]!r}", retryable=True)
    code = str(data.get("error_code")).strip()
    message = data.get("message") or data.get("error_message") or ""
    return Reply(
        code=code,
        message=str(message),
        result=data.get("result"),
        raw=data,
        retryable_codes=tuple(retryable_codes),
        auth_markers=tuple(auth_markers),
    )
