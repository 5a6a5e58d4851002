"""The relying party's checks of an OpenID Connect code flow (Core 1.0), without a web framework:
the per-sign-in secrets (state, nonce, PKCE) and the id_token's verification.

The id_token is checked as Core 3.1.3.7 says: its signature against the provider's published keys
(JWKS; RS256 unless told otherwise), the issuer, the audience (the client id), the expiry (with a
small leeway for clocks), the nonce this sign-in sent, and ``at_hash`` against the access token
when the token carries it. Signing keys and claims come from joserfc.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import secrets
import time
from collections.abc import Collection, Mapping
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from moh_core.identity.dvcqg import IdentityProblem, IdentityRefused

__all__ = ["SigninSecrets", "at_hash", "verify_id_token"]


@dataclasses.dataclass(frozen=True)
class SigninSecrets:
    """What one sign-in sends and must find again on the callback: kept in the browser's session."""

    state: str
    nonce: str
    code_verifier: str

    @classmethod
    def new(cls) -> SigninSecrets:
        return cls(secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48))

    @property
    def code_challenge(self) -> str:
        """The S256 PKCE challenge of the verifier (RFC 7636 4.2)."""
        digest = hashlib.sha256(self.code_verifier.encode("ascii")).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def as_dict(self) -> dict[str, str]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any] | None) -> SigninSecrets | None:
        try:
            return cls(str(values["state"]), str(values["nonce"]), str(values["code_verifier"]))  # type: ignore[index]
        except (KeyError, TypeError):
            return None

    def state_matches(self, state: object) -> bool:
        return isinstance(state, str) and secrets.compare_digest(state, self.state)


def at_hash(access_token: str, algorithm: str = "RS256") -> str:
    """The left half of the access token's hash, base64url (Core 3.1.3.6), for SHA-256 algorithms."""
    size = {"256": hashlib.sha256, "384": hashlib.sha384, "512": hashlib.sha512}[algorithm[-3:]]
    digest = size(access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode("ascii")


def verify_id_token(
    id_token: str,
    jwks: Mapping[str, Any],
    *,
    client_id: str,
    nonce: str,
    issuer: str | None = None,
    access_token: str | None = None,
    algorithms: Collection[str] = ("RS256",),
    now: int | None = None,
    leeway: int = 60,
) -> dict[str, Any]:
    """The id_token's claims once every check passed; :class:`IdentityRefused` (``BAD_ID_TOKEN``,
    with the reason in ``detail``) otherwise."""

    def refuse(reason: str) -> IdentityRefused:
        return IdentityRefused(IdentityProblem.BAD_ID_TOKEN, detail=reason)

    try:
        keys = KeySet.import_key_set(dict(jwks))  # type: ignore[arg-type]
        token = jwt.decode(id_token, keys, algorithms=list(algorithms))
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise refuse(f"signature or format: {error}") from None
    claims = dict(token.claims)
    options: dict[str, Any] = {
        "sub": {"essential": True},
        "exp": {"essential": True},
        "aud": {"essential": True, "value": client_id},
    }
    if issuer:
        options["iss"] = {"essential": True, "value": issuer}
    moment = int(time.time()) if now is None else now
    try:
        jwt.JWTClaimsRegistry(now=moment, leeway=leeway, **options).validate(claims)
    except JoseError as error:
        raise refuse(f"claims: {error}") from None
    audience = claims["aud"]
    if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != client_id:
        raise refuse("several audiences and the client is not the authorised party")
    if not isinstance(claims.get("nonce"), str) or not secrets.compare_digest(claims["nonce"], nonce):
        raise refuse("nonce")
    if access_token and "at_hash" in claims and claims["at_hash"] != at_hash(access_token, token.header["alg"]):
        raise refuse("at_hash")
    return claims
