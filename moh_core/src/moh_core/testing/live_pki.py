"""A test PKI with live services: OCSP responder, CRL repository and time-stamping authority over
real HTTP on loopback, served by certomancer's animator (as pyHanko's own tests do).

The demo PKI (:mod:`moh_core.demo.pki`) stays offline on purpose: its CRL distribution points
are ``.test`` URLs that never resolve and its CRLs are handed to the validator, so the demo and
the Odoo tests never touch a network. Live revocation checking needs certificates that name a
responder actually listening, at a port known when they are issued; this module builds such a
hierarchy at test time (keys generated into a temporary folder, never committed):

``root``          root CA; its CRL at ``/live/crls/root/latest.crl``
``interm``        issuing CA (names the root's CRL)
``ocsp``          the issuing CA's OCSP responder certificate (id-pkix-ocsp-nocheck)
``ocsp-signer``   a person whose certificate names only the OCSP responder (AIA)
``ocsp-revoked``  the same, revoked by the issuing CA
``crl-signer``    a person whose certificate names only a CRL distribution point
``both-signer``   a person whose certificate names both
``tsa``           the time-stamping unit, at ``/live/tsa/tsa``

:class:`PkiServer` serves it on ``127.0.0.1:<port>``, counts the requests per path, and can be
made slow (``delay``), refuse a service (``refuse``: HTTP 503) or be stopped, to test timeouts,
a failing responder and an unreachable one.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from certomancer.integrations.animator import Animator, AnimatorArchStore
from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig, PKIArchitecture
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pyhanko.sign.timestamps import HTTPTimeStamper
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from moh_core.signatures.signers import MohSigner, load_pkcs12_signer

__all__ = ["ARCH", "LivePki", "PkiServer", "free_port", "make_live_pki"]

ARCH = "live"
_PASSWORD = b"test"
_KEYS = ("root", "interm", "ocsp", "ocsp-signer", "ocsp-revoked", "crl-signer", "both-signer", "tsa")


def free_port() -> int:
    """A loopback port nothing listens on (the OS's pick, released at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _usage(*names: str) -> dict[str, Any]:
    return {"id": "key_usage", "critical": True, "smart-value": {"schema": "key-usage", "params": list(names)}}


def _crl_dp(repo: str) -> dict[str, Any]:
    return {
        "id": "crl_distribution_points",
        "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": [repo]}},
    }


def _ocsp_aia(responder: str) -> dict[str, Any]:
    return {
        "id": "authority_information_access",
        "smart-value": {"schema": "aia-urls", "params": {"ocsp-responder-names": [responder]}},
    }


def _config(prefix: str, now: datetime) -> dict[str, Any]:
    def validity(before: timedelta, after: timedelta) -> dict[str, str]:
        fmt = "%Y-%m-%dT%H:%M:%S+0000"
        return {"valid-from": (now - before).strftime(fmt), "valid-to": (now + after).strftime(fmt)}

    year = timedelta(days=365)
    person = [_usage("digital_signature", "non_repudiation")]
    ca = [{"id": "basic_constraints", "critical": True, "value": {"ca": True}}, _usage("key_cert_sign", "crl_sign")]
    certs: dict[str, Any] = {
        "root": {"subject": "root", "issuer": "root", "validity": validity(5 * year, 20 * year), "extensions": ca},
        "interm": {"issuer": "root", "validity": validity(4 * year, 10 * year), "extensions": [*ca, _crl_dp("root")]},
        "ocsp": {
            "issuer": "interm",
            "validity": validity(year, 5 * year),
            "extensions": [
                _usage("digital_signature"),
                {"id": "extended_key_usage", "critical": True, "value": ["ocsp_signing"]},
                {"id": "ocsp_no_check"},
            ],
        },
        "ocsp-signer": {
            "issuer": "interm",
            "validity": validity(year, 2 * year),
            "extensions": [*person, _ocsp_aia("interm")],
        },
        "ocsp-revoked": {
            "issuer": "interm",
            "validity": validity(year, 2 * year),
            "extensions": [*person, _ocsp_aia("interm")],
            "revocation": {
                "revoked-since": (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S+0000"),
                "reason": "key_compromise",
            },
        },
        "crl-signer": {
            "issuer": "interm",
            "validity": validity(year, 2 * year),
            "extensions": [*person, _crl_dp("interm")],
        },
        "both-signer": {
            "issuer": "interm",
            "validity": validity(year, 2 * year),
            "extensions": [*person, _crl_dp("interm"), _ocsp_aia("interm")],
        },
        "tsa": {
            "issuer": "root",
            "validity": validity(year, 10 * year),
            "extensions": [
                _usage("digital_signature"),
                {"id": "extended_key_usage", "critical": True, "value": ["time_stamping"]},
                _crl_dp("root"),
            ],
        },
    }
    return {
        "external-url-prefix": prefix,
        "keysets": {"live": {"keys": {name: {"path": f"{name}.key.pem"} for name in _KEYS}}},
        "pki-architectures": {
            ARCH: {
                "keyset": "live",
                "entity-defaults": {"country-name": "VN", "organization-name": "Bộ Y tế (thử nghiệm trực tuyến)"},
                "entities": {name: {"common-name": f"Live {name}"} for name in _KEYS},
                "certs": certs,
                "services": {
                    "ocsp": {"interm": {"for-issuer": "interm", "responder-cert": "ocsp", "signing-key": "ocsp"}},
                    "crl-repo": {
                        "root": {"for-issuer": "root", "signing-key": "root", "simulated-update-schedule": "P30D"},
                        "interm": {"for-issuer": "interm", "signing-key": "interm", "simulated-update-schedule": "P7D"},
                    },
                    "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"}},
                },
            }
        },
    }


@dataclass(frozen=True)
class LivePki:
    """The hierarchy :func:`make_live_pki` generated, and where its services answer."""

    directory: Path
    port: int
    arch: PKIArchitecture

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def tsa_url(self) -> str:
        return f"{self.url}/{ARCH}/tsa/tsa"

    def timestamper(self, timeout: int = 5) -> HTTPTimeStamper:
        return HTTPTimeStamper(self.tsa_url, timeout=timeout)

    def der(self, label: str) -> bytes:
        return bytes(self.arch.get_cert(CertLabel(label)).dump())

    @property
    def root_der(self) -> bytes:
        return self.der("root")

    def pkcs12(self, label: str) -> bytes:
        """The key and certificate of ``label`` with its CA chain, encrypted with ``password``."""
        return bytes(self.arch.package_pkcs12(CertLabel(label), password=_PASSWORD))

    password = _PASSWORD.decode()

    def write_pkcs12(self, label: str) -> Path:
        """``label``'s PKCS#12 file in the PKI's folder (for :func:`~moh_core.testing.sign_pdf`)."""
        path = self.directory / f"{label}.p12"
        path.write_bytes(self.pkcs12(label))
        path.chmod(0o600)
        return path

    def signer(self, label: str) -> MohSigner:
        return load_pkcs12_signer(self.pkcs12(label), _PASSWORD)


def make_live_pki(directory: str | Path, port: int | None = None, now: datetime | None = None) -> LivePki:
    """Generate the keys and the certomancer configuration into ``directory`` (URLs on
    ``127.0.0.1:port``; default: a free port) and load it."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    for name in _KEYS:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        path = directory / f"{name}.key.pem"
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        path.chmod(0o600)
    config = _config(f"http://127.0.0.1:{port}", (now or datetime.now(UTC)).replace(microsecond=0))
    (directory / "certomancer.yml").write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")
    loaded = CertomancerConfig(config, key_search_dir=str(directory))
    return LivePki(directory=directory, port=port, arch=loaded.get_pki_arch(ArchLabel(ARCH)))


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class PkiServer:
    """Serves a :class:`LivePki`'s OCSP, CRLs and TSA on its port in a thread (a context
    manager). ``requests`` counts the requests per path; ``delay`` (seconds) makes every
    answer late, as a slow responder's; the services named in ``refuse`` (``ocsp``, ``crls``,
    ``tsa``) answer HTTP 503."""

    def __init__(self, pki: LivePki, delay: float = 0.0, refuse: Iterable[str] = ()) -> None:
        self.pki = pki
        self.delay = delay
        refused = tuple(f"/{ARCH}/{kind}/" for kind in refuse)
        self.requests: Counter[str] = Counter()
        self._lock = threading.Lock()
        animator = Animator(AnimatorArchStore({ArchLabel(ARCH): pki.arch}), with_web_ui=False)

        def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            path = str(environ.get("PATH_INFO", ""))
            with self._lock:
                self.requests[path] += 1
            if self.delay:
                time.sleep(self.delay)
            if refused and path.startswith(refused):
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"unavailable"]
            return animator(environ, start_response)  # type: ignore[no-any-return]

        self._server: BaseWSGIServer = make_server(
            "127.0.0.1", pki.port, app, threaded=True, request_handler=_QuietHandler
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def count(self, kind: str) -> int:
        """Requests to the ``ocsp``, ``crls`` or ``tsa`` service so far."""
        with self._lock:
            return sum(n for path, n in self.requests.items() if path.startswith(f"/{ARCH}/{kind}/"))

    def __enter__(self) -> PkiServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
