"""Test helpers for PDFs and PAdES signatures, shared by ``moh_core``'s tests and the addons' tests.

They build the inputs the signature tests need (a small PDF, a PAdES B-B or B-T signature from a
PKCS#12 file of :mod:`moh_core.pki`, a forged incremental update after a signature) without
network access. Nothing here imports Odoo, and nothing here is meant for production signing:
:func:`sign_pdf` reloads the key on every call, which is the slow path measured in SIGNING.md.
"""

from __future__ import annotations

from io import BytesIO
from os import PathLike

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from moh_core.fonts import FontNotFoundError, nfc, register_fonts
from moh_core.pki import TestPki

__all__ = [
    "append_forged_update",
    "make_pdf",
    "make_timestamper",
    "sign_pdf",
]

_FALLBACK_FONT = "Helvetica"


def _font_name() -> str:
    """Liberation Serif (Vietnamese glyphs) when installed; Helvetica keeps tests running without."""
    try:
        return register_fonts()
    except FontNotFoundError:
        return _FALLBACK_FONT


def make_pdf(text: str = "Văn bản thử nghiệm — Bộ Y tế", pages: int = 1) -> bytes:
    """A small, reproducible PDF with ``text`` (and the page number) on each of ``pages`` pages.

    reportlab's ``invariant`` mode fixes the dates and document ID, so equal arguments give equal
    bytes, which keeps signature tests deterministic up to the signature itself.
    """
    if pages < 1:
        raise ValueError("pages must be at least 1")
    font = _font_name()
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    pdf.setTitle(nfc(text))
    _, height = A4
    for number in range(1, pages + 1):
        pdf.setFont(font, 14)
        pdf.drawString(72, height - 96, nfc(text))
        pdf.setFont(font, 10)
        pdf.drawString(72, 48, f"Trang {number}/{pages}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def make_timestamper(pki: TestPki) -> TimeStamper:
    """An in-process RFC 3161 TSA signing with the test PKI's TSA key (for PAdES B-T tests)."""
    tsa_cert = asn1_x509.Certificate.load(pki.tsa.der)
    tsa_key = asn1_keys.PrivateKeyInfo.load(
        pki.tsa.private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    chain = [asn1_x509.Certificate.load(pki.intermediate.der)]
    return DummyTimeStamper(tsa_cert=tsa_cert, tsa_key=tsa_key, certs_to_embed=chain)


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
    PKCS#12 file (the CA chain for :mod:`moh_core.pki` files) are embedded in the CMS.
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
    return output.getvalue()


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
        {
            generic.pdf_name("/Font"): generic.DictionaryObject(
                {generic.pdf_name("/FForged"): writer.add_object(font)}
            )
        }
    )
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    # The standard Helvetica has no Vietnamese glyphs: characters outside Latin-1 become "?".
    content = f"BT /FForged 24 Tf 72 700 Td ({escaped}) Tj ET".encode("latin-1", "replace")
    page["/Contents"] = writer.add_object(generic.StreamObject(stream_data=content))
    writer.update_container(page)
    output = BytesIO()
    writer.write(output)
    return output.getvalue()
