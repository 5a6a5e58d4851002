"""Test support: fixtures for PDFs and signatures, a local exchange peer, PDF inspection tools.

Only tests, benchmarks and end-to-end tests import this package; the addons and the rest of
``moh_core`` never do (a test checks it).
"""

from moh_core.testing.fixtures import (
    append_forged_update,
    inflating_pdf,
    make_timestamper,
    pdfsig_verdicts,
    raw_pdf,
    sign_pdf,
)

__all__ = [
    "append_forged_update",
    "inflating_pdf",
    "make_timestamper",
    "pdfsig_verdicts",
    "raw_pdf",
    "sign_pdf",
]
