"""PAdES signing (moh_core.signatures.signing) against the offline test PKI, SoftHSM2 and poppler's pdfsig.

Every signed document is checked with the product's validator (moh_core.signatures.validation, pyHanko's
verdict) and, where it matters, independently with pdfsig through a temporary NSS database
holding the test root. pdfsig's exit code is not a verdict (SIGNING.md): its per-signature lines
are parsed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from fontTools.ttLib import TTFont
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields

from moh_core.demo.pki import CRL_BASE_URL
from moh_core.signatures import (
    FieldBox,
    SignatureProblem,
    SigningProblem,
    StampStyle,
    ValidationMaterial,
    VisibleStamp,
    certificate_check,
    fields,
    interrupted,
    signers,
    signing,
    stamps,
    validate_pdf_signatures,
)
from moh_core.signatures.embedded_fonts import STAMP_FONT_CANDIDATES, find_font, stamp_font
from moh_core.signatures.errors import SigningFailed, SigningRefused
from moh_core.testing.fixtures import (
    append_forged_update,
    find_softhsm,
    make_nss_db,
    make_pdf,
    make_softhsm_token,
    make_timestamper,
    pdfsig_blocks,
)

P = SigningProblem
SIGNER_BOX = (330.0, 90.0, 530.0, 190.0)
SEAL_BOX = (265.0, 75.0, 395.0, 205.0)  # overlaps about a third of the signer box, on its left
ATTACH_BOX = (360.0, 770.0, 565.0, 810.0)  # top right of an A4 page


# ------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def timestamper(pki):
    return make_timestamper(pki)


@pytest.fixture(scope="module")
def signer(pki):
    return signers.load_pkcs12_signer(pki.signer.p12_path.read_bytes(), pki.password)


@pytest.fixture(scope="module")
def document():
    return make_pdf("Quyết định về việc thử nghiệm chữ ký số", pages=2)


@pytest.fixture(scope="module")
def with_fields(document):
    return fields.prepare_fields(
        document,
        [
            FieldBox("signer", 0, SIGNER_BOX),
            FieldBox("seal", 0, SEAL_BOX),
        ],
    )


@pytest.fixture(scope="module")
def seal_token(pki, tmp_path_factory):
    """The agency seal's key in a SoftHSM2 token (stand-in for the agency HSM)."""
    if find_softhsm() is None:
        pytest.skip("softhsm2-util / libsofthsm2.so not installed (Debian package softhsm2)")
    previous = os.environ.get("SOFTHSM2_CONF")
    token = make_softhsm_token(
        tmp_path_factory.mktemp("softhsm"),
        pki.seal,
        chain=[pki.intermediate],
        token_label="moh-seal",
        pin="1234",
        so_pin="5678",
        key_label="seal",
        cert_label="seal",
    )
    seal = signers.load_pkcs11_signer(token.lib_path, token.token_label, token.pin, token.key_label, token.cert_label)
    yield seal
    seal.close()
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


@pytest.fixture(scope="module")
def nss_db(pki, tmp_path_factory):
    """A temporary NSS database trusting the test root, for pdfsig."""
    if shutil.which("pdfsig") is None or shutil.which("certutil") is None:
        pytest.skip("pdfsig (poppler-utils) or certutil (libnss3-tools) not installed")
    directory = tmp_path_factory.mktemp("nss")
    make_nss_db(directory, pki.root.cert_path)
    return directory


@pytest.fixture(scope="module")
def signed_pair(pki, material, signer, seal_token, with_fields, timestamper):
    """Signer (PKCS#12, B-T, handwriting picture) then seal (PKCS#11, B-LT, seal picture)."""
    first = signing.sign(
        with_fields,
        signer,
        field="signer",
        level="B-T",
        timestamper=timestamper,
        stamp=VisibleStamp(
            StampStyle.SIGNER,
            position="KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG",
            image_png=stamps.make_signature_image("Nguyễn Văn An"),
        ),
        reason="Ký ban hành",
        location="Hà Nội",
        material=material,
    )
    second = signing.sign(
        first.pdf,
        seal_token,
        field="seal",
        level="B-LT",
        timestamper=timestamper,
        stamp=VisibleStamp(StampStyle.SEAL, image_png=stamps.make_seal_image("Bộ Y tế")),
        material=material,
    )
    return first, second


def issue(pki, key, common_name: str, *, days: int = 365) -> tuple[bytes, bytes]:
    """An end-entity certificate from the test intermediate: (certificate DER, PKCS#12)."""
    now = datetime.now(UTC)
    issuer = pki.intermediate
    cert = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                    x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                ]
            )
        )
        .issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        [x509.UniformResourceIdentifier(f"{CRL_BASE_URL}/intermediate.crl")],
                        None,
                        None,
                        None,
                    )
                ]
            ),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.private_key.public_key()),
            critical=False,
        )
        .sign(issuer.private_key, hashes.SHA256())
    )
    p12 = pkcs12.serialize_key_and_certificates(
        b"test",
        key,
        cert,
        [issuer.certificate],
        serialization.BestAvailableEncryption(pki.password.encode()),
    )
    return cert.public_bytes(serialization.Encoding.DER), p12


@pytest.fixture(scope="module")
def weak(pki):
    return issue(pki, rsa.generate_private_key(public_exponent=65537, key_size=1024), "Weak Key")


@pytest.fixture(scope="module")
def ec_key():
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="module")
def ec_issued(pki, ec_key):
    return issue(pki, ec_key, "Phạm Thị Dung")


# ------------------------------------------------------------------------------------ helpers


def validate(pki, pdf, *, crls=None):
    return validate_pdf_signatures(
        pdf, material=ValidationMaterial(trust_roots=pki.trust_roots, crls=pki.crls if crls is None else crls)
    )


def by_field(report):
    return {sig.field_name: sig for sig in report.signatures}


def pdfsig(nss_db, pdf: bytes, tmp_path) -> dict[str, list[str]]:
    return pdfsig_blocks(pdf, f"sql:{nss_db}")


def signer_infos(pdf: bytes):
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    result = {}
    for name, value, _ in enumerate_sig_fields(reader, filled_status=True):
        content = cms.ContentInfo.load(value.get_object()["/Contents"])
        result[name] = content["content"]["signer_infos"][0]
    return result


def appearance_stream(pdf: bytes, field_name: str) -> bytes:
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    for name, _, field_ref in enumerate_sig_fields(reader):
        if name == field_name:
            widget = field_ref.get_object()
            return widget["/AP"]["/N"].get_object().data
    raise AssertionError(f"no field {field_name}")


# ------------------------------------------------------------------------------------ keys


def test_pkcs12_wrong_password(pki):
    with pytest.raises(SigningFailed) as info:
        signers.load_pkcs12_signer(pki.signer.p12_path.read_bytes(), "wrong")
    assert info.value.code is P.KEY_LOAD_FAILED


def test_weak_rsa_key_is_refused(pki, material, weak, document):
    cert_der, p12 = weak
    with pytest.raises(SigningRefused) as info:
        signers.load_pkcs12_signer(p12, pki.password)
    assert info.value.code is P.WEAK_KEY and "1024" in info.value.detail
    check = certificate_check.check_signer_certificate(cert_der, material=material)
    assert not check.ok and P.WEAK_KEY in check.problems and check.key_size == 1024
    with pytest.raises(SigningRefused) as info:
        interrupted.prepare_interrupted(
            document,
            field="signer",
            signer_cert_der=cert_der,
            level="B-B",
            chain_der=[pki.intermediate.der],
            material=material,
        )
    assert info.value.code is P.WEAK_KEY


def test_check_of_a_good_certificate(pki, material, signer):
    check = certificate_check.check_signer_certificate(signer, material=material)
    assert check.ok and check.problems == ()
    assert check.common_name == "Nguyễn Văn An" and check.key_algorithm == "rsa"
    assert check.chain_der == (pki.signer.der, pki.intermediate.der, pki.root.der)
    assert set(check.revocation.crls) == set(pki.crls)
    assert abs(check.checked_at - datetime.now(UTC)) < timedelta(minutes=5)


@pytest.mark.parametrize(
    ("entity", "kwargs", "expected"),
    [
        ("expired_signer", {}, P.EXPIRED),
        ("revoked_signer", {}, P.REVOKED),
        ("signer", {"crls": ()}, P.REVOCATION_UNKNOWN),
        ("signer", {"trust_roots": ()}, P.UNTRUSTED),
    ],
)
def test_bad_certificates_are_refused_before_signing(pki, material, with_fields, entity, kwargs, expected):
    bad = signers.load_pkcs12_signer(getattr(pki, entity).p12_path.read_bytes(), pki.password)
    arguments = {"material": replace(material, **kwargs)}
    check = certificate_check.check_signer_certificate(bad, **arguments)
    assert not check.ok and check.problems[0] is expected, check.message
    with pytest.raises(SigningRefused) as info:
        signing.sign(with_fields, bad, field="signer", level="B-B", **arguments)
    assert info.value.code is expected and expected in info.value.codes


def test_key_usage_refusals(pki, material):
    tsa = certificate_check.check_signer_certificate(
        pki.tsa.der, material=replace(material, other_certs=[pki.intermediate.der])
    )
    assert tsa.problems == (P.KEY_USAGE,)  # a time-stamping certificate signs no documents
    root = certificate_check.check_signer_certificate(pki.root.der, material=material)
    assert P.KEY_USAGE in root.problems  # keyCertSign/cRLSign only


# ------------------------------------------------------------------------------------ signing


def test_signer_then_seal_validate_with_pyhanko_and_pdfsig(pki, signed_pair, with_fields, nss_db, tmp_path):
    first, second = signed_pair
    # incremental: every earlier byte is kept as it was
    assert first.pdf.startswith(with_fields) and second.pdf.startswith(first.pdf)
    assert first.check.ok and second.check.ok
    assert first.certificate_der == pki.signer.der and second.certificate_der == pki.seal.der
    assert first.signing_time.tzinfo is not None and first.field_name == "signer"

    report = validate(pki, second.pdf)
    assert report.all_valid, report.summary
    sigs = by_field(report)
    assert list(sigs) == ["signer", "seal"]
    for sig in sigs.values():
        assert sig.valid and sig.trusted and sig.intact and sig.signature_valid
        assert sig.timestamp_valid and not sig.revoked
    assert sigs["signer"].signer_common_name == "Nguyễn Văn An"
    assert sigs["seal"].signer_common_name == "Bộ Y tế (thử nghiệm)"
    assert sigs["signer"].modification_level in ("NONE", "LTA_UPDATES", "FORM_FILLING")

    blocks = pdfsig(nss_db, second.pdf, tmp_path)
    assert set(blocks) == {"signer", "seal"}, blocks
    for name, lines in blocks.items():
        assert "- Signature Validation: Signature is Valid." in lines, (name, lines)
        assert "- Certificate Validation: Certificate is Trusted." in lines, (name, lines)


def test_rsassa_pss_is_the_signature_mechanism(signed_pair):
    _, second = signed_pair
    for name, info in signer_infos(second.pdf).items():
        algorithm = info["signature_algorithm"]
        assert algorithm["algorithm"].native == "rsassa_pss", name
        params = algorithm["parameters"]
        assert params["hash_algorithm"]["algorithm"].native == "sha256"
        assert params["mask_gen_algorithm"]["parameters"]["algorithm"].native == "sha256"
        assert params["salt_length"].native == signers.PSS_SALT_LENGTH
        assert info["digest_algorithm"]["algorithm"].native == "sha256"


def test_b_t_carries_a_signature_timestamp(signed_pair):
    first, _ = signed_pair
    info = signer_infos(first.pdf)["signer"]
    types = [attr["type"].native for attr in info["unsigned_attrs"]]
    assert "signature_time_stamp_token" in types
    assert first.level is signing.SignatureLevel.B_T


def test_b_lt_embeds_dss_and_validates_offline_without_crls(pki, signed_pair):
    first, second = signed_pair
    reader = PdfFileReader(BytesIO(second.pdf), strict=False)
    dss = reader.root["/DSS"]
    assert len(dss["/CRLs"]) >= 2 and len(dss["/Certs"]) >= 2
    assert set(pki.crls) <= set(second.revocation_data.crls)
    offline = by_field(validate(pki, second.pdf, crls=()))
    assert offline["seal"].valid and offline["seal"].revocation_checked, offline["seal"].summary
    # without the DSS (the B-T revision alone) the same offline check cannot establish revocation
    bare = by_field(validate(pki, first.pdf, crls=()))
    assert not bare["signer"].valid
    assert SignatureProblem.REVOCATION_UNKNOWN in bare["signer"].problems


def test_tampering_after_signing_is_detected(pki, signed_pair):
    _, second = signed_pair
    data = bytearray(second.pdf)
    data[data.index(b"/Type /Font") + 7] ^= 0x01  # "Font" -> "Gont", in the signed first revision
    tampered = validate(pki, bytes(data))
    assert tampered.signatures and not any(sig.valid for sig in tampered.signatures)
    assert all(SignatureProblem.TAMPERED in sig.problems for sig in tampered.signatures)
    forged = by_field(validate(pki, append_forged_update(second.pdf)))
    assert not forged["seal"].valid
    assert SignatureProblem.CHANGED_AFTER_SIGNING in forged["seal"].problems  # the last signature
    assert not forged["signer"].valid
    assert SignatureProblem.MODIFIED_AFTER_SIGNING in forged["signer"].problems  # its lock broken


def test_visible_stamps_draw_vietnamese_text_and_pictures(pki, signed_pair, tmp_path):
    _, second = signed_pair
    signer_ap = appearance_stream(second.pdf, "signer")
    seal_ap = appearance_stream(second.pdf, "seal")
    # ActualText spans carry the NFC text (UTF-16BE) drawn with the embedded Noto font
    texts = actual_texts(signer_ap)
    assert texts[:3] == ["KT. BỘ TRƯỞNG", "THỨ TRƯỞNG", "Nguyễn Văn An"], texts
    assert re.fullmatch(r"Ký ngày: \d\d/\d\d/\d{4} \d\d:\d\d:\d\d \+07:00", texts[3]), texts
    assert b" Do" in signer_ap and b"Tf" in signer_ap  # picture and text
    assert b" Do" in seal_ap and b"Tf" not in seal_ap  # seal picture only
    if shutil.which("pdftoppm"):
        (tmp_path / "s.pdf").write_bytes(second.pdf)
        subprocess.run(
            ["pdftoppm", "-r", "36", "-f", "1", "-l", "1", "-png", str(tmp_path / "s.pdf"), str(tmp_path / "page")],
            check=True,
        )
        page = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
        scale = 36 / 72

        def region(x1, y1, x2, y2):
            top, bottom = page.height - y2 * scale, page.height - y1 * scale
            return page.crop((x1 * scale, top, x2 * scale, bottom))

        crop = region(*SEAL_BOX)
        red = sum(1 for r, g, b in crop.getdata() if r > 150 and g < 110 and b < 110)
        assert red > 20, "no red seal drawn in the seal box"
        x1, y1, x2, y2 = SIGNER_BOX
        crop = region(x1 + 60, y1, x2, y2)  # right of the seal's overlap
        blue = sum(1 for r, g, b in crop.getdata() if b > 120 and r < 110)
        assert blue > 5, "no blue handwriting drawn in the signer box"


def test_the_stamp_font_is_cut_once_to_vietnamese_without_layout_tables():
    """Each signature embeds a subset of the stamp font: cut once per process, small, with every
    Vietnamese letter and no OpenType layout table (the per-document subsetting stays quick)."""
    path = str(find_font(STAMP_FONT_CANDIDATES))
    cut = stamp_font(path)
    assert stamp_font(path) is cut
    font = TTFont(BytesIO(cut))
    assert not {"GSUB", "GPOS", "GDEF"} & set(font.keys())
    assert font["head"].unitsPerEm == 1000
    cmap = font.getBestCmap()
    missing = [c for c in "Ký ngày: 03/12/2026 +07:00 ĐđƯưƠơẮẰẲẴẶỆỮỸ" if ord(c) not in cmap]
    assert not missing, missing
    assert len(cut) * 3 < len(Path(path).read_bytes())


def test_text_only_attachment_stamp(pki, material, signer):
    attachment = fields.prepare_fields(make_pdf("Phụ lục kèm theo Quyết định"), [FieldBox("agency", 0, ATTACH_BOX)])
    result = signing.sign(
        attachment,
        signer,
        field="agency",
        level="B-B",
        stamp=VisibleStamp(StampStyle.TEXT_ONLY, number_symbol="15/QĐ-BYT"),
        material=material,
    )
    stream = appearance_stream(result.pdf, "agency")
    shown = result.signing_time.astimezone(stamps.VIETNAM_TZ).isoformat()
    assert shown.endswith("+07:00")
    assert actual_texts(stream) == ["15/QĐ-BYT", shown]
    assert b"/F1 10 Tf" in stream and b" Do" not in stream
    assert validate(pki, result.pdf).all_valid


def test_make_seal_image_is_red_round_and_transparent():
    image = Image.open(BytesIO(stamps.make_seal_image("Bộ Y tế"))).convert("RGBA")
    assert image.size == (600, 600)
    assert image.getpixel((0, 0))[3] == 0 and image.getpixel((300, 5))[3] == 0
    pixels = list(image.getdata())
    red = [p for p in pixels if p[3] > 128 and p[0] > 150 and p[1] < 80 and p[2] < 80]
    assert len(red) > 5000 and all(p[3] == 0 or p[0] > p[2] for p in pixels[::97])


# ------------------------------------------------------------------------------------ fields


def test_field_rules(pki, material, signer, with_fields, signed_pair, document):
    first, _ = signed_pair
    with pytest.raises(SigningFailed) as info:
        fields.prepare_fields(with_fields, [FieldBox("signer", 0, SIGNER_BOX)])
    assert info.value.code is P.FIELD_EXISTS
    with pytest.raises(SigningFailed) as info:
        fields.prepare_fields(first.pdf, [FieldBox("late", 0, SIGNER_BOX)])
    assert info.value.code is P.DOCUMENT_ALREADY_SIGNED
    with pytest.raises(SigningFailed) as info:
        fields.prepare_fields(document, [FieldBox("a", 0, None), FieldBox("a", 1, None)])
    assert info.value.code is P.INVALID_FIELD
    with pytest.raises(SigningFailed) as info:
        fields.prepare_fields(document, [FieldBox("a", 5, SIGNER_BOX)])
    assert info.value.code is P.INVALID_FIELD
    with pytest.raises(SigningFailed) as info:
        signing.sign(first.pdf, signer, field="signer", level="B-B", material=material)
    assert info.value.code is P.FIELD_ALREADY_SIGNED
    with pytest.raises(SigningFailed) as info:
        signing.sign(first.pdf, signer, field="missing", level="B-B", material=material)
    assert info.value.code is P.FIELD_NOT_FOUND
    with pytest.raises(SigningFailed) as info:
        signing.sign(b"not a pdf", signer, field="x", level="B-B", material=material)
    assert info.value.code is P.INVALID_PDF
    with pytest.raises(SigningFailed) as info:
        signing.sign(with_fields, signer, field="signer", level="B-T", material=material)
    assert info.value.code is P.TIMESTAMPER_REQUIRED


def test_missing_field_is_created_in_an_unsigned_document(pki, material, signer, document):
    result = signing.sign(document, signer, field="Signature1", level="B-B", material=material)
    assert result.pdf.startswith(document)
    assert validate(pki, result.pdf).all_valid


# ------------------------------------------------------------------------------------ bulk


def test_bulk_signing_20_documents(pki, material, signer):
    documents = [make_pdf(f"Văn bản số {number:02d}") for number in range(1, 21)]
    check = certificate_check.check_signer_certificate(signer, material=material)
    results = signing.sign_many(
        documents,
        signer,
        field="Signature1",
        level="B-B",
        bytes_reserved=16384,
        check=check,
        material=material,
    )
    assert len(results) == 20
    assert all(result.check is check for result in results)  # checked once for the run
    for document, result in zip(documents, results, strict=True):
        assert result.pdf.startswith(document)
    for result in results[::5]:
        assert validate(pki, result.pdf).all_valid


def test_stale_or_foreign_check_is_not_reused(pki, material, signer, document):
    seal = signers.load_pkcs12_signer(pki.seal.p12_path.read_bytes(), pki.password)
    foreign = certificate_check.check_signer_certificate(seal, material=material)
    with pytest.raises(SigningRefused) as info:
        signing.sign(document, signer, field="S", level="B-B", check=foreign, material=material)
    assert info.value.code is P.CHECK_MISMATCH
    old = certificate_check.check_signer_certificate(
        signer, moment=datetime.now(UTC) - timedelta(hours=1), material=material
    )
    result = signing.sign(document, signer, field="S", level="B-B", check=old, material=material)
    assert result.check is not old and result.check.ok


# ------------------------------------------------------------------------------------ ECDSA


def test_ecdsa_p256_signs_with_sha256(pki, material, ec_issued, document):
    _, p12 = ec_issued
    ec_signer = signers.load_pkcs12_signer(p12, pki.password)
    assert ec_signer.key_algorithm == "ec" and ec_signer.key_size == 256
    result = signing.sign(document, ec_signer, field="Signature1", level="B-B", material=material)
    info = signer_infos(result.pdf)["Signature1"]
    assert info["signature_algorithm"]["algorithm"].native == "sha256_ecdsa"
    assert validate(pki, result.pdf).all_valid


# ------------------------------------------------------------------------------------ interrupted


def test_interrupted_signing_round_trip(pki, material, with_fields, timestamper, nss_db, tmp_path):
    prepared = interrupted.prepare_interrupted(
        with_fields,
        field="signer",
        signer_cert_der=pki.signer.der,
        chain_der=[pki.intermediate.der],
        level="B-LT",
        stamp=VisibleStamp(StampStyle.SIGNER, position="GIÁM ĐỐC"),
        material=material,
    )
    assert prepared.signature_algorithm == "rsassa_pss" and prepared.pss_salt_length == 32
    assert prepared.digest == hashes_sha256(prepared.signed_attrs)
    # the "client": sign the digest with the private key, outside pyHanko
    value = pki.signer.private_key.sign(
        prepared.digest,
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=prepared.pss_salt_length),
        utils.Prehashed(hashes.SHA256()),
    )
    # the state survives a round trip through storage
    stored = tmp_path / "state.bin"
    stored.write_bytes(prepared.state)
    result = interrupted.finish_interrupted(stored.read_bytes(), value, timestamper=timestamper)
    assert result.pdf.startswith(with_fields) and result.field_name == "signer"
    report = by_field(validate(pki, result.pdf, crls=()))  # B-LT: offline, from the DSS
    assert report["signer"].valid and report["signer"].timestamp_valid, report["signer"].summary
    blocks = pdfsig(nss_db, result.pdf, tmp_path)
    assert "- Signature Validation: Signature is Valid." in blocks["signer"]

    with pytest.raises(SigningFailed) as info:
        interrupted.finish_interrupted(prepared.state, bytes(len(value)), timestamper=timestamper)
    assert info.value.code is P.SIGNATURE_MISMATCH
    damaged = bytearray(prepared.state)
    damaged[-10] ^= 0xFF
    with pytest.raises(SigningFailed) as info:
        interrupted.finish_interrupted(bytes(damaged), value, timestamper=timestamper)
    assert info.value.code is P.INVALID_STATE
    with pytest.raises(SigningFailed) as info:
        interrupted.finish_interrupted(prepared.state, value)
    assert info.value.code is P.TIMESTAMPER_REQUIRED


def test_interrupted_ecdsa_accepts_raw_r_s(pki, material, ec_issued, ec_key, document):
    cert_der, _ = ec_issued
    prepared = interrupted.prepare_interrupted(
        document,
        field="Signature1",
        signer_cert_der=cert_der,
        chain_der=[pki.intermediate.der],
        level="B-B",
        material=material,
    )
    assert prepared.signature_algorithm == "ecdsa" and prepared.pss_salt_length is None
    der = ec_key.sign(prepared.signed_attrs, ec.ECDSA(hashes.SHA256()))
    r, s = utils.decode_dss_signature(der)
    raw = r.to_bytes(32, "big") + s.to_bytes(32, "big")  # what PKCS#11 CKM_ECDSA returns
    result = interrupted.finish_interrupted(prepared.state, raw)
    assert validate(pki, result.pdf).all_valid


def actual_texts(stream: bytes) -> list[str]:
    """The /ActualText strings of an appearance stream (literal strings, PDF escapes)."""
    texts = []
    for match in re.finditer(rb"/ActualText \(((?:\\.|[^\\)])*)\)", stream, re.S):
        raw = re.sub(
            rb"\\([0-7]{1,3}|.)",
            lambda m: bytes([int(m.group(1), 8)]) if m.group(1)[:1].isdigit() else m.group(1),
            match.group(1),
        )
        utf16 = raw[:2] == b"\xfe\xff"
        texts.append(raw[2:].decode("utf-16-be") if utf16 else raw.decode("latin-1"))
    return texts


def hashes_sha256(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SHA256())
    digest.update(data)
    return digest.finalize()
