"""PAdES signatures: signing (PKCS#12, PKCS#11, interrupted/remote), signature boxes and stamps, validation.

The names below are the package's public surface (what the addons, the scripts and the other
moh_core packages use); the modules behind them may move:

  errors.py             SigningError (SigningRefused, SigningFailed), SigningProblem; validation's errors
  material.py           ValidationMaterial: trust roots, CRLs, OCSP responses, intermediates, as one value
  signers.py            PKCS#12 and PKCS#11 keys, the algorithm policy
  certificate_check.py  the certificate check before signing
  revocation.py         live revocation checking: OCSP, else CRL; timeout; the cache by validity
  fields.py             signature fields, the number and date text fields filled after signing
  stamps.py             visible stamps (embedded_fonts.py: their fonts and the text fields')
  signing.py            sign, sign_many
  interrupted.py        signing on a key the server cannot reach (prepare, finish)
  remote.py             remote signing services (Cloud Signature Consortium API)
  validation.py         validation of the signatures in a PDF (report.py: the verdicts)
  certificates.py       reading DER/PEM certificates
  archival.py           archive timestamps (PAdES B-LTA) for records kept for years: adding,
                        renewal when due, validation of the chain
"""

from moh_core.signatures.archival import (
    ArchivalError,
    ArchivalProblem,
    RenewalReason,
    RenewalState,
    archive_timestamp,
    renew_archive_timestamp,
    renewal_due,
    validate_archival,
)
from moh_core.signatures.certificate_check import check_signer_certificate
from moh_core.signatures.errors import (
    EncryptedPdfError,
    InvalidPdfError,
    SignedByError,
    SignedByProblem,
    SigningError,
    SigningProblem,
)
from moh_core.signatures.fields import FieldBox, TextField, fill_fields, prepare_fields
from moh_core.signatures.interrupted import finish_interrupted, prepare_interrupted
from moh_core.signatures.material import ValidationMaterial
from moh_core.signatures.remote import ApprovalStep, RemoteSigningService, load_csc_signer
from moh_core.signatures.report import PdfValidationReport, SignatureProblem
from moh_core.signatures.revocation import OFFLINE, RevocationCache, RevocationPolicy
from moh_core.signatures.signers import load_pkcs11_signer, load_pkcs12_signer
from moh_core.signatures.signing import (
    DEFAULT_BYTES_RESERVED,
    SignatureLevel,
    sign,
    sign_many,
)
from moh_core.signatures.stamps import (
    StampStyle,
    VisibleStamp,
    make_seal_image,
    make_signature_image,
)
from moh_core.signatures.validation import (
    DEFAULT_MAX_INFLATED_BYTES,
    OpenedPdf,
    check_signed_by,
    decode_limits,
    load_certificate_bytes,
    open_pdf,
    validate_pdf_signatures,
)

__all__ = [
    "ApprovalStep",
    "ArchivalError",
    "ArchivalProblem",
    "DEFAULT_BYTES_RESERVED",
    "DEFAULT_MAX_INFLATED_BYTES",
    "EncryptedPdfError",
    "FieldBox",
    "OFFLINE",
    "InvalidPdfError",
    "OpenedPdf",
    "PdfValidationReport",
    "RemoteSigningService",
    "RevocationCache",
    "RenewalReason",
    "RenewalState",
    "RevocationPolicy",
    "SignatureLevel",
    "SignatureProblem",
    "SignedByError",
    "SignedByProblem",
    "SigningError",
    "SigningProblem",
    "StampStyle",
    "TextField",
    "ValidationMaterial",
    "VisibleStamp",
    "archive_timestamp",
    "check_signed_by",
    "check_signer_certificate",
    "decode_limits",
    "fill_fields",
    "finish_interrupted",
    "load_certificate_bytes",
    "load_csc_signer",
    "load_pkcs11_signer",
    "load_pkcs12_signer",
    "make_seal_image",
    "make_signature_image",
    "open_pdf",
    "prepare_fields",
    "prepare_interrupted",
    "renew_archive_timestamp",
    "renewal_due",
    "sign",
    "sign_many",
    "validate_archival",
    "validate_pdf_signatures",
]
