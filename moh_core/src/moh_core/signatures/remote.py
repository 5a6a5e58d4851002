"""Remote signing: the key stays with a remote signing service that speaks the Cloud Signature
Consortium API (CSC), as Vietnamese remote-signing services do; the server never holds it.

Decree 23/2025/NĐ-CP recognises remote signing (ký số từ xa): the signer's key is kept by a
licensed trust service provider, and each signature is activated by the signer (the provider's
app asks for approval on the signer's phone). Here that is the CSC exchange:

1. ``credentials/info`` (when the signer is loaded): the certificate and its chain, the
   mechanisms the key supports, how many signatures one authorization may cover (``multisign``).
   The algorithm policy of Circular 15/2025/TT-BKHCN applies as to every key
   (:mod:`moh_core.signatures.signers`): RSASSA-PSS or ECDSA with SHA-256, which the credential
   must support.
2. ``credentials/authorize`` with the hashes about to be signed (``numSignatures`` of them, hash
   pinning as SCAL 2 requires): the service asks the signer to approve and returns the Signature
   Activation Data (SAD). A service whose approval is out of band answers ``202 Accepted`` while
   it waits; it is asked again every :attr:`RemoteSigningService.poll_interval` seconds until
   it answers with the SAD, refuses, or :attr:`RemoteSigningService.approval_timeout` passes.
   ``on_approval`` is told each step (:class:`ApprovalStep`), so that the caller can show the
   signer that the service is waiting for them.
3. ``signatures/signHash`` with the SAD: the signature values.

pyHanko's :class:`~pyhanko.sign.signers.csc_signer.CSCSigner` does steps 1 and 3 and batches:
:func:`~moh_core.signatures.signing.sign_many` signs a run of documents so that one
authorization (one approval by the signer) and one ``signHash`` call cover up to ``multisign``
of them. Every HTTP failure becomes a :class:`~moh_core.signatures.errors.SigningFailed` with a
``REMOTE_*`` code; the access token and PIN are sent to the service only, never logged.

Request bodies follow CSC v1.0.4 (pyHanko's implementation); with ``api_version="v2"`` the URLs
are ``/csc/v2/...`` and the v2 names of the same parameters (``hashes``,
``hashAlgorithmOID``) are sent as well.
"""

from __future__ import annotations

import asyncio
import base64
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import aiohttp
from asn1crypto import algos
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers.csc_signer import (
    CSCAuthorizationInfo,
    CSCAuthorizationManager,
    CSCCredentialInfo,
    CSCServiceSessionInfo,
    CSCSigner,
    fetch_certs_in_csc_credential,
)

from moh_core.signatures.errors import SigningFailed, SigningProblem, SigningRefused
from moh_core.signatures.signers import (
    DIGEST_ALGORITHM,
    MohSigner,
    common_name,
    key_info,
    signature_mechanism,
)

__all__ = [
    "ApprovalStep",
    "RemoteSigningService",
    "load_csc_signer",
]


_SHA256_OID = algos.DigestAlgorithmId(DIGEST_ALGORITHM).dotted


class ApprovalStep(StrEnum):
    """Where the signer's approval of a remote signature stands."""

    REQUESTED = "requested"
    """Authorization asked for: the service may now ask the signer (e.g. on their phone)."""
    WAITING = "waiting"
    """The service said it is waiting for the signer's approval."""
    APPROVED = "approved"
    """The service gave the Signature Activation Data: signing continues."""


#: ``on_approval(step, number_of_signatures)``
ApprovalCallback = Callable[[ApprovalStep, int], None]


@dataclass(frozen=True)
class RemoteSigningService:
    """How to reach one signer's credential at a CSC service."""

    service_url: str
    """The part of the URLs before ``/csc/<version>/``."""
    credential_id: str
    access_token: str | None = field(default=None, repr=False)
    """The signer's OAuth 2.0 bearer token for the service."""
    pin: str | None = field(default=None, repr=False)
    """The credential's PIN, for services that authorize with one (explicit mode)."""
    api_version: str = "v1"
    request_timeout: float = 30
    approval_timeout: float = 300
    poll_interval: float = 2.0
    description: str | None = None
    """Shown by the service to the signer when it asks for approval."""

    def __post_init__(self) -> None:
        if not self.service_url.startswith(("https://", "http://")):
            raise ValueError("service_url must be an http(s) URL")
        if not self.credential_id:
            raise ValueError("credential_id is required")
        if self.api_version not in ("v1", "v2"):
            raise ValueError("api_version must be v1 or v2")

    @property
    def session_info(self) -> CSCServiceSessionInfo:
        return CSCServiceSessionInfo(
            service_url=self.service_url.rstrip("/"),
            credential_id=self.credential_id,
            oauth_token=self.access_token,
            api_ver=self.api_version,
        )


async def _post(
    http: aiohttp.ClientSession,
    service: RemoteSigningService,
    endpoint: str,
    body: dict[str, Any],
    *,
    not_found: SigningProblem = SigningProblem.REMOTE_UNAVAILABLE,
) -> tuple[int, dict[str, Any]]:
    """POST to the service; 200 and 202 come back, every other answer is a ``SigningFailed``."""
    info = service.session_info
    url = info.endpoint_url(endpoint)
    try:
        async with http.post(
            url,
            json=body,
            headers=info.auth_headers,
            timeout=aiohttp.ClientTimeout(total=service.request_timeout),
        ) as response:
            status = response.status
            text = await response.text()
            data: Any = None
            if text:
                try:
                    data = await response.json(content_type=None)
                except ValueError:
                    data = None
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise SigningFailed(
            SigningProblem.REMOTE_UNAVAILABLE, f"{endpoint} at {service.service_url}: {type(exc).__name__} {exc}"
        ) from exc
    reason = ""
    if isinstance(data, dict) and data.get("error"):
        reason = f": {data.get('error')} {data.get('error_description') or ''}".rstrip()
    if status in (401, 403):
        raise SigningFailed(SigningProblem.REMOTE_REFUSED, f"{endpoint} answered HTTP {status}{reason}")
    if 400 <= status < 500:
        raise SigningFailed(not_found, f"{endpoint} answered HTTP {status}{reason}")
    if status not in (200, 202) or not isinstance(data, dict):
        raise SigningFailed(SigningProblem.REMOTE_UNAVAILABLE, f"{endpoint} answered HTTP {status}{reason}")
    return status, data


class _Authorization(CSCAuthorizationManager):
    """``credentials/authorize`` for exactly the hashes about to be signed, waiting for the
    signer's approval when the service says it is pending."""

    def __init__(
        self,
        service: RemoteSigningService,
        credential: CSCCredentialInfo,
        on_approval: ApprovalCallback | None,
    ) -> None:
        super().__init__(service.session_info, credential)
        self.service = service
        self.on_approval = on_approval
        self.http: aiohttp.ClientSession | None = None

    def _notify(self, step: ApprovalStep, count: int) -> None:
        if self.on_approval is not None:
            self.on_approval(step, count)

    async def authorize_signature(self, hash_b64s: list[str]) -> CSCAuthorizationInfo:
        assert self.http is not None, "authorization runs inside a commit"
        service = self.service
        body = self.format_csc_auth_request(pin=service.pin, hash_b64s=list(hash_b64s), description=service.description)
        if service.api_version == "v2":
            body.update(hashes=list(hash_b64s), hashAlgorithmOID=_SHA256_OID)
        count = len(hash_b64s)
        deadline = time.monotonic() + service.approval_timeout
        self._notify(ApprovalStep.REQUESTED, count)
        waiting = False
        while True:
            status, data = await _post(
                self.http, service, "credentials/authorize", body, not_found=SigningProblem.REMOTE_REFUSED
            )
            if status == 200:
                try:
                    authorization = self.parse_csc_auth_response(data)
                except PyHankoSigningError as exc:
                    raise SigningFailed(SigningProblem.REMOTE_UNAVAILABLE, f"credentials/authorize: {exc}") from exc
                self._notify(ApprovalStep.APPROVED, count)
                return authorization
            if not waiting:
                waiting = True
                self._notify(ApprovalStep.WAITING, count)
            if time.monotonic() + service.poll_interval > deadline:
                raise SigningFailed(
                    SigningProblem.APPROVAL_TIMEOUT,
                    f"No approval of {count} signature(s) within {service.approval_timeout:g} s.",
                )
            await asyncio.sleep(service.poll_interval)


class _RemoteSigner(CSCSigner):
    """pyHanko's CSC signer with one HTTP session per commit (each commit runs in whatever event
    loop the signing call made, so no session outlives its loop) and the product's errors."""

    auth_manager: _Authorization

    def __init__(self, authorization: _Authorization, mechanism: algos.SignedDigestAlgorithm) -> None:
        super().__init__(session=None, auth_manager=authorization, embed_roots=True)  # type: ignore[arg-type]
        self.mechanism = mechanism

    def get_signature_mechanism_for_digest(self, digest_algorithm: str | None) -> algos.SignedDigestAlgorithm:
        # the product's mechanism (PSS parameters pinned), not pyHanko's default for the key
        return self.mechanism

    def _signing_request(self, hashes: list[str], sad: str) -> dict[str, Any]:
        mechanism = self.mechanism
        request: dict[str, Any] = {
            "credentialID": self.auth_manager.service.credential_id,
            "SAD": sad,
            "hashAlgo": _SHA256_OID,
            "signAlgo": mechanism["algorithm"].dotted,
            "hash": hashes,
        }
        if mechanism["parameters"].native is not None:
            request["signAlgoParams"] = base64.b64encode(mechanism["parameters"].dump()).decode("ascii")
        if self.auth_manager.service.api_version == "v2":
            request.update(hashes=hashes, hashAlgorithmOID=_SHA256_OID)
        return request

    async def _do_commit(self, batch: Any) -> None:
        # pyHanko's batch (hashes queued by the signatures waiting for it): one authorization,
        # one signHash call for all of them
        service = self.auth_manager.service
        hashes = list(batch.b64_hashes)
        try:
            async with aiohttp.ClientSession() as http:
                self.auth_manager.http = http
                auth_info = await self.auth_manager.authorize_signature(hashes)
                request = self._signing_request(hashes, auth_info.sad)
                _status, data = await _post(
                    http, service, "signatures/signHash", request, not_found=SigningProblem.REMOTE_REFUSED
                )
            values = data.get("signatures")
            if not isinstance(values, list) or len(values) != len(hashes):
                raise SigningFailed(
                    SigningProblem.REMOTE_UNAVAILABLE,
                    f"signatures/signHash returned {len(values) if isinstance(values, list) else 'no'} "
                    f"signature(s) for {len(hashes)} hash(es).",
                )
            try:
                batch.results = [base64.b64decode(value, validate=True) for value in values]
            except (ValueError, TypeError) as exc:
                raise SigningFailed(
                    SigningProblem.REMOTE_UNAVAILABLE, "signatures/signHash returned a value that is not base64."
                ) from exc
        finally:
            self.auth_manager.http = None
            self._current_batch = None
            batch.notifier.set()


def _remote_error(exc: PyHankoSigningError, endpoint: str, not_found: SigningProblem) -> SigningFailed:
    cause = exc.__cause__
    if isinstance(cause, aiohttp.ClientResponseError):
        if cause.status in (401, 403):
            return SigningFailed(SigningProblem.REMOTE_REFUSED, f"{endpoint} answered HTTP {cause.status}")
        if 400 <= cause.status < 500:
            return SigningFailed(not_found, f"{endpoint} answered HTTP {cause.status}")
    return SigningFailed(SigningProblem.REMOTE_UNAVAILABLE, f"{endpoint}: {exc} ({cause!r})")


async def _credential(service: RemoteSigningService) -> CSCCredentialInfo:
    async with aiohttp.ClientSession() as http:
        try:
            credential = await fetch_certs_in_csc_credential(
                http, service.session_info, timeout=max(1, math.ceil(service.request_timeout))
            )
        except PyHankoSigningError as exc:
            raise _remote_error(exc, "credentials/info", SigningProblem.REMOTE_CREDENTIAL) from exc
        except TimeoutError as exc:
            raise SigningFailed(SigningProblem.REMOTE_UNAVAILABLE, "credentials/info timed out") from exc
    key = credential.response_data.get("key")
    if isinstance(key, dict) and key.get("status") not in (None, "enabled"):
        raise SigningFailed(
            SigningProblem.REMOTE_CREDENTIAL, f"Credential {service.credential_id!r} is {key['status']}."
        )
    return credential


def load_csc_signer(service: RemoteSigningService, *, on_approval: ApprovalCallback | None = None) -> MohSigner:
    """Read the credential's certificate from the service and return a signer whose signatures
    the service makes (see the module docstring). Nothing secret is held but the token and PIN
    given in ``service``.

    :raises SigningFailed: ``REMOTE_UNAVAILABLE``, ``REMOTE_CREDENTIAL`` (unknown or disabled
        credential), ``REMOTE_REFUSED`` (access token refused).
    :raises SigningRefused: ``WEAK_KEY`` / ``UNSUPPORTED_ALGORITHM`` (the policy, or a credential
        that cannot sign with the mechanism the policy requires).
    """
    credential = asyncio.run(_credential(service))
    cert = credential.signing_cert
    info = key_info(cert)
    mechanism = signature_mechanism(info)
    if mechanism["algorithm"].native not in credential.supported_mechanisms:
        raise SigningRefused(
            SigningProblem.UNSUPPORTED_ALGORITHM,
            f"Credential {service.credential_id!r} does not offer {mechanism['algorithm'].native}; it offers "
            f"{', '.join(sorted(credential.supported_mechanisms)) or 'nothing'}.",
        )
    signer = _RemoteSigner(_Authorization(service, credential, on_approval), mechanism)
    return MohSigner(
        pyhanko_signer=signer,
        certificate=cert,
        chain=tuple(credential.chain),
        key_algorithm=info.algorithm,
        key_size=info.bits,
        source="csc",
        common_name=common_name(cert),
        batch_size=max(1, credential.max_batch_size),
    )
