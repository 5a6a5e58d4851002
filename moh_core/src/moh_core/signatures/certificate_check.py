"""The check of a signer's certificate before signing (Decree 23/2025/NĐ-CP, Circular
15/2025/TT-BKHCN): signing software must check the certificate before allowing a signature —
validity period, a trust path to a configured root (NEAC, or the Government Cipher Committee under
Decree 68/2024/NĐ-CP), the revocation status — and keep with the signature the certificate, the
revocation data in force at signing time and the result of the check (:class:`CertificateCheck`,
:class:`RevocationData`). Revocation is checked in hard-fail mode from the material first; with a
live :class:`~moh_core.signatures.revocation.RevocationPolicy`, a status the material does not
settle is fetched (OCSP, else CRL) and kept in the check's revocation data.

:func:`check_certificate`, :func:`refuse_failed_check` and :func:`key_usage_for` are internal to
the package (signing and interrupted signing use them).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from asn1crypto import x509 as asn1_x509
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    ExpiredError,
    InsufficientRevinfoError,
    InvalidCertificateError,
    NotYetValidError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
    ValidationError,
)
from pyhanko_certvalidator.path import ValidationPath

from moh_core.signatures.certificates import load_certificates
from moh_core.signatures.errors import SigningProblem, SigningRefused, describe
from moh_core.signatures.material import ParsedMaterial, ValidationMaterial
from moh_core.signatures.revocation import RevocationPolicy
from moh_core.signatures.signers import (
    SIGNING_KEY_USAGES,
    MohSigner,
    common_name,
    key_info,
    key_usage_problem,
    policy_problem,
)

__all__ = [
    "CertificateCheck",
    "RevocationData",
    "check_certificate",
    "check_certificate_with_policy",
    "check_signer_certificate",
    "key_usage_for",
    "refuse_failed_check",
]


@dataclass(frozen=True)
class RevocationData:
    """DER-encoded CRLs and OCSP responses used to establish revocation status."""

    crls: tuple[bytes, ...] = ()
    ocsps: tuple[bytes, ...] = ()

    def merged(self, other: RevocationData) -> RevocationData:
        return RevocationData(
            crls=tuple(dict.fromkeys((*self.crls, *other.crls))),
            ocsps=tuple(dict.fromkeys((*self.ocsps, *other.ocsps))),
        )


@dataclass(frozen=True)
class CertificateCheck:
    """Result of the pre-signing check of Circular 15/2025/TT-BKHCN; keep it with the signature."""

    ok: bool
    problems: tuple[SigningProblem, ...]
    checked_at: datetime
    """The moment the certificate was checked at (UTC)."""
    certificate_der: bytes = field(repr=False)
    subject: str
    common_name: str | None
    key_algorithm: str
    """``"rsa"``, ``"ec"`` or the unsupported algorithm's name."""
    key_size: int
    chain_der: tuple[bytes, ...] = field(default=(), repr=False)
    """The validated path, signer first and trust root last (empty if no path was validated)."""
    revocation: RevocationData = field(default_factory=RevocationData, repr=False)
    message: str = ""

    @property
    def summary(self) -> str:
        verdict = "certificate OK" if self.ok else "certificate REFUSED"
        return f"{self.common_name or self.subject}: {verdict}. {self.message}".strip()


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _revocation_for(context: ValidationContext, certs: Sequence[asn1_x509.Certificate]) -> RevocationData:
    """The CRLs issued by the CAs of ``certs`` and the OCSP responses known to the context."""
    issuers = {cert.issuer.dump() for cert in certs}
    crls = tuple(dict.fromkeys(crl.dump() for crl in context.crls if crl.issuer.dump() in issuers))
    ocsps = tuple(dict.fromkeys(response.dump() for response in context.ocsps))
    return RevocationData(crls=crls, ocsps=ocsps)


async def check_certificate(
    cert: asn1_x509.Certificate,
    intermediates: Sequence[asn1_x509.Certificate],
    context: ValidationContext,
) -> tuple[CertificateCheck, ValidationPath | None]:
    problems: list[SigningProblem] = []
    notes: list[str] = []
    moment = _utc(context.moment)
    info = key_info(cert)
    policy = policy_problem(info)
    if policy is not None:
        problems.append(policy)
        notes.append(f"{info.algorithm.upper()} key of {info.bits} bits")
    validity = cert["tbs_certificate"]["validity"]
    not_before = validity["not_before"].native
    not_after = validity["not_after"].native
    if moment < not_before:
        problems.append(SigningProblem.NOT_YET_VALID)
        notes.append(f"valid from {not_before.isoformat()}")
    if moment > not_after:
        problems.append(SigningProblem.EXPIRED)
        notes.append(f"expired on {not_after.isoformat()}")
    usage_problem = key_usage_problem(cert)
    if usage_problem is not None:
        problems.append(SigningProblem.KEY_USAGE)
        notes.append(usage_problem)

    path: ValidationPath | None = None
    validator = CertificateValidator(cert, intermediate_certs=list(intermediates), validation_context=context)
    try:
        path = await validator.async_validate_path()
    except RevokedError as exc:
        problems.append(SigningProblem.REVOKED)
        notes.append(str(exc))
    except InsufficientRevinfoError as exc:
        problems.append(SigningProblem.REVOCATION_UNKNOWN)
        notes.append(str(exc))
    except ExpiredError as exc:
        problems.append(SigningProblem.EXPIRED)
        notes.append(str(exc))
    except NotYetValidError as exc:
        problems.append(SigningProblem.NOT_YET_VALID)
        notes.append(str(exc))
    except (
        PathBuildingError,
        InvalidCertificateError,
        PathValidationError,
        ValidationError,
    ) as exc:
        problems.append(SigningProblem.UNTRUSTED)
        notes.append(str(exc))

    unique = tuple(dict.fromkeys(problems))
    chain_certs = list(path.iter_certs(include_root=True)) if path is not None else []
    known = [cert, *intermediates, *chain_certs]
    check = CertificateCheck(
        ok=not unique,
        problems=unique,
        checked_at=moment,
        certificate_der=cert.dump(),
        subject=cert.subject.human_friendly,
        common_name=common_name(cert),
        key_algorithm=info.algorithm,
        key_size=info.bits,
        chain_der=tuple(c.dump() for c in reversed(chain_certs)) if chain_certs else (),
        revocation=_revocation_for(context, known),
        message=(describe(unique) + (" " + "; ".join(notes) + "." if notes else ""))
        if unique
        else "Valid, trusted, not revoked, usable for signing.",
    )
    return check, path


async def check_certificate_with_policy(
    cert: asn1_x509.Certificate,
    intermediates: Sequence[asn1_x509.Certificate],
    material: ParsedMaterial,
    revocation: RevocationPolicy | None,
    moment: datetime | None = None,
) -> CertificateCheck:
    """The check from the material; if that leaves only the revocation status unknown and
    ``revocation`` is live (and ``moment`` is now), again with the status fetched live. A
    status no source answered for is ``REVOCATION_UNREACHABLE``."""
    check, _ = await _check_and_release(cert, intermediates, material.context(moment))
    if revocation is None or not revocation.live or moment is not None:
        return check
    if check.problems != (SigningProblem.REVOCATION_UNKNOWN,):
        return check
    session = revocation.session()
    live, _ = await _check_and_release(cert, intermediates, material.context(fetcher_backend=session))
    if session.unreachable and SigningProblem.REVOCATION_UNKNOWN in live.problems:
        problems = tuple(
            SigningProblem.REVOCATION_UNREACHABLE if p is SigningProblem.REVOCATION_UNKNOWN else p
            for p in live.problems
        )
        return replace(live, problems=problems, message=f"{describe(problems)} {'; '.join(session.failures)}.")
    return live


def check_signer_certificate(
    signer: MohSigner | bytes,
    *,
    material: ValidationMaterial,
    moment: datetime | None = None,
    allow_fetching: bool = False,
    revocation: RevocationPolicy | None = None,
) -> CertificateCheck:
    """Check a signer's certificate before signing (Circular 15/2025/TT-BKHCN).

    Checks the algorithm policy (``WEAK_KEY``/``UNSUPPORTED_ALGORITHM``), the validity period
    (``EXPIRED``/``NOT_YET_VALID``), key usage digitalSignature or nonRepudiation (``KEY_USAGE``),
    the chain to the material's trust roots (``UNTRUSTED``) and revocation in hard-fail mode (``REVOKED``,
    ``REVOCATION_UNKNOWN`` when no CRL/OCSP data covers a certificate that declares some).

    :param signer: a loaded :class:`MohSigner` or a certificate (DER or PEM).
    :param material: the trust roots (never the operating system's store), the CRLs and OCSP
        responses in force now (with ``allow_fetching`` pyHanko may download more) and the
        intermediate certificates not shipped with the key.
    :param moment: timezone-aware time to check at (default now; not with ``allow_fetching``).
    :param revocation: live revocation checking when the material does not settle the status
        (:mod:`~moh_core.signatures.revocation`); None: the material only.
    """
    if moment is not None and moment.utcoffset() is None:
        raise ValueError("moment must be timezone-aware")
    if isinstance(signer, MohSigner):
        cert, intermediates = signer.certificate, list(signer.chain)
    else:
        loaded = load_certificates([signer], "signer certificate")
        if not loaded:
            raise ValueError("no certificate given")
        cert, intermediates = loaded[0], loaded[1:]
    if allow_fetching:
        context = material.parsed().context(moment, allow_fetching)
        check, _ = asyncio.run(_check_and_release(cert, intermediates, context))
        return check
    return asyncio.run(check_certificate_with_policy(cert, intermediates, material.parsed(), revocation, moment))


async def _check_and_release(
    cert: asn1_x509.Certificate,
    intermediates: Sequence[asn1_x509.Certificate],
    context: ValidationContext,
) -> tuple[CertificateCheck, ValidationPath | None]:
    try:
        return await check_certificate(cert, intermediates, context)
    finally:
        await context.aclose()


def refuse_failed_check(check: CertificateCheck) -> None:
    if not check.ok:
        raise SigningRefused(
            check.problems[0],
            f"Signing refused for {check.common_name or check.subject}: {check.message}",
            codes=check.problems,
        )


def key_usage_for(cert: asn1_x509.Certificate) -> set[str]:
    """The usage pyHanko's pre-sign validation must demand (it requires *all* listed)."""
    usage = cert.key_usage_value
    present = set(usage.native) if usage is not None else set()
    for name in SIGNING_KEY_USAGES:
        if name in present:
            return {name}
    return {"digital_signature"}
