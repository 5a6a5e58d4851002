"""The local DVCQG identity provider: the OpenID Connect code flow over real HTTP, as the portal
runs it, and its refusals."""

import base64
import hashlib
import time
import urllib.parse

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from moh_core.identity import map_claims, verify_id_token
from moh_core.testing import dvcqg_idp
from moh_core.testing.dvcqg_idp import CLAIM_SETS, DvcqgIdp

CB = "http://127.0.0.1:9/auth_oauth/signin"
OUT = "http://127.0.0.1:9/web/login"


@pytest.fixture
def idp():
    with DvcqgIdp(redirect_uris=[CB], post_logout_redirect_uris=[OUT], require_pkce=True) as server:
        yield server


def _challenge(verifier):
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def _authorize(idp, **params):
    query = {
        "response_type": "code",
        "client_id": "moh-portal",
        "redirect_uri": CB,
        "scope": "openid",
        "state": "s1",
        "code_challenge": _challenge("v" * 50),
        "code_challenge_method": "S256",
        **params,
    }
    query = {key: value for key, value in query.items() if value is not None}
    return requests.get(idp.endpoint("authorize"), params=query, allow_redirects=False, timeout=10)


def _code(response):
    assert response.status_code == 302, response.text
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(response.headers["Location"]).query))


def _token(idp, code, post=False, verifier="v" * 50, redirect_uri=CB):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    if verifier:
        data["code_verifier"] = verifier
    if post:
        data.update(client_id="moh-portal", client_secret="moh-portal-secret")
        return requests.post(idp.endpoint("token"), data=data, timeout=10)
    return requests.post(idp.endpoint("token"), data=data, auth=("moh-portal", "moh-portal-secret"), timeout=10)


def _sign_in(idp, name="citizen", nonce="n-1", post=False):
    params = _code(_authorize(idp, login_hint=name, nonce=nonce))
    assert params["state"] == "s1"
    answer = _token(idp, params["code"], post=post)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _userinfo(idp, access_token):
    return requests.get(idp.endpoint("userinfo"), headers={"Authorization": f"Bearer {access_token}"}, timeout=10)


def test_discovery_and_keys(idp):
    discovery = requests.get(f"{idp.url}/.well-known/openid-configuration", timeout=10).json()
    assert discovery["issuer"] == idp.issuer == idp.url
    assert discovery["end_session_endpoint"] == idp.endpoint("logout") == f"{idp.url}/oidc/logout"
    assert idp.endpoint("jwks") == discovery["jwks_uri"]
    assert "TechID" in discovery["claims_supported"]
    keys = requests.get(discovery["jwks_uri"], timeout=10).json()["keys"]
    assert keys[0]["kty"] == "RSA" and "d" not in keys[0]


@pytest.mark.parametrize("post", [False, True])
def test_code_flow_business(idp, post):
    token = _sign_in(idp, "business", post=post)
    keys = KeySet.import_key_set(requests.get(idp.endpoint("jwks"), timeout=10).json())
    claims = jwt.decode(token["id_token"], keys).claims
    assert claims["sub"] == CLAIM_SETS["business"]["sub"]
    assert claims["nonce"] == "n-1"
    assert claims["aud"] == ["moh-portal"] and claims["iss"] == idp.issuer
    assert "TechID" not in claims  # the identity claims come from userinfo
    # What the portal checks: signature against the JWKS, issuer, audience, expiry, nonce, at_hash.
    jwks = requests.get(idp.endpoint("jwks"), timeout=10).json()
    verified = verify_id_token(
        token["id_token"],
        jwks,
        client_id="moh-portal",
        nonce="n-1",
        issuer=idp.issuer,
        access_token=token["access_token"],
    )
    assert verified["sub"] == claims["sub"]
    info = _userinfo(idp, token["access_token"])
    assert info.status_code == 200
    identity = map_claims(claims, info.json())
    assert identity.business_proven and identity.business.tax_code == "0109990001"
    paths = [entry["path"] for entry in idp.journal if entry["path"] != "/oauth2/jwks"]
    assert paths == ["/oauth2/authorize", "/oauth2/token", "/oauth2/userinfo"]
    assert len(idp.calls("/oauth2/token")) == 1


def test_vneid_and_chosen_claim_set(idp):
    idp.sign_in_as("vneid")
    params = _code(_authorize(idp))
    token = _token(idp, params["code"]).json()
    info = _userinfo(idp, token["access_token"]).json()
    assert info["loginIdp"] == "BCA"
    assert map_claims({"sub": info["sub"]}, info).via_vneid
    with pytest.raises(KeyError):
        idp.sign_in_as("nobody")


def test_claims_in_id_token():
    with DvcqgIdp(claims_in_id_token=True) as idp:
        # No registered redirect URI: any loopback one is accepted, others not.
        params = _code(_authorize(idp, code_challenge=None, code_challenge_method=None))
        token = _token(idp, params["code"], verifier=None).json()
        claims = jwt.decode(token["id_token"], idp.key).claims
        assert claims["TechID"] == CLAIM_SETS["citizen"]["TechID"]
        refused = _authorize(idp, redirect_uri="https://evil.example/cb")
        assert refused.status_code == 400 and "Location" not in refused.headers


def test_code_is_single_use_and_bound(idp):
    params = _code(_authorize(idp))
    assert _token(idp, params["code"], verifier="w" * 50).json()["error"] == "invalid_grant"  # PKCE
    assert _token(idp, params["code"], redirect_uri="http://127.0.0.1:9/other").json()["error"] == "invalid_grant"
    assert _token(idp, params["code"]).status_code == 200
    assert _token(idp, params["code"]).json()["error"] == "invalid_grant"
    wrong_secret = requests.post(
        idp.endpoint("token"),
        data={"grant_type": "authorization_code", "code": "x", "redirect_uri": CB},
        auth=("moh-portal", "wrong"),
        timeout=10,
    )
    assert wrong_secret.json()["error"] == "invalid_client"


def test_authorize_refusals(idp):
    bad_response_type = _authorize(idp, response_type="token")
    assert "error=unsupported_response_type" in bad_response_type.headers["Location"]
    unknown_client = _authorize(idp, client_id="someone")
    assert unknown_client.status_code == 400 and unknown_client.json()["error"] == "invalid_client"
    wrong_redirect = _authorize(idp, redirect_uri="https://evil.example/cb")
    assert wrong_redirect.status_code == 400 and "Location" not in wrong_redirect.headers
    unknown_set = _authorize(idp, login_hint="nobody")
    assert unknown_set.status_code == 400 and "nobody" in unknown_set.json()["error_description"]
    # A nonce already used is a replay.
    _code(_authorize(idp, nonce="same"))
    assert "Replay" in urllib.parse.unquote_plus(_authorize(idp, nonce="same").headers["Location"])


def test_userinfo_needs_a_live_token(idp):
    assert _userinfo(idp, "made-up").status_code == 401
    assert requests.get(idp.endpoint("userinfo"), timeout=10).status_code == 401


def test_logout(idp):
    token = _sign_in(idp, "citizen")
    other = _sign_in(idp, "business", nonce="n-2")
    answer = requests.get(
        idp.endpoint("logout"),
        params={"id_token_hint": token["id_token"], "post_logout_redirect_uri": OUT, "state": "bye"},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302 and answer.headers["Location"] == f"{OUT}?state=bye"
    assert idp.logouts == [{"sub": CLAIM_SETS["citizen"]["sub"], "post_logout_redirect_uri": OUT}]
    assert _userinfo(idp, token["access_token"]).status_code == 401
    assert _userinfo(idp, other["access_token"]).status_code == 200
    # Without a target: a page of the IdP; a target with a query and no state keeps its query.
    page = requests.get(idp.endpoint("logout"), params={"id_token_hint": other["id_token"]}, timeout=10)
    assert page.status_code == 200 and "Signed out" in page.text
    idp.post_logout_redirect_uris.append(f"{OUT}?x=1")
    again = requests.get(
        idp.endpoint("logout"),
        params={"id_token_hint": other["id_token"], "post_logout_redirect_uri": f"{OUT}?x=1"},
        allow_redirects=False,
        timeout=10,
    )
    assert again.headers["Location"] == f"{OUT}?x=1"


def test_logout_refusals(idp):
    token = _sign_in(idp)
    bad = requests.get(idp.endpoint("logout"), params={"id_token_hint": "not-a-jwt"}, timeout=10)
    assert bad.status_code == 400 and "id_token_hint" in bad.json()["error_description"]
    unregistered = requests.get(
        idp.endpoint("logout"),
        params={"id_token_hint": token["id_token"], "post_logout_redirect_uri": "https://evil.example/"},
        timeout=10,
    )
    assert unregistered.status_code == 400
    foreign = jwt.encode({"alg": "RS256"}, {"iss": idp.issuer, "aud": "another", "sub": "x"}, idp.key)
    answer = requests.get(idp.endpoint("logout"), params={"id_token_hint": foreign}, timeout=10)
    assert answer.json()["error_description"] == "id_token_hint of another client"
    forged = jwt.encode(
        {"alg": "RS256"}, {"iss": idp.issuer, "aud": "moh-portal", "sub": "x"}, RSAKey.generate_key(2048)
    )
    assert requests.get(idp.endpoint("logout"), params={"id_token_hint": forged}, timeout=10).status_code == 400
    assert idp.logouts == []


def test_down_and_unknown_path(idp):
    assert requests.get(f"{idp.url}/nowhere", timeout=10).status_code == 404
    idp.down = True
    assert requests.get(idp.endpoint("jwks"), timeout=10).status_code == 503
    idp.down = False
    assert requests.get(idp.endpoint("jwks"), timeout=10).status_code == 200


def test_models_directly(idp):
    client = idp.client
    assert client.get_default_redirect_uri() == CB
    assert dvcqg_idp._Client("c", "s", []).get_default_redirect_uri() is None
    token = dvcqg_idp._Token({"access_token": "a", "scope": "openid", "expires_in": 1}, client, "citizen")
    assert token.check_client(client) and token.get_expires_in() == 1 and token.get_client() is client
    assert not token.is_expired()
    token.issued_at = time.time() - 5
    assert token.is_expired()
    request = dvcqg_idp._Request("GET", f"{idp.url}/x?a=1", {}, {"a": "1"}, {})
    assert request.args == {"a": "1"} and request.form == {}


def test_main(monkeypatch):
    served = []
    monkeypatch.setattr(DvcqgIdp, "serve_forever", lambda self: served.append(self.current))
    dvcqg_idp.main(["--port", "0", "--sign-in-as", "vneid", "--redirect-uri", CB])
    assert served == ["vneid"]
