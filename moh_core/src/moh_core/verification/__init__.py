"""Public verification of issued documents: the verdict on a PDF anyone submits, within bounds,
and the rate limiter of the public page.

The verification mark printed on issued documents (code, QR code) is drawn with the layout, in
:mod:`moh_core.documents.verification`.

  submitted.py   the bounded check and validation of a submitted PDF, its refusals
  ratelimit.py   at most N attempts per client and minute, in memory
"""

from moh_core.verification.ratelimit import RateLimiter
from moh_core.verification.submitted import (
    SubmissionLimits,
    SubmissionRefused,
    VerificationProblem,
    check_submitted_pdf,
)

__all__ = [
    "RateLimiter",
    "SubmissionLimits",
    "SubmissionRefused",
    "VerificationProblem",
    "check_submitted_pdf",
]
