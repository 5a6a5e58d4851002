"""The signing authority (Decree 30/2020/NĐ-CP, Art. 13; Appendix I §II.7.b): derived from who
signs for whom, kept within the rules when the user chooses it, stored with the document, and
the same in the PDF, the register (the list's Signature Block) and edXML SignerInfo."""

import datetime as dt
import subprocess

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from moh_core.exchange import parse_message

from .test_outgoing_signing import OutgoingSigningCase


@tagged("post_install", "-at_install")
class TestSignatureBlock(OutgoingSigningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.moh_head_position = "Bộ trưởng"
        cls.head.employee_id.job_title = "Cục trưởng Cục Quản lý Dược"
        cls.leader.employee_id.job_title = "Phó Cục trưởng"
        cls.deputy.employee_id.job_title = "Bộ trưởng"
        cls.seal_key = cls._moh_test_seal()
        cls.register = cls.env["moh.document.register"].create(
            {"name": "Sổ văn bản đi (thẩm quyền ký)", "code": "TEST-TQ", "direction": "outgoing"}
        )

    def _draft(self, signer, **values):
        return (
            self.env["moh.outgoing.document"]
            .with_user(self.specialist)
            .create(
                {
                    "document_type_id": self.env.ref("moh_documents.document_type_quyet_dinh").id,
                    "department_id": self.department_drug.id,
                    "abstract": "Cấp giấy chứng nhận",
                    "body": "Điều 1. Cấp giấy chứng nhận./.",
                    "signer_id": signer.id,
                    **values,
                }
            )
        )

    def _text(self, pdf):
        path = f"{self.pki_dir.name}/block.pdf"
        with open(path, "wb") as handle:
            handle.write(pdf)
        return subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout

    def _right_column(self, text, first):
        """The right column's lines from ``first`` on (pdftotext -layout; the left holds the
        recipients)."""
        rows = text.splitlines()
        start = next(i for i, row in enumerate(rows) if row.rstrip().endswith(first))
        return [row[30:].strip() for row in rows[start:] if row[30:].strip()]

    def test_a_unit_head_signs_by_order_of_the_minister(self):
        doc = self._draft(self.head)
        self.assertEqual((doc.signer_authority, doc.signer_authority_position), ("tl", "BỘ TRƯỞNG"))
        self.assertEqual(doc.signer_position, "CỤC TRƯỞNG CỤC QUẢN LÝ DƯỢC")
        self.assertEqual(doc.signer_block, "TL. BỘ TRƯỞNG / CỤC TRƯỞNG CỤC QUẢN LÝ DƯỢC")

    def test_a_unit_with_its_own_seal_signs_in_its_own_name(self):
        self.department_drug.moh_own_seal = True
        doc = self._draft(self.head)
        self.assertEqual(doc.signer_authority, "none")
        self.assertEqual(doc.signer_block, "CỤC TRƯỞNG CỤC QUẢN LÝ DƯỢC")

    def test_a_written_authorisation_gives_tuq(self):
        today = fields.Date.context_today(self.env["moh.delegation"])
        self.env["moh.delegation"].create(
            {
                "delegator_id": self.deputy.id,
                "delegate_id": self.leader.id,
                "date_from": today,
                "date_to": today + dt.timedelta(days=5),
            }
        )
        doc = self._draft(self.leader)
        self.assertEqual(doc.signer_block, "TUQ. BỘ TRƯỞNG / PHÓ CỤC TRƯỞNG")

    def test_the_users_choice_is_kept_within_the_rules(self):
        doc = self._draft(self.leader, signer_authority="q", signer_authority_position="Cục trưởng")
        self.assertEqual(doc.signer_block, "Q. CỤC TRƯỞNG")  # one line, no substantive position
        doc.with_user(self.specialist).write(
            {
                "signer_authority": "tl",
                "signer_authority_position": "Bộ trưởng",
                "signer_deputy_authority": "kt",
                "signer_deputy_authority_position": "Cục trưởng",
            }
        )
        self.assertEqual(doc.signer_block, "TL. BỘ TRƯỞNG / KT. CỤC TRƯỞNG / PHÓ CỤC TRƯỞNG")
        refused = [
            {"signer_authority": "kt", "signer_authority_position": False},  # KT. for whom?
            {"signer_authority": "kt", "signer_authority_position": "Bộ trưởng"},  # KT. under KT.
            {"signer_deputy_authority_position": False},
            {
                "signer_authority": "tuq",
                "signer_authority_position": "Bộ trưởng",
                "signer_deputy_authority": "none",
            },  # no authorisation in writing
        ]
        for vals in refused:
            with self.subTest(vals=vals), self.assertRaises(ValidationError), self.env.cr.savepoint():
                doc.with_user(self.specialist).write(vals)
        doc.invalidate_recordset()
        self.assertEqual(doc.signer_block, "TL. BỘ TRƯỞNG / KT. CỤC TRƯỞNG / PHÓ CỤC TRƯỞNG")

    def test_the_pdf_the_register_and_edxml_agree_on_an_issued_document(self):
        doc = self._draft(
            self.leader,
            signer_authority="tl",
            signer_authority_position="Bộ trưởng",
            signer_deputy_authority="kt",
            signer_deputy_authority_position="Cục trưởng",
        )
        doc.with_user(self.specialist).action_request_review()
        for reviewer in (self.head, doc.legal_reviewer_id, doc.signer_id):
            self._review(doc, reviewer, "validate")
        doc.with_user(self.specialist).action_approved()
        doc.sudo().register_id = self.register
        doc.with_user(self.leader).action_sign(self.pki.password)
        doc.with_user(self.clerk).action_issue()
        self.assertEqual(doc.state, "issued")
        lines = ["TL. BỘ TRƯỞNG", "KT. CỤC TRƯỞNG", "PHÓ CỤC TRƯỞNG"]
        self.assertEqual(doc.signer_block, " / ".join(lines))
        text = self._text(doc.pdf_id.raw)
        column = self._right_column(text, lines[0])
        self.assertEqual(column[:3], lines, text)
        self.assertIn(self.leader.name, column[3:])
        # The visible signature shows the signer (as the certificate names them) and the time,
        # not the position and the name of the block again.
        self.assertEqual(text.count("PHÓ CỤC TRƯỞNG"), 1, text)
        self.assertEqual(text.count(self.leader.name), 1, text)
        self.assertIn(self.pki.signer.common_name, text)
        parsed = parse_message(self.env["moh.edxml"]._moh_export(doc))
        self.assertEqual(parsed.message.signer.competence, "TL. BỘ TRƯỞNG KT. CỤC TRƯỞNG")
        self.assertEqual(parsed.message.signer.position, "PHÓ CỤC TRƯỞNG")
        self.assertEqual(parsed.message.signer.full_name, self.leader.name)

    def test_the_stored_block_is_written_by_its_compute_only_and_outlives_a_reorganisation(self):
        doc = self._draft(self.head)
        with self.assertRaises(AccessError):
            doc.with_user(self.specialist).write({"signer_block": "BỘ TRƯỞNG"})
        self.assertEqual(doc.signer_block, "TL. BỘ TRƯỞNG / CỤC TRƯỞNG CỤC QUẢN LÝ DƯỢC")
        # What the document was signed with stays, whatever the units' settings become later.
        self.department_drug.moh_own_seal = True
        self.env.company.moh_head_position = "Thủ trưởng"
        doc.invalidate_recordset()
        self.assertEqual(doc.signer_block, "TL. BỘ TRƯỞNG / CỤC TRƯỞNG CỤC QUẢN LÝ DƯỢC")
