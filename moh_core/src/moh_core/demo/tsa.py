"""The demo's time-stamping authority: RFC 3161 timestamps signed in process with the demo PKI's
TSA key (:mod:`moh_core.demo.pki`), so that the demo signs at PAdES B-LT, the product's default
level, with no network and no external service.

An agency configures its real TSA's URL; the pseudo-URL :data:`DEMO_TSA_URL` names this one and
only works where the demo PKI was generated (the folder holds its key, protected by the demo's
well-known password): nothing here is fit for production.
"""

from __future__ import annotations

from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from moh_core.demo.pki import DEFAULT_PASSWORD

__all__ = ["DEMO_TSA_URL", "demo_timestamper"]

#: The TSA "URL" the demo data configures: the in-process demo TSA of :func:`demo_timestamper`.
DEMO_TSA_URL = "demo:tsa"


def demo_timestamper(directory: str | Path, password: str = DEFAULT_PASSWORD, name: str = "tsa") -> DummyTimeStamper:
    """A TSA signing with ``tsa.p12`` (``<name>.p12``) of the demo PKI in ``directory`` (its CA chain embedded
    in every token, so the timestamp validates against the demo root and CRLs).

    :raises FileNotFoundError: no demo PKI was generated in ``directory``.
    :raises ValueError: the file cannot be opened with ``password``.
    """
    key, cert, chain = pkcs12.load_key_and_certificates(
        (Path(directory) / f"{name}.p12").read_bytes(), password.encode()
    )
    if key is None or cert is None:
        raise ValueError(f"{name}.p12 holds no key or certificate")
    der = serialization.Encoding.DER
    tsa_key = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(der)),
        tsa_key=tsa_key,
        # pyHanko annotates a CertificateStore; it takes any iterable of certificates.
        certs_to_embed=[asn1_x509.Certificate.load(c.public_bytes(der)) for c in chain],  # type: ignore[arg-type]
    )
