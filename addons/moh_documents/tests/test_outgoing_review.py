from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged

from .common import MohUsersMixin


@tagged("post_install", "-at_install")
class TestOutgoingReview(MohUsersMixin, TransactionCase):
    """Drafting in Decree 30's layout and the review chain (OCA base_tier_validation)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_users()
        cls.env.company.moh_abbreviation = "BYT"
        cls.department_drug.moh_abbreviation = "QLD"

    def _draft(self, type_xmlid="moh_documents.document_type_quyet_dinh", **values):
        return (
            self.env["moh.outgoing.document"]
            .with_user(self.specialist)
            .create(
                {
                    "document_type_id": self.env.ref(type_xmlid).id,
                    "department_id": self.department_drug.id,
                    "abstract": "Ban hành Danh mục thuốc hiếm",
                    "body": "Điều 1. Ban hành kèm theo Quyết định này Danh mục thuốc hiếm.\n\nĐiều 2. Quyết định này có hiệu lực kể từ ngày ký.",
                    "signer_id": self.leader.id,
                    "signer_authority": "kt",
                    "signer_authority_position": "BỘ TRƯỞNG",
                    "signer_position": "THỨ TRƯỞNG",
                    "recipients": "- Như Điều 3;\n- Lưu: VT, QLD.",
                    **values,
                }
            )
        )

    def test_symbol_follows_decree_30(self):
        self.assertEqual(self._draft().symbol, "QĐ-BYT")
        self.assertEqual(self._draft("moh_documents.document_type_cong_van").symbol, "BYT-QLD")

    def test_title_and_marks_are_decree_30_s_in_any_language(self):
        """The title is the legal name of the type (Appendix III) and the marks Vietnamese, even
        for a drafter working in English and whatever the type's translated name says."""
        decision = self.env.ref("moh_documents.document_type_quyet_dinh")
        decision.with_context(lang="vi_VN").name = "Quyết định cá biệt (nội bộ)"
        doc = self._draft(urgency="flash").with_context(lang="en_US")
        layout = doc._moh_layout()
        self.assertEqual(layout.type_name, "QUYẾT ĐỊNH")
        self.assertEqual(layout.urgency, "HỎA TỐC")
        self.assertIsNone(layout.confidentiality)
        letter = self._draft("moh_documents.document_type_cong_van")._moh_layout()
        self.assertIsNone(letter.type_name)
        self.assertIsNone(letter.urgency)
        self.assertIsNone(letter.confidentiality)
        # a type of the agency's own: its Vietnamese name
        own = self.env["moh.document.type"].create({"name": "Bulletin", "abbreviation": "BT"})
        own.with_context(lang="vi_VN").name = "Bản tin"
        self.assertEqual(self._draft(document_type_id=own.id)._moh_layout().type_name, "BẢN TIN")

    def test_review_chain_with_rejection_and_versions(self):
        doc = self._draft()
        doc.with_user(self.specialist).action_render()
        self.assertEqual(len(doc.version_ids), 1)
        self.assertTrue(doc.pdf_id.raw.startswith(b"%PDF"))
        doc.with_user(self.specialist).action_request_review()
        reviews = doc.review_ids.sorted("sequence")
        self.assertEqual(
            reviews.mapped("reviewer_ids"),
            self.head | self.head_legal | self.leader,
            "department head, then legal department, then the signer",
        )
        # Nobody may skip the chain: the legal department cannot approve before the head.
        self.assertFalse(doc.with_user(self.head_legal).can_review)
        # The stage is a workflow field: only the steps change it.
        with self.assertRaises(AccessError):
            doc.with_user(self.specialist).write({"state": "to_sign"})

        self._review(doc, self.head, "validate")
        self.assertTrue(doc.with_user(self.head_legal).can_review)
        self._review(doc, self.head_legal, "reject", "Điều 2 thiếu căn cứ pháp lý")
        self.assertEqual(doc.validation_status, "rejected")
        self.assertIn("Điều 2 thiếu căn cứ pháp lý", doc.review_ids.mapped("comment"))

        # Under review nobody edits the text; once rejected, the drafter restarts, edits,
        # renders a new version and asks again.
        with self.assertRaises(UserError):
            doc.with_user(self.specialist).write({"body": "Sửa khi đang trình"})
        doc.with_user(self.specialist).restart_validation()
        doc.with_user(self.specialist).write(
            {"body": doc.body + "\n\nĐiều 3. Chánh Văn phòng Bộ chịu trách nhiệm thi hành."}
        )
        doc.with_user(self.specialist).action_render()
        # Every rendering is kept, the one made when the review was requested included: the
        # reviewers read what the fields they approve render to.
        self.assertEqual(len(doc.version_ids), 3, "every rendering is kept")
        doc.with_user(self.specialist).action_request_review()
        self.assertEqual(len(doc.version_ids), 4)
        self.assertEqual(doc.pdf_id, doc.version_ids.sorted("id")[-1])
        for reviewer in (self.head, self.head_legal, self.leader):
            self._review(doc, reviewer, "validate")
        self.assertEqual(doc.validation_status, "validated")
        doc.with_user(self.specialist).action_approved()
        self.assertEqual(doc.state, "to_sign")
        self.assertIn(self.leader, doc.activity_ids.user_id)

    def test_official_letters_skip_the_legal_review(self):
        doc = self._draft("moh_documents.document_type_cong_van", addressees="Sở Y tế các tỉnh, thành phố")
        doc.with_user(self.specialist).action_request_review()
        self.assertEqual(doc.review_ids.reviewer_ids, self.head | self.leader)

    def test_other_departments_do_not_see_drafts(self):
        doc = self._draft()
        self.assertFalse(
            self.env["moh.outgoing.document"].with_user(self.specialist_legal).search([("id", "=", doc.id)])
        )
        self.assertTrue(self.env["moh.outgoing.document"].with_user(self.head).search([("id", "=", doc.id)]))
        doc.with_user(self.specialist).action_request_review()
        self._review(doc, self.head, "validate")
        # Now that it is their turn to review, the legal department's head sees it.
        self.assertTrue(self.env["moh.outgoing.document"].with_user(self.head_legal).search([("id", "=", doc.id)]))

    def test_a_new_draft_starts_from_its_type_template(self):
        from odoo.tests import Form

        with Form(self.env["moh.outgoing.document"].with_user(self.specialist)) as form:
            form.document_type_id = self.env.ref("moh_documents.document_type_quyet_dinh")
            form.abstract = "Ban hành quy chế"
            self.assertIn("QUYẾT ĐỊNH:", form.body)
            self.assertIn("Lưu: VT", form.recipients)
