"""Validation at the time a signature timestamp proves (ETSI EN 319 102-1, past signature
validation), so that a PAdES B-LT document validates offline years after signing.

A signature validated at the present time fails once the revocation data its file carries
(the DSS and the CMS revocation attributes) is past its ``nextUpdate``, once the signer's
certificate has expired, or once the certificate was revoked, even after signing. An RFC 3161
signature timestamp proves that the signature existed at its ``genTime``: when the present-time
validation does not pass, the signature is validated again *at that time* with the same
revocation data, and that verdict stands if, and only if, the timestamp itself is intact and its
TSA's chain is trusted with its revocation status settled at that time (hard-fail).

The mechanism is pyHanko's own point-in-time validation: a ``ValidationContext`` whose
``moment`` is the timestamp's time, with ``retroactive_revinfo`` so that revocation data issued
after that moment counts (an OCSP response or a CRL fetched after signing); pyHanko's revocation
checks then treat a certificate revoked after the moment as good at it and one revoked before it
as revoked, and check every certificate's validity period at the moment.

Without a timestamp, or when it is invalid or untrusted at its own time, the present-time verdict
stands, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pyhanko.sign.validation import EmbeddedPdfSignature, PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

__all__ = ["PastContextFactory", "timestamp_moment", "validate_at_timestamp"]

#: A validation context at a given moment, with revocation data accepted retroactively.
PastContextFactory = Callable[[datetime], ValidationContext]
#: Validates one embedded signature with one context (difference analysis and key usage included).
Validator = Callable[[EmbeddedPdfSignature, ValidationContext], PdfSignatureStatus]


def timestamp_moment(status: PdfSignatureStatus) -> datetime | None:
    """The time a cryptographically sound signature timestamp attests, else None (no token, or
    a token that does not verify or does not match the signature)."""
    token = status.timestamp_validity
    if token is None or not (token.intact and token.valid):
        return None
    return token.timestamp


def _timestamp_trusted(status: PdfSignatureStatus) -> bool:
    token = status.timestamp_validity
    return token is not None and token.intact and token.valid and token.trusted


def validate_at_timestamp(
    embedded: EmbeddedPdfSignature,
    now_status: PdfSignatureStatus,
    checked_at: datetime,
    past_context: PastContextFactory,
    validate: Validator,
) -> tuple[PdfSignatureStatus, datetime] | None:
    """The signature's status at the time its timestamp proves, when that verdict replaces the
    present-time one (``now_status``); None when the present-time verdict stands.

    It stands when the present-time check already trusts both the signer and the timestamp,
    when the signature or its timestamp does not verify cryptographically, when the timestamp is
    not before ``checked_at``, when the present-time check finds the TSA's certificate (or a CA
    above it) revoked, at whatever date, and when, at the timestamp's time, the timestamp is not
    trusted (TSA chain or its revocation status not settled) or the signer's status is still not
    established (neither trusted nor revoked).
    """
    if now_status.trusted and _timestamp_trusted(now_status):
        return None
    if not (now_status.intact and now_status.valid):
        return None
    moment = timestamp_moment(now_status)
    if moment is None or moment > checked_at:
        return None
    token = now_status.timestamp_validity
    if token is not None and token.revoked:
        # The TSA (or a CA above it) is known revoked: its timestamps prove nothing any more
        # (revocation data dated after the moment would otherwise clear it at that moment).
        return None
    past = validate(embedded, past_context(moment))
    if not _timestamp_trusted(past) or timestamp_moment(past) != moment:
        return None
    if not (past.trusted or past.revoked):
        return None
    return past, moment
