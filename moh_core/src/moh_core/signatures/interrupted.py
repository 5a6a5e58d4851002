"""Interrupted signing: a signature made with a key the server cannot reach (a user's own USB
token).

1. The server calls :func:`prepare_interrupted` with the user's certificate. The certificate is
   checked (as for :func:`~moh_core.signatures.signing.sign`), the document is written in its
   final pre-signing state and the CMS signed attributes are built. The server keeps
   :attr:`PreparedSignature.state` (opaque bytes holding the prepared document and the validation
   material; store it server-side, e.g. in the database, never trust a copy coming back from the
   client) and sends the client:

   * :attr:`PreparedSignature.digest` — SHA-256 of the DER-encoded signed attributes, to be signed
     by tokens/APIs that take a pre-computed hash, or
   * :attr:`PreparedSignature.signed_attrs` — the DER bytes themselves, for APIs that hash;
   * :attr:`PreparedSignature.signature_algorithm` — ``"rsassa_pss"`` (SHA-256, MGF1-SHA-256,
     salt length :attr:`PreparedSignature.pss_salt_length` = 32 bytes; PKCS#11
     ``CKM_RSA_PKCS_PSS`` over the digest or ``CKM_SHA256_RSA_PKCS_PSS`` over the DER) or
     ``"ecdsa"`` (ECDSA with SHA-256).

2. The client returns the raw signature value: for RSA the ``k``-byte PSS signature, for ECDSA
   either the DER ``ECDSA-Sig-Value`` or the raw ``r || s`` concatenation most tokens produce.

3. The server calls :func:`finish_interrupted` with the kept state and that value (and the TSA for
   B-T/B-LT). The value is verified against the certificate's public key *before* it is embedded
   (``SIGNATURE_MISMATCH`` otherwise), the certificate is checked again, and the CMS — with the
   signature timestamp, then the DSS for B-LT — is written into the reserved space.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from typing import Any, cast

from asn1crypto import algos, cms
from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.sign import fields as pdf_fields
from pyhanko.sign.signers import ExternalSigner, PdfSignatureMetadata, PdfSigner
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.signers.pdf_signer import (
    DSSContentSettings,
    PdfTBSDocument,
    PostSignInstructions,
    PreSignValidationStatus,
)
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from moh_core.fonts import nfc
from moh_core.signatures.certificate_check import (
    RevocationData,
    check_certificate,
    refuse_failed_check,
)
from moh_core.signatures.certificates import load_certificates
from moh_core.signatures.errors import SigningFailed, SigningProblem, SigningRefused
from moh_core.signatures.fields import field_target, open_writer
from moh_core.signatures.material import ValidationMaterial
from moh_core.signatures.signers import (
    DIGEST_ALGORITHM,
    PSS_SALT_LENGTH,
    KeyInfo,
    common_name,
    key_info,
    signature_mechanism,
)
from moh_core.signatures.signing import (
    DEFAULT_BYTES_RESERVED,
    SignatureLevel,
    SignResult,
    install_log_filter,
    parse_level,
    pyhanko_errors,
    signing_time_now,
)
from moh_core.signatures.stamps import VisibleStamp, stamp_style

__all__ = ["PreparedSignature", "finish_interrupted", "prepare_interrupted"]


@dataclass(frozen=True)
class PreparedSignature:
    """What :func:`prepare_interrupted` returns; see the module docstring for the protocol."""

    digest: bytes
    """SHA-256 of :attr:`signed_attrs` — what a hash-signing client signs."""
    digest_algorithm: str
    signed_attrs: bytes = field(repr=False)
    """The DER-encoded CMS signed attributes (the to-be-signed bytes)."""
    signature_algorithm: str
    """``"rsassa_pss"`` or ``"ecdsa"``."""
    pss_salt_length: int | None
    state: bytes = field(repr=False)
    """Opaque, serialisable; keep it on the server until :func:`finish_interrupted`."""
    signing_time: datetime
    field_name: str
    certificate_der: bytes = field(repr=False)


_STATE_MAGIC = b"MOH-PADES-STATE\x01"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _encode_state(header: dict[str, Any], document: bytes) -> bytes:
    header = {**header, "document_sha256": hashlib.sha256(document).hexdigest()}
    raw = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    return _STATE_MAGIC + struct.pack(">I", len(raw)) + raw + document


def _decode_state(state: bytes) -> tuple[dict[str, Any], bytes]:
    try:
        if not bytes(state[: len(_STATE_MAGIC)]) == _STATE_MAGIC:
            raise ValueError("unknown format")
        offset = len(_STATE_MAGIC)
        (length,) = struct.unpack(">I", state[offset : offset + 4])
        header = json.loads(bytes(state[offset + 4 : offset + 4 + length]))
        document = bytes(state[offset + 4 + length :])
        if hashlib.sha256(document).hexdigest() != header["document_sha256"]:
            raise ValueError("document checksum mismatch")
        return header, document
    except (ValueError, KeyError, TypeError, struct.error) as exc:
        raise SigningFailed(SigningProblem.INVALID_STATE, f"The saved signing state is unusable: {exc}") from exc


def prepare_interrupted(
    pdf: bytes,
    *,
    field: str,
    signer_cert_der: bytes,
    level: SignatureLevel | str,
    material: ValidationMaterial,
    chain_der: Sequence[bytes] = (),
    stamp: VisibleStamp | None = None,
    reason: str | None = None,
    location: str | None = None,
    bytes_reserved: int | None = None,
) -> PreparedSignature:
    """First half of signing with a key the server cannot reach (see the module docstring).

    The certificate (``signer_cert_der``, plus ``chain_der`` intermediates from the token) is
    checked against ``material`` exactly as in :func:`~moh_core.signatures.signing.sign`; the
    document is put in its final pre-signing state with the visible stamp drawn and
    ``bytes_reserved`` (default for ``level``) reserved.

    :raises SigningRefused: certificate check or algorithm policy failed.
    :raises SigningFailed: bad PDF or field.
    """
    lvl = parse_level(level)
    reserved = DEFAULT_BYTES_RESERVED[lvl] if bytes_reserved is None else int(bytes_reserved)
    certs = load_certificates([signer_cert_der], "signer certificate")
    if not certs:
        raise ValueError("no signer certificate given")
    cert = certs[0]
    chain = [*certs[1:], *load_certificates(chain_der, "chain certificate")]
    info = key_info(cert)
    mechanism = signature_mechanism(info)
    parsed = material.parsed()

    async def run() -> PreparedSignature:
        context = parsed.context()
        try:
            check, path = await check_certificate(cert, chain, context)
        finally:
            await context.aclose()
        refuse_failed_check(check)
        path_certs = list(path.iter_certs(include_root=True)) if path is not None else []
        external = ExternalSigner(
            signing_cert=cert,
            cert_registry=SimpleCertificateStore.from_certs([cert, *chain, *path_certs]),
            signature_value=bytes(max(info.bits // 8 + 8, 72)),
            signature_mechanism=mechanism,
        )
        writer = open_writer(pdf)
        exists = field_target(writer, field)
        signing_time = signing_time_now()
        metadata = PdfSignatureMetadata(
            field_name=field,
            md_algorithm=DIGEST_ALGORITHM,
            subfilter=pdf_fields.SigSeedSubFilter.PADES,
            reason=nfc(reason) if reason else None,
            location=nfc(location) if location else None,
            docmdp_permissions=None,  # type: ignore[arg-type]  # the field's /Lock decides (signing.py)
        )
        pdf_signer = PdfSigner(
            metadata,
            signer=external,
            stamp_style=stamp_style(stamp, common_name(cert), signing_time),
        )
        with pyhanko_errors():
            session = pdf_signer.init_signing_session(writer, existing_fields_only=exists)
            session.system_time = signing_time
            tbs = session.prepare_tbs_document(validation_info=None, bytes_reserved=reserved)
            prepared, output = tbs.digest_tbs_document()
            signed_attrs = await external.signed_attrs(
                prepared.document_digest,
                DIGEST_ALGORITHM,
                attr_settings=PdfCMSSignedAttributes(signing_time=signing_time),
                use_pades=True,
            )
        attrs_der = signed_attrs.dump()
        header = {
            "version": 1,
            "level": lvl.value,
            "field": field,
            "signing_time": signing_time.isoformat(),
            "document_digest": _b64(prepared.document_digest),
            "reserved_region_start": prepared.reserved_region_start,
            "reserved_region_end": prepared.reserved_region_end,
            "signed_attrs": _b64(attrs_der),
            "certificate": _b64(cert.dump()),
            "chain": [_b64(c.dump()) for c in chain],
            "trust_roots": [_b64(c) for c in material.trust_roots],
            "crls": [_b64(c) for c in material.crls],
            "other_certs": [_b64(c) for c in material.other_certs],
            "ocsps": [_b64(c) for c in material.ocsps],
        }
        return PreparedSignature(
            digest=hashlib.sha256(attrs_der).digest(),
            digest_algorithm=DIGEST_ALGORITHM,
            signed_attrs=attrs_der,
            signature_algorithm="rsassa_pss" if info.algorithm == "rsa" else "ecdsa",
            pss_salt_length=PSS_SALT_LENGTH if info.algorithm == "rsa" else None,
            state=_encode_state(header, cast(BytesIO, output).getvalue()),  # a new BytesIO, as in signing
            signing_time=signing_time,
            field_name=field,
            certificate_der=cert.dump(),
        )

    return asyncio.run(run())


def _ecdsa_der(signature: bytes, bits: int) -> bytes:
    """Accept DER ECDSA-Sig-Value or raw r||s (PKCS#11 CKM_ECDSA, WebCrypto)."""
    try:
        parsed = algos.DSASignature.load(signature, strict=True)
        parsed.native  # noqa: B018
        if parsed.dump(force=True) == signature:
            return signature
    except (ValueError, TypeError):
        pass
    size = (bits + 7) // 8
    if len(signature) == 2 * size:
        r = int.from_bytes(signature[:size], "big")
        s = int.from_bytes(signature[size:], "big")
        der: bytes = algos.DSASignature({"r": r, "s": s}).dump()
        return der
    raise SigningFailed(SigningProblem.SIGNATURE_MISMATCH, "The ECDSA signature is neither DER nor r||s.")


def _verify_client_signature(cert: asn1_x509.Certificate, info: KeyInfo, tbs: bytes, signature: bytes) -> bytes:
    public_key = serialization.load_der_public_key(cert.public_key.dump())
    try:
        if info.algorithm == "rsa" and isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(
                signature,
                tbs,
                padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=PSS_SALT_LENGTH),
                hashes.SHA256(),
            )
            return signature
        if isinstance(public_key, ec.EllipticCurvePublicKey):
            der = _ecdsa_der(signature, info.bits)
            public_key.verify(der, tbs, ec.ECDSA(hashes.SHA256()))
            return der
    except InvalidSignature as exc:
        expected = "RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32" if info.algorithm == "rsa" else "ECDSA with SHA-256"
        raise SigningFailed(
            SigningProblem.SIGNATURE_MISMATCH,
            "The returned signature does not verify with the certificate's key over the prepared "
            f"data (expected {expected}).",
        ) from exc
    raise SigningRefused(SigningProblem.UNSUPPORTED_ALGORITHM)


def finish_interrupted(
    state: bytes,
    signature_value: bytes,
    *,
    timestamper: TimeStamper | None = None,
) -> SignResult:
    """Second half: embed the client's signature value and finish the PAdES signature.

    :param state: :attr:`PreparedSignature.state` as kept by the server.
    :param signature_value: the raw signature the client's token made over the signed attributes.
    :param timestamper: the TSA, required for B-T and B-LT.
    :raises SigningFailed: ``INVALID_STATE``, ``SIGNATURE_MISMATCH``, ``TIMESTAMPER_REQUIRED``,
        ``TIMESTAMP_FAILED``.
    :raises SigningRefused: the certificate no longer passes the check (e.g. revoked meanwhile).
    """
    install_log_filter()
    header, document = _decode_state(state)
    try:
        if header["version"] != 1:
            raise ValueError(f"unsupported state version {header['version']}")
        lvl = SignatureLevel(header["level"])
        cert = asn1_x509.Certificate.load(_unb64(header["certificate"]))
        chain = [asn1_x509.Certificate.load(_unb64(c)) for c in header["chain"]]
        attrs_der = _unb64(header["signed_attrs"])
        signed_attrs = cms.CMSAttributes.load(attrs_der)
        prepared = PreparedByteRangeDigest(
            document_digest=_unb64(header["document_digest"]),
            reserved_region_start=int(header["reserved_region_start"]),
            reserved_region_end=int(header["reserved_region_end"]),
        )
        signing_time = datetime.fromisoformat(header["signing_time"])
        material = ValidationMaterial(
            trust_roots=[_unb64(c) for c in header["trust_roots"]],
            crls=[_unb64(c) for c in header["crls"]],
            other_certs=[_unb64(c) for c in header["other_certs"]],
            ocsps=[_unb64(c) for c in header["ocsps"]],
        ).parsed()
    except (ValueError, KeyError, TypeError) as exc:
        raise SigningFailed(SigningProblem.INVALID_STATE, f"The saved signing state is unusable: {exc}") from exc
    if lvl.timestamped and timestamper is None:
        raise SigningFailed(
            SigningProblem.TIMESTAMPER_REQUIRED,
            f"PAdES {lvl.value} needs a time-stamping authority (timestamper=...).",
        )
    info = key_info(cert)
    mechanism = signature_mechanism(info)
    signature = _verify_client_signature(cert, info, attrs_der, bytes(signature_value))

    async def run() -> SignResult:
        context = material.context()
        try:
            check, path = await check_certificate(cert, chain, context)
            refuse_failed_check(check)
            assert path is not None
            path_certs = list(path.iter_certs(include_root=True))
            external = ExternalSigner(
                signing_cert=cert,
                cert_registry=SimpleCertificateStore.from_certs([cert, *chain, *path_certs]),
                signature_value=signature,
                signature_mechanism=mechanism,
            )
            with pyhanko_errors():
                signature_cms = await external.async_sign_prescribed_attributes(
                    DIGEST_ALGORITHM,
                    signed_attrs=signed_attrs,
                    timestamper=timestamper if lvl.timestamped else None,
                )
                post_sign = None
                revocation = check.revocation
                if lvl is SignatureLevel.B_LT:
                    assert timestamper is not None
                    ts_paths = [p async for p in timestamper.validation_paths(context)]
                    validation_info = PreSignValidationStatus(
                        signer_path=path,
                        validation_paths=[path, *ts_paths],
                        ts_validation_paths=ts_paths,
                        ocsps_to_embed=list(context.ocsps),
                        crls_to_embed=list(context.crls),
                    )
                    post_sign = PostSignInstructions(
                        validation_info=validation_info,
                        timestamp_md_algorithm=DIGEST_ALGORITHM,
                        dss_settings=DSSContentSettings(),
                        strict=False,
                    )
                    revocation = revocation.merged(
                        RevocationData(
                            crls=tuple(crl.dump() for crl in context.crls),
                            ocsps=tuple(resp.dump() for resp in context.ocsps),
                        )
                    )
                output = BytesIO(document)
                await PdfTBSDocument.async_finish_signing(
                    output,
                    prepared_digest=prepared,
                    signature_cms=signature_cms,
                    post_sign_instr=post_sign,
                    validation_context=context,
                )
        finally:
            await context.aclose()
        return SignResult(
            pdf=output.getvalue(),
            signing_time=signing_time,
            certificate_der=cert.dump(),
            revocation_data=revocation,
            check=check,
            level=lvl,
            field_name=header["field"],
        )

    return asyncio.run(run())
