"""Benchmark: PAdES signatures per second, the product's path against pyHanko called directly.

Product: ``moh_core.signatures.sign_many`` with a ``MohSigner`` loaded once (certificate check once
per run, validation context built once, fixed ``bytes_reserved``). Baseline: pyHanko's
``PdfSigner.sign_pdf`` with a ``SimpleSigner`` loaded once, the same RSASSA-PSS mechanism, the
same ``bytes_reserved``, the same in-process TSA and (B-LT) one validation context per run.
Both sign the same 1-page and 30-page PDFs (``moh_core.testing.fixtures.make_pdf``) at B-B and B-LT in the
same process, interleaved, ``REPS`` times; medians are compared. Ratio = product time per
signature / baseline time per signature, worst case over the four combinations; target <= 1.3.

Most of the product's lead comes from one thing: pyHanko's ``SimpleSigner`` re-parses the private
key from DER (with the RSA consistency check) on every signature, the product's signer does not.
So that the product's own overhead stays visible, each line also shows an informational
"keyed" figure: pyHanko called directly with the product's pre-parsed-key signer (not part of
the ratio).

Run from the repository root: ``.venv/bin/python scripts/bench/sign.py``.
"""

from __future__ import annotations

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
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: E402
from pyhanko.sign import fields, signers  # noqa: E402
from pyhanko_certvalidator import ValidationContext  # noqa: E402

from moh_core import signatures  # noqa: E402
from moh_core.demo import generate_test_pki, make_pdf  # noqa: E402
from moh_core.testing import make_timestamper  # noqa: E402

TARGET = 1.3
REPS = int(os.environ.get("MOH_BENCH_REPS", "5"))
DOCS = int(os.environ.get("MOH_BENCH_DOCS", "6"))
FIELD = "Signature1"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="moh-bench-sign-") as tmp:
        pki = generate_test_pki(tmp)
        p12 = pki.signer.p12_path.read_bytes()
        timestamper = make_timestamper(pki)
        documents = {"1p": make_pdf(pages=1), "30p": make_pdf(pages=30)}

        # --- product: key loaded once, reused for every run ---
        product_signer = signatures.load_pkcs12_signer(p12, pki.password)

        def product(pdf: bytes, level: str) -> None:
            results = signatures.sign_many(
                [pdf] * DOCS,
                product_signer,
                field=FIELD,
                level=level,
                timestamper=timestamper,
                material=signatures.ValidationMaterial(trust_roots=pki.trust_roots, crls=pki.crls),
            )
            assert len(results) == DOCS

        # --- baseline: pyHanko directly, key loaded once, same mechanism and reservation ---
        baseline_signer = signers.SimpleSigner.load_pkcs12(
            pki.signer.p12_path,
            passphrase=pki.password.encode(),
            signature_mechanism=product_signer.pyhanko_signer.signature_mechanism,
        )
        assert baseline_signer is not None
        roots = [asn1_x509.Certificate.load(der) for der in pki.trust_roots]
        crls = [asn1_crl.CertificateList.load(der) for der in pki.crls]

        keyed_signer = product_signer.pyhanko_signer  # pre-parsed key, same mechanism

        def baseline(pdf: bytes, level: str, pyhanko_signer: signers.Signer = baseline_signer) -> None:
            lt = level == "B-LT"
            context = (
                ValidationContext(trust_roots=roots, crls=crls, allow_fetching=False, revocation_mode="hard-fail")
                if lt
                else None
            )
            reserved = signatures.DEFAULT_BYTES_RESERVED[signatures.SignatureLevel(level)]
            for _ in range(DOCS):
                metadata = signers.PdfSignatureMetadata(
                    field_name=FIELD,
                    md_algorithm="sha256",
                    subfilter=fields.SigSeedSubFilter.PADES,
                    validation_context=context,
                    embed_validation_info=lt,
                    signer_key_usage={"non_repudiation"},
                )
                pdf_signer = signers.PdfSigner(metadata, signer=pyhanko_signer, timestamper=timestamper if lt else None)
                writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
                pdf_signer.sign_pdf(writer, bytes_reserved=reserved)

        def keyed(pdf: bytes, level: str) -> None:
            baseline(pdf, level, keyed_signer)

        def per_signature(run: Callable[[bytes, str], None], pdf: bytes, level: str) -> float:
            start = time.perf_counter()
            run(pdf, level)
            return (time.perf_counter() - start) / DOCS

        # warm-up (imports, caches, the TSA's dummy response, fonts)
        for pdf in documents.values():
            for level in ("B-B", "B-LT"):
                product(pdf, level)
                baseline(pdf, level)

        figures = []
        ratios = []
        for name, pdf in documents.items():
            for level in ("B-B", "B-LT"):
                product_times, baseline_times, keyed_times = [], [], []
                for _ in range(REPS):
                    baseline_times.append(per_signature(baseline, pdf, level))
                    product_times.append(per_signature(product, pdf, level))
                    keyed_times.append(per_signature(keyed, pdf, level))
                product_median = statistics.median(product_times)
                baseline_median = statistics.median(baseline_times)
                keyed_median = statistics.median(keyed_times)
                ratio = product_median / baseline_median
                ratios.append(ratio)
                tag = f"{name}-{level.replace('-', '')}"
                print(
                    f"{tag:9s} product {1 / product_median:6.1f} sig/s"
                    f" ({product_median * 1000:6.1f} ms)"
                    f"  baseline {1 / baseline_median:6.1f} sig/s"
                    f" ({baseline_median * 1000:6.1f} ms)"
                    f"  ratio {ratio:.2f}"
                    f"  [keyed pyHanko {keyed_median * 1000:6.1f} ms,"
                    f" product/keyed {product_median / keyed_median:.2f}]",
                    flush=True,
                )
                figures.append(f"{tag}={1 / product_median:.1f}/{1 / baseline_median:.1f}sig/s")
        worst = max(ratios)
        figures.append(odoo_bulk())
        print(f"BENCH sign ratio={worst:.2f} target={TARGET} " + " ".join(figures))


ODOO_BULK_SCRIPT = """
import base64, tempfile, time
from moh_core.demo import generate_test_pki
pki = generate_test_pki(tempfile.mkdtemp())
env["moh.trust.root"].create([
    {"name": "root", "role": "root", "certificate": base64.b64encode(pki.root.der), "crl": base64.b64encode(pki.crls[0])},
    {"name": "ca", "role": "intermediate", "certificate": base64.b64encode(pki.intermediate.der), "crl": base64.b64encode(pki.crls[1])},
])
leader = env["res.users"].create({"name": "Thứ trưởng", "login": "bench_leader",
    "group_ids": [(4, env.ref("moh_documents.group_ministry_leader").id)]})
with open(pki.signer.p12_path, "rb") as handle:
    env["moh.signing.key"].create({"name": "k", "user_id": leader.id, "pkcs12_file": base64.b64encode(handle.read())})
env["tier.definition"].search([("model", "=", "moh.outgoing.document")]).write({"active": False})
# The baseline makes PAdES B-B signatures (no timestamp): the product signs at the same level.
env.company.moh_signature_level = "B-B"
docs = env["moh.outgoing.document"].create([{
    "document_type_id": env.ref("moh_documents.document_type_cong_van").id,
    "department_id": env.ref("moh_documents.dep_drug").id,
    "abstract": f"V/v văn bản số {i}", "body": "Nội dung văn bản.", "signer_id": leader.id,
    "signer_position": "THỨ TRƯỞNG"} for i in range(COUNT)])
docs.write({"state": "to_sign"})
env.flush_all()
start = time.perf_counter()
docs.with_user(leader).action_sign(pki.password)
env.flush_all()
elapsed = time.perf_counter() - start
assert set(docs.mapped("state")) == {"signed"}
assert all(docs.mapped("signature_validation_ids.valid"))
print(f"ODOO_BULK {len(docs)} {elapsed:.3f}")
env.cr.rollback()
"""


def odoo_bulk(count: int = int(os.environ.get("MOH_BENCH_ODOO_DOCS", "100"))) -> str:
    """Bulk signing from the Odoo side: ``count`` approved documents signed in one action (key
    opened once; each document rendered, its fields prepared, signed and validated back)."""
    import shlex  # noqa: PLC0415
    import subprocess  # noqa: PLC0415

    if not os.environ.get("MOH_ODOO_BIN"):
        return "odoo_bulk=skipped(no Odoo)"
    base = [*shlex.split(os.environ["MOH_ODOO_BIN"]), *shlex.split(os.environ["MOH_ODOO_ARGS"])]
    db = f"moh_bench_sign_{os.getpid()}"
    try:
        subprocess.run(
            [
                *base,
                "-d",
                db,
                "-i",
                "moh_documents",
                "--stop-after-init",
                "--log-level=warn",
                "--http-interface=127.0.0.1",
                "--http-port=0",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        shell = [base[0], *base[1:2], "shell", *base[2:], "-d", db, "--log-level=warn", "--no-http"]
        out = subprocess.run(
            shell, input=ODOO_BULK_SCRIPT.replace("COUNT", str(count)), capture_output=True, text=True, check=True
        ).stdout
    finally:
        subprocess.run(
            [
                "psql",
                "-U",
                os.environ.get("MOH_DB_USER_NAME", "moh"),
                "-d",
                "postgres",
                "-qc",
                f'DROP DATABASE IF EXISTS "{db}"',
            ],
            check=False,
            capture_output=True,
        )
    line = next(row for row in out.splitlines() if row.startswith("ODOO_BULK"))
    _, docs, seconds = line.split()
    rate = int(docs) / float(seconds)
    print(f"Odoo bulk signing: {docs} documents in {float(seconds):.1f} s = {rate:.1f} documents/s")
    return f"odoo_bulk={rate:.1f}docs/s"


if __name__ == "__main__":
    main()
