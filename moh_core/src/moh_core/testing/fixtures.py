"""Test helpers for PDFs and PAdES signatures, shared by ``moh_core``'s tests and the addons' tests.

They build the inputs the signature tests need (a small PDF, a PAdES B-B or B-T signature from a
PKCS#12 file of :mod:`moh_core.demo.pki`, a forged incremental update after a signature) without
network access. Nothing here imports Odoo, and nothing here is meant for production signing:
:func:`sign_pdf` reloads the key on every call, which is the slow path measured in SIGNING.md.
"""

from __future__ import annotations

import subprocess
import zlib
from collections.abc import Sequence
from io import BytesIO
from os import PathLike
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from moh_core.demo import (
    SOFTHSM_LIBRARY_CANDIDATES,
    SoftHsmToken,
    TestPki,
    demo_timestamper,
    find_softhsm,
    make_pdf,
    make_softhsm_token,
)

__all__ = [
    "SOFTHSM_LIBRARY_CANDIDATES",
    "SoftHsmToken",
    "append_forged_update",
    "deflate_zeros",
    "find_softhsm",
    "inflating_pdf",
    "make_pdf",
    "make_softhsm_token",
    "make_timestamper",
    "raw_pdf",
    "sign_pdf",
]


def make_timestamper(pki: TestPki) -> DummyTimeStamper:
    """An in-process RFC 3161 TSA signing with the test PKI's TSA key (for PAdES B-T tests):
    the demo's TSA (:func:`moh_core.demo.demo_timestamper`)."""
    return demo_timestamper(pki.directory, pki.password)


def sign_pdf(
    pdf_bytes: bytes,
    p12_path: str | PathLike[str],
    password: str,
    *,
    field_name: str = "Signature1",
    timestamp_url: str | None = None,
    timestamper: TimeStamper | None = None,
) -> bytes:
    """Append a PAdES signature (``ETSI.CAdES.detached``, SHA-256) in an incremental update.

    Without a timestamp this is PAdES B-B; ``timestamp_url`` (an RFC 3161 server) or
    ``timestamper`` (e.g. :func:`make_timestamper`) makes it B-T. The certificates in the
    PKCS#12 file (the CA chain for :mod:`moh_core.demo.pki` files) are embedded in the CMS.
    """
    if timestamp_url and timestamper:
        raise ValueError("give timestamp_url or timestamper, not both")
    signer = signers.SimpleSigner.load_pkcs12(p12_path, passphrase=password.encode())
    if signer is None:  # pyHanko logs the cause and returns None instead of raising
        raise ValueError(f"could not load the PKCS#12 file {p12_path} (wrong password?)")
    if timestamp_url:
        timestamper = HTTPTimeStamper(timestamp_url)
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes), strict=False)
    pdf_signer = signers.PdfSigner(metadata, signer=signer, timestamper=timestamper)
    output = pdf_signer.sign_pdf(writer)
    signed: bytes = output.getvalue()
    return signed


def append_forged_update(pdf_bytes: bytes, text: str = "FORGED") -> bytes:
    """Replace the first page's content in a new incremental update, keeping earlier bytes intact.

    This is the attack described in SIGNING.md: every signature's digest still matches its byte
    range, so only a difference analysis of the revisions after the signature notices it.
    """
    writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes), strict=False)
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    font = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Font"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
            generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
        }
    )
    page["/Resources"] = generic.DictionaryObject(
        {generic.pdf_name("/Font"): generic.DictionaryObject({generic.pdf_name("/FForged"): writer.add_object(font)})}
    )
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    # The standard Helvetica has no Vietnamese glyphs: characters outside Latin-1 become "?".
    content = f"BT /FForged 24 Tf 72 700 Td ({escaped}) Tj ET".encode("latin-1", "replace")
    page["/Contents"] = writer.add_object(generic.StreamObject(stream_data=content))
    writer.update_container(page)
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def pdftotext(path: str | PathLike[str], first: int | None = None, last: int | None = None) -> str:
    """The text of a PDF file as poppler's ``pdftotext -layout`` reads it (pages ``first``-``last``)."""
    import subprocess  # noqa: PLC0415

    args = ["pdftotext", "-layout", "-enc", "UTF-8"]
    if first is not None:
        args += ["-f", str(first)]
    if last is not None:
        args += ["-l", str(last)]
    return subprocess.run([*args, str(path), "-"], capture_output=True, check=True).stdout.decode("utf-8")


def make_nss_db(directory: str | PathLike[str], root_cert_pem_path: str | PathLike[str]) -> str:
    """An NSS database in ``directory`` trusting the test root, for pdfsig; returns its spec.

    "C,C,C": pdfsig checks signing certificates with the S/MIME trust bit ("C,," leaves them
    "issuer isn't Trusted"). Needs libnss3-tools (certutil).
    """
    import shutil  # noqa: PLC0415
    import subprocess  # noqa: PLC0415

    if shutil.which("pdfsig") is None or shutil.which("certutil") is None:
        raise RuntimeError("pdfsig (poppler-utils) or certutil (libnss3-tools) is not installed")
    nss = f"sql:{directory}"
    subprocess.run(["certutil", "-N", "-d", nss, "--empty-password"], check=True, capture_output=True)
    subprocess.run(
        ["certutil", "-d", nss, "-A", "-n", "root", "-t", "C,C,C", "-i", str(root_cert_pem_path)],
        check=True,
        capture_output=True,
    )
    return nss


def pdfsig_blocks(pdf: bytes, nss: str) -> dict[str, list[str]]:
    """poppler's pdfsig output for ``pdf``, as its lines per signature field.

    pdfsig's exit code is no verdict (SIGNING.md): callers read these lines.
    """
    import re  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import tempfile  # noqa: PLC0415

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        output = subprocess.run(
            ["pdfsig", "-nssdir", nss, handle.name], capture_output=True, text=True, timeout=60, check=False
        ).stdout
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in output.splitlines():
        if re.match(r"^Signature #\d+:", line):
            current = []
            continue
        if current is None:
            continue
        field = re.match(r"^\s*- Signature Field Name: (.*)$", line)
        if field:
            blocks[field.group(1).strip()] = current
        current.append(line.strip())
    return blocks


def pdfsig_verdicts(pdf: bytes, root_cert_pem_path: str | PathLike[str]) -> dict[str, dict[str, object]]:
    """pdfsig's verdict per signature field, with the test root trusted: ``valid`` ("Signature is
    Valid."), ``trusted`` ("Certificate is Trusted.") and the raw ``lines``."""
    import tempfile  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as directory:
        blocks = pdfsig_blocks(pdf, make_nss_db(directory, root_cert_pem_path))
    return {
        name: {
            "lines": lines,
            "valid": "Signature Validation: Signature is Valid." in "\n".join(lines),
            "trusted": "Certificate Validation: Certificate is Trusted." in "\n".join(lines),
        }
        for name, lines in blocks.items()
    }


class TimestampServer:
    """An RFC 3161 timestamp authority over HTTP on loopback (the test PKI's TSA), so that code
    configured with a TSA URL, as the product is, can be tested end to end. Use as a context
    manager; ``url`` is where to send requests."""

    def __init__(self, pki: TestPki):
        import http.server  # noqa: PLC0415
        import threading  # noqa: PLC0415

        from asn1crypto import tsp  # noqa: PLC0415

        stamper = make_timestamper(pki)

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                response = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(response)))
                self.end_headers()
                self.wfile.write(response)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/tsa"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> TimestampServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()


# -- hand-made PDFs and decompression bombs --------------------------------------------------------

_MiB = 1024 * 1024


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF assembled by hand from numbered object bodies (object 1 is the catalog)."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def deflate_zeros(size: int) -> bytes:
    """zlib of ``size`` zero bytes, compressed piece by piece (the zeros never all in memory)."""
    compressor = zlib.compressobj(9)
    block = bytes(_MiB)
    parts = [compressor.compress(block) for _ in range(size // _MiB)]
    parts.append(compressor.compress(bytes(size % _MiB)))
    parts.append(compressor.flush())
    return b"".join(parts)


def inflating_pdf(stream_sizes: list[int]) -> bytes:
    """A valid PDF with one page per size, each page's content stream the zlib of that many
    zero bytes: 200 MiB of content fits in a ~200 KiB file (a "decompression bomb")."""
    count = len(stream_sizes)
    kids = b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(count))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count)]
    for i, size in enumerate(stream_sizes):
        stream = deflate_zeros(size)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>" % (4 + 2 * i))
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream))
    return raw_pdf(objects)


def register_headings(pdf: bytes, widths_mm: Sequence[float], left_mm: float = 20) -> list[str]:
    """The column headings of the first page of a printed register, column by column, as the
    reader sees them: poppler's ``pdftotext -bbox`` gives each word's position; the words printed
    above the column numbers "(1)", "(2)", ... and below the cover block are sorted into the
    columns whose edges ``widths_mm`` (from ``left_mm``) give, and read top to bottom, left to
    right. A heading in the wrong column, or out of order, reads back wrong."""
    import html  # noqa: PLC0415
    import re  # noqa: PLC0415
    import tempfile  # noqa: PLC0415

    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        out = subprocess.run(
            ["pdftotext", "-bbox", "-f", "1", "-l", "1", file.name, "-"], capture_output=True, check=True
        ).stdout.decode("utf-8")
    words = [
        (float(x0), float(y0), float(x1), html.unescape(text))
        for x0, y0, x1, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>', out
        )
    ]
    number_row = min(y for _x0, y, _x1, text in words if text == "(1)")
    cover_end = max(y for _x0, y, _x1, text in words if text.startswith("Từ") and y < number_row)
    mm_pt = 72 / 25.4
    edges = [left_mm * mm_pt]
    for width in widths_mm:
        edges.append(edges[-1] + width * mm_pt)
    columns: list[list[tuple[float, float, str]]] = [[] for _ in widths_mm]
    for x0, y, x1, text in words:
        if cover_end < y < number_row - 1:
            centre = (x0 + x1) / 2
            index = next(i for i in range(len(widths_mm)) if edges[i] <= centre < edges[i + 1])
            columns[index].append((round(y), x0, text))
    return [" ".join(text for _y, _x, text in sorted(column)) for column in columns]
