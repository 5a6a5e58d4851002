"""A remote signing service for tests: certomancer-csc-dummy (a Cloud Signature Consortium API
server built on certomancer) served over real HTTP on 127.0.0.1, with a PKI generated at test
time into a temporary folder (no private key is ever committed).

The PKI: a root and an issuing CA (with CRLs, so that the certificate check's hard-fail
revocation mode has data), a person's certificate (digitalSignature + nonRepudiation) and one
that may only encipher keys (refused by the key usage rule). Credential IDs are
``<architecture>/<certificate>``: :data:`SIGNER_CREDENTIAL`, :data:`ENCIPHER_CREDENTIAL`.

``approval_rounds`` makes the service answer ``credentials/authorize`` with ``202 Accepted``
(the approval is pending on the user's phone) that many times per authorization before it gives
the SAD, as a service with out-of-band approval does; the dummy itself authorizes at once.

Test support only: the product never imports this module.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

__all__ = [
    "EC_CREDENTIAL",
    "ENCIPHER_CREDENTIAL",
    "SIGNER_CREDENTIAL",
    "CscTestService",
    "start_csc_service",
]

ARCHITECTURE = "moh-csc"
SIGNER_CREDENTIAL = f"{ARCHITECTURE}/signer"
ENCIPHER_CREDENTIAL = f"{ARCHITECTURE}/encipher"
EC_CREDENTIAL = f"{ARCHITECTURE}/ec-signer"
_KEYS = ("root", "interm", "signer", "encipher", "ec-signer")

_VALIDITY = {"valid-from": "2020-01-01T00:00:00+0000", "valid-to": "2100-01-01T00:00:00+0000"}


def _ca_extensions() -> list[dict[str, Any]]:
    return [
        {"id": "basic_constraints", "critical": True, "value": {"ca": True}},
        {
            "id": "key_usage",
            "critical": True,
            "smart-value": {"schema": "key-usage", "params": ["digital_signature", "key_cert_sign", "crl_sign"]},
        },
    ]


def _crl_point(repo: str) -> dict[str, Any]:
    return {
        "id": "crl_distribution_points",
        "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": [repo]}},
    }


def _leaf(usages: list[str]) -> dict[str, Any]:
    return {
        "issuer": "interm",
        "validity": _VALIDITY,
        "extensions": [
            {"id": "key_usage", "critical": True, "smart-value": {"schema": "key-usage", "params": usages}},
            _crl_point("interm"),
        ],
    }


def _config() -> dict[str, Any]:
    return {
        "external-url-prefix": "http://csc.pki.moh.test",
        "keysets": {
            ARCHITECTURE: {
                "path-prefix": "keys",
                "keys": {name: {"path": f"{name}.pem"} for name in _KEYS},
            }
        },
        "pki-architectures": {
            ARCHITECTURE: {
                "keyset": ARCHITECTURE,
                "entity-defaults": {"country-name": "VN", "organization-name": "Bộ Y tế (thử nghiệm ký từ xa)"},
                "entities": {
                    "root": {"common-name": "CSC Test Root CA"},
                    "interm": {"common-name": "CSC Test Issuing CA"},
                    "signer": {"common-name": "Nguyễn Văn Ký Từ Xa"},
                    "encipher": {"common-name": "Key Encipherment Only"},
                    "ec-signer": {"common-name": "Trần Thị Ký ECDSA"},
                },
                "certs": {
                    "root": {
                        "subject": "root",
                        "issuer": "root",
                        "validity": _VALIDITY,
                        "extensions": _ca_extensions(),
                    },
                    "interm": {
                        "issuer": "root",
                        "validity": _VALIDITY,
                        "extensions": [*_ca_extensions(), _crl_point("root")],
                    },
                    "signer": _leaf(["digital_signature", "non_repudiation"]),
                    "encipher": _leaf(["key_encipherment"]),
                    "ec-signer": _leaf(["digital_signature", "non_repudiation"]),
                },
                "services": {
                    "crl-repo": {
                        "root": {"for-issuer": "root", "signing-key": "root", "simulated-update-schedule": "P30D"},
                        "interm": {
                            "for-issuer": "interm",
                            "signing-key": "interm",
                            "simulated-update-schedule": "P30D",
                        },
                    }
                },
            }
        },
    }


@dataclass
class CscTestService:
    """A running test service: its URL, its PKI's root and CRLs (DER), and how to stop it."""

    url: str
    root_der: bytes
    crls: tuple[bytes, ...]
    certificates: dict[str, bytes]
    """DER certificate per certificate label (``signer``, ``encipher``, ...)."""
    authorize_calls: list[dict[str, Any]] = field(default_factory=list)
    """The body of every ``credentials/authorize`` request received, in order."""
    sign_hash_calls: list[dict[str, Any]] = field(default_factory=list)
    faults: dict[str, tuple[int, Any]] = field(default_factory=dict)
    """Answers to give instead of the dummy's, by endpoint (``"signatures/signHash"``): HTTP
    status and JSON body (or text), to test how a misbehaving service is reported; a number as
    the body delays the dummy's answer by that many seconds."""
    _stop: Callable[[], None] | None = field(default=None, repr=False)

    def stop(self) -> None:
        if self._stop is not None:
            self._stop()
            self._stop = None


def _write_keys(directory: Path) -> None:
    keys = directory / "keys"
    keys.mkdir(parents=True, exist_ok=True)
    for name in _KEYS:
        key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey = (
            ec.generate_private_key(ec.SECP256R1())
            if name.startswith("ec-")
            else rsa.generate_private_key(public_exponent=65537, key_size=2048)
        )
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        (keys / f"{name}.pem").write_bytes(pem)


def start_csc_service(
    directory: str | Path,
    *,
    approval_rounds: int = 0,
    multisign: int = 10,
    access_token: str | None = None,
) -> CscTestService:
    """Generate the PKI and its certomancer configuration in ``directory`` and serve the CSC API
    on 127.0.0.1 (a free port) from a background thread until :meth:`CscTestService.stop`.
    With ``access_token``, a request without that bearer token is refused (HTTP 401), as the
    services do (the dummy itself checks no token)."""
    from certomancer.registry import (  # noqa: PLC0415 - test dependency
        ArchLabel,
        CertLabel,
        CertomancerConfig,
        ServiceLabel,
    )
    from csc_dummy.csc_dummy_server import CSCWithCertomancer, DummyServiceParams  # noqa: PLC0415

    folder = Path(directory)
    _write_keys(folder)
    config_path = folder / "certomancer.yml"
    config_path.write_text(json.dumps(_config(), ensure_ascii=False, indent=1), encoding="utf-8")  # YAML ⊃ JSON
    config = CertomancerConfig.from_file(str(config_path))
    arch = config.get_pki_arch(ArchLabel(ARCHITECTURE))
    service = CscTestService(
        url="",
        root_der=arch.get_cert(CertLabel("root")).dump(),
        crls=tuple(arch.service_registry.get_crl(ServiceLabel(repo)).dump() for repo in ("root", "interm")),
        certificates={label: arch.get_cert(CertLabel(label)).dump() for label in _KEYS},
    )
    pending: dict[str, int] = {}

    @web.middleware
    async def record(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> Any:
        if access_token is not None and request.headers.get("Authorization") != f"Bearer {access_token}":
            return web.json_response({"error": "invalid_token", "error_description": "Bad access token"}, status=401)
        endpoint = request.path.split("/", 3)[-1]
        if endpoint in service.faults:
            status, body = service.faults[endpoint]
            if isinstance(body, int | float):
                await asyncio.sleep(body)
                return await handler(request)
            if isinstance(body, str):
                return web.Response(text=body, status=status)
            return web.json_response(body, status=status)
        if request.path.endswith("/credentials/authorize"):
            body = await request.json()
            service.authorize_calls.append(body)
            key = repr(sorted(body.get("hash") or []))
            if pending.setdefault(key, 0) < approval_rounds:
                pending[key] += 1
                return web.json_response({"status": "pending"}, status=202)
        elif request.path.endswith("/signatures/signHash"):
            service.sign_hash_calls.append(await request.json())
        return await handler(request)

    csc = CSCWithCertomancer(config, service_params=DummyServiceParams(hash_pinning_required=True, multisign=multisign))
    csc.register_routes()
    # The dummy serves /csc/v1/ only; the same handlers answer /csc/v2/ (they read the v1 names,
    # which are sent with the v2 ones) so that a v2 client can be run against it.
    for endpoint, handler in (
        ("credentials/info", csc.credentials_info),
        ("credentials/authorize", csc.credentials_authorize),
        ("signatures/signHash", csc.signatures_sign_hash),
    ):
        csc.app.router.add_post(f"/csc/v2/{endpoint}", handler)
    csc.app.middlewares.append(record)
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(csc.app)
    started = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        loop.run_until_complete(site.start())
        server = site._server
        assert server is not None
        port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        service.url = f"http://127.0.0.1:{port}"
        started.set()
        loop.run_forever()
        loop.run_until_complete(runner.cleanup())
        loop.close()

    thread = threading.Thread(target=serve, name="csc-test-service", daemon=True)
    thread.start()
    if not started.wait(30):
        raise RuntimeError("The CSC test service did not start.")

    def stop() -> None:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)

    service._stop = stop
    return service
