"""Electronic issuing of an outgoing document in Decree 30/2020/NĐ-CP's order.

The competent person signs the draft; THEN the records office writes the register number and the
issue date in their places on the page and applies the agency's signature (the seal). The number
and the date go in AcroForm text fields created with the signature fields before the first
signature (moh_core.signatures.fields.prepare_fields) and filled afterwards (moh_core.signatures.fields.fill_fields):
pyHanko's difference analysis classes the fill as FORM_FILLING, allowed after an approval
signature, so the signer's signature stays valid, while a change to the body does not.

Verdicts come from the product's validator (pyHanko) and, independently, from poppler's pdfsig
with a temporary NSS database trusting the test root; the page text from pdftotext.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import shutil
import subprocess
from io import BytesIO

import pytest
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader

from moh_core.documents.layout import RenderedDocument, render_outgoing_document
from moh_core.signatures import (
    FieldBox,
    SignatureProblem,
    SigningProblem,
    ValidationMaterial,
    embedded_fonts,
    fields,
    signers,
    validate_pdf_signatures,
)
from moh_core.signatures.errors import SigningFailed
from moh_core.testing.fixtures import append_forged_update, make_nss_db, pdfsig_blocks
from moh_core.testing.issuing import (
    DATE,
    NUMBER,
    Issued,
    issue,
    prepare,
    sign_as_seal,
    sign_as_signer,
    text_fields,
)
from moh_core.testing.issuing import decision as quyet_dinh

P = SigningProblem
#: pyHanko's verdict on the signer's signature once the number and date are filled in.
FILLED = "FORM_FILLING"

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdftotext", "pdftoppm")),
    reason="poppler-utils (pdftotext, pdftoppm) is not installed",
)


# ------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def signer(pki):
    return signers.load_pkcs12_signer(pki.signer.p12_path.read_bytes(), pki.password)


@pytest.fixture(scope="module")
def seal(pki):
    """The agency seal's key, from the seal certificate's PKCS#12 file."""
    return signers.load_pkcs12_signer(pki.seal.p12_path.read_bytes(), pki.password)


@pytest.fixture(scope="module")
def nss_db(pki, tmp_path_factory):
    """A temporary NSS database trusting the test root, for pdfsig."""
    if shutil.which("pdfsig") is None or shutil.which("certutil") is None:
        pytest.skip("pdfsig (poppler-utils) or certutil (libnss3-tools) not installed")
    directory = tmp_path_factory.mktemp("nss")
    make_nss_db(directory, pki.root.cert_path)
    return directory


@pytest.fixture(scope="module")
def draft() -> RenderedDocument:
    return render_outgoing_document(quyet_dinh())


@pytest.fixture(scope="module")
def numbered() -> RenderedDocument:
    """The same document with its number and date known at rendering time."""
    return render_outgoing_document(quyet_dinh(number=5, date=dt.date(2026, 11, 20)))


@pytest.fixture(scope="module")
def prepared(draft) -> bytes:
    return prepare(draft.pdf, draft)


@pytest.fixture(scope="module")
def issued(prepared, signer, seal, material) -> Issued:
    """Signer signs (B-B) -> the records office fills number and date -> the seal signs."""
    return issue(prepared, signer, seal, material)


# ------------------------------------------------------------------------------------ helpers


def validate(pki, pdf):
    return {
        sig.field_name: sig
        for sig in validate_pdf_signatures(
            pdf, material=ValidationMaterial(trust_roots=pki.trust_roots, crls=pki.crls)
        ).signatures
    }


def pdfsig(nss_db, pdf: bytes, tmp_path) -> dict[str, list[str]]:
    return pdfsig_blocks(pdf, f"sql:{nss_db}")


def page_text(pdf: bytes, tmp_path, *, layout: bool = True) -> str:
    path = tmp_path / "page.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, check=True).stdout.decode("utf-8")


def words(pdf: bytes, tmp_path) -> list[tuple[str, float, float, float, float]]:
    """pdftotext -bbox words: (text, xMin, yMin, xMax, yMax), y from the top of the page."""
    path = tmp_path / "words.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<'
    return [(text, float(x1), float(y1), float(x2), float(y2)) for x1, y1, x2, y2, text in re.findall(pattern, html)]


def first_word(items, text: str):
    return next(item for item in items if item[0] == text)


def field_dict(pdf: bytes, name: str):
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    for ref in reader.root["/AcroForm"]["/Fields"]:
        node = ref.get_object()
        if str(node.get("/T")) == name:
            return reader, node
    raise AssertionError(f"no field {name}")


def squash(text: str) -> str:
    return " ".join(text.split())


# ------------------------------------------------------------------------------------ layout


def test_draft_reports_the_number_and_date_boxes(draft, numbered, tmp_path):
    assert [box.name for box in draft.text_boxes] == ["number", "date"]
    assert numbered.text_boxes == ()
    number, date = draft.text_box("number"), draft.text_box("date")
    assert (number.font_size, number.italic, number.align) == (13, False, "right")
    assert (date.font_size, date.italic, date.align) == (14, True, "left")
    # the blanks sit where the numbered rendering prints the values: the number ends at the
    # slash, the date starts after "Hà Nội, " on the same line
    found = words(draft.pdf, tmp_path)
    page_height = 841.89
    slash = first_word(found, "/QĐ-BYT")
    assert number.box[2] == pytest.approx(slash[1], abs=0.05)
    place = first_word(found, "Nội,")
    assert date.box[0] > place[3] and date.box[0] - place[3] < 5  # one space
    for box, word in ((number, slash), (date, place)):
        baseline_from_top = word[4]  # pdftotext's yMax: the text's descent below the baseline
        top, bottom = page_height - box.box[3], page_height - box.box[1]
        assert top < word[2] and bottom > baseline_from_top - 5
    assert number.box[2] - number.box[0] == pytest.approx(26.0, abs=0.1)  # "0000" at 13 pt
    assert date.box[3] - date.box[1] == pytest.approx(14 * 1.2, abs=0.05)
    assert draft.signature_boxes == numbered.signature_boxes


# ------------------------------------------------------------------------------------ fields


def test_prepare_creates_read_only_text_fields_with_a_vietnamese_font(prepared, draft):
    assert prepared.startswith(draft.pdf)  # one incremental update
    reader, number = field_dict(prepared, "number")
    assert number["/FT"] == "/Tx" and str(number["/V"]) == ""
    assert int(number["/Ff"]) & 1  # read-only: only fill_fields writes it
    assert int(number["/Q"]) == 2 and str(number["/DA"]) == "/MohSerif 13 Tf 0 g"
    assert "/MK" not in number  # no border, no background
    _, date = field_dict(prepared, "date")
    assert int(date["/Q"]) == 0 and str(date["/DA"]) == "/MohSerif-Italic 14 Tf 0 g"
    form = reader.root["/AcroForm"]
    fonts = form["/DR"]["/Font"]
    assert set(fonts) == {"/MohSerif", "/MohSerif-Italic"}
    for font in fonts.values():
        font = font.get_object()
        assert font["/Subtype"] == "/Type0"
        descendant = font["/DescendantFonts"][0].get_object()
        assert "LiberationSerif" in descendant["/BaseFont"]
        assert "/FontFile2" in descendant["/FontDescriptor"]
        cmap = font["/ToUnicode"].get_object().data
        for letter in "đẫựỳ":  # covers the Vietnamese letters with their marks
            assert f"<{ord(letter):04x}>".encode() in cmap
    # the widgets are on the page, after the two signature widgets
    page = reader.root["/Pages"]["/Kids"][0].get_object()
    assert len(page["/Annots"]) == 4


def test_fill_sets_value_and_appearance_only(issued, tmp_path):
    assert issued.filled.startswith(issued.signed)
    reader, number = field_dict(issued.filled, "number")
    assert str(number["/V"]) == NUMBER
    _, date = field_dict(issued.filled, "date")
    assert str(date["/V"]) == DATE
    stream = date["/AP"]["/N"].get_object()
    assert b"/MohSerif-Italic 14 Tf" in stream.data and b" re" not in stream.data  # no frame
    assert list(stream["/BBox"]) == pytest.approx(
        [0, 0, date["/Rect"][2] - date["/Rect"][0], date["/Rect"][3] - date["/Rect"][1]]
    )
    # the fill's own revision changes the two fields (and the document information) only
    xrefs = reader.xrefs
    last = reader.xrefs.total_revisions - 1
    changed = {ref.idnum for ref in xrefs.explicit_refs_in_revision(last)}
    old_reader, _ = field_dict(issued.signed, "number")
    old_ids = {
        ref.idnum
        for rev in range(old_reader.xrefs.total_revisions)
        for ref in old_reader.xrefs.explicit_refs_in_revision(rev)
    }
    updated = changed & old_ids
    field_ids = {
        ref.idnum for ref in reader.root["/AcroForm"]["/Fields"] if str(ref.get_object()["/T"]) in ("number", "date")
    }
    info = reader.trailer_view.raw_get("/Info")
    assert updated <= field_ids | {info.idnum}, updated


def test_fill_rules(issued, prepared):
    with pytest.raises(SigningFailed) as info:
        fields.fill_fields(issued.filled, {"number": "06"})
    assert info.value.code is P.FIELD_ALREADY_FILLED  # an issued number is never rewritten
    with pytest.raises(SigningFailed) as info:
        fields.fill_fields(prepared, {"so_hieu": "05"})
    assert info.value.code is P.FIELD_NOT_FOUND
    with pytest.raises(SigningFailed) as info:
        fields.fill_fields(prepared, {"signer": "05"})  # a signature field is not a text field
    assert info.value.code is P.FIELD_NOT_FOUND
    with pytest.raises(SigningFailed) as info:
        fields.fill_fields(prepared, {"number": "  "})
    assert info.value.code is P.INVALID_FIELD
    with pytest.raises(SigningFailed) as info:
        fields.fill_fields(prepared, {})
    assert info.value.code is P.INVALID_FIELD


def test_prepare_rules(draft, issued):
    number = text_fields(draft)[0]
    with pytest.raises(SigningFailed) as info:  # fields come before the first signature
        fields.prepare_fields(issued.signed, [], [dataclasses.replace(number, name="late")])
    assert info.value.code is P.DOCUMENT_ALREADY_SIGNED
    with pytest.raises(SigningFailed) as info:
        fields.prepare_fields(draft.pdf, [FieldBox("number", 0, None)], [number])
    assert info.value.code is P.INVALID_FIELD  # duplicate across signature and text fields
    with pytest.raises(SigningFailed) as info:
        fields.prepare_fields(issued.prepared, [], [number])
    assert info.value.code is P.FIELD_EXISTS
    for bad in (
        dataclasses.replace(number, align="justify"),
        dataclasses.replace(number, box=(10, 10, 5, 20)),
        dataclasses.replace(number, page=3),
        dataclasses.replace(number, font_size=1),
    ):
        with pytest.raises(SigningFailed) as info:
            fields.prepare_fields(draft.pdf, [], [bad])
        assert info.value.code is P.INVALID_FIELD, bad
    # text fields alone are fine (a document the seal signs on its own)
    only_text = fields.prepare_fields(draft.pdf, [], [number])
    assert fields.fill_fields(only_text, {"number": "1234"}).startswith(only_text)


# ------------------------------------------------------------------------------------ issuing


def test_signer_then_number_and_date_then_seal_all_valid(pki, issued, nss_db, tmp_path):
    assert issued.sealed.startswith(issued.filled) and issued.signed.startswith(issued.prepared)
    # after the fill, before the seal, the number and date follow the file's last signature: no
    # one has signed them yet, so the file is not a valid signed document on its own
    after_fill = validate(pki, issued.filled)
    assert after_fill["signer"].modification_level == FILLED and after_fill["signer"].docmdp_ok
    assert not after_fill["signer"].valid
    assert after_fill["signer"].problems[0] is SignatureProblem.CHANGED_AFTER_SIGNING

    sigs = validate(pki, issued.sealed)
    assert list(sigs) == ["signer", "seal"]
    for sig in sigs.values():
        assert sig.valid and sig.intact and sig.signature_valid and sig.trusted, sig.summary
        assert SignatureProblem.MODIFIED_AFTER_SIGNING not in sig.problems
    assert sigs["signer"].modification_level == FILLED and sigs["signer"].docmdp_ok
    assert sigs["seal"].modification_level == "NONE"  # nothing after the seal
    assert sigs["signer"].signer_common_name == "Nguyễn Văn An"
    assert sigs["seal"].signer_common_name == "Bộ Y tế (thử nghiệm)"
    # once sealed, the seal vouches for them: the signer's lock let only them and the seal follow
    assert sigs["signer"].problems == (SignatureProblem.NO_TIMESTAMP, SignatureProblem.NOT_COVERING_WHOLE_FILE)

    blocks = pdfsig(nss_db, issued.sealed, tmp_path)
    assert set(blocks) == {"signer", "seal"}, blocks
    for name, lines in blocks.items():
        assert "- Signature Validation: Signature is Valid." in lines, (name, lines)
        assert "- Certificate Validation: Certificate is Trusted." in lines, (name, lines)


def test_number_and_date_read_in_their_places(issued, numbered, tmp_path):
    draft_text = squash(page_text(issued.signed, tmp_path))
    assert re.search(r"Số: /QĐ-BYT", draft_text) and "ngày" not in draft_text.split("QUYẾT")[0]
    text = page_text(issued.sealed, tmp_path)
    flat = squash(text)
    assert f"Số: {NUMBER}/QĐ-BYT" in flat
    assert f"Hà Nội, {DATE}" in flat
    # on one line, as in the numbered rendering
    assert any("/QĐ-BYT" in line and "Hà Nội, ngày 20 tháng 11 năm 2026" in line for line in text.splitlines())
    # the filled values take the place the numbered rendering gives them: the date to the
    # point, the number against the slash; both on the same baseline as the text around them
    filled, known = words(issued.sealed, tmp_path), words(numbered.pdf, tmp_path)
    date = first_word(filled, DATE)
    assert date[1] == pytest.approx(first_word(known, "ngày")[1], abs=0.3)
    assert date[3] == pytest.approx(first_word(known, "2026")[3], abs=0.3)
    assert date[4] == pytest.approx(first_word(known, "2026")[4], abs=0.3)
    number, slash = first_word(filled, NUMBER), first_word(filled, "/QĐ-BYT")
    assert number[3] == pytest.approx(slash[1], abs=0.3)  # "05" ends where "/QĐ-BYT" starts
    assert number[4] == pytest.approx(slash[4], abs=0.3)
    assert slash[4] == pytest.approx(first_word(known, "05/QĐ-BYT")[4], abs=0.3)


def test_filled_page_looks_like_the_numbered_rendering(issued, numbered, tmp_path):
    """The date line of the issued document and of the numbered rendering, pixel by pixel."""

    def render(pdf: bytes, name: str) -> Image.Image:
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "80", "-f", "1", "-l", "1", "-png", str(path), str(tmp_path / name)],
            check=True,
        )
        return Image.open(next(tmp_path.glob(f"{name}*.png"))).convert("L")

    scale = 80 / 72
    x1, y1, x2, y2 = render_outgoing_document(quyet_dinh()).text_box("date").box
    page_height = 841.89
    crop = (
        int(x1 * scale) - 2,
        int((page_height - y2) * scale) - 2,
        int(x2 * scale) + 2,
        int((page_height - y1) * scale) + 2,
    )
    issued_img = render(issued.sealed, "issued").crop(crop)
    known_img = render(numbered.pdf, "numbered").crop(crop)
    ink = sum(1 for value in known_img.getdata() if value < 128)
    assert ink > 150  # the date is there
    differing = sum(1 for a, b in zip(issued_img.getdata(), known_img.getdata(), strict=True) if abs(a - b) > 64)
    assert differing < ink * 0.1, (differing, ink)


def test_changing_the_body_after_the_signer_signed_invalidates_it(pki, issued, caplog):
    caplog.set_level(logging.CRITICAL, logger="pyhanko")
    forged = validate(pki, append_forged_update(issued.signed, "Điều 1. Bãi bỏ"))
    assert not forged["signer"].valid
    assert forged["signer"].problems[0] is SignatureProblem.CHANGED_AFTER_SIGNING
    assert forged["signer"].modification_level == "OTHER"
    # also once filled in: the fill does not open the door to other changes
    forged = validate(pki, append_forged_update(issued.filled))
    assert not forged["signer"].valid
    assert SignatureProblem.CHANGED_AFTER_SIGNING in forged["signer"].problems
    # and once sealed: the seal's lock allows nothing, the signer's allows no change to the body
    forged = validate(pki, append_forged_update(issued.sealed))
    assert forged["seal"].problems[0] is SignatureProblem.CHANGED_AFTER_SIGNING
    assert forged["signer"].problems[0] is SignatureProblem.MODIFIED_AFTER_SIGNING
    assert not any(sig.valid for sig in forged.values())


def test_filling_after_the_seal_is_rejected(pki, signer, seal, material, prepared, caplog):
    """A field filled after the seal: the seal's signature is no longer valid (it locks every
    field, and nothing but validation data may follow the last signature); the signer's stays
    valid, since its lock left the date open, but the document as a whole is not."""
    caplog.set_level(logging.CRITICAL, logger="pyhanko")
    signed = sign_as_signer(prepared, signer, material)
    numbered_only = fields.fill_fields(signed, {"number": NUMBER})
    sealed = sign_as_seal(numbered_only, seal, material)
    late = fields.fill_fields(sealed, {"date": DATE})
    report = validate_pdf_signatures(late, material=material)
    sigs = {sig.field_name: sig for sig in report.signatures}
    assert not report.all_valid
    assert not sigs["seal"].valid and sigs["seal"].docmdp_ok is False
    assert sigs["seal"].problems[0] is SignatureProblem.CHANGED_AFTER_SIGNING
    assert SignatureProblem.NOT_COVERING_WHOLE_FILE not in sigs["seal"].problems
    assert sigs["signer"].valid and sigs["signer"].modification_level == FILLED


def test_prepared_fields_lock_in_signing_order(prepared):
    """The signer's field locks all but the number, the date and the seal (form filling and
    signing allowed, DocMDP P 2); the seal's, the last, locks everything (P 1)."""
    _, signer_field = field_dict(prepared, "signer")
    lock = signer_field["/Lock"]
    assert (lock["/Type"], lock["/Action"], int(lock["/P"])) == ("/SigFieldLock", "/Exclude", 2)
    assert [str(name) for name in lock["/Fields"]] == ["number", "date", "seal"]
    _, seal_field = field_dict(prepared, "seal")
    lock = seal_field["/Lock"]
    assert (lock["/Action"], int(lock["/P"])) == ("/All", 1) and "/Fields" not in lock


def test_noto_serif_when_liberation_serif_is_missing(draft, monkeypatch, tmp_path):
    def missing(*args, **kwargs):
        raise embedded_fonts.FontNotFoundError("no Liberation Serif")

    monkeypatch.setattr(embedded_fonts, "find_font_dir", missing)
    prepared = prepare(draft.pdf, draft)
    filled = fields.fill_fields(prepared, {"number": NUMBER, "date": DATE})
    _, date = field_dict(filled, "date")
    font = date["/AP"]["/N"].get_object()["/Resources"]["/Font"]["/MohSerif-Italic"]
    assert "NotoSerif-Italic" in font.get_object()["/DescendantFonts"][0].get_object()["/BaseFont"]
    assert f"Hà Nội, {DATE}" in squash(page_text(filled, tmp_path))


def test_pdfsig_verdicts_read_the_per_signature_lines(pki, issued):
    """The helper the Odoo tests use agrees with the lines read above."""
    from moh_core.testing.fixtures import pdfsig_verdicts

    if shutil.which("pdfsig") is None or shutil.which("certutil") is None:
        pytest.skip("pdfsig (poppler-utils) or certutil (libnss3-tools) not installed")
    verdicts = pdfsig_verdicts(issued.sealed, pki.root.cert_path)
    assert set(verdicts) == {"signer", "seal"}
    assert all(v["valid"] and v["trusted"] for v in verdicts.values())
