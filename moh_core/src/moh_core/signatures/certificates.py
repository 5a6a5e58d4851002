"""Reading certificates given as DER or PEM bytes (shared by signing and validation)."""

from __future__ import annotations

from collections.abc import Iterable

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509

__all__ = ["load_certificates", "pem_or_der"]


def pem_or_der(data: bytes) -> list[bytes]:
    """DER as is; PEM may hold several blocks."""
    if pem.detect(data):
        return [der for _, _, der in pem.unarmor(data, multiple=True)]
    return [data]


def load_certificates(items: Iterable[bytes], what: str) -> list[asn1_x509.Certificate]:
    """asn1crypto objects (pyhanko-certvalidator 0.33's trust manager does not parse bytes).

    :raises ValueError: an item is not a DER or PEM certificate; ``what`` names it in the message.
    """
    certificates = []
    for index, item in enumerate(items):
        try:
            for der in pem_or_der(bytes(item)):
                cert = asn1_x509.Certificate.load(der)
                cert.native  # noqa: B018 - parse fully now, not deep inside validation
                certificates.append(cert)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{what} #{index + 1} is not a DER or PEM certificate: {exc}") from exc
    return certificates
