"""The relying party's checks of the id_token, and the per-sign-in secrets."""

import base64
import hashlib
import time

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from moh_core.identity import IdentityProblem, IdentityRefused, SigninSecrets, at_hash, verify_id_token

KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
OTHER = RSAKey.generate_key(2048, parameters={"kid": "k1"})
JWKS = {"keys": [KEY.as_dict(private=False)]}
NOW = int(time.time())


def _token(key=KEY, alg="RS256", **claims):
    base = {"iss": "https://idp", "aud": ["portal"], "sub": "s1", "exp": NOW + 300, "iat": NOW, "nonce": "n1"}
    base.update(claims)
    base = {name: value for name, value in base.items() if value is not None}
    return jwt.encode({"alg": alg, "kid": "k1"}, base, key, algorithms=[alg])


def _verify(token, **options):
    # The clock of the tokens (made at import): a long test run must not expire them.
    values = {"client_id": "portal", "nonce": "n1", "issuer": "https://idp", "now": NOW}
    values.update(options)
    return verify_id_token(token, JWKS, **values)


def test_valid_token():
    claims = _verify(_token(at_hash=at_hash("tok")), access_token="tok")
    assert claims["sub"] == "s1"
    assert _verify(_token(aud="portal"), issuer=None)["aud"] == "portal"
    assert _verify(_token(aud=["portal", "other"], azp="portal"))["azp"] == "portal"
    assert _verify(_token(), access_token="no-at-hash-claimed")["sub"] == "s1"


@pytest.mark.parametrize(
    ("token", "options", "reason"),
    [
        ("not.a.jwt", {}, "signature or format"),
        (_token(key=OTHER), {}, "signature or format"),
        (_token(alg="RS384"), {}, "signature or format"),
        (_token(iss="https://evil"), {}, "claims"),
        (_token(aud=["someone"]), {}, "claims"),
        (_token(exp=NOW - 3600), {}, "claims"),
        (_token(sub=None), {}, "claims"),
        (_token(aud=["portal", "other"]), {}, "several audiences"),
        (_token(nonce="n2"), {}, "nonce"),
        (_token(nonce=None), {}, "nonce"),
        (_token(at_hash="wrong"), {"access_token": "tok"}, "at_hash"),
    ],
)
def test_refused(token, options, reason):
    with pytest.raises(IdentityRefused) as caught:
        _verify(token, **options)
    assert caught.value.code is IdentityProblem.BAD_ID_TOKEN
    assert reason in caught.value.detail
    assert caught.value.message_in("vi").startswith("Đăng nhập quốc gia bị từ chối")


def test_leeway_and_clock():
    token = _token(exp=NOW - 30)
    assert _verify(token)["sub"] == "s1"
    fresh = _token(exp=int(time.time()) + 300)
    assert _verify(fresh, now=None)["sub"] == "s1"  # the real clock
    with pytest.raises(IdentityRefused):
        _verify(token, leeway=0, now=NOW)
    with pytest.raises(IdentityRefused):
        verify_id_token(_token(), {"keys": "broken"}, client_id="portal", nonce="n1")


def test_at_hash_lengths():
    assert at_hash("tok") == base64.urlsafe_b64encode(hashlib.sha256(b"tok").digest()[:16]).rstrip(b"=").decode()
    assert len(at_hash("tok", "PS384")) == 32
    assert len(at_hash("tok", "RS512")) == 43


def test_signin_secrets():
    first, second = SigninSecrets.new(), SigninSecrets.new()
    assert first != second
    digest = hashlib.sha256(first.code_verifier.encode()).digest()
    assert first.code_challenge == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert 43 <= len(first.code_verifier) <= 128
    again = SigninSecrets.from_dict(first.as_dict())
    assert again == first
    assert again.state_matches(first.state)
    assert not again.state_matches(second.state)
    assert not again.state_matches(None)
    assert SigninSecrets.from_dict(None) is None
    assert SigninSecrets.from_dict({"state": "x"}) is None
