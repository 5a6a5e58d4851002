"""Live revocation checking: which sources are asked, how long one may take, what is cached.

Rule implemented: Circular 15/2025/TT-BKHCN, Appendix II item 1.2 (mandatory) — the revocation
status of a certificate is checked online by OCSP (RFC 6960) where the certificate authority
offers it, otherwise against its latest CRL (RFC 5280), and a warning is shown when the status
cannot be checked.

How the product applies it (validation and the certificate check before signing):

1. The status is first established offline from what is known: the CRLs and OCSP responses of
   the :class:`~moh_core.signatures.material.ValidationMaterial` and the revocation data a PDF
   carries in its DSS (PAdES B-LT). A B-LT document therefore validates with no network, and a
   deployment whose administrators upload their CAs' CRLs never waits for the network.
2. Only when that leaves the status unknown, and only for a certificate whose chain reaches a
   configured trust root, the status is fetched live with pyhanko-certvalidator's own fetchers:
   OCSP where the certificate names a responder (Authority Information Access), the CRL from its
   distribution point otherwise or when the responder fails. No OCSP or CRL parsing is done here.
3. When no source answers (refused, timed out, unreachable), the reason is
   ``REVOCATION_UNREACHABLE``, distinct from ``REVOCATION_UNKNOWN`` (sources answered, but their
   data does not settle the status) so people can try again later instead of distrusting the
   signer.

Fetched OCSP responses are kept until their ``nextUpdate`` (or :attr:`RevocationPolicy.max_ocsp_age`
after ``thisUpdate`` when they have none) and CRLs until their ``nextUpdate``, in a
:class:`RevocationCache` shared by every validation of the process: a second validation within
that time makes no request. An air-gapped deployment turns live checking off
(:data:`OFFLINE`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from asn1crypto import cms, crl, ocsp, x509
from pyhanko_certvalidator.authority import Authority
from pyhanko_certvalidator.errors import CRLFetchError, OCSPFetchError
from pyhanko_certvalidator.fetchers import CRLFetcher, FetcherBackend, Fetchers, OCSPFetcher
from pyhanko_certvalidator.fetchers.api import FetchLimits
from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

__all__ = [
    "CLOCK_TOLERANCE",
    "DEFAULT_TIMEOUT",
    "OFFLINE",
    "LiveSession",
    "RevocationCache",
    "RevocationPolicy",
]

#: Seconds one OCSP or CRL request may take (connecting, then each read) before the source
#: counts as unreachable: short, since a person waits for the verdict.
DEFAULT_TIMEOUT = 3.0

#: How far a live answer's times may run ahead of the validation's "now": the moment is fixed
#: before the fetch, the responder answers with its own clock, seconds later (pyHanko's default
#: of one second calls a fresh OCSP response "too recent" on a loaded server or a skewed clock).
CLOCK_TOLERANCE = timedelta(minutes=2)

#: Bounds on what one validation may fetch (the URLs come from certificates a trusted CA issued,
#: but a chain may still name many).
_LIMITS = FetchLimits(max_requests=30, max_cert_requests=10, max_aia_urls_per_object=3)

type _Cert = x509.Certificate | cms.AttributeCertificateV2


def _now() -> datetime:
    return datetime.now(UTC)


def _cert_key(cert: _Cert) -> tuple[bytes, int]:
    """The certificate's issuer and serial number: what an OCSP response or a CRL speaks of."""
    if isinstance(cert, x509.Certificate):
        return cert.issuer.sha256, cert.serial_number
    return cert["ac_info"]["issuer"].dump(), cert["ac_info"]["serial_number"].native  # pragma: no cover


def _ocsp_expiry(response: ocsp.OCSPResponse, max_age: timedelta) -> datetime | None:
    """Until when a successful response may be reused: its first single response's
    ``nextUpdate``, else ``thisUpdate`` plus ``max_age``; None for a response not to keep."""
    if response["response_status"].native != "successful":
        return None
    try:
        single = response.basic_ocsp_response["tbs_response_data"]["responses"][0]
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    next_update = single["next_update"].native
    if next_update is not None:
        return next_update  # type: ignore[no-any-return]
    this_update: datetime = single["this_update"].native
    return this_update + max_age


def _crl_expiry(crls: Iterable[crl.CertificateList]) -> datetime | None:
    """The earliest ``nextUpdate`` of ``crls``; None when one has none (not kept)."""
    moments = [item["tbs_cert_list"]["next_update"].native for item in crls]
    if not moments or any(moment is None for moment in moments):
        return None
    return min(moments)  # type: ignore[no-any-return]


class RevocationCache:
    """Fetched OCSP responses and CRLs of one process, each kept until its validity ends
    (thread-safe: a threaded server's requests share it). ``requests`` counts the entries
    fetched, ``hits`` the answers given without a request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ocsp: dict[tuple[bytes, int], tuple[datetime, ocsp.OCSPResponse]] = {}
        self._crls: dict[tuple[bytes, int], tuple[datetime, tuple[crl.CertificateList, ...]]] = {}
        self.hits = 0
        self.stored = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._ocsp) + len(self._crls)

    def clear(self) -> None:
        with self._lock:
            self._ocsp.clear()
            self._crls.clear()

    def ocsp_for(self, cert: _Cert, now: datetime | None = None) -> ocsp.OCSPResponse | None:
        return self._get(self._ocsp, _cert_key(cert), now)

    def crls_for(self, cert: _Cert, now: datetime | None = None) -> tuple[crl.CertificateList, ...] | None:
        found: tuple[crl.CertificateList, ...] | None = self._get(self._crls, _cert_key(cert), now)
        return found

    def put_ocsp(self, cert: _Cert, response: ocsp.OCSPResponse, max_age: timedelta) -> bool:
        """Keep ``response`` until it expires; False when it is not kept (no validity, or over)."""
        return self._put(self._ocsp, _cert_key(cert), response, _ocsp_expiry(response, max_age))

    def put_crls(self, cert: _Cert, crls: Iterable[crl.CertificateList]) -> bool:
        items = tuple(crls)
        return self._put(self._crls, _cert_key(cert), items, _crl_expiry(items))

    def _get(self, table: dict[Any, tuple[datetime, Any]], key: Any, now: datetime | None) -> Any:
        with self._lock:
            entry = table.get(key)
            if entry is None:
                return None
            if entry[0] <= (now or _now()):
                del table[key]
                return None
            self.hits += 1
            return entry[1]

    def _put(self, table: dict[Any, tuple[datetime, Any]], key: Any, value: Any, until: datetime | None) -> bool:
        if until is None or until <= _now():
            return False
        with self._lock:
            table[key] = (until, value)
            self.stored += 1
        return True


@dataclass(frozen=True)
class RevocationPolicy:
    """Whether the revocation status is fetched live when the known data does not settle it,
    how long a request may take, and the cache of fetched data.

    :param live: fetch OCSP responses and CRLs named in the certificates; False for an
        air-gapped deployment (the status then comes only from the validation material and the
        document's DSS).
    :param timeout: seconds per request (connect, then each read).
    :param cache: where fetched data is kept; share one per process (None: nothing kept).
    :param max_ocsp_age: how long an OCSP response without ``nextUpdate`` is reused.
    """

    live: bool = True
    timeout: float = DEFAULT_TIMEOUT
    cache: RevocationCache | None = field(default=None, compare=False)
    max_ocsp_age: timedelta = timedelta(minutes=5)

    def __post_init__(self) -> None:
        if self.timeout <= 0:
            raise ValueError("timeout must be positive")

    def session(self) -> LiveSession:
        """A fresh record of one live check (its fetchers, and what failed)."""
        return LiveSession(self)


#: No live checking: the known material and the document's DSS only.
OFFLINE = RevocationPolicy(live=False)


class LiveSession(FetcherBackend):
    """The fetcher backend of one live check (pass it to ``ValidationContext(allow_fetching=True,
    fetcher_backend=...)``): pyhanko-certvalidator's requests-based fetchers with the policy's
    timeout, behind the policy's cache; ``failures`` lists the sources that did not answer."""

    def __init__(self, policy: RevocationPolicy) -> None:
        self.policy = policy
        self.failures: list[str] = []

    @property
    def unreachable(self) -> bool:
        """Some source did not answer (what a status still unknown after the live check is
        blamed on)."""
        return bool(self.failures)

    def get_fetchers(self) -> Fetchers:
        inner = RequestsFetcherBackend(per_request_timeout=self.policy.timeout, limits=_LIMITS).get_fetchers()
        return Fetchers(
            ocsp_fetcher=_CachedOCSPFetcher(inner.ocsp_fetcher, self),
            crl_fetcher=_CachedCRLFetcher(inner.crl_fetcher, self),
            cert_fetcher=inner.cert_fetcher,
        )

    def _failed(self, exc: Exception) -> None:
        cause = exc.__cause__
        self.failures.append(f"{exc}: {type(cause).__name__}" if cause is not None else str(exc))


class _CachedOCSPFetcher(OCSPFetcher):
    """OCSP responses from the cache while valid, else from the responder (then cached)."""

    def __init__(self, inner: OCSPFetcher, session: LiveSession) -> None:
        self._inner = inner
        self._session = session
        self._responses: dict[tuple[bytes, int], ocsp.OCSPResponse] = {}

    async def fetch(self, cert: _Cert, authority: Authority) -> ocsp.OCSPResponse:
        try:
            response = await self._inner.fetch(cert, authority)
        except OCSPFetchError as exc:
            self._session._failed(exc)
            raise
        self._responses[_cert_key(cert)] = response
        cache = self._session.policy.cache
        if cache is not None:
            cache.put_ocsp(cert, response, self._session.policy.max_ocsp_age)
        return response

    def fetched_responses(self) -> Iterable[ocsp.OCSPResponse]:
        return list(self._responses.values())

    def fetched_responses_for_cert(self, cert: _Cert) -> Iterable[ocsp.OCSPResponse]:
        key = _cert_key(cert)
        if key not in self._responses and self._session.policy.cache is not None:
            cached = self._session.policy.cache.ocsp_for(cert)
            if cached is not None:
                self._responses[key] = cached
        return [self._responses[key]] if key in self._responses else []


class _CachedCRLFetcher(CRLFetcher):
    """CRLs from the cache while valid, else from the distribution points (then cached)."""

    def __init__(self, inner: CRLFetcher, session: LiveSession) -> None:
        self._inner = inner
        self._session = session
        self._crls: dict[tuple[bytes, int], tuple[crl.CertificateList, ...]] = {}

    async def fetch(self, cert: _Cert, *, use_deltas: bool | None = None) -> Iterable[crl.CertificateList]:
        try:
            fetched = tuple(await self._inner.fetch(cert, use_deltas=use_deltas))
        except CRLFetchError as exc:
            self._session._failed(exc)
            raise
        self._crls[_cert_key(cert)] = fetched
        cache = self._session.policy.cache
        if cache is not None:
            cache.put_crls(cert, fetched)
        return fetched

    def fetched_crls(self) -> Iterable[crl.CertificateList]:
        return list(dict.fromkeys(item for items in self._crls.values() for item in items))

    def fetched_crls_for_cert(self, cert: _Cert) -> Iterable[crl.CertificateList]:
        """:raises KeyError: nothing known for ``cert`` (pyhanko-certvalidator then fetches)."""
        key = _cert_key(cert)
        if key not in self._crls and self._session.policy.cache is not None:
            cached = self._session.policy.cache.crls_for(cert)
            if cached is not None:
                self._crls[key] = cached
        return self._crls[key]
