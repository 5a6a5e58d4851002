"""Benchmark: bulk signing with Odoo in the loop, against pyHanko signing the same PDFs.

A fresh database gets moh_documents; in one Odoo shell, a leader with a PKCS#12 key (and the
picture of his handwritten signature) has ``COUNT`` approved documents (``to_sign``, their fields
prepared at approval as the product does). Product: what the Sign dialog does for several
documents, timed from the click to the last document committed: ``moh.signing.batch.action_start``
(checks, the key opened with the password, the batch created) and the batch's run (each document
signed with its visible stamp, archived with its checksum, validated back, the records office's
activity scheduled, committed one by one). On a tree without signing batches (before them), the
product is ``action_sign`` on the selection.

Baseline, same process, same run, same PDFs: pyHanko called directly, the key loaded once,
``bytes_reserved`` fixed, pyHanko's own ``TextStampStyle`` with the same Noto Serif font (its
``GlyphAccumulatorFactory``) and the same picture as background, the same PAdES level (B-B);
nothing stored or validated; run before and after the product, the mean kept. An informational figure gives pyHanko with the font already cut to
Vietnamese (what the product embeds), not part of the ratio.

Ratio = product documents per second / baseline documents per second; target >= 0.5.
``MOH_BENCH_PROFILE=1`` prints the product's cProfile (cumulative, top 30) before the figures.

Run: ``scripts/bench.sh sign-bulk`` (``MOH_BENCH_DOCS``, default 100).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = 0.5
COUNT = int(os.environ.get("MOH_BENCH_DOCS", "100"))

SHELL_SCRIPT = r"""
import base64, cProfile, io, os, pstats, tempfile, time
from io import BytesIO
from moh_core.demo import generate_test_pki
from moh_core.signatures import make_signature_image

COUNT = int(os.environ["MOH_BENCH_DOCS"])
PROFILE = os.environ.get("MOH_BENCH_PROFILE")
pki = generate_test_pki(tempfile.mkdtemp())
env["moh.trust.root"].create([
    {"name": "root", "role": "root", "certificate": base64.b64encode(pki.root.der), "crl": base64.b64encode(pki.crls[0])},
    {"name": "ca", "role": "intermediate", "certificate": base64.b64encode(pki.intermediate.der), "crl": base64.b64encode(pki.crls[1])},
])
leader = env["res.users"].create({"name": "Nguyễn Văn Thứ", "login": "bench_leader",
    "group_ids": [(4, env.ref("moh_documents.group_ministry_leader").id)]})
picture = make_signature_image(leader.name)
with open(pki.signer.p12_path, "rb") as handle:
    env["moh.signing.key"].create({"name": "k", "user_id": leader.id, "pkcs12_file": base64.b64encode(handle.read()),
                                   "image": base64.b64encode(picture)})
env["tier.definition"].search([("model", "=", "moh.outgoing.document")]).write({"active": False})
# The baseline makes PAdES B-B signatures (no timestamp): the product signs at the same level.
env.company.moh_signature_level = "B-B"
docs = env["moh.outgoing.document"].create([{
    "document_type_id": env.ref("moh_documents.document_type_cong_van").id,
    "department_id": env.ref("moh_documents.dep_drug").id,
    "abstract": f"V/v văn bản số {i}", "body": "Nội dung văn bản.", "signer_id": leader.id,
    "signer_position": "THỨ TRƯỞNG"} for i in range(COUNT)])
docs.write({"state": "to_sign"})
batches = "moh.signing.batch" in env
if batches:
    # As at approval: the final rendering with its fields (not timed: it is not signing).
    for doc in docs:
        doc._moh_prepare_for_signing()
env.cr.commit()
pdfs = [doc.pdf_id.raw for doc in docs] if batches else None

# -- baseline: pyHanko directly on the same PDFs -------------------------------------------------
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields as pdf_fields, signers
from pyhanko.stamp import TextStampStyle
from PIL import Image
from moh_core.signatures import load_pkcs12_signer
from moh_core.signatures.embedded_fonts import STAMP_FONT_CANDIDATES, find_font

if pdfs is None:
    from moh_core.documents import render_outgoing_document
    from moh_core.signatures import FieldBox, TextField, prepare_fields
    def prepared(doc):
        rendered = render_outgoing_document(doc._moh_layout())
        return prepare_fields(rendered.pdf, [FieldBox(b.name, b.page, b.box) for b in rendered.signature_boxes],
            [TextField(name=b.name, page=b.page, box=b.box, font_size=b.font_size, italic=b.italic, align=b.align)
             for b in rendered.text_boxes])
    pdfs = [prepared(doc) for doc in docs]
mechanism = load_pkcs12_signer(pki.signer.p12_path.read_bytes(), pki.password).pyhanko_signer.signature_mechanism
raw_signer = signers.SimpleSigner.load_pkcs12(pki.signer.p12_path, passphrase=pki.password.encode(),
                                              signature_mechanism=mechanism)
font_file = str(find_font(STAMP_FONT_CANDIDATES))
try:
    from moh_core.signatures.embedded_fonts import stamp_font
    cut_file = os.path.join(tempfile.mkdtemp(), "cut.ttf")
    with open(cut_file, "wb") as handle:
        handle.write(stamp_font(font_file))
except ImportError:  # a tree from before the stamp font was cut
    cut_file = font_file

def raw(font):
    style = TextStampStyle(
        stamp_text=leader.name + "\nKý ngày: %(ts)s",
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(font)),
        background=PdfImage(Image.open(BytesIO(picture))),
        border_width=0,
    )
    start = time.perf_counter()
    for pdf in pdfs:
        metadata = signers.PdfSignatureMetadata(field_name="signer", md_algorithm="sha256",
            subfilter=pdf_fields.SigSeedSubFilter.PADES, signer_key_usage={"non_repudiation"})
        pdf_signer = signers.PdfSigner(metadata, signer=raw_signer, stamp_style=style)
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
        pdf_signer.sign_pdf(writer, bytes_reserved=16 * 1024, existing_fields_only=True)
    return time.perf_counter() - start

# The baseline runs before and after the product (the mean is kept): a machine whose load
# changes during the run weighs on both sides alike.
raw_before = raw(font_file)
cut_seconds = raw(cut_file)

# -- product: the Sign dialog's bulk path, through Odoo --------------------------------------------
profiler = cProfile.Profile() if PROFILE else None
start = time.perf_counter()
if profiler:
    profiler.enable()
if batches:
    action = env["moh.signing.batch"].with_user(leader).with_context(moh_signing_batch_inline=True).action_start(
        docs.ids, pki.password)
    batch = env["moh.signing.batch"].with_user(leader).browse(action["res_id"])
    batch._moh_run()
else:
    docs.with_user(leader).action_sign(pki.password)
env.cr.commit()
if profiler:
    profiler.disable()
product_seconds = time.perf_counter() - start
raw_seconds = (raw_before + raw(font_file)) / 2
env.invalidate_all()
assert set(docs.mapped("state")) == {"signed"}, docs.mapped("state")
assert all(docs.mapped("signature_validation_ids.valid"))
if profiler:
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(int(PROFILE) if PROFILE.isdigit() else 30)
    print(out.getvalue())
print(f"SIGN_BULK {len(docs)} {product_seconds:.3f} {raw_seconds:.3f} {cut_seconds:.3f} {int(batches)}")
"""


def main() -> None:
    if not os.environ.get("MOH_ODOO_BIN"):
        print(f"BENCH sign-bulk ratio=0 target={TARGET} skipped(no Odoo)")
        sys.exit(1)
    base = [*shlex.split(os.environ["MOH_ODOO_BIN"]), *shlex.split(os.environ["MOH_ODOO_ARGS"])]
    db = f"moh_bench_sign_bulk_{os.getpid()}"
    # This tree's moh_core, whatever the virtualenv has installed.
    core = os.environ.get("MOH_BENCH_CORE", str(ROOT / "moh_core" / "src"))
    python_path = os.pathsep.join(p for p in (core, os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "MOH_BENCH_DOCS": str(COUNT), "PYTHONPATH": python_path}
    try:
        subprocess.run(
            [*base, "-d", db, "-i", "moh_documents", "--stop-after-init", "--log-level=warn", "--http-port=0"],
            check=True,
            stdout=subprocess.DEVNULL,
            env=env,
        )
        shell = [base[0], *base[1:2], "shell", *base[2:], "-d", db, "--log-level=warn", "--no-http"]
        run = subprocess.run(shell, input=SHELL_SCRIPT, capture_output=True, text=True, check=False, env=env)
        if run.returncode:
            print(run.stderr[-4000:], file=sys.stderr)
            raise SystemExit(f"the Odoo shell failed ({run.returncode})")
        out = run.stdout
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
    line = next(row for row in out.splitlines() if row.startswith("SIGN_BULK"))
    print("\n".join(row for row in out.splitlines() if not row.startswith("SIGN_BULK")))
    _, docs, product, raw, cut, batches = line.split()
    count = int(docs)
    product_rate, raw_rate, cut_rate = count / float(product), count / float(raw), count / float(cut)
    path = "signing batch" if batches == "1" else "action_sign (no signing batch)"
    print(
        f"{count} documents: product ({path}) {product_rate:.2f} docs/s, pyHanko {raw_rate:.2f} docs/s "
        f"[pyHanko with the cut font {cut_rate:.2f} docs/s]"
    )
    print(
        f"BENCH sign-bulk ratio={product_rate / raw_rate:.2f} target={TARGET} docs={count} "
        f"product={product_rate:.2f}docs/s pyhanko={raw_rate:.2f}docs/s pyhanko_cut_font={cut_rate:.2f}docs/s"
    )


if __name__ == "__main__":
    main()
