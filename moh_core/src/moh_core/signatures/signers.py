"""Signing keys, loaded once and reused: PKCS#12 files and PKCS#11 tokens (an HSM; SoftHSM2 in
tests), and the algorithm policy of Circular 15/2025/TT-BKHCN.

The policy: RSA keys of at least 2048 bits sign with RSASSA-PSS, ECDSA keys of at least 256 bits,
both with SHA-256 (SHA-2). Anything else is refused with ``WEAK_KEY`` or
``UNSUPPORTED_ALGORITHM``. The PSS parameters are pinned to SHA-256, MGF1 with SHA-256 and a
32-byte salt (RFC 4055's recommendation and what hardware tokens and PKCS#11
``CKM_SHA256_RSA_PKCS_PSS`` expect), not pyHanko's ``prefer_pss`` default (maximum salt length).

:class:`KeyInfo`, :func:`key_info`, :func:`policy_problem`, :func:`key_usage_problem`,
:func:`signature_mechanism` and :func:`common_name` are internal to the package (the certificate
check, interrupted signing and validation use them), not part of its public surface. The
algorithm policy and :func:`key_usage_problem` are the rules both signing and validation apply:
what the product refuses to sign with, it refuses to accept as a signature.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import algos, keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers import SimpleSigner
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash, process_pss_params

from moh_core.signatures.certificates import load_certificates
from moh_core.signatures.errors import (
    SigningError,
    SigningFailed,
    SigningProblem,
    SigningRefused,
)

__all__ = [
    "DIGEST_ALGORITHM",
    "MIN_EC_BITS",
    "MIN_RSA_BITS",
    "PSS_SALT_LENGTH",
    "SIGNING_KEY_USAGES",
    "KeyInfo",
    "MohSigner",
    "common_name",
    "key_info",
    "key_usage_problem",
    "load_pkcs11_signer",
    "load_pkcs12_signer",
    "policy_problem",
    "signature_mechanism",
]

logger = logging.getLogger(__name__)

#: Circular 15/2025/TT-BKHCN minimum key sizes.
MIN_RSA_BITS = 2048
MIN_EC_BITS = 256
#: The only digest used for signing (SHA-2 family, Circular 15/2025/TT-BKHCN).
DIGEST_ALGORITHM = "sha256"
#: RSASSA-PSS salt length in bytes (= the SHA-256 output length, RFC 4055 §3.1).
PSS_SALT_LENGTH = 32


#: The key usages that let a certificate sign documents, the preferred first: a person's
#: certificate carries nonRepudiation, an agency seal's often only digitalSignature.
SIGNING_KEY_USAGES = ("non_repudiation", "digital_signature")
#: Extended key usages of certificates made for another purpose: an RFC 3161 time-stamping unit
#: signs timestamps, an RFC 6960 OCSP responder signs responses; neither signs documents.
_OTHER_PURPOSES = frozenset({"time_stamping", "ocsp_signing"})


def key_usage_problem(cert: asn1_x509.Certificate) -> str | None:
    """Why ``cert`` may not sign documents (English, for the detail), or None if it may.

    The one rule of the certificate check before signing and of validation (``KEY_USAGE``):
    key usage digitalSignature or nonRepudiation (RFC 5280 key usage extension present), and
    no extended key usage of a time-stamping unit or an OCSP responder.
    """
    usage = cert.key_usage_value
    present = set(usage.native) if usage is not None else set()
    if not present & set(SIGNING_KEY_USAGES):
        return "its key usage allows neither digitalSignature nor nonRepudiation"
    extended = cert.extended_key_usage_value
    if extended is not None and set(extended.native) & _OTHER_PURPOSES:
        return "a time-stamping or OCSP certificate cannot sign documents"
    return None


@dataclass(frozen=True)
class KeyInfo:
    algorithm: str
    bits: int


def key_info(cert: asn1_x509.Certificate) -> KeyInfo:
    public_key: keys.PublicKeyInfo = cert.public_key
    algorithm = public_key.algorithm
    try:
        bits = int(public_key.bit_size)
    except Exception:  # noqa: BLE001 - unknown key types have no size
        bits = 0
    return KeyInfo(algorithm=algorithm, bits=bits)


def policy_problem(info: KeyInfo) -> SigningProblem | None:
    """Circular 15/2025/TT-BKHCN: RSA >= 2048 bits or ECDSA >= 256 bits, nothing else."""
    if info.algorithm == "rsa":
        return SigningProblem.WEAK_KEY if info.bits < MIN_RSA_BITS else None
    if info.algorithm == "ec":
        return SigningProblem.WEAK_KEY if info.bits < MIN_EC_BITS else None
    return SigningProblem.UNSUPPORTED_ALGORITHM


def _refuse_by_policy(info: KeyInfo) -> None:
    problem = policy_problem(info)
    if problem is SigningProblem.WEAK_KEY:
        raise SigningRefused(
            problem,
            f"The {info.algorithm.upper()} key has {info.bits} bits; Circular 15/2025/TT-BKHCN "
            f"requires RSA of at least {MIN_RSA_BITS} bits or ECDSA of at least {MIN_EC_BITS}.",
        )
    if problem is not None:
        raise SigningRefused(
            problem,
            f"Keys of type {info.algorithm!r} are not allowed; Circular 15/2025/TT-BKHCN allows "
            "RSA (RSASSA-PSS) and ECDSA.",
        )


def _pss_mechanism() -> algos.SignedDigestAlgorithm:
    digest = algos.DigestAlgorithm({"algorithm": DIGEST_ALGORITHM})
    return algos.SignedDigestAlgorithm(
        {
            "algorithm": "rsassa_pss",
            "parameters": algos.RSASSAPSSParams(
                {
                    "hash_algorithm": digest,
                    "mask_gen_algorithm": algos.MaskGenAlgorithm({"algorithm": "mgf1", "parameters": digest}),
                    "salt_length": PSS_SALT_LENGTH,
                }
            ),
        }
    )


def signature_mechanism(info: KeyInfo) -> algos.SignedDigestAlgorithm:
    _refuse_by_policy(info)
    if info.algorithm == "rsa":
        return _pss_mechanism()
    return algos.SignedDigestAlgorithm({"algorithm": f"{DIGEST_ALGORITHM}_ecdsa"})


class _LoadedKeySigner(SimpleSigner):
    """SimpleSigner that keeps the parsed private key.

    pyHanko's ``SimpleSigner.sign_raw`` re-parses the key from DER for every signature (with the
    RSA consistency check, tens of milliseconds); a bulk signer loads it once.
    """

    def __init__(
        self,
        *,
        private_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
        signing_cert: asn1_x509.Certificate,
        cert_registry: SimpleCertificateStore,
        signature_mechanism: algos.SignedDigestAlgorithm,
    ) -> None:
        key_info = keys.PrivateKeyInfo.load(
            private_key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        super().__init__(
            signing_cert=signing_cert,
            signing_key=key_info,
            cert_registry=cert_registry,
            signature_mechanism=signature_mechanism,
        )
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        algorithm = mechanism.signature_algo
        key = self._private_key
        if algorithm == "rsassa_pss" and isinstance(key, rsa.RSAPrivateKey):
            pss_padding, digest = process_pss_params(mechanism["parameters"])
            return key.sign(data, pss_padding, digest)
        if algorithm == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
        raise SigningRefused(SigningProblem.UNSUPPORTED_ALGORITHM)


@dataclass(frozen=True, eq=False)
class MohSigner:
    """A loaded signing key with its certificate, reusable for any number of documents.

    Not thread-safe: use one per thread (Odoo workers are processes). Call :meth:`close` (or use
    it as a context manager) to close a PKCS#11 session.
    """

    pyhanko_signer: Signer = field(repr=False)
    certificate: asn1_x509.Certificate = field(repr=False)
    chain: tuple[asn1_x509.Certificate, ...] = field(repr=False)
    """Other certificates that came with the key (PKCS#12 bag, token, ``chain`` argument)."""
    key_algorithm: str
    key_size: int
    source: str
    """``"pkcs12"``, ``"pkcs11"`` or ``"csc"`` (a remote signing service)."""
    common_name: str | None
    batch_size: int = 1
    """How many signatures one approval may cover (a remote service's ``multisign``): bulk
    signing signs that many documents together."""
    _session: Any = field(default=None, repr=False)
    _closed: list[bool] = field(default_factory=lambda: [False], repr=False)

    @property
    def certificate_der(self) -> bytes:
        der: bytes = self.certificate.dump()
        return der

    @property
    def signature_algorithm(self) -> str:
        return "rsassa_pss" if self.key_algorithm == "rsa" else "ecdsa"

    def close(self) -> None:
        """Close the PKCS#11 session (no-op for PKCS#12 keys); idempotent."""
        if self._session is not None and not self._closed[0]:
            self._closed[0] = True
            try:
                self._session.close()
            except Exception:
                logger.warning("Closing the PKCS#11 session failed", exc_info=True)

    def __enter__(self) -> MohSigner:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def common_name(cert: asn1_x509.Certificate) -> str | None:
    native = cert.subject.native
    value = native.get("common_name") or native.get("organization_name")
    if isinstance(value, list):
        value = value[0] if value else None
    name: str | None = value
    return name


def load_pkcs12_signer(data: bytes, password: bytes | str | None) -> MohSigner:
    """Load a PKCS#12 key once (e.g. decrypted from the database) for any number of signatures.

    :raises SigningFailed: ``KEY_LOAD_FAILED`` (wrong password, damaged file, no key or
        certificate in it).
    :raises SigningRefused: ``WEAK_KEY`` / ``UNSUPPORTED_ALGORITHM`` (algorithm policy).
    """
    if isinstance(password, str):
        password = password.encode()
    try:
        private_key, certificate, additional = pkcs12.load_key_and_certificates(bytes(data), password or None)
    except (ValueError, TypeError) as exc:
        raise SigningFailed(
            SigningProblem.KEY_LOAD_FAILED,
            f"The PKCS#12 file could not be opened (wrong password or damaged file): {exc}",
        ) from exc
    if private_key is None or certificate is None:
        raise SigningFailed(SigningProblem.KEY_LOAD_FAILED, "The PKCS#12 file holds no private key or certificate.")
    cert = asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
    info = key_info(cert)
    mechanism = signature_mechanism(info)
    if not isinstance(private_key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise SigningRefused(SigningProblem.UNSUPPORTED_ALGORITHM)
    certificate_key = certificate.public_key()
    if (
        not isinstance(certificate_key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey)
        or private_key.public_key().public_numbers() != certificate_key.public_numbers()
    ):
        raise SigningFailed(SigningProblem.KEY_LOAD_FAILED, "The private key does not match the certificate.")
    chain = tuple(asn1_x509.Certificate.load(extra.public_bytes(serialization.Encoding.DER)) for extra in additional)
    registry = SimpleCertificateStore.from_certs([cert, *chain])
    pyhanko_signer = _LoadedKeySigner(
        private_key=private_key,
        signing_cert=cert,
        cert_registry=registry,
        signature_mechanism=mechanism,
    )
    return MohSigner(
        pyhanko_signer=pyhanko_signer,
        certificate=cert,
        chain=chain,
        key_algorithm=info.algorithm,
        key_size=info.bits,
        source="pkcs12",
        common_name=common_name(cert),
    )


def load_pkcs11_signer(
    lib_path: str,
    token_label: str,
    pin: str,
    key_label: str,
    cert_label: str,
    *,
    chain: Sequence[bytes] = (),
    environment: Mapping[str, str] | None = None,
) -> MohSigner:
    """Open a PKCS#11 session (an HSM; SoftHSM2 in tests) and keep it open for bulk signing.

    ``environment`` holds the variables the PKCS#11 module reads its configuration from when it
    initialises (``SOFTHSM2_CONF`` for SoftHSM2, ``ChrystokiConfigurationPath`` for Thales Luna,
    ...): they are set in this process before the module is used, and the module is initialised
    again if it was already running with other values.

    The certificate is read from the token by ``cert_label``; every other certificate on the
    token is pulled too (a CA chain stored there), and ``chain`` (DER or PEM) adds more. RSA keys
    sign with ``CKM_SHA256_RSA_PKCS_PSS``; EC keys with ``CKM_ECDSA`` over a host-computed SHA-256
    digest (SoftHSM2 and many HSMs lack ``CKM_ECDSA_SHA256``).

    :raises SigningFailed: ``TOKEN_ERROR`` (library, token, PIN, key or certificate not found).
    :raises SigningRefused: ``WEAK_KEY`` / ``UNSUPPORTED_ALGORITHM``.
    """
    try:
        from pkcs11 import Attribute, ObjectClass  # noqa: PLC0415 - optional (PKCS#11 tokens)
        from pkcs11.exceptions import PKCS11Error, UserAlreadyLoggedIn  # noqa: PLC0415 - optional (PKCS#11 tokens)
        from pyhanko.config.pkcs11 import TokenCriteria  # noqa: PLC0415 - optional (PKCS#11 tokens)
        from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session  # noqa: PLC0415 - optional (PKCS#11 tokens)
    except ImportError as exc:  # pragma: no cover - python-pkcs11 is a dependency
        raise SigningFailed(SigningProblem.TOKEN_ERROR, f"PKCS#11 support missing: {exc}") from exc

    session = None
    try:
        _apply_pkcs11_environment(lib_path, environment or {})
        criteria = TokenCriteria(label=token_label)
        try:
            session = open_pkcs11_session(lib_path, token_criteria=criteria, user_pin=pin)
        except UserAlreadyLoggedIn:
            # PKCS#11 login state is per token and process: another open session (a second
            # MohSigner on the same token) already logged in; new sessions share that login.
            session = open_pkcs11_session(lib_path, token_criteria=criteria, user_pin=None)
        found = list(session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.LABEL: cert_label}))
        if len(found) != 1:
            raise SigningFailed(
                SigningProblem.TOKEN_ERROR,
                f"Expected one certificate labelled {cert_label!r} on token {token_label!r}, found {len(found)}.",
            )
        cert = asn1_x509.Certificate.load(found[0][Attribute.VALUE])
        info = key_info(cert)
        mechanism = signature_mechanism(info)
        extra = load_certificates(chain, "chain certificate")
        pyhanko_signer = PKCS11Signer(
            session,
            signing_cert=cert,
            key_label=key_label,
            ca_chain=extra,
            other_certs_to_pull=None,  # the whole chain stored on the token
            signature_mechanism=mechanism,
            use_raw_mechanism=info.algorithm == "ec",
        )
        asyncio.run(pyhanko_signer.ensure_objects_loaded())  # find the key now, not mid-batch
        registry_certs = tuple(other for other in pyhanko_signer.cert_registry if other.dump() != cert.dump())
    except SigningError:
        if session is not None:
            session.close()
        raise
    except (PKCS11Error, PyHankoSigningError, OSError, RuntimeError) as exc:
        if session is not None:
            session.close()
        raise SigningFailed(
            SigningProblem.TOKEN_ERROR,
            f"The PKCS#11 token {token_label!r} could not be used: {type(exc).__name__} {exc}",
        ) from exc
    return MohSigner(
        pyhanko_signer=pyhanko_signer,
        certificate=cert,
        chain=registry_certs,
        key_algorithm=info.algorithm,
        key_size=info.bits,
        source="pkcs11",
        common_name=common_name(cert),
        _session=session,
    )


def _apply_pkcs11_environment(lib_path: str, environment: Mapping[str, str]) -> None:
    """Set the module's configuration variables; re-initialise a module loaded with others."""
    changed = {name: value for name, value in environment.items() if os.environ.get(name) != value}
    if not changed:
        return
    os.environ.update(changed)
    import pkcs11  # noqa: PLC0415 - after the environment it reads is set

    try:
        pkcs11.lib(lib_path).reinitialize()  # re-reads its configuration (a no-op cost if fresh)
    except pkcs11.exceptions.PKCS11Error:
        pass
