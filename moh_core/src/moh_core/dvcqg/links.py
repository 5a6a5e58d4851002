"""Signed, expiring file links: DVCQG downloads a dossier's files (``DuongDanTaiTepTin``) by a
URL that names the file and an expiry and carries an HMAC-SHA256 over both with the agency's
secret. A forged or expired link is refused; verification compares in constant time."""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import urlencode


def _mac(secret: str | bytes, file_id: int | str, expires: int) -> str:
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, f"{file_id}:{int(expires)}".encode(), hashlib.sha256).hexdigest()


def sign(secret: str | bytes, file_id: int | str, expires: int) -> str:
    """The signature of the file ``file_id`` valid until ``expires`` (Unix seconds)."""
    if not secret:
        raise ValueError("no signing secret")
    return _mac(secret, file_id, expires)


def signed_url(base_url: str, secret: str | bytes, file_id: int | str, *, ttl: int, now: float | None = None) -> str:
    """``{base_url}/{file_id}?expires=…&signature=…`` valid ``ttl`` seconds from ``now``."""
    expires = int((time.time() if now is None else now) + ttl)
    query = urlencode({"expires": expires, "signature": sign(secret, file_id, expires)})
    return f"{base_url.rstrip('/')}/{file_id}?{query}"


def verify(
    secret: str | bytes, file_id: int | str, expires: int | str, signature: str, *, now: float | None = None
) -> bool:
    """True when ``signature`` is the file's and ``expires`` has not passed."""
    if not secret or not signature:
        return False
    try:
        expires_at = int(expires)
    except (TypeError, ValueError):
        return False
    if expires_at < (time.time() if now is None else now):
        return False
    return hmac.compare_digest(_mac(secret, file_id, expires_at), str(signature))
