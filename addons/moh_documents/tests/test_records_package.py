"""A closed file sealed and exported as an archive package (docs/archive-packages.md): the signed
PDFs of a file kept for years brought to PAdES B-LTA when it is closed, every file recorded with
its digest and its validation report of that day, the package read back and checked, run through
the E-ARK validator, and refused to those who may not read the file."""

import hashlib
import io
import tempfile
import zipfile
from importlib import resources
from pathlib import Path
from unittest import mock

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from moh_core.archive import read_package
from moh_core.signatures import ValidationMaterial, validate_pdf_signatures
from moh_core.signatures.archival import archive_timestamps

from .common import RpcAttackMixin
from .test_archival_timestamp import TimestampAuthorityMixin
from .test_records import FILE, REFUSED, RecordsCase

#: The one rule eark-validator 1.1.3 reports on every CSIP 2.1.0 package (docs/archive-packages.md,
#: "How to validate"; moh_core/tests/test_archive.py proves no package can meet it).
VALIDATOR_BUG = "SIP14"


def _local_vocabulary(url, *args, **kwargs):
    """The E-ARK vocabularies the validator downloads when imported, from its own package."""
    import eark_validator.ipxml.resources.vocabs as vocabularies

    return resources.files(vocabularies).joinpath(url.rsplit("/", 1)[1]).open("rb")


def eark_errors(package):
    """The rules the E-ARK validator (CSIP/SIP 2.1.0) reports as errors on the ZIP ``package``."""
    with mock.patch("urllib.request.urlopen", _local_vocabulary):
        from eark_validator import packages
        from eark_validator.specifications.specification import SpecificationVersion

    with tempfile.TemporaryDirectory() as folder:
        zipfile.ZipFile(io.BytesIO(package)).extractall(folder)
        (root,) = Path(folder).iterdir()
        report = packages.PackageValidator(root, SpecificationVersion.V2_1_0).validation_report
    messages = [*report.structure.messages]
    if report.metadata is not None:
        messages += report.metadata.schema_results.messages + report.metadata.schematron_results.messages
    return sorted({m.rule_id for m in messages if m.severity.name == "ERROR"})


@tagged("post_install", "-at_install")
class TestRecordsPackage(TimestampAuthorityMixin, RpcAttackMixin, RecordsCase, HttpCase):
    def _sealed(self, retention="permanent_acts"):
        """A closed file of the unit holding an issued (signed and sealed) decision."""
        doc = self._issued()
        doc.sudo().department_id = self.unit
        records_file = self._open_file(retention=retention, doc_types=("quyet_dinh",))
        records_file.with_user(self.rec_spec).action_add_item("moh.outgoing.document", doc.id)
        records_file.with_user(self.rec_spec).write(
            {"start_date": self.today.replace(day=1), "end_date": self.today, "keywords": "thuốc hiếm, danh mục"}
        )
        records_file.with_user(self.rec_spec).action_close()
        return records_file, doc

    def test_closing_seals_and_the_package_is_exported_checked_and_valid(self):
        records_file, doc = self._sealed()
        pdf = doc.pdf_id
        # Kept permanently: the signed PDF got its archive timestamp (B-LTA) when the file closed,
        # then it was recorded with its digest and the validation report of that day.
        self.assertTrue(pdf.moh_archival)
        self.assertEqual(len(archive_timestamps(pdf.raw)), 1)
        entry = records_file.filing_record["files"][str(pdf.id)]
        self.assertEqual(entry["sha256"], hashlib.sha256(pdf.raw).hexdigest())
        self.assertTrue(entry["signed"])
        self.assertTrue(entry["validation_report"])
        action = records_file.with_user(self.rec_spec).action_export_package()
        package = records_file.package_attachment_id.raw
        self.assertIn(f"/web/content/{records_file.package_attachment_id.id}", action["url"])
        # The signed PDF is in the package byte for byte.
        with zipfile.ZipFile(io.BytesIO(package)) as archive:
            pdfs = [archive.read(name) for name in archive.namelist() if name.endswith(".pdf")]
        self.assertIn(pdf.raw, pdfs)
        material = ValidationMaterial(trust_roots=self.pki.trust_roots, crls=self.pki.crls)
        check = read_package(package, check_signatures=lambda data: validate_pdf_signatures(data, material=material))
        self.assertTrue(check.ok, check)
        self.assertTrue(check.signatures_checked)
        self.assertTrue(records_file.with_user(self.rec_spec).action_check_package())
        self.assertEqual(eark_errors(package), [VALIDATOR_BUG])
        # A tampered package is caught by the check.
        buffer = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(buffer, "w") as target:
            for info in source.infolist():
                data = source.read(info)
                target.writestr(info, data + b"\n%" if info.filename.endswith(".pdf") else data)
        records_file.package_attachment_id.sudo().raw = buffer.getvalue()
        self.assertFalse(records_file.with_user(self.rec_spec).action_check_package())

    def test_a_file_changed_after_filing_is_refused_and_a_renewal_is_not(self):
        records_file, doc = self._sealed()
        pdf = doc.pdf_id
        # A renewed archive timestamp appends to the filed bytes: still packaged.
        pdf._moh_archive_timestamp(reason="expiry")
        self.assertEqual(len(archive_timestamps(pdf.raw)), 2)
        records_file.with_user(self.rec_spec).action_export_package()
        # Bytes changed otherwise: refused, nothing exported.
        pdf.sudo().raw = b"%PDF-1.7 replaced"
        with self.assertRaises(UserError):
            records_file.with_user(self.rec_spec).action_export_package()

    def test_who_may_export(self):
        records_file, _doc = self._sealed(retention="letters")
        # An open file cannot be exported.
        open_file = self._open_file()
        with self.assertRaises(UserError):
            open_file.with_user(self.rec_spec).action_export_package()
        # The archivist reads only files handed to the archive; another unit's specialist no file.
        for user in (self.archivist, self.other_spec):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                records_file.with_user(user).action_export_package()
            _result, error = self._rpc(user, FILE, "action_export_package", [[records_file.id]])
            self.assertIn(error, REFUSED)
            _result, error = self._rpc(user, FILE, "action_check_package", [[records_file.id]])
            self.assertIn(error, REFUSED)
        # Nobody writes the filing record or the package over RPC, not even the handler.
        for field, value in (("filing_record", {"files": {}}), ("package_attachment_id", False)):
            _result, error = self._rpc(self.rec_spec, FILE, "write", [[records_file.id], {field: value}])
            self.assertIn(error, REFUSED)
        self.assertTrue(records_file.filing_record["files"])

    def test_the_demo_file_handed_over_is_exported_by_the_archivist(self):
        archivist = self.env.ref("moh_documents.user_luutru", raise_if_not_found=False)
        if not archivist:
            self.skipTest("installed without demo data")
        demo_file = self.env[FILE].with_user(archivist).search([("state", "=", "handed_over")], limit=1)
        self.assertTrue(demo_file)
        try:
            demo_file.with_user(archivist).action_export_package()
        except UserError as error:
            self.fail(f"the demo file's package was refused: {error}")
        # As the archivist's browser asks it, over JSON-RPC.
        _result, error = self._rpc(archivist, FILE, "action_export_package", [demo_file.ids])
        self.assertFalse(error)
        package = demo_file.sudo().package_attachment_id.raw
        self.assertTrue(package)
        self.assertEqual(eark_errors(package), [VALIDATOR_BUG])
        result, error = self._rpc(archivist, FILE, "action_check_package", [demo_file.ids])
        self.assertFalse(error)
        self.assertTrue(result)
        # The package is the file's attachment: the archivist downloads it, another unit's
        # specialist does not.
        attachment = demo_file.sudo().package_attachment_id
        self.assertTrue(self.env["ir.attachment"].with_user(archivist).search([("id", "=", attachment.id)]))
        self.assertFalse(self.env["ir.attachment"].with_user(self.other_spec).search([("id", "=", attachment.id)]))
