"""Demo support: a test PKI and its in-process TSA, a SoftHSM2 token standing in for the agency's
HSM, sample PDFs.

The demo data of the addons uses it; nothing here is fit for production signing (every key is
protected by a well-known password).
"""

from moh_core.demo.pki import DEFAULT_PASSWORD, IssuedCertificate, TestPki, generate_test_pki
from moh_core.demo.samples import make_pdf
from moh_core.demo.softhsm import SOFTHSM_LIBRARY_CANDIDATES, SoftHsmToken, find_softhsm, make_softhsm_token
from moh_core.demo.tsa import DEMO_TSA_URL, demo_timestamper

__all__ = [
    "DEFAULT_PASSWORD",
    "DEMO_TSA_URL",
    "SOFTHSM_LIBRARY_CANDIDATES",
    "IssuedCertificate",
    "SoftHsmToken",
    "TestPki",
    "demo_timestamper",
    "find_softhsm",
    "generate_test_pki",
    "make_pdf",
    "make_softhsm_token",
]
