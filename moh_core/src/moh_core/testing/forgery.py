"""Forged PDFs for the validation tests: what an attacker does to a signed file of the product.

Every forgery is an incremental update appended to the signed bytes (the signed byte ranges stay
intact, so each signature's digest still matches) or a signature made with a certificate or an
algorithm the product's own signing refuses:

* :func:`set_text_field` rewrites a text field's value and appearance (the register number
  changed after the seal, or a "shadow" field filled after signing);
* :func:`add_shadow_field` places an empty, invisible text field over part of a page *before*
  signing, to be filled after it (the "shadow attack" of Mladenov et al., NDSS 2021);
* :func:`remove_signature` empties a signature field or takes it out of the form, leaving its
  stamp on the page;
* :func:`issue_certificate` and :func:`sign_directly` make a certificate of the test PKI with a
  short key or another purpose and sign with pyHanko directly (SHA-1 if asked).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from io import BytesIO

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from moh_core.demo import TestPki

__all__ = [
    "add_shadow_field",
    "issue_certificate",
    "remove_signature",
    "set_text_field",
    "sign_directly",
]

Box = tuple[float, float, float, float]


def _written(writer: IncrementalPdfFileWriter) -> bytes:
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def _field(writer: IncrementalPdfFileWriter, name: str) -> generic.IndirectObject:
    for ref in writer.root["/AcroForm"]["/Fields"]:
        if str(ref.get_object().get("/T")) == name:
            found: generic.IndirectObject = ref
            return found
    raise KeyError(f"no form field {name!r}")


def _appearance(writer: IncrementalPdfFileWriter, box: Box, text: str, cover: bool) -> generic.IndirectObject:
    """A normal appearance drawing ``text`` in Helvetica; ``cover`` paints the box white first,
    hiding what the page shows under it."""
    width, height = box[2] - box[0], box[3] - box[1]
    font = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Font"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
            generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
        }
    )
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    background = f"1 g 0 0 {width:g} {height:g} re f " if cover else ""
    size = max(4.0, min(12.0, height * 0.7))
    ops = f"/Tx BMC q {background}BT 0 g /Helv {size:g} Tf 2 {height * 0.25:g} Td ({escaped}) Tj ET Q EMC"
    stream = generic.StreamObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/XObject"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Form"),
            generic.pdf_name("/BBox"): generic.ArrayObject([generic.FloatObject(v) for v in (0, 0, width, height)]),
            generic.pdf_name("/Resources"): generic.DictionaryObject(
                {
                    generic.pdf_name("/Font"): generic.DictionaryObject(
                        {generic.pdf_name("/Helv"): writer.add_object(font)}
                    )
                }
            ),
        },
        stream_data=ops.encode("latin-1", "replace"),
    )
    return writer.add_object(stream)


def set_text_field(pdf: bytes, name: str, value: str, *, cover: bool = False) -> bytes:
    """Give the text field ``name`` the value ``value`` and an appearance showing it, in a new
    revision, whatever the field holds (a read-only flag or an earlier value is no obstacle)."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    ref = _field(writer, name)
    node = ref.get_object()
    x1, y1, x2, y2 = (float(v) for v in node["/Rect"])
    node[generic.pdf_name("/V")] = generic.pdf_string(value)
    node[generic.pdf_name("/AP")] = generic.DictionaryObject(
        {generic.pdf_name("/N"): _appearance(writer, (x1, y1, x2, y2), value, cover)}
    )
    writer.mark_update(ref)
    return _written(writer)


def add_shadow_field(pdf: bytes, name: str, page: int, box: Box) -> bytes:
    """Add an empty text field over ``box`` of ``page`` whose appearance draws nothing: the page
    looks the same, and whoever signs it signs a field an attacker fills later."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    root = writer.root
    if "/AcroForm" not in root:
        root[generic.pdf_name("/AcroForm")] = writer.add_object(
            generic.DictionaryObject({generic.pdf_name("/Fields"): generic.ArrayObject()})
        )
        writer.update_root()
    form_ref = root.raw_get("/AcroForm")
    if isinstance(form_ref, generic.IndirectObject):
        writer.mark_update(form_ref)
    form = form_ref.get_object()
    page_ref = writer.find_page_for_modification(page)[0]
    width, height = box[2] - box[0], box[3] - box[1]
    empty = generic.StreamObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/XObject"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Form"),
            generic.pdf_name("/BBox"): generic.ArrayObject([generic.FloatObject(v) for v in (0, 0, width, height)]),
        },
        stream_data=b"",
    )
    widget = generic.DictionaryObject(
        {
            generic.pdf_name("/FT"): generic.pdf_name("/Tx"),
            generic.pdf_name("/T"): generic.pdf_string(name),
            generic.pdf_name("/V"): generic.pdf_string(""),
            generic.pdf_name("/DA"): generic.pdf_string("/Helv 10 Tf 0 g"),
            generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Widget"),
            generic.pdf_name("/F"): generic.NumberObject(4),
            generic.pdf_name("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in box]),
            generic.pdf_name("/P"): page_ref,
            generic.pdf_name("/AP"): generic.DictionaryObject({generic.pdf_name("/N"): writer.add_object(empty)}),
        }
    )
    widget_ref = writer.add_object(widget)
    form["/Fields"].append(widget_ref)
    writer.register_annotation(page_ref, widget_ref)
    return _written(writer)


def remove_signature(pdf: bytes, name: str, *, delete_field: bool = False) -> bytes:
    """Empty the signature field ``name`` (its /V removed) or, with ``delete_field``, take the
    field out of the form; its widget stays on the page, so the stamp is still drawn."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    ref = _field(writer, name)
    if delete_field:
        form_ref = writer.root.raw_get("/AcroForm")
        form = form_ref.get_object()
        form[generic.pdf_name("/Fields")] = generic.ArrayObject(
            [other for other in form["/Fields"] if other.idnum != ref.idnum]
        )
        if isinstance(form_ref, generic.IndirectObject):
            writer.mark_update(form_ref)
        else:
            writer.update_root()
    else:
        del ref.get_object()["/V"]
        writer.mark_update(ref)
    return _written(writer)


def issue_certificate(
    pki: TestPki,
    common_name: str,
    *,
    key_bits: int = 2048,
    extended_key_usage: Sequence[x509.ObjectIdentifier] = (),
) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """A certificate of the test PKI's intermediate CA (key usage digitalSignature and
    nonRepudiation, no revocation information), with an RSA key of ``key_bits`` and the given
    extended key usages (critical)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_bits)
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .issuer_name(pki.intermediate.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
    )
    if extended_key_usage:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(extended_key_usage)), critical=True)
    return key, builder.sign(pki.intermediate.private_key, hashes.SHA256())


def sign_directly(
    pdf: bytes,
    key: rsa.RSAPrivateKey,
    certificate: x509.Certificate,
    pki: TestPki,
    *,
    field_name: str = "Signature1",
    md_algorithm: str = "sha256",
) -> bytes:
    """Sign with pyHanko directly (RSA PKCS#1 v1.5, ``md_algorithm``), the intermediate CA's
    certificate embedded: what a tool without the product's policy produces."""
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs([asn1_x509.Certificate.load(pki.intermediate.der)]),
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name, md_algorithm=md_algorithm, subfilter=fields.SigSeedSubFilter.PADES
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    signed: bytes = signers.PdfSigner(metadata, signer=signer).sign_pdf(writer).getvalue()
    return signed
