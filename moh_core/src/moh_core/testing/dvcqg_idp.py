"""A local stand-in for the DVCQG identity provider (and VNeID behind it), for tests and the demo.

An OpenID Connect provider over real HTTP, built on Authlib's server components: the
authorization code grant (:class:`authlib.oauth2.rfc6749.grants.AuthorizationCodeGrant`) with
the OpenID Connect extension (:class:`authlib.oidc.core.grants.OpenIDCode`, id_tokens signed
RS256 with an RSA key generated at start, through joserfc, Authlib's JOSE layer) and PKCE
(:class:`authlib.oauth2.rfc7636.CodeChallenge`); bearer tokens checked by
:class:`authlib.oauth2.rfc6750.BearerTokenValidator`. Endpoints, at the paths the real IdP
(WSO2 Identity Server) uses:

* ``/.well-known/openid-configuration`` (discovery), ``/oauth2/jwks`` (the public key);
* ``/oauth2/authorize``: approves at once, as the claim set ``login_hint`` names or, without
  one, the claim set chosen with :meth:`DvcqgIdp.sign_in_as` (no login page);
* ``/oauth2/token`` (client_secret_basic or client_secret_post), ``/oauth2/userinfo`` (Bearer);
* ``/oidc/logout``: end session; checks ``id_token_hint`` (its signature, the client) and that
  ``post_logout_redirect_uri`` is registered, revokes that person's tokens, redirects back.

The id_token carries ``sub`` only (and the nonce); the identity claims come from userinfo, as
with the real IdP. Every call is journaled in :attr:`DvcqgIdp.journal`. Not for production.

Run as a process (the demo): ``python -m moh_core.testing.dvcqg_idp --port 8996
--redirect-uri http://localhost:8069/auth_oauth/signin``.
"""

from __future__ import annotations

import argparse
import json
import secrets
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from http.server import BaseHTTPRequestHandler
from typing import Any

from authlib.oauth2 import AuthorizationServer, OAuth2Request, ResourceProtector
from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin
from authlib.oauth2.rfc6749.errors import OAuth2Error
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6750 import BearerTokenGenerator, BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin
from authlib.oidc.core.grants import OpenIDCode
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from .server import LocalServer

__all__ = ["CLAIM_SETS", "DvcqgIdp"]

#: The identities the double signs in, by name: userinfo claims as the digest lists them.
CLAIM_SETS: dict[str, dict[str, Any]] = {
    "citizen": {
        "sub": "dvcqg-citizen-0001",
        "TechID": "TECH-CD-0001",
        "LoaiTaiKhoan": "1",
        "SoDinhDanh": "001090000001",
        "HoVaTen": "Nguyễn Văn An",
        "NgayThangNamSinh": "19900115",
        "ThuDienTu": "an.nguyen@example.vn",
        "SoDienThoai": "0912000001",
        "loAs": "LoA2",
    },
    "business": {
        "sub": "dvcqg-business-0002",
        "TechID": "TECH-DN-0002",
        "LoaiTaiKhoan": "2",
        "SoDinhDanh": "001085000002",
        "HoVaTen": "Trần Thị Bình",
        "ThuDienTu": "binh.tran@duocanbinh.example.vn",
        "SoDienThoai": "0912000002",
        "MaSoThue": "0109990001",
        "MaSoDoanhNghiep": "0109990001",
        "TenDoanhNghiep": "Công ty TNHH Dược An Bình",
        "loAs": "LoA2",
    },
    # A citizen's account whose claims mention a company: proves nothing about it.
    "citizen_claiming_business": {
        "sub": "dvcqg-citizen-0003",
        "TechID": "TECH-CD-0003",
        "LoaiTaiKhoan": "1",
        "SoDinhDanh": "001092000003",
        "HoVaTen": "Lê Văn Cường",
        "ThuDienTu": "cuong.le@example.vn",
        "MaSoThue": "0109990001",
        "TenDoanhNghiep": "Công ty TNHH Dược An Bình",
        "loAs": "LoA1",
    },
    # Another business, to try a company already linked to the first one.
    "other_business": {
        "sub": "dvcqg-business-0004",
        "TechID": "TECH-DN-0004",
        "LoaiTaiKhoan": "2",
        "HoVaTen": "Phạm Thị Dung",
        "ThuDienTu": "dung.pham@example.vn",
        "MaSoThue": "0109990004",
        "TenDoanhNghiep": "Công ty Cổ phần Thiết bị Y tế Dung Phát",
        "loAs": "LoA2",
    },
    # A citizen who signed in with VNeID (the Ministry of Public Security's IdP, federated).
    "vneid": {
        "sub": "dvcqg-vneid-0005",
        "TechID": "TECH-CD-0005",
        "LoaiTaiKhoan": "1",
        "SoDinhDanh": "001095000005",
        "HoVaTen": "Hoàng Minh Em",
        "NgayThangNamSinh": "19950520",
        "loginIdp": "BCA",
        "IAL": "2",
        "loAs": "LoA2",
        "userProfileUri": "https://vneid.example/profile",
    },
    # A citizen whose identity data matched only (level 1: no face or fingerprint check).
    "citizen_level1": {
        "sub": "dvcqg-citizen-0006",
        "TechID": "TECH-CD-0006",
        "LoaiTaiKhoan": "1",
        "SoDinhDanh": "001096000006",
        "HoVaTen": "Vũ Thị Giang",
        "ThuDienTu": "giang.vu@example.vn",
        "loAs": "LoA1",
    },
    # A business account at level 1: its tax code proves the business only where level 1 is enough.
    "business_level1": {
        "sub": "dvcqg-business-0007",
        "TechID": "TECH-DN-0007",
        "LoaiTaiKhoan": "2",
        "HoVaTen": "Đỗ Văn Hải",
        "ThuDienTu": "hai.do@example.vn",
        "MaSoThue": "0109990007",
        "TenDoanhNghiep": "Công ty TNHH Vật tư Y tế Hải Đăng",
        "loAs": "LoA1",
    },
}


class _Client(ClientMixin):  # type: ignore[misc]  # Authlib is untyped
    def __init__(self, client_id: str, client_secret: str, redirect_uris: Iterable[str]):
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uris = list(redirect_uris)
        self.client_metadata: dict[str, Any] = {}

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return self.redirect_uris[0] if self.redirect_uris else None

    def get_allowed_scope(self, scope: str) -> str:
        return scope

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        # An empty list accepts any loopback address (a test server's port is only known at start).
        if self.redirect_uris:
            return redirect_uri in self.redirect_uris
        host = urllib.parse.urlsplit(redirect_uri).hostname
        return host in ("127.0.0.1", "localhost")

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


class _Code(AuthorizationCodeMixin):  # type: ignore[misc]
    def __init__(self, code: str, request: OAuth2Request, user: str):
        data = request.payload.data
        self.code = code
        self.client_id = request.client.client_id
        self.redirect_uri = request.payload.redirect_uri or ""
        self.scope = request.payload.scope or ""
        self.nonce: str | None = data.get("nonce")
        self.code_challenge = data.get("code_challenge")
        self.code_challenge_method = data.get("code_challenge_method")
        self.user = user
        self.auth_time = int(time.time())

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time


class _Token(TokenMixin):  # type: ignore[misc]
    def __init__(self, token: Mapping[str, Any], client: _Client, user: str):
        self.access_token: str = token["access_token"]
        self.scope: str = token.get("scope", "")
        self.expires_in = int(token.get("expires_in", 3600))
        self.issued_at = time.time()
        self.client = client
        self.user = user
        self.revoked = False

    def check_client(self, client: _Client) -> bool:
        return client.client_id == self.client.client_id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return self.expires_in

    def is_expired(self) -> bool:
        return time.time() > self.issued_at + self.expires_in

    def is_revoked(self) -> bool:
        return self.revoked

    def get_user(self) -> str:
        return self.user

    def get_client(self) -> _Client:
        return self.client


class _Request(OAuth2Request):  # type: ignore[misc]
    def __init__(self, method: str, uri: str, headers: Mapping[str, str], query: dict[str, str], form: dict[str, str]):
        super().__init__(method, uri, headers=dict(headers))
        self._query = query
        self._form = form
        self.payload = BasicOAuth2Payload({**query, **form})

    @property
    def args(self) -> dict[str, str]:
        return self._query

    @property
    def form(self) -> dict[str, str]:
        return self._form


class _CodeGrant(AuthorizationCodeGrant):  # type: ignore[misc]
    server: _Server

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        self.server.idp.codes[code] = _Code(code, request, request.user)

    def query_authorization_code(self, code: str, client: _Client) -> _Code | None:
        found = self.server.idp.codes.get(code)
        return found if found and found.client_id == client.client_id else None

    def delete_authorization_code(self, authorization_code: _Code) -> None:
        self.server.idp.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code: _Code) -> str:
        return authorization_code.user


class _OpenIDCode(OpenIDCode):  # type: ignore[misc]
    def __init__(self, idp: DvcqgIdp):
        super().__init__(require_nonce=False)
        self.idp = idp

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        return any(code.nonce == nonce for code in self.idp.codes.values())

    def resolve_client_private_key(self, client: _Client) -> RSAKey:
        return self.idp.key

    def get_client_algorithm(self, client: _Client) -> str:
        return "RS256"

    def get_encode_header(self, client: _Client) -> dict[str, str]:
        return {"alg": "RS256", "kid": self.idp.key.kid or ""}

    def get_client_claims(self, client: _Client) -> dict[str, Any]:
        return {"iss": self.idp.issuer, "aud": [client.get_client_id()]}

    def generate_user_info(self, user: str, scope: str) -> dict[str, Any]:
        claims = self.idp.claim_sets[user]
        if self.idp.claims_in_id_token:
            return dict(claims)
        return {"sub": claims["sub"]}


class _BearerValidator(BearerTokenValidator):  # type: ignore[misc]
    def __init__(self, idp: DvcqgIdp):
        super().__init__()
        self.idp = idp

    def authenticate_token(self, token_string: str) -> _Token | None:
        return self.idp.tokens.get(token_string)


class _Server(AuthorizationServer):  # type: ignore[misc]
    def __init__(self, idp: DvcqgIdp):
        super().__init__()
        self.idp = idp
        self.register_token_generator("default", BearerTokenGenerator(lambda **kw: secrets.token_urlsafe(32)))
        self.register_grant(_CodeGrant, [_OpenIDCode(idp), CodeChallenge(required=idp.require_pkce)])

    def query_client(self, client_id: str) -> _Client | None:
        return self.idp.client if client_id == self.idp.client.client_id else None

    def save_token(self, token: Mapping[str, Any], request: OAuth2Request) -> None:
        self.idp.tokens[token["access_token"]] = _Token(token, request.client, request.user)

    def create_oauth2_request(self, request: OAuth2Request) -> OAuth2Request:
        return request

    def handle_response(self, status: int, body: Any, headers: Any) -> tuple[int, Any, list[tuple[str, str]]]:
        return status, body, list(headers)

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        pass


class _Handler(BaseHTTPRequestHandler):
    server: DvcqgIdp

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet in tests
        pass

    def _send(self, status: int, body: Any, headers: Iterable[tuple[str, str]] = ()) -> None:
        data = body if isinstance(body, bytes) else (json.dumps(body) if isinstance(body, dict) else str(body)).encode()
        self.send_response(status)
        names = set()
        for name, value in headers:
            names.add(name.lower())
            self.send_header(name, value)
        if "content-type" not in names:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _request(self) -> _Request:
        parts = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(parts.query))
        form: dict[str, str] = {}
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        return _Request(self.command, self.server.url.rstrip("/") + self.path, dict(self.headers.items()), query, form)

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        request = self._request()
        path = urllib.parse.urlsplit(self.path).path
        idp = self.server
        routes: dict[str, Callable[[], tuple[int, Any, list[tuple[str, str]]]]] = {
            "/.well-known/openid-configuration": lambda: (200, idp.discovery(), []),
            "/oauth2/jwks": lambda: (200, {"keys": [idp.key.as_dict(private=False)]}, []),
            "/oauth2/authorize": lambda: idp.authorize(request),
            "/oauth2/token": lambda: idp.server.create_token_response(request),
            "/oauth2/userinfo": lambda: idp.userinfo(request),
            "/oidc/logout": lambda: idp.logout(request),
        }
        if path not in routes:
            return self._send(404, {"error": "not_found"})
        if idp.down:
            return self._send(503, {"error": "temporarily_unavailable"})
        status, body, headers = routes[path]()
        idp.record(path, status, request)
        return self._send(status, body, headers)


class DvcqgIdp(LocalServer):
    """``with DvcqgIdp(client_id=..., client_secret=...) as idp:`` serves in a thread until the
    block ends; ``idp.url`` is its issuer (``http://127.0.0.1:<port>``)."""

    def __init__(
        self,
        port: int = 0,
        *,
        client_id: str = "moh-portal",
        client_secret: str = "moh-portal-secret",
        redirect_uris: Iterable[str] = (),
        post_logout_redirect_uris: Iterable[str] = (),
        claim_sets: Mapping[str, Mapping[str, Any]] | None = None,
        require_pkce: bool = False,
        claims_in_id_token: bool = False,
    ):
        super().__init__(("127.0.0.1", port), _Handler)
        self.client = _Client(client_id, client_secret, redirect_uris)
        self.post_logout_redirect_uris = list(post_logout_redirect_uris)
        self.claim_sets: dict[str, dict[str, Any]] = {
            name: dict(claims) for name, claims in (claim_sets or CLAIM_SETS).items()
        }
        self.require_pkce = require_pkce
        self.claims_in_id_token = claims_in_id_token
        self.current = next(iter(self.claim_sets))
        self.key = RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(8), "use": "sig", "alg": "RS256"})
        self.codes: dict[str, _Code] = {}
        self.tokens: dict[str, _Token] = {}
        self.journal: list[dict[str, Any]] = []
        self.logouts: list[dict[str, Any]] = []
        #: While True every endpoint answers 503 (the IdP is down).
        self.down = False
        self._lock = threading.Lock()
        self.server = _Server(self)

    # -- settings ---------------------------------------------------------------------------

    @property
    def issuer(self) -> str:
        return self.url

    def endpoint(self, name: str) -> str:
        """The URL of ``authorize``, ``token``, ``userinfo``, ``jwks`` or ``logout``."""
        key = {"authorize": "authorization_endpoint", "jwks": "jwks_uri", "logout": "end_session_endpoint"}
        return str(self.discovery()[key.get(name, f"{name}_endpoint")])

    def sign_in_as(self, name: str) -> None:
        """The claim set the next authorization approves when the request names none."""
        if name not in self.claim_sets:
            raise KeyError(name)
        self.current = name

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.url}/oauth2/authorize",
            "token_endpoint": f"{self.url}/oauth2/token",
            "userinfo_endpoint": f"{self.url}/oauth2/userinfo",
            "jwks_uri": f"{self.url}/oauth2/jwks",
            "end_session_endpoint": f"{self.url}/oidc/logout",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256", "plain"],
            "scopes_supported": ["openid"],
            "claims_supported": sorted({claim for claims in self.claim_sets.values() for claim in claims}),
        }

    def record(self, path: str, status: int, request: _Request) -> None:
        with self._lock:
            self.journal.append({"path": path, "status": status, "params": dict(request.payload.data)})

    def calls(self, path: str) -> list[dict[str, Any]]:
        return [entry for entry in self.journal if entry["path"] == path]

    # -- endpoints --------------------------------------------------------------------------

    def authorize(self, request: _Request) -> tuple[int, Any, list[tuple[str, str]]]:
        name = request.payload.data.get("login_hint") or self.current
        if name not in self.claim_sets:
            return 400, {"error": "invalid_request", "error_description": f"unknown claim set {name!r}"}, []
        try:
            grant = self.server.get_consent_grant(request, end_user=name)
        except OAuth2Error as error:
            # Back to the client only when its redirect URI was checked; else shown here.
            return self.server.handle_error_response(request, error)  # type: ignore[no-any-return]
        return self.server.create_authorization_response(request, grant_user=name, grant=grant)  # type: ignore[no-any-return]

    def userinfo(self, request: _Request) -> tuple[int, Any, list[tuple[str, str]]]:
        protector = ResourceProtector()
        protector.register_token_validator(_BearerValidator(self))
        try:
            token = protector.validate_request(["openid"], request)
        except OAuth2Error as error:
            status, body, headers = error()
            return status, body, headers
        return 200, dict(self.claim_sets[token.get_user()]), []

    def logout(self, request: _Request) -> tuple[int, Any, list[tuple[str, str]]]:
        data = request.payload.data
        hint = data.get("id_token_hint", "")
        target = data.get("post_logout_redirect_uri", "")
        try:
            token = jwt.decode(hint, self.key, algorithms=["RS256"])
        except (JoseError, ValueError):
            return 400, {"error": "invalid_request", "error_description": "bad id_token_hint"}, []
        claims = token.claims
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if claims.get("iss") != self.issuer or self.client.client_id not in audiences:
            return 400, {"error": "invalid_request", "error_description": "id_token_hint of another client"}, []
        if target and target not in self.post_logout_redirect_uris:
            return 400, {"error": "invalid_request", "error_description": "post_logout_redirect_uri not registered"}, []
        subject = claims.get("sub")
        for token_entry in self.tokens.values():
            if self.claim_sets[token_entry.user]["sub"] == subject:
                token_entry.revoked = True
        self.logouts.append({"sub": subject, "post_logout_redirect_uri": target})
        if not target:
            return 200, b"<html><body>Signed out.</body></html>", [("Content-Type", "text/html")]
        state = data.get("state")
        location = target + (
            ("&" if "?" in target else "?") + urllib.parse.urlencode({"state": state}) if state else ""
        )
        return 302, b"", [("Location", location)]

    # -- life -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--client-id", default="moh-portal")
    parser.add_argument("--client-secret", default="moh-portal-secret")
    parser.add_argument("--redirect-uri", action="append", default=[], help="the portal's /auth_oauth/signin")
    parser.add_argument("--post-logout-redirect-uri", action="append", default=[])
    parser.add_argument("--sign-in-as", default="citizen", choices=sorted(CLAIM_SETS))
    args = parser.parse_args(argv)
    idp = DvcqgIdp(
        args.port,
        client_id=args.client_id,
        client_secret=args.client_secret,
        redirect_uris=args.redirect_uri,
        post_logout_redirect_uris=args.post_logout_redirect_uri,
    )
    idp.sign_in_as(args.sign_in_as)
    try:
        idp.serve_forever()
    finally:
        idp.server_close()


if __name__ == "__main__":
    main()
