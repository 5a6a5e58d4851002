"""Benchmark: the upload check of a signed PDF against pyHanko's validation of the same file.

Product: ``moh_core.onestop.check_upload`` with the signature callback the portal uses
(``validate_pdf_signatures`` with the agency's validation material, built once): the file's real
type, its SHA-256, every page decoded within the decompression budget, its signatures counted,
then validated on the reader the check opened (one parse per file), with the product's rules on
top of pyHanko's (the changes after the last signature, removed signatures, key usage, weak
algorithms). Baseline: pyHanko called directly on the same bytes: open the file, validate each
signature with a hard-fail, offline validation context, its difference analysis included.

Files: the product's own issued decision (signer, number and date, seal: two signatures, five
revisions) and a 3-page PDF with one signature, what the portal mostly receives; both paths run
interleaved ``REPS`` times in the same process, medians are compared. Ratio = product / baseline,
the worse of the two files; target <= 1.2. An informational "reparsed" figure shows the check
with a callback that validates the bytes again (the file parsed twice, as before the check
passed its reader along). A 30-page PDF with one signature is shown too, outside the ratio: the
check decodes every page, which validation never reads (pyHanko's parser takes about 1.5 ms a
page), so a long file costs more than its validation whatever the signatures.

Run from the repository root: ``.venv/bin/python scripts/bench/upload_check.py``.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "moh_core" / "src"))

from asn1crypto import crl as asn1_crl  # noqa: E402
from asn1crypto import x509 as asn1_x509  # noqa: E402
from pyhanko.pdf_utils.reader import PdfFileReader  # noqa: E402
from pyhanko.sign.validation import validate_pdf_signature  # noqa: E402
from pyhanko.sign.validation.settings import KeyUsageConstraints  # noqa: E402
from pyhanko_certvalidator import ValidationContext  # noqa: E402

from moh_core.demo import generate_test_pki, make_pdf  # noqa: E402
from moh_core.onestop import check_upload  # noqa: E402
from moh_core.signatures import OpenedPdf, ValidationMaterial, signers, validate_pdf_signatures  # noqa: E402
from moh_core.testing import sign_pdf  # noqa: E402
from moh_core.testing.issuing import issued_decision  # noqa: E402

TARGET = 1.2
REPS = int(os.environ.get("MOH_BENCH_REPS", "15"))


def main() -> None:
    logging.getLogger("pyhanko").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="moh-bench-upload-") as tmp:
        pki = generate_test_pki(tmp)
        material = ValidationMaterial(trust_roots=pki.trust_roots, crls=pki.crls)
        signer = signers.load_pkcs12_signer(pki.signer.p12_path.read_bytes(), pki.password)
        seal = signers.load_pkcs12_signer(pki.seal.p12_path.read_bytes(), pki.password)
        files = {
            "issued": issued_decision(signer, seal, material).sealed,
            "3p": sign_pdf(make_pdf(pages=3), pki.signer.p12_path, pki.password),
            "30p": sign_pdf(make_pdf(pages=30), pki.signer.p12_path, pki.password),
        }
        roots = [asn1_x509.Certificate.load(der) for der in pki.trust_roots]
        crls = [asn1_crl.CertificateList.load(der) for der in pki.crls]
        key_usage = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)

        def validator(opened: OpenedPdf):  # the portal's callback (moh_egov)
            return validate_pdf_signatures(opened, material=material)

        def product(data: bytes) -> None:
            check = check_upload(data, "ho-so.pdf", validate_signatures=validator)
            assert check.ok and check.signatures_valid, check

        def reparsed(data: bytes) -> None:
            check = check_upload(
                data, "ho-so.pdf", validate_signatures=lambda _: validate_pdf_signatures(data, material=material)
            )
            assert check.ok and check.signatures_valid, check

        def baseline(data: bytes) -> None:
            reader = PdfFileReader(BytesIO(data), strict=False)
            for embedded in reader.embedded_regular_signatures:
                context = ValidationContext(
                    trust_roots=roots, crls=crls, allow_fetching=False, revocation_mode="hard-fail"
                )
                status = validate_pdf_signature(embedded, context, key_usage_settings=key_usage)
                assert status.bottom_line, status.pretty_print_details()

        def timed(run: Callable[[bytes], None], data: bytes) -> float:
            start = time.perf_counter()
            run(data)
            return time.perf_counter() - start

        for data in files.values():  # warm-up: imports, caches, libmagic's database
            product(data)
            reparsed(data)
            baseline(data)

        ratios, figures = [], []
        for name, data in files.items():
            in_ratio = name != "30p"
            product_times, baseline_times, reparsed_times = [], [], []
            for _ in range(REPS):
                baseline_times.append(timed(baseline, data))
                product_times.append(timed(product, data))
                reparsed_times.append(timed(reparsed, data))
            product_median = statistics.median(product_times)
            baseline_median = statistics.median(baseline_times)
            reparsed_median = statistics.median(reparsed_times)
            ratio = product_median / baseline_median
            if in_ratio:
                ratios.append(ratio)
            print(
                f"{name:7s} product {product_median * 1000:6.1f} ms  baseline {baseline_median * 1000:6.1f} ms"
                f"  ratio {ratio:.2f}  [reparsed {reparsed_median * 1000:6.1f} ms,"
                f" ratio {reparsed_median / baseline_median:.2f}]",
                flush=True,
            )
            label = name if in_ratio else f"{name}-outside-target"
            figures.append(f"{label}={product_median * 1000:.1f}/{baseline_median * 1000:.1f}ms")
        print(f"BENCH upload-check ratio={max(ratios):.2f} target={TARGET} " + " ".join(figures))


if __name__ == "__main__":
    main()
