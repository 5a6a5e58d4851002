"""Offline test PKI for PAdES signing and validation tests and demos.

Nothing here is fit for production: every private key is written to disk protected only by a
well-known password. The point is a *complete* and *deterministic-in-shape* hierarchy that can be
generated at test time, without network access, into a git-ignored folder (``.pki/`` at the
repository root, or a pytest ``tmp_path``), so that the validation rules of Circular
15/2025/TT-BKHCN (validity period, chain of trust, revocation) can each be exercised:

``root``            self-signed root CA (keyCertSign, cRLSign)
``intermediate``    issuing CA below the root; the root's CRL covers it
``signer``          a natural person (digitalSignature + nonRepudiation), valid now
``seal``            the agency's seal ("con dấu") certificate, same key usages
``expired_signer``  a person whose certificate expired 30 days before ``now``
``revoked_signer``  a person whose certificate the intermediate revoked one day before ``now``
``tsa``             an RFC 3161 time-stamping unit (extendedKeyUsage timeStamping, critical)

Every certificate issued by a CA names a CRL distribution point (a ``.test`` URL that never
resolves). That matters: pyHanko's ``hard-fail`` revocation mode only checks certificates that
*declare* revocation information, so a certificate without one would pass unchecked. The CRLs
themselves are written next to the certificates and must be handed to the validator explicitly.

Each entity gets ``<name>.pem`` (certificate) and ``<name>.p12`` (key, certificate and the CA
chain, encrypted with the password). CRLs are ``root.crl`` and ``intermediate.crl`` (DER).
Calling :func:`generate_test_pki` again on the same folder regenerates everything (new keys).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = [
    "DEFAULT_ORGANISATION",
    "DEFAULT_PASSWORD",
    "CRL_BASE_URL",
    "IssuedCertificate",
    "TestPki",
    "generate_test_pki",
    "issue_crl",
    "issue_timestamping_unit",
]

DEFAULT_ORGANISATION = "Bộ Y tế (thử nghiệm)"
DEFAULT_PASSWORD = "test"
#: Base of the CRL distribution point URLs; ``.test`` is reserved (RFC 2606) and never resolves.
CRL_BASE_URL = "http://crl.pki.moh.test"

_KEY_SIZE = 2048


@dataclass(frozen=True)
class IssuedCertificate:
    """One entity of the test PKI: its certificate, private key and the files written for it."""

    name: str
    certificate: x509.Certificate
    private_key: rsa.RSAPrivateKey
    cert_path: Path
    p12_path: Path

    @property
    def der(self) -> bytes:
        """The certificate in DER, the form :func:`moh_core.signatures.validation` expects."""
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def common_name(self) -> str:
        return _common_name(self.certificate)

    @property
    def serial_number(self) -> int:
        return self.certificate.serial_number


@dataclass(frozen=True)
class TestPki:
    """What :func:`generate_test_pki` wrote, with the objects loaded for tests."""

    __test__ = False  # not a pytest test class despite the name

    directory: Path
    password: str
    organisation: str
    now: datetime
    root: IssuedCertificate
    intermediate: IssuedCertificate
    signer: IssuedCertificate
    seal: IssuedCertificate
    expired_signer: IssuedCertificate
    revoked_signer: IssuedCertificate
    tsa: IssuedCertificate
    root_crl: x509.CertificateRevocationList
    root_crl_path: Path
    intermediate_crl: x509.CertificateRevocationList
    intermediate_crl_path: Path

    @property
    def root_cert_path(self) -> Path:
        return self.root.cert_path

    @property
    def signer_p12_path(self) -> Path:
        return self.signer.p12_path

    @property
    def trust_roots(self) -> tuple[bytes, ...]:
        """DER trust anchors: only the root."""
        return (self.root.der,)

    @property
    def crls(self) -> tuple[bytes, ...]:
        """Both CRLs in DER: hard-fail revocation checking needs one for every CA level."""
        return tuple(crl.public_bytes(serialization.Encoding.DER) for crl in (self.root_crl, self.intermediate_crl))

    @property
    def entities(self) -> tuple[IssuedCertificate, ...]:
        return (
            self.root,
            self.intermediate,
            self.signer,
            self.seal,
            self.expired_signer,
            self.revoked_signer,
            self.tsa,
        )

    @property
    def files(self) -> tuple[Path, ...]:
        """Every file written, in a stable order (for the CLI's listing)."""
        paths: list[Path] = []
        for entity in self.entities:
            paths += [entity.cert_path, entity.p12_path]
        return (*paths, self.root_crl_path, self.intermediate_crl_path)


def _common_name(certificate: x509.Certificate) -> str:
    attributes = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(attributes[0].value) if attributes else ""


def _name(common_name: str, organisation: str, unit: str | None = None) -> x509.Name:
    """Subject name; cryptography encodes these attributes as UTF8String (Vietnamese-safe)."""
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
    ]
    if unit:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def _key_usage(*, digital_signature: bool = False, non_repudiation: bool = False, ca: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=non_repudiation,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _crl_distribution_point(issuer_name: str) -> x509.CRLDistributionPoints:
    url = f"{CRL_BASE_URL}/{issuer_name}.crl"
    return x509.CRLDistributionPoints(
        [
            x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier(url)],
                relative_name=None,
                reasons=None,
                crl_issuer=None,
            )
        ]
    )


def _issue(
    *,
    subject: x509.Name,
    key: rsa.RSAPrivateKey,
    issuer: tuple[x509.Certificate, rsa.RSAPrivateKey, str] | None,
    not_before: datetime,
    not_after: datetime,
    key_usage: x509.KeyUsage,
    ca_path_length: int | None = None,
    is_ca: bool = False,
    extended_key_usage: Sequence[x509.ObjectIdentifier] = (),
) -> x509.Certificate:
    """Build and sign one certificate; ``issuer`` is None for the self-signed root."""
    public_key = key.public_key()
    if issuer is None:
        issuer_name, signing_key = subject, key
        authority_key_id = x509.AuthorityKeyIdentifier.from_issuer_public_key(public_key)
    else:
        issuer_cert, signing_key, _ = issuer
        issuer_name = issuer_cert.subject
        authority_key_id = x509.AuthorityKeyIdentifier.from_issuer_public_key(
            issuer_cert.public_key()  # type: ignore[arg-type]  # the demo CAs have RSA keys; the annotation lists every key type
        )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(
            x509.BasicConstraints(ca=is_ca, path_length=ca_path_length if is_ca else None),
            critical=True,
        )
        .add_extension(key_usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(authority_key_id, critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(_crl_distribution_point(issuer[2]), critical=False)
    if extended_key_usage:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(extended_key_usage)), critical=True)
    return builder.sign(signing_key, hashes.SHA256())


def _crl(
    *,
    issuer_cert: x509.Certificate,
    issuer_key: rsa.RSAPrivateKey,
    revoked: Sequence[tuple[int, datetime]],
    this_update: datetime,
    next_update: datetime,
    number: int = 1,
) -> x509.CertificateRevocationList:
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer_cert.subject)
        .last_update(this_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(
                issuer_cert.public_key()  # type: ignore[arg-type]  # the demo CAs have RSA keys; the annotation lists every key type
            ),
            critical=False,
        )
    )
    for serial, revocation_date in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(revocation_date)
            .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), critical=False)
            .build()
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _write(
    directory: Path,
    name: str,
    certificate: x509.Certificate,
    key: rsa.RSAPrivateKey,
    chain: Sequence[x509.Certificate],
    password: str,
) -> IssuedCertificate:
    """Write ``<name>.pem`` and ``<name>.p12`` (with the CA chain, so signers embed it)."""
    cert_path = directory / f"{name}.pem"
    p12_path = directory / f"{name}.p12"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    p12_path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            name=name.encode(),
            key=key,
            cert=certificate,
            cas=list(chain) or None,
            encryption_algorithm=serialization.BestAvailableEncryption(password.encode()),
        )
    )
    p12_path.chmod(0o600)  # a private key, even if only a test one
    return IssuedCertificate(
        name=name, certificate=certificate, private_key=key, cert_path=cert_path, p12_path=p12_path
    )


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=_KEY_SIZE)


def generate_test_pki(
    directory: str | Path,
    *,
    organisation: str = DEFAULT_ORGANISATION,
    now: datetime | None = None,
    password: str = DEFAULT_PASSWORD,
) -> TestPki:
    """Generate the whole test hierarchy into ``directory`` (created if missing).

    ``now`` (timezone-aware; default: the current UTC time) anchors every validity period and
    CRL update time, so a validation at ``now`` sees the signer valid, the expired signer expired
    and the revoked signer revoked. CAs start years before ``now`` so the expired signer was once
    valid within its issuer's lifetime.
    """
    if now is None:
        now = datetime.now(UTC)
    elif now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    now = now.replace(microsecond=0)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    day = timedelta(days=1)

    root_key = _new_key()
    root_cert = _issue(
        subject=_name(f"{organisation} - Root CA", organisation),
        key=root_key,
        issuer=None,
        not_before=now - 5 * 365 * day,
        not_after=now + 20 * 365 * day,
        key_usage=_key_usage(ca=True),
        is_ca=True,
        ca_path_length=1,
    )
    root_issuer = (root_cert, root_key, "root")

    intermediate_key = _new_key()
    intermediate_cert = _issue(
        subject=_name(f"{organisation} - Issuing CA", organisation),
        key=intermediate_key,
        issuer=root_issuer,
        not_before=now - 4 * 365 * day,
        not_after=now + 10 * 365 * day,
        key_usage=_key_usage(ca=True),
        is_ca=True,
        ca_path_length=0,
    )
    issuing = (intermediate_cert, intermediate_key, "intermediate")
    chain = (intermediate_cert, root_cert)
    signing_usage = _key_usage(digital_signature=True, non_repudiation=True)

    def end_entity(
        common_name: str,
        unit: str | None,
        not_before: datetime,
        not_after: datetime,
        key_usage: x509.KeyUsage = signing_usage,
        extended_key_usage: Sequence[x509.ObjectIdentifier] = (),
    ) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
        key = _new_key()
        cert = _issue(
            subject=_name(common_name, organisation, unit),
            key=key,
            issuer=issuing,
            not_before=not_before,
            not_after=not_after,
            key_usage=key_usage,
            extended_key_usage=extended_key_usage,
        )
        return cert, key

    signer = end_entity("Nguyễn Văn An", "Văn phòng Bộ", now - day, now + 2 * 365 * day)
    seal = end_entity(organisation, None, now - day, now + 3 * 365 * day)
    expired = end_entity("Trần Thị Bình", "Vụ Pháp chế", now - 2 * 365 * day, now - 30 * day)
    revoked = end_entity("Lê Văn Cường", "Cục Quản lý Dược", now - 30 * day, now + 365 * day)
    tsa = end_entity(
        f"{organisation} - TSA",
        None,
        now - 365 * day,
        now + 10 * 365 * day,
        key_usage=_key_usage(digital_signature=True),
        extended_key_usage=(ExtendedKeyUsageOID.TIME_STAMPING,),
    )

    root_crl = _crl(
        issuer_cert=root_cert,
        issuer_key=root_key,
        revoked=(),
        this_update=now - timedelta(hours=1),
        next_update=now + 30 * day,
    )
    intermediate_crl = _crl(
        issuer_cert=intermediate_cert,
        issuer_key=intermediate_key,
        revoked=((revoked[0].serial_number, now - day),),
        this_update=now - timedelta(hours=1),
        next_update=now + 30 * day,
    )
    root_crl_path = directory / "root.crl"
    intermediate_crl_path = directory / "intermediate.crl"
    root_crl_path.write_bytes(root_crl.public_bytes(serialization.Encoding.DER))
    intermediate_crl_path.write_bytes(intermediate_crl.public_bytes(serialization.Encoding.DER))

    def write(name: str, issued: tuple[x509.Certificate, rsa.RSAPrivateKey]) -> IssuedCertificate:
        return _write(directory, name, issued[0], issued[1], chain, password)

    return TestPki(
        directory=directory,
        password=password,
        organisation=organisation,
        now=now,
        root=_write(directory, "root", root_cert, root_key, (), password),
        intermediate=_write(directory, "intermediate", intermediate_cert, intermediate_key, (root_cert,), password),
        signer=write("signer", signer),
        seal=write("seal", seal),
        expired_signer=write("expired_signer", expired),
        revoked_signer=write("revoked_signer", revoked),
        tsa=write("tsa", tsa),
        root_crl=root_crl,
        root_crl_path=root_crl_path,
        intermediate_crl=intermediate_crl,
        intermediate_crl_path=intermediate_crl_path,
    )


def issue_timestamping_unit(
    pki: TestPki, name: str, *, not_before: datetime, not_after: datetime, common_name: str | None = None
) -> IssuedCertificate:
    """Issue one more time-stamping unit below the intermediate, valid from ``not_before`` to
    ``not_after`` (e.g. a short-lived one whose expiry a long-term test crosses), written as
    ``<name>.pem``/``<name>.p12`` in the PKI's folder (:func:`moh_core.demo.demo_timestamper`
    with ``name`` signs with it)."""
    key = _new_key()
    certificate = _issue(
        subject=_name(common_name or f"{pki.organisation} - {name}", pki.organisation),
        key=key,
        issuer=(pki.intermediate.certificate, pki.intermediate.private_key, "intermediate"),
        not_before=not_before,
        not_after=not_after,
        key_usage=_key_usage(digital_signature=True),
        extended_key_usage=(ExtendedKeyUsageOID.TIME_STAMPING,),
    )
    chain = (pki.intermediate.certificate, pki.root.certificate)
    return _write(pki.directory, name, certificate, key, chain, pki.password)


def issue_crl(
    issuer: IssuedCertificate,
    *,
    this_update: datetime,
    next_update: datetime,
    number: int,
    revoked: Sequence[tuple[int, datetime]] = (),
) -> bytes:
    """A CRL (DER) of the test PKI's ``issuer`` (its root or intermediate) issued at
    ``this_update``: what the CA publishes at a later moment a test validates at."""
    return _crl(
        issuer_cert=issuer.certificate,
        issuer_key=issuer.private_key,
        revoked=revoked,
        this_update=this_update,
        next_update=next_update,
        number=number,
    ).public_bytes(serialization.Encoding.DER)
