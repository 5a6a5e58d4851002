"""The validation material: trust roots, intermediate certificates, CRLs and OCSP responses, as
one value that the certificate check before signing, signing itself (PAdES B-LT's DSS, interrupted
signing's saved state) and the validation of signed PDFs take.

The time-stamping authority is not part of it: it is a service that signing calls (B-T, B-LT),
not data anything is checked against, and it cannot be kept in interrupted signing's state.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers import FetcherBackend

from moh_core.signatures.certificates import load_certificates, pem_or_der
from moh_core.signatures.revocation import CLOCK_TOLERANCE

__all__ = ["ParsedMaterial", "ValidationMaterial"]


def _freeze(items: Sequence[bytes] | bytes | bytearray) -> tuple[bytes, ...]:
    if isinstance(items, bytes | bytearray):
        raise TypeError("pass a sequence of DER/PEM items, not a single bytes object")
    return tuple(bytes(item) for item in items)


@dataclass(frozen=True)
class ValidationMaterial:
    """What a certificate or a signature is checked against, as bytes (each a sequence; kept as
    tuples, so the material is hashable and can be stored).

    :param trust_roots: trust anchors (DER or PEM); never the operating system's store: with no
        roots, nothing is trusted.
    :param crls: CRLs (DER or PEM) in force; validation also uses the revocation data a PDF
        carries in its DSS.
    :param other_certs: intermediate certificates (DER or PEM) that neither the key nor the
        signature brings.
    :param ocsps: OCSP responses (DER).
    :raises TypeError: a single bytes object is given instead of a sequence of them.
    """

    trust_roots: Sequence[bytes]
    crls: Sequence[bytes] = ()
    other_certs: Sequence[bytes] = ()
    ocsps: Sequence[bytes] = ()

    def __post_init__(self) -> None:
        for name in ("trust_roots", "crls", "other_certs", "ocsps"):
            object.__setattr__(self, name, _freeze(getattr(self, name)))

    def __repr__(self) -> str:
        return (
            f"ValidationMaterial({len(self.trust_roots)} trust roots, {len(self.crls)} CRLs, "
            f"{len(self.other_certs)} other certificates, {len(self.ocsps)} OCSP responses)"
        )

    def parsed(self) -> ParsedMaterial:
        """The certificates, CRLs and OCSP responses read (cached by content).

        :raises ValueError: an item cannot be read; the message names which.
        """
        return _parse(self)


#: pyHanko's own default, kept where nothing is fetched.
_PYHANKO_TOLERANCE = timedelta(seconds=1)


@dataclass(frozen=True)
class ParsedMaterial:
    """Parsed trust roots, CRLs, OCSP responses and certificates (:meth:`ValidationMaterial.parsed`)."""

    trust_roots: tuple[asn1_x509.Certificate, ...]
    other_certs: tuple[asn1_x509.Certificate, ...]
    crls: tuple[asn1_crl.CertificateList, ...]
    ocsps: tuple[asn1_ocsp.OCSPResponse, ...]

    def context(
        self,
        moment: datetime | None = None,
        allow_fetching: bool = False,
        fetcher_backend: FetcherBackend | None = None,
    ) -> ValidationContext:
        """A hard-fail context over this material; with ``fetcher_backend`` (a live
        revocation check's, :mod:`moh_core.signatures.revocation`) it may fetch."""
        return ValidationContext(
            trust_roots=list(self.trust_roots),
            other_certs=list(self.other_certs),
            crls=list(self.crls),
            ocsps=list(self.ocsps),
            moment=moment,
            allow_fetching=allow_fetching or fetcher_backend is not None,
            fetcher_backend=fetcher_backend,
            revocation_mode="hard-fail",
            time_tolerance=CLOCK_TOLERANCE if fetcher_backend is not None else _PYHANKO_TOLERANCE,
        )

    def with_revocation(self, crls: Sequence[bytes], ocsps: Sequence[bytes]) -> ParsedMaterial:
        """This material plus revocation data obtained since (DER), e.g. fetched live by the
        certificate check, so signing embeds it (PAdES B-LT) without fetching again."""
        known_crls = {item.dump() for item in self.crls}
        known_ocsps = {item.dump() for item in self.ocsps}
        return ParsedMaterial(
            trust_roots=self.trust_roots,
            other_certs=self.other_certs,
            crls=self.crls + tuple(asn1_crl.CertificateList.load(d) for d in crls if d not in known_crls),
            ocsps=self.ocsps + tuple(asn1_ocsp.OCSPResponse.load(d) for d in ocsps if d not in known_ocsps),
        )


@functools.lru_cache(maxsize=32)
def _parse(material: ValidationMaterial) -> ParsedMaterial:
    parsed_crls = []
    for index, item in enumerate(material.crls):
        try:
            for der in pem_or_der(item):
                crl = asn1_crl.CertificateList.load(der)
                crl.native  # noqa: B018
                parsed_crls.append(crl)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"CRL #{index + 1} is not a DER or PEM CRL: {exc}") from exc
    parsed_ocsps = []
    for index, item in enumerate(material.ocsps):
        try:
            response = asn1_ocsp.OCSPResponse.load(bytes(item))
            response.native  # noqa: B018
            parsed_ocsps.append(response)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"OCSP response #{index + 1} is not DER: {exc}") from exc
    return ParsedMaterial(
        trust_roots=tuple(load_certificates(material.trust_roots, "trust root")),
        other_certs=tuple(load_certificates(material.other_certs, "certificate")),
        crls=tuple(parsed_crls),
        ocsps=tuple(parsed_ocsps),
    )
