"""Archive packages (moh_core.archive): an E-ARK SIP 2.1.0 / CSIP 2.1.0 of a closed records file,
built from a real Decree 30 decision signed with the test PKI, checked with the E-ARK validator
(eark-validator), read back, and tampered with."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import stat
import zipfile
from importlib import resources
from pathlib import Path
from unittest import mock

import pytest
from lxml import etree

from moh_core.archive import (
    CSIP_VERSION,
    SIP_VERSION,
    ArchiveError,
    ArchiveProblem,
    ItemRole,
    PackageContent,
    PackageFile,
    PackageItem,
    build_package,
    read_package,
    validation_report_dict,
    write_package,
)
from moh_core.archive.pdfa import is_pdfa_2b
from moh_core.archive.plan import safe_name
from moh_core.archive.reports import report_json
from moh_core.documents.layout import render_outgoing_document
from moh_core.signatures import signers, validate_pdf_signatures
from moh_core.testing.fixtures import append_forged_update
from moh_core.testing.issuing import decision, issued_decision

NS = {
    "mets": "http://www.loc.gov/METS/",
    "xlink": "http://www.w3.org/1999/xlink",
    "premis": "http://www.loc.gov/premis/v3",
    "dc": "http://purl.org/dc/elements/1.1/",
    "csip": "https://DILCIS.eu/XML/METS/CSIPExtensionMETS",
}
CREATED = dt.datetime(2026, 12, 3, 9, 30, tzinfo=dt.UTC)
SIGNED_PATH = "representations/rep1/data/001/Quyet_dinh_signed.pdf"
DRAFT_PATH = "representations/rep1/data/002/Du_thao_quyet_dinh.pdf"
INCOMING_PATH = "representations/rep1/data/003/Cong_van_den.pdf"


# -- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sealed(pki, material):
    signer = signers.load_pkcs12_signer(pki.signer.p12_path.read_bytes(), pki.password)
    seal = signers.load_pkcs12_signer(pki.seal.p12_path.read_bytes(), pki.password)
    return issued_decision(signer, seal, material).sealed


@pytest.fixture(scope="module")
def filing_report(sealed, material):
    return validate_pdf_signatures(sealed, material=material)


@pytest.fixture(scope="module")
def draft_pdf():
    return render_outgoing_document(decision(number=None, date=None)).pdf


@pytest.fixture(scope="module")
def incoming_pdf():
    return render_outgoing_document(decision(agency="SỞ Y TẾ HÀ NỘI", symbol="SYT-NVY")).pdf


@pytest.fixture(scope="module")
def records_file():
    return PackageFile(
        code="01.03/2026/VP-BYT",
        title="Hồ sơ ban hành Quyết định về việc thử nghiệm hệ thống văn phòng điện tử",
        start_date=dt.date(2026, 3, 2),
        end_date=dt.date(2026, 11, 27),
        retention="Vĩnh viễn",
        agency="Bộ Y tế",
        agency_code="G12",
        keywords=("văn phòng điện tử", "quyết định"),
        description="Hồ sơ công việc của Văn phòng Bộ.",
    )


@pytest.fixture(scope="module")
def items(sealed, filing_report, draft_pdf, incoming_pdf):
    report = validation_report_dict(filing_report)
    return [
        PackageItem(
            "OUT-2026-0042",
            "Quyết định về việc thử nghiệm",
            ItemRole.OUTGOING,
            [
                PackageContent(
                    "Quyết định (signed).pdf",
                    sealed,
                    "application/pdf",
                    produced_here=True,
                    signed=True,
                    validation_report=report,
                    recorded_at=dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC),
                    recorded_sha256=hashlib.sha256(sealed).hexdigest().upper(),
                )
            ],
            date=dt.date(2026, 11, 20),
            metadata={"number": "42/QĐ-BYT", "signer": "Lê Quang Trung"},
        ),
        PackageItem(
            "TASK-17",
            "Dự thảo trình lãnh đạo",
            ItemRole.TASK,
            [
                PackageContent(
                    "Dự thảo quyết định.pdf",
                    draft_pdf,
                    "application/pdf",
                    produced_here=True,
                    recorded_at=dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC),
                ),
                PackageContent("ghi chú.txt", "Ý kiến: đồng ý.\n".encode(), "text/plain"),
            ],
        ),
        PackageItem(
            "IN-2026-0101",
            "Công văn đề nghị của Sở Y tế",
            ItemRole.INCOMING,
            [
                PackageContent(
                    "Công văn đến.pdf",
                    incoming_pdf,
                    "application/pdf",
                    recorded_at=dt.datetime(2026, 3, 2, 7, 45, tzinfo=dt.UTC),
                )
            ],
            date=dt.date(2026, 3, 2),
        ),
    ]


@pytest.fixture(scope="module")
def package(records_file, items):
    return build_package(records_file, items, created=CREATED, agent="Nguyễn Thị Thu Hà")


@pytest.fixture(scope="module")
def unpacked(package):
    return _files(package)


@pytest.fixture(scope="module")
def checker(material):
    return lambda data: validate_pdf_signatures(data, material=material)


# -- helpers --------------------------------------------------------------------------------


def _files(package: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}


def _root(package: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return archive.namelist()[0].split("/", 1)[0]


def _zip(entries: dict[str, bytes], root: str = "pkg") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(f"{root}/{name}" if root else name, data)
    return out.getvalue()


def _repack(package: bytes, files: dict[str, bytes]) -> bytes:
    return _zip(files, _root(package))


def _reseal(files: dict[str, bytes], path: str) -> None:
    """Rewrite the digests of ``path`` (in the representation METS) and of that METS (in the root
    METS), as someone who changed the file and knows the format would."""
    rep_path = "representations/rep1/METS.xml"
    rep = etree.fromstring(files[rep_path])
    href = path.removeprefix("representations/rep1/")
    for locator in rep.iterfind(".//mets:FLocat", NS):
        if locator.get(f"{{{NS['xlink']}}}href") == href:
            locator.getparent().set("CHECKSUM", hashlib.sha256(files[path]).hexdigest())
            locator.getparent().set("SIZE", str(len(files[path])))
    files[rep_path] = etree.tostring(rep, xml_declaration=True, encoding="UTF-8")
    root = etree.fromstring(files["METS.xml"])
    for locator in root.iterfind(".//mets:FLocat", NS):
        if locator.get(f"{{{NS['xlink']}}}href") == rep_path:
            locator.getparent().set("CHECKSUM", hashlib.sha256(files[rep_path]).hexdigest())
    files["METS.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _local_vocabulary(url: str, *args: object, **kwargs: object) -> io.BufferedReader:
    """The E-ARK vocabularies the validator downloads when imported, from its own package."""
    import eark_validator.ipxml.resources.vocabs as vocabularies

    return resources.files(vocabularies).joinpath(url.rsplit("/", 1)[1]).open("rb")


def _eark_validate(path: Path):
    """The E-ARK validator's report on the package folder ``path`` (CSIP/SIP 2.1.0)."""
    with mock.patch("urllib.request.urlopen", _local_vocabulary):
        from eark_validator import packages
        from eark_validator.specifications.specification import SpecificationVersion

    return packages.PackageValidator(path, SpecificationVersion.V2_1_0).validation_report


def _errors(report) -> list[tuple[str, str]]:
    messages = [*report.structure.messages]
    if report.metadata is not None:
        messages += report.metadata.schema_results.messages + report.metadata.schematron_results.messages
    return [(m.rule_id, m.location) for m in messages if m.severity.name == "ERROR"]


#: eark-validator 1.1.3's SIP14 asks every note of a ROLE="CREATOR" agent for an unqualified
#: NOTETYPE="IDENTIFICATIONCODE"; the specification asks it (as csip:NOTETYPE) of the archival
#: creator agent, ROLE="ARCHIVIST" in its example, which the package writes. CSIP11-16 make the
#: software agent that ROLE="CREATOR" agent with exactly one note, csip:NOTETYPE="SOFTWARE
#: VERSION", and METS 1.12 allows only namespaced attributes on a note. No package satisfies both
#: (test_sip14_cannot_be_met_with_csip16 proves it on this package; docs/archive-packages.md has
#: the rule texts); every other rule is met.
SIP14_ON_SOFTWARE_AGENT = "SIP14"


# -- the package against the E-ARK validator -----------------------------------------------


def test_package_passes_the_eark_validator(package, tmp_path):
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        archive.extractall(tmp_path)
    report = _eark_validate(tmp_path / _root(package))
    assert report.structure.status.name == "WELLFORMED"
    assert report.metadata.schema_results.status.name == "VALID", report.metadata.schema_results.messages
    errors = _errors(report)
    assert [rule for rule, _ in errors] == [SIP14_ON_SOFTWARE_AGENT], errors
    assert "agent[@ROLE = 'CREATOR']/mets:note" in errors[0][1]
    assert report.package.details.oaispackagetype == "SIP"


def test_sip14_cannot_be_met_with_csip16(package, tmp_path):
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        archive.extractall(tmp_path)
    folder = tmp_path / _root(package)
    mets = folder / "METS.xml"
    mets.write_bytes(
        mets.read_bytes().replace(
            b'csip:NOTETYPE="SOFTWARE VERSION"', b'csip:NOTETYPE="SOFTWARE VERSION" NOTETYPE="IDENTIFICATIONCODE"'
        )
    )
    report = _eark_validate(folder)
    assert [rule for rule, _ in _errors(report)] == ["XML-1"]  # the METS schema refuses the attribute


def test_folder_is_the_zip_unpacked(records_file, items, package, tmp_path):
    root = write_package(records_file, items, tmp_path, created=CREATED, agent="Nguyễn Thị Thu Hà")
    assert root.name == _root(package)
    on_disk = {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert on_disk == _files(package)
    assert [rule for rule, _ in _errors(_eark_validate(root))] == [SIP14_ON_SOFTWARE_AGENT]
    with pytest.raises(FileExistsError):
        write_package(records_file, items, tmp_path, created=CREATED, agent="Nguyễn Thị Thu Hà")


def test_representation_mets_is_valid_mets(unpacked):
    from eark_validator.ipxml.schema import IP_SCHEMA

    for path in ("METS.xml", "representations/rep1/METS.xml"):
        document = etree.fromstring(unpacked[path])
        assert IP_SCHEMA["csip"].validate(document), IP_SCHEMA["csip"].error_log
    rep = etree.fromstring(unpacked["representations/rep1/METS.xml"])
    items = rep.findall(".//mets:structMap[@TYPE='LOGICAL']/mets:div/mets:div", NS)
    assert [(div.get("TYPE"), div.get("ORDERLABEL")) for div in items] == [
        ("outgoing", "OUT-2026-0042"),
        ("task", "TASK-17"),
        ("incoming", "IN-2026-0101"),
    ]
    assert [len(div.findall("mets:fptr", NS)) for div in items] == [1, 2, 1]


# -- what is in it --------------------------------------------------------------------------


def test_layout_and_determinism(records_file, items, package):
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        names = archive.namelist()
        assert {info.date_time for info in archive.infolist()} == {(2026, 12, 3, 9, 30, 0)}
    assert names == sorted(names)
    assert len({name.split("/", 1)[0] for name in names}) == 1
    paths = [name.split("/", 1)[1] for name in names]
    assert paths == [
        "METS.xml",
        "documentation/package-description.txt",
        "metadata/descriptive/dc.xml",
        "metadata/descriptive/item-001.dc.xml",
        "metadata/descriptive/item-002.dc.xml",
        "metadata/descriptive/item-003.dc.xml",
        "metadata/preservation/001-Quyet_dinh_signed.pdf.validation.json",
        "metadata/preservation/premis.xml",
        "representations/rep1/METS.xml",
        SIGNED_PATH,
        DRAFT_PATH,
        "representations/rep1/data/002/ghi_chu.txt",
        INCOMING_PATH,
        "schemas/DILCISExtensionMETS.xsd",
        "schemas/DILCISExtensionSIPMETS.xsd",
        "schemas/mets.xsd",
        "schemas/xlink.xsd",
    ]
    assert build_package(records_file, items, created=CREATED, agent="Nguyễn Thị Thu Hà") == package


def test_signed_pdf_is_byte_identical_and_draft_is_pdfa(unpacked, sealed, draft_pdf, incoming_pdf):
    assert unpacked[SIGNED_PATH] == sealed
    assert unpacked[INCOMING_PATH] == incoming_pdf  # not produced here: as received
    assert unpacked[DRAFT_PATH] != draft_pdf
    assert is_pdfa_2b(unpacked[DRAFT_PATH])
    assert not is_pdfa_2b(draft_pdf)


def test_every_file_has_its_sha256_in_mets_and_premis(unpacked):
    listed: dict[str, str] = {}
    root = etree.fromstring(unpacked["METS.xml"])
    rep = etree.fromstring(unpacked["representations/rep1/METS.xml"])
    for document, base in ((root, ""), (rep, "representations/rep1/")):
        for element in document.iterfind(".//mets:file", NS):
            assert element.get("CHECKSUMTYPE") == "SHA-256"
            href = element.find("mets:FLocat", NS).get(f"{{{NS['xlink']}}}href")
            listed[base + href] = element.get("CHECKSUM")
            assert int(element.get("SIZE")) == len(unpacked[base + href])
        for element in document.iterfind(".//mets:mdRef", NS):
            listed[element.get(f"{{{NS['xlink']}}}href")] = element.get("CHECKSUM")
    assert set(listed) == set(unpacked) - {"METS.xml"}
    for path, digest in listed.items():
        assert hashlib.sha256(unpacked[path]).hexdigest() == digest, path
    premis = etree.fromstring(unpacked["metadata/preservation/premis.xml"])
    fixity = {
        obj.findtext("premis:objectIdentifier/premis:objectIdentifierValue", namespaces=NS): obj.findtext(
            "premis:objectCharacteristics/premis:fixity/premis:messageDigest", namespaces=NS
        )
        for obj in premis.iterfind("premis:object", NS)
    }
    data_files = {path for path in unpacked if "/data/" in path or path.endswith(".validation.json")}
    assert set(fixity) == data_files
    for path, digest in fixity.items():
        assert hashlib.sha256(unpacked[path]).hexdigest() == digest


def test_premis_events_and_agents(unpacked, filing_report):
    premis = etree.fromstring(unpacked["metadata/preservation/premis.xml"])
    assert premis.get("version") == "3.0"
    events = {event.findtext("premis:eventType", namespaces=NS): event for event in premis.iterfind("premis:event", NS)}
    assert set(events) == {
        "creation",
        "ingestion",
        "validation",
        "normalization",
        "message digest calculation",
        "fixity check",
        "information package creation",
    }
    assert [el.text for el in events["fixity check"].iterfind(".//premis:linkingObjectIdentifierValue", NS)] == [
        SIGNED_PATH
    ]
    validation = events["validation"]
    assert validation.findtext(".//premis:eventOutcome", namespaces=NS) == "valid"
    assert validation.findtext(".//premis:eventOutcomeDetailNote", namespaces=NS) == filing_report.summary
    linked = [el.text for el in validation.iterfind(".//premis:linkingObjectIdentifierValue", NS)]
    assert linked == [SIGNED_PATH, "metadata/preservation/001-Quyet_dinh_signed.pdf.validation.json"]
    assert events["normalization"].findtext(".//premis:linkingObjectIdentifierValue", namespaces=NS) == DRAFT_PATH
    assert events["ingestion"].findtext("premis:eventDateTime", namespaces=NS) == "2026-03-02T07:45:00Z"
    agents = [agent.findtext("premis:agentType", namespaces=NS) for agent in premis.iterfind("premis:agent", NS)]
    assert agents == ["software", "organization", "person"]
    names = [el.text for el in premis.iterfind(".//premis:originalName", NS)]
    assert "Quyết định (signed).pdf" in names


def test_validation_report_is_stored_and_referenced(unpacked, filing_report):
    stored = json.loads(unpacked["metadata/preservation/001-Quyet_dinh_signed.pdf.validation.json"])
    assert stored == json.loads(json.dumps(validation_report_dict(filing_report)))
    assert stored["all_valid"] is True
    assert stored["signatures"][0]["field_name"]
    assert stored["signatures"][0]["signer"]["der"]
    root = etree.fromstring(unpacked["METS.xml"])
    refs = root.findall(".//mets:digiprovMD/mets:mdRef", NS)
    assert [(r.get("MDTYPE"), r.get("OTHERMDTYPE")) for r in refs] == [
        ("PREMIS", None),
        ("OTHER", "MOH-PDF-SIGNATURE-VALIDATION"),
    ]


def test_mets_header_and_descriptive_record(unpacked, records_file):
    root = etree.fromstring(unpacked["METS.xml"])
    assert root.get("PROFILE") == "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"
    header = root.find("mets:metsHdr", NS)
    assert header.get("CREATEDATE") == "2026-12-03T09:30:00Z"
    assert header.get(f"{{{NS['csip']}}}OAISPACKAGETYPE") == "SIP"
    software, archivist = header.findall("mets:agent", NS)
    assert (software.get("ROLE"), software.get("TYPE"), software.get("OTHERTYPE")) == ("CREATOR", "OTHER", "SOFTWARE")
    assert archivist.findtext("mets:note", namespaces=NS) == "G12"
    dc = etree.fromstring(unpacked["metadata/descriptive/dc.xml"])
    assert dc.findtext("dc:title", namespaces=NS) == records_file.title
    assert dc.findtext("dc:date", namespaces=NS) == "2026-03-02/2026-11-27"
    assert [el.text for el in dc.iterfind("dc:rights", NS)] == ["Thời hạn bảo quản: Vĩnh viễn"]
    item = etree.fromstring(unpacked["metadata/descriptive/item-001.dc.xml"])
    assert [el.text for el in item.iterfind("dc:description", NS)] == ["number: 42/QĐ-BYT", "signer: Lê Quang Trung"]
    text = unpacked["documentation/package-description.txt"].decode()
    assert f"E-ARK SIP {SIP_VERSION} (E-ARK CSIP {CSIP_VERSION})" in text


def test_confidentiality_and_package_id(records_file, items):
    marked = dataclasses.replace(records_file, confidentiality="Mật", package_id="BYT-2026-0001")
    files = _files(build_package(marked, items[1:2], created=CREATED, agent="A"))
    dc = etree.fromstring(files["metadata/descriptive/dc.xml"])
    assert "Độ mật: Mật" in [el.text for el in dc.iterfind("dc:rights", NS)]
    assert etree.fromstring(files["METS.xml"]).get("OBJID") == "BYT-2026-0001"


def test_shipped_schemas_are_the_validators(unpacked):
    from eark_validator.ipxml.resources import schema

    for name in ("mets.xsd", "xlink.xsd", "DILCISExtensionMETS.xsd", "DILCISExtensionSIPMETS.xsd"):
        assert unpacked[f"schemas/{name}"] == resources.files(schema).joinpath(name).read_bytes()


# -- reading it back ------------------------------------------------------------------------


def test_read_back_checks_digests_and_signatures(package, checker):
    check = read_package(package, check_signatures=checker)
    assert check.ok, check
    assert check.signatures_checked
    signed = [f for f in check.files if f.signed]
    assert [(f.path, f.signature_ok) for f in signed] == [(SIGNED_PATH, True)]
    assert "all valid" in signed[0].signature_detail
    assert len(check.files) == 16
    assert check.package_id == _root(package)


def test_read_from_a_path_without_checker(package, tmp_path):
    path = tmp_path / "package.zip"
    path.write_bytes(package)
    check = read_package(path)
    assert check.ok and not check.signatures_checked
    assert all(f.signature_ok is None for f in check.files)


def test_changed_byte_is_a_digest_failure(package, unpacked):
    files = dict(unpacked)
    data = bytearray(files[INCOMING_PATH])
    data[len(data) // 2] ^= 0x01
    files[INCOMING_PATH] = bytes(data)
    check = read_package(_repack(package, files))
    assert not check.ok
    assert check.digest_failures == (INCOMING_PATH,)


def test_removed_and_added_files(package, unpacked):
    files = dict(unpacked)
    del files["metadata/preservation/premis.xml"]
    files["representations/rep1/data/003/extra.pdf"] = b"%PDF-1.7 not listed"
    check = read_package(_repack(package, files))
    assert check.missing == ("metadata/preservation/premis.xml",)
    assert check.extra == ("representations/rep1/data/003/extra.pdf",)
    assert not check.ok


def test_changed_signed_pdf_fails_the_signature_check_even_with_new_digests(package, unpacked, checker):
    files = dict(unpacked)
    files[SIGNED_PATH] = append_forged_update(files[SIGNED_PATH])
    _reseal(files, SIGNED_PATH)
    check = read_package(_repack(package, files), check_signatures=checker)
    assert check.digest_failures == ()
    assert check.signature_failures == (SIGNED_PATH,)
    assert not check.ok


def test_a_checker_that_raises_is_a_failure(package):
    def broken(data: bytes):
        raise ValueError("no trust roots")

    check = read_package(package, check_signatures=broken)
    assert check.signature_failures == (SIGNED_PATH,)
    assert "ValueError: no trust roots" in next(f for f in check.files if f.signed).signature_detail


def test_wrong_checksum_type_is_a_digest_failure(package, unpacked):
    files = dict(unpacked)
    files["METS.xml"] = files["METS.xml"].replace(b'CHECKSUMTYPE="SHA-256"', b'CHECKSUMTYPE="MD5"', 1)
    assert read_package(_repack(package, files)).digest_failures == ("metadata/descriptive/dc.xml",)


def test_missing_representation_mets(package, unpacked):
    files = dict(unpacked)
    del files["representations/rep1/METS.xml"]
    with pytest.raises(ArchiveError) as caught:
        read_package(_repack(package, files))
    assert caught.value.code is ArchiveProblem.MISSING_METS


def _refusal(source: bytes, **limits: int) -> ArchiveProblem:
    with pytest.raises(ArchiveError) as caught:
        read_package(source, **limits)
    assert isinstance(caught.value.code, ArchiveProblem)
    return caught.value.code


@pytest.mark.parametrize(
    "name",
    ["../evil.txt", "pkg/../../evil.txt", "/etc/passwd", "pkg\\..\\evil.txt", "C:/evil.txt", "pkg//x", "pkg/./x"],
)
def test_unsafe_paths_are_refused(name):
    assert _refusal(_zip({"METS.xml": b"<x/>", name: b"x"}, root="")) is ArchiveProblem.UNSAFE_PATH


def test_symlink_encrypted_and_duplicate_entries_are_refused(package):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        info = zipfile.ZipInfo("pkg/link")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
    assert _refusal(out.getvalue()) is ArchiveProblem.UNSAFE_PATH
    encrypted = bytearray(_zip({"METS.xml": b"<x/>"}))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # the flags of both headers
        encrypted[encrypted.index(signature) + offset] |= 0x1
    assert _refusal(bytes(encrypted)) is ArchiveProblem.UNSAFE_PATH
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive, pytest.warns(UserWarning, match="Duplicate name"):
        archive.writestr("pkg/METS.xml", "a")
        archive.writestr("pkg/METS.xml", "b")
    assert _refusal(out.getvalue()) is ArchiveProblem.UNSAFE_PATH


def test_oversized_entries_and_packages_are_refused(package, tmp_path):
    assert _refusal(package, max_entry_bytes=100_000) is ArchiveProblem.TOO_LARGE
    assert _refusal(package, max_total_bytes=len(package) - 1) is ArchiveProblem.TOO_LARGE
    assert _refusal(package, max_total_bytes=len(package) + 1) is ArchiveProblem.TOO_LARGE  # inflated sum
    assert _refusal(package, max_entries=5) is ArchiveProblem.TOO_MANY_ENTRIES
    path = tmp_path / "p.zip"
    path.write_bytes(package)
    assert _refusal(path, max_total_bytes=10) is ArchiveProblem.TOO_LARGE  # type: ignore[arg-type]


def test_a_zip_bomb_is_refused_before_inflating():
    bomb = _zip({"METS.xml": b"<x/>", "data.bin": bytes(50 * 1024 * 1024)})
    assert len(bomb) < 100_000
    assert _refusal(bomb, max_entry_bytes=1024 * 1024) is ArchiveProblem.TOO_LARGE
    assert _refusal(bomb, max_total_bytes=10 * 1024 * 1024) is ArchiveProblem.TOO_LARGE


def test_an_entry_lying_about_its_size_is_refused():
    bomb = _zip({"METS.xml": b"<" + b"a" * 5_000_000 + b"/>"})
    data = bytearray(bomb)
    # Shrink the declared size in the local header and the central directory to 10 bytes.
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        info = archive.infolist()[0]
    real = info.file_size.to_bytes(4, "little")
    assert data.count(real) == 2
    data = bytearray(bytes(data).replace(real, (10).to_bytes(4, "little")))
    assert _refusal(bytes(data)) is ArchiveProblem.NOT_A_ZIP  # inflating stops at 10 bytes: bad CRC


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        (b"not a zip", ArchiveProblem.NOT_A_ZIP),
        (_zip({"a/METS.xml": b"<x/>", "b/METS.xml": b"<x/>"}, root=""), ArchiveProblem.NO_ROOT_FOLDER),
        (_zip({"METS.xml": b"<x/>"}, root=""), ArchiveProblem.NO_ROOT_FOLDER),
        (_zip({"other.xml": b"<x/>"}), ArchiveProblem.MISSING_METS),
        (_zip({"METS.xml": b"<mets"}), ArchiveProblem.MALFORMED_METS),
        (_zip({"METS.xml": b"<other/>"}), ArchiveProblem.MALFORMED_METS),
        (
            _zip({"METS.xml": b'<!DOCTYPE m [<!ENTITY e "x">]><m:mets xmlns:m="http://www.loc.gov/METS/"/>'}),
            ArchiveProblem.MALFORMED_METS,
        ),
    ],
)
def test_malformed_packages_are_refused(source, problem):
    assert _refusal(source) is problem


def test_damaged_entry_is_refused(package):
    data = bytearray(package)
    start = data.index(b"PK\x03\x04")  # first local header: METS.xml, deflated
    name_length = int.from_bytes(data[start + 26 : start + 28], "little")
    extra_length = int.from_bytes(data[start + 28 : start + 30], "little")
    body = start + 30 + name_length + extra_length
    data[body : body + 40] = b"\xff" * 40
    assert _refusal(bytes(data)) is ArchiveProblem.NOT_A_ZIP


@pytest.mark.parametrize(
    "href",
    ["../../../outside.pdf", "https://example.org/x.pdf", "/abs.pdf", "data/../../../../x.pdf", ""],
)
def test_references_outside_the_package_are_refused(package, unpacked, href):
    files = dict(unpacked)
    rep = etree.fromstring(files["representations/rep1/METS.xml"])
    rep.find(".//mets:FLocat", NS).set(f"{{{NS['xlink']}}}href", href)
    files["representations/rep1/METS.xml"] = etree.tostring(rep)
    assert _refusal(_repack(package, files)) is ArchiveProblem.MALFORMED_METS


def test_file_without_locator_is_refused(package, unpacked):
    files = dict(unpacked)
    rep = etree.fromstring(files["representations/rep1/METS.xml"])
    locator = rep.find(".//mets:FLocat", NS)
    locator.getparent().remove(locator)
    files["representations/rep1/METS.xml"] = etree.tostring(rep)
    assert _refusal(_repack(package, files)) is ArchiveProblem.MALFORMED_METS


def test_listed_twice_is_checked_once(package, unpacked):
    files = dict(unpacked)
    root = etree.fromstring(files["METS.xml"])
    group = root.find(".//mets:fileGrp[@USE='Documentation']", NS)
    group.append(etree.fromstring(etree.tostring(group[0]).replace(b'ID="file-', b'ID="again-')))
    files["METS.xml"] = etree.tostring(root)
    check = read_package(_repack(package, files))
    assert check.ok
    assert [f.path for f in check.files].count("documentation/package-description.txt") == 1


# -- input errors ---------------------------------------------------------------------------


def _build_error(records_file, items, **changes) -> ArchiveProblem:
    created = changes.pop("created", CREATED)
    agent = changes.pop("agent", "A")
    with pytest.raises(ArchiveError) as caught:
        build_package(dataclasses.replace(records_file, **changes), items, created=created, agent=agent)
    return caught.value.code


def test_bad_input_is_refused(records_file, items, sealed, filing_report):
    assert _build_error(records_file, []) is ArchiveProblem.EMPTY_FILE
    assert _build_error(records_file, items, created=CREATED.replace(tzinfo=None)) is ArchiveProblem.INVALID_INPUT
    assert _build_error(records_file, items, agent=" ") is ArchiveProblem.INVALID_INPUT
    assert _build_error(records_file, items, code="") is ArchiveProblem.INVALID_INPUT
    assert _build_error(records_file, items, end_date=dt.date(2026, 1, 1)) is ArchiveProblem.INVALID_INPUT
    assert _build_error(records_file, items, package_id="1 bad id") is ArchiveProblem.INVALID_INPUT
    assert _build_error(records_file, [items[0], items[0]]) is ArchiveProblem.DUPLICATE_ITEM
    item = items[1]
    cases = {
        ArchiveProblem.INVALID_INPUT: [
            dataclasses.replace(item, identifier=""),
            dataclasses.replace(item, contents=[]),
            dataclasses.replace(item, contents=[PackageContent("x.pdf", b"", "application/pdf")]),
            dataclasses.replace(item, contents=[PackageContent("x.pdf", b"x", "")]),
            dataclasses.replace(
                item,
                contents=[PackageContent("x.txt", b"x", "text/plain", recorded_at=dt.datetime(2026, 1, 1))],
            ),
        ],
        ArchiveProblem.REPORT_REQUIRED: [
            dataclasses.replace(item, contents=[PackageContent("s.pdf", sealed, "application/pdf", signed=True)])
        ],
        ArchiveProblem.REPORT_UNEXPECTED: [
            dataclasses.replace(
                item,
                contents=[
                    PackageContent(
                        "u.pdf", b"%PDF", "application/pdf", validation_report=validation_report_dict(filing_report)
                    )
                ],
            )
        ],
        ArchiveProblem.FIXITY_MISMATCH: [
            dataclasses.replace(
                item, contents=[PackageContent("t.txt", b"now", "text/plain", recorded_sha256="00" * 32)]
            )
        ],
        ArchiveProblem.PDFA_FAILED: [
            dataclasses.replace(
                item, contents=[PackageContent("broken.pdf", b"not a pdf", "application/pdf", produced_here=True)]
            )
        ],
    }
    for problem, bad_items in cases.items():
        for bad in bad_items:
            assert _build_error(records_file, [bad]) is problem, bad


def test_error_messages_in_both_languages():
    error = ArchiveError(ArchiveProblem.REPORT_REQUIRED, name="qd.pdf")
    assert error.message == (
        "The archive package was refused: the signed file qd.pdf has no signature validation report from filing time."
    )
    assert error.message_vi.startswith("Gói hồ sơ nộp lưu bị từ chối: tệp đã ký số qd.pdf")


# -- small parts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("Quyết định số 42.pdf", "Quyet_dinh_so_42.pdf"),
        ("Đơn đề nghị.PDF", "Don_de_nghi.PDF"),
        ("../../etc/passwd", "passwd"),
        (".hidden", "hidden"),
        ("không tên", "khong_ten"),
        ("???.pdf", "file.pdf"),
        ("a." + "x" * 30, "a.xxxxxxxxxx"),
    ],
)
def test_safe_names(name, safe):
    assert safe_name(name) == safe


def test_same_names_in_one_document_are_kept_apart(records_file):
    contents = [
        PackageContent("phụ lục.txt", b"1", "text/plain"),
        PackageContent("phu luc.txt", b"2", "text/plain"),
        PackageContent("README", b"3", "text/plain"),
        PackageContent("README", b"4", "text/plain"),
    ]
    files = _files(
        build_package(records_file, [PackageItem("X", "X", ItemRole.OTHER, contents)], created=CREATED, agent="A")
    )
    data = sorted(path for path in files if "/data/" in path)
    assert data == [
        "representations/rep1/data/001/README",
        "representations/rep1/data/001/README-2",
        "representations/rep1/data/001/phu_luc-2.txt",
        "representations/rep1/data/001/phu_luc.txt",
    ]


def test_report_dict_and_json(filing_report):
    plain = validation_report_dict(filing_report)
    assert plain["format"] == "moh-core/pdf-signature-validation/1"
    assert plain["validation_time"].endswith("+00:00")
    signature = plain["signatures"][0]
    assert isinstance(signature["problems"], list)
    assert signature["signing_time"] is None or signature["signing_time"].endswith("+00:00")
    assert report_json(plain) == report_json(json.loads(report_json(plain)))


def test_report_without_a_readable_time_uses_the_packaging_time(records_file, items, sealed):
    content = dataclasses.replace(
        items[0].contents[0], validation_report={"all_valid": False, "summary": "1 signature, 1 not valid."}
    )
    files = _files(
        build_package(records_file, [dataclasses.replace(items[0], contents=[content])], created=CREATED, agent="A")
    )
    premis = etree.fromstring(files["metadata/preservation/premis.xml"])
    validation = next(
        e for e in premis.iterfind("premis:event", NS) if e.findtext("premis:eventType", namespaces=NS) == "validation"
    )
    assert validation.findtext("premis:eventDateTime", namespaces=NS) == "2026-12-03T09:30:00Z"
    assert validation.findtext(".//premis:eventOutcome", namespaces=NS) == "not valid"


def test_directory_entries_are_ignored(package, unpacked):
    out = io.BytesIO()
    root = _root(package)
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(f"{root}/", b"")
        for path, data in unpacked.items():
            archive.writestr(f"{root}/{path}", data)
    assert read_package(out.getvalue()).ok


def test_an_oversized_mets_is_refused(package, monkeypatch):
    from moh_core.archive import reading

    monkeypatch.setattr(reading, "MAX_METS_BYTES", 1000)
    assert _refusal(package) is ArchiveProblem.TOO_LARGE
