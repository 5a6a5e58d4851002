"""A client of the DVCQG adapter over ``requests``: session login, cached session, one new login
when a call is refused for its session, and the services the ministry's system uses."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import requests

from .catalogue import Agency, Field, Lookup, Procedure, parse_agencies, parse_fields, parse_lookup, parse_procedures
from .wire import AUTH_MARKERS, RETRYABLE_CODES, DvcqgAuthError, DvcqgError, Reply, parse_reply, scalar

SHARE_SERVICES = frozenset(
    {"LayDanhSachTTHC", "LayThuTuc", "LayDanhMucLinhVuc", "LayDanhMucCoQuan", "TraCuuHoSo", "TraCuuTechID"}
)
RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
PROGRESS_BATCH = 10


@dataclass(frozen=True)
class Settings:
    """The link's settings (from the agency's DVCQG account; the endpoints are the adapter's)."""

    adapter_url: str
    dstcode: str
    madonvi: str
    username: str
    password: str
    auth_endpoint: str = "/auth"
    integration_endpoint: str = "/integration"
    share_endpoint: str = "/share"
    timeout: float = 30
    verify_tls: bool = True
    retryable_codes: tuple[str, ...] = RETRYABLE_CODES
    auth_markers: tuple[str, ...] = AUTH_MARKERS
    share_services: frozenset[str] = field(default_factory=lambda: SHARE_SERVICES)

    def url(self, endpoint: str) -> str:
        return self.adapter_url.rstrip("/") + "/" + endpoint.lstrip("/")


class Client:
    """``Client(settings).call("DongBoHoSoMC", isUpdating="False", data=[...])`` → :class:`Reply`
    (ok or duplicate); any other answer raises :class:`DvcqgError` (``retryable`` says whether
    to try again later)."""

    def __init__(self, settings: Settings, http: requests.Session | None = None):
        self.settings = settings
        self.http = http or requests.Session()
        self.session: str | None = None
        self.logins = 0
        self._lock = threading.Lock()

    # -- transport ---------------------------------------------------------------------------
    def _post(self, url: str, body: dict[str, Any], service: str) -> Reply:
        try:
            response = self.http.post(
                url,
                json=body,
                headers={"dstcode": self.settings.dstcode, "Accept": "application/json"},
                timeout=self.settings.timeout,
                verify=self.settings.verify_tls,
            )
        except requests.RequestException as exc:
            raise DvcqgError(f"{service}: {type(exc).__name__}: {exc}", retryable=True) from exc
        if response.status_code in (401, 403):
            return Reply(code=str(response.status_code), message="unauthorized session", auth_markers=("session",))
        if response.status_code in RETRYABLE_STATUS:
            raise DvcqgError(f"{service}: HTTP {response.status_code}", retryable=True, status=response.status_code)
        try:
            data = response.json()
        except ValueError:
            raise DvcqgError(
                f"{service}: HTTP {response.status_code}, not JSON", retryable=response.status_code >= 500
            ) from None
        return parse_reply(data, retryable_codes=self.settings.retryable_codes, auth_markers=self.settings.auth_markers)

    def login(self) -> str:
        s = self.settings
        reply = self._post(s.url(s.auth_endpoint), {"username": s.username, "password": s.password}, "login")
        session = reply.raw.get("session") if reply.ok else None
        if not session:
            raise DvcqgAuthError(f"login refused: {reply.message or reply.code}", reply=reply)
        self.session = str(session)
        self.logins += 1
        return self.session

    def call(self, service: str, **body: Any) -> Reply:
        """Call one service with the cached session (logging in first when there is none, and
        once more when the adapter refuses the session)."""
        s = self.settings
        endpoint = s.share_endpoint if service in s.share_services else s.integration_endpoint
        payload = {"madonvi": s.madonvi, "service": service, **scalar(body)}
        reply = self._post(s.url(endpoint), {"session": self._session(), **payload}, service)
        if reply.auth_failure:
            self.forget_session()
            reply = self._post(s.url(endpoint), {"session": self._session(), **payload}, service)
        if reply.ok or reply.duplicate:
            return reply
        raise reply.error(service)

    def _session(self) -> str:
        with self._lock:
            return self.session or self.login()

    def forget_session(self) -> None:
        with self._lock:
            self.session = None

    # -- services ----------------------------------------------------------------------------
    def sync_dossiers(self, records: Sequence[dict[str, Any]], *, updating: bool) -> Reply:
        return self.call("DongBoHoSoMC", isUpdating=updating, data=list(records))

    def upsert_dossier(self, record: dict[str, Any], *, known: bool | None = None) -> str:
        """Insert or update one dossier: ``known`` (None: ask TraCuuHoSo) picks the first try; a
        duplicate answer to an insert is resent as an update. Returns "inserted" or "updated"."""
        if known is None:
            known = self.lookup_dossier(record["MaHoSo"]) is not None
        if known:
            reply = self.sync_dossiers([record], updating=True)
            if reply.duplicate:
                raise reply.error("DongBoHoSoMC")
            return "updated"
        reply = self.sync_dossiers([record], updating=False)
        if reply.duplicate:
            reply = self.sync_dossiers([record], updating=True)
            if reply.duplicate:
                raise reply.error("DongBoHoSoMC")
            return "updated"
        return "inserted"

    def update_progress(self, steps: Iterable[dict[str, Any]]) -> int:
        """Send the steps in batches of :data:`PROGRESS_BATCH`; returns how many were sent."""
        steps = list(steps)
        for start in range(0, len(steps), PROGRESS_BATCH):
            self.call("CapNhatTienDoHoSoMC", data=steps[start : start + PROGRESS_BATCH])
        return len(steps)

    def lookup_dossier(self, code: str) -> Lookup | None:
        return parse_lookup(self.call("TraCuuHoSo", mahoso=code).result)

    def procedures(self) -> list[Procedure]:
        return parse_procedures(self.call("LayDanhSachTTHC").result)

    def procedure(self, code: str) -> Procedure | None:
        found = parse_procedures(self.call("LayThuTuc", maTTHC=code).result)
        return found[0] if found else None

    def fields(self) -> list[Field]:
        return parse_fields(self.call("LayDanhMucLinhVuc").result)

    def agencies(self) -> list[Agency]:
        return parse_agencies(self.call("LayDanhMucCoQuan").result)
