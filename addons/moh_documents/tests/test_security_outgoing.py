"""The outgoing document workflow and its review chain, attacked as each role would: over
JSON-RPC (/web/dataset/call_kw) with a real session. Every refusal is checked together with the
record re-read afterwards, unchanged."""

import base64
import datetime as dt
import subprocess

from odoo.tests import HttpCase, tagged

from .common import RpcAttackMixin
from .test_outgoing_signing import OutgoingSigningCase

ACCESS = ("odoo.exceptions.AccessError",)
REFUSED = ("odoo.exceptions.AccessError", "odoo.exceptions.UserError", "odoo.exceptions.ValidationError")
DOC = "moh.outgoing.document"


@tagged("post_install", "-at_install")
class TestOutgoingSecurity(RpcAttackMixin, OutgoingSigningCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seal_key = cls._moh_test_seal()
        cls.register = cls.env["moh.document.register"].create(
            {"name": "Sổ văn bản đi (kiểm thử an ninh)", "code": "TEST-AN", "direction": "outgoing"}
        )

    # -- helpers -------------------------------------------------------------------------------

    def _draft(self, type_xmlid="moh_documents.document_type_quyet_dinh", **values):
        return (
            self.env[DOC]
            .with_user(self.specialist)
            .create(
                {
                    "document_type_id": self.env.ref(type_xmlid).id,
                    "department_id": self.department_drug.id,
                    "abstract": "Ban hành Danh mục thuốc hiếm",
                    "body": "Điều 1. Ban hành kèm theo Quyết định này Danh mục thuốc hiếm.",
                    "signer_id": self.leader.id,
                    "signer_authority": "kt",
                    "signer_authority_position": "BỘ TRƯỞNG",
                    "signer_position": "THỨ TRƯỞNG",
                    "register_id": self.register.id,
                    **values,
                }
            )
        )

    def _under_review(self, type_xmlid="moh_documents.document_type_quyet_dinh", **values):
        doc = self._draft(type_xmlid, **values)
        doc.with_user(self.specialist).action_request_review()
        return doc

    def _rpc_ok(self, user, model, method, args=(), kwargs=None):
        result, error = self._rpc(user, model, method, args, kwargs)
        self.assertFalse(error, f"{user.login} {model}.{method}: {error}")
        return result

    def _rpc_review(self, user, doc, decision="validate", comment="Đồng ý"):
        """Approve or reject as the reviewer does in the browser: the button, then the dialog."""
        action = self._rpc_ok(user, DOC, "validate_tier" if decision == "validate" else "reject_tier", [[doc.id]])
        wizard = self._rpc_ok(user, "comment.wizard", "create", [{"comment": comment}], {"context": action["context"]})
        self._rpc_ok(user, "comment.wizard", "add_comment", [[wizard]])

    def _snapshot(self, doc):
        self.env.invalidate_all()
        doc = doc.sudo()
        return {
            "state": doc.state,
            "number": doc.number,
            "pdf_id": doc.pdf_id.id,
            "body": doc.body,
            "abstract": doc.abstract,
            "signed_checksum": doc.signed_checksum,
            "validation_status": doc.validation_status,
            "pdf": doc.pdf_id.raw,
            "reviews": [(r.id, r.status, r.comment, r.done_by.id) for r in doc.review_ids.sorted("id")],
        }

    def _text(self, pdf):
        path = f"{self.pki_dir.name}/check.pdf"
        with open(path, "wb") as handle:
            handle.write(pdf)
        return subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True, check=True).stdout

    # -- 1. reviews move only through the review steps -------------------------------------------

    def test_reviews_move_only_through_the_review_steps(self):
        doc = self._under_review()
        reviews = doc.review_ids.sorted("sequence")
        head_review, legal_review, signer_review = reviews
        before = self._snapshot(doc)
        self.assertEqual(before["validation_status"], "pending")

        # The drafter approves his own draft by writing, creating or deleting reviews.
        self.assertRpcRefused(
            self.specialist,
            "tier.review",
            "write",
            [reviews.ids, {"status": "approved", "done_by": self.specialist.id, "comment": "Đồng ý"}],
        )
        self.assertRpcRefused(
            self.specialist,
            "tier.review",
            "create",
            [
                {
                    "model": DOC,
                    "res_id": doc.id,
                    "definition_id": head_review.definition_id.id,
                    "status": "approved",
                    "sequence": 99,
                }
            ],
        )
        self.assertRpcRefused(
            self.specialist,
            "tier.review",
            "create",
            [{"res_id": doc.id, "definition_id": head_review.definition_id.id, "status": "approved"}],
            {"context": {"default_model": DOC}},
        )
        self.assertRpcRefused(self.specialist, "tier.review", "unlink", [reviews.ids])
        self.assertRpcRefused(
            self.specialist,
            DOC,
            "write",
            [[doc.id], {"review_ids": [(1, review.id, {"status": "approved"}) for review in reviews]}],
        )
        self.assertRpcRefused(self.specialist, DOC, "write", [[doc.id], {"review_ids": [(5, 0, 0)]}])
        self.assertRpcRefused(self.specialist, DOC, "write", [[doc.id], {"validation_status": "validated"}])
        # Nor by naming someone a reviewer through the users (the same table), even as the
        # administrator of users.
        self.assertRpcRefused(
            self.env.ref("base.user_admin"),
            "res.users",
            "write",
            [self.specialist.ids, {"review_ids": [(4, review.id) for review in reviews]}],
        )
        # Not their turn: the legal department and the signer before the head of the unit.
        for user in (self.head_legal, self.leader, self.specialist):
            with self.subTest(user=user.login):
                self.assertRpcRefused(user, DOC, "validate_tier", [[doc.id]])
                self.assertRpcRefused(user, DOC, "reject_tier", [[doc.id]])
        # The comment dialog, filled in by hand: their own review out of turn, someone else's,
        # or none at all (which would mean every review of the document).
        for user, review_ids in (
            (self.head_legal, legal_review.ids),
            (self.specialist, reviews.ids),
            (self.head_legal, []),
            (self.leader, signer_review.ids),
        ):
            for decision in ("validate", "reject"):
                with self.subTest(user=user.login, reviews=review_ids, decision=decision):
                    wizard = self._rpc_ok(
                        user,
                        "comment.wizard",
                        "create",
                        [
                            {
                                "comment": "Đồng ý",
                                "res_model": DOC,
                                "res_id": doc.id,
                                "review_ids": [(6, 0, review_ids)],
                                "validate_reject": decision,
                            }
                        ],
                    )
                    self.assertRpcRefused(user, "comment.wizard", "add_comment", [[wizard]])
        # The head's own review named in a dialog about another record is refused as well.
        other = self._under_review()
        wizard = self._rpc_ok(
            self.head,
            "comment.wizard",
            "create",
            [
                {
                    "comment": "Đồng ý",
                    "res_model": DOC,
                    "res_id": other.id,
                    "review_ids": [(6, 0, head_review.ids)],
                    "validate_reject": "validate",
                }
            ],
        )
        self.assertRpcRefused(self.head, "comment.wizard", "add_comment", [[wizard]])
        self.assertEqual(self._snapshot(doc), before, "nothing changed")

        # Through the steps, each in turn, the chain moves on.
        self._rpc_review(self.head, doc)
        self.assertRpcRefused(self.leader, DOC, "validate_tier", [[doc.id]])
        self._rpc_review(self.head_legal, doc)
        self._rpc_review(self.leader, doc)
        self.env.invalidate_all()
        self.assertEqual(doc.validation_status, "validated")
        self.assertEqual(doc.review_ids.done_by, self.head | self.head_legal | self.leader)

    def test_reviews_are_read_only_by_those_who_may_read_the_document(self):
        doc = self._under_review("moh_documents.document_type_cong_van", addressees="Sở Y tế các tỉnh")
        self._rpc_review(self.head, doc, comment="Ý kiến nội bộ: chưa công bố giá trúng thầu")
        review = doc.review_ids.filtered(lambda r: r.done_by == self.head)
        self.assertEqual(len(review), 1)
        domain = [("model", "=", DOC), ("res_id", "=", doc.id)]

        # A specialist of another department, who may not read the draft, reads no review of it.
        self.assertRpcRefused(self.specialist_legal, DOC, "read", [[doc.id], ["abstract"]])
        found = self._rpc_ok(self.specialist_legal, "tier.review", "search_read", [domain, ["comment"]])
        self.assertEqual(found, [])
        self.assertRpcRefused(self.specialist_legal, "tier.review", "read", [review.ids, ["comment"]])
        # Nor through the users' reviews, nor by grouping.
        groups = self._rpc_ok(
            self.specialist_legal, "tier.review", "read_group", [domain, ["comment"], ["comment"]], {"lazy": False}
        )
        self.assertEqual(groups, [])
        # Portal users (businesses, citizens, partner systems) read no review and no chain.
        for model in ("tier.review", "tier.definition"):
            with self.subTest(model=model):
                self.assertRpcRefused(self.portal, model, "search_read", [[], ["name"]])
        self.assertRpcRefused(self.portal, "tier.review", "read", [review.ids, ["comment"]])

        # Those who may read the document read its reviews.
        for user in (self.specialist, self.head, self.leader):
            with self.subTest(user=user.login):
                found = self._rpc_ok(user, "tier.review", "search_read", [domain, ["comment"]])
                self.assertIn("Ý kiến nội bộ: chưa công bố giá trúng thầu", [r["comment"] for r in found])

    # -- 2. no stage is skipped --------------------------------------------------------------------

    def test_no_stage_is_skipped(self):
        doc = self._draft()
        before = self._snapshot(doc)
        for vals in (
            {"state": "cancelled"},
            {"state": "to_sign"},
            {"state": "signed"},
            {"state": "issued"},
            {"number": 7},
            {"issue_date": "2026-12-01"},
            {"drafter_id": self.head.id},
            {"name": "01/QĐ-BYT"},
            {"symbol": "QĐ-BYT"},
            {"department_head_id": self.specialist.id},
            {"legal_reviewer_id": self.specialist.id},
            {"validation_status": "validated"},
        ):
            with self.subTest(vals=vals):
                self.assertRpcRefused(self.specialist, DOC, "write", [[doc.id], vals])
                self.assertRpcRefused(self.head, DOC, "write", [[doc.id], vals])
        # Born in a later stage, or with a default one in the context.
        self.assertRpcRefused(
            self.specialist,
            DOC,
            "create",
            [{"document_type_id": doc.document_type_id.id, "abstract": "Đã ký sẵn", "state": "to_sign"}],
        )
        created = self._rpc_ok(
            self.specialist,
            DOC,
            "create",
            [{"document_type_id": doc.document_type_id.id, "abstract": "Mặc định"}],
            {"context": {"default_state": "to_sign", "default_drafter_id": self.head.id}},
        )
        created = self.env[DOC].browse(created).sudo()
        self.assertEqual((created.state, created.drafter_id), ("draft", self.specialist))

        # Send to the signer with no review, or a chain only half approved.
        self.assertRpcRefused(self.specialist, DOC, "action_approved", [[doc.id]], errors=REFUSED)
        self.assertEqual(self._snapshot(doc), before)
        self._rpc_ok(self.specialist, DOC, "action_request_review", [[doc.id]])
        self._rpc_review(self.head, doc)
        under_review = self._snapshot(doc)
        self.assertRpcRefused(self.specialist, DOC, "action_approved", [[doc.id]], errors=REFUSED)
        # Others may not move it: neither the steps of the drafting unit nor those of the chain.
        for user in (self.specialist_legal, self.clerk, self.deputy, self.plain_user, self.portal):
            for method in (
                "action_approved",
                "action_back_to_draft",
                "action_request_review",
                "request_validation",
                "restart_validation",
                "action_render",
            ):
                with self.subTest(user=user.login, method=method):
                    self.assertRpcRefused(user, DOC, method, [[doc.id]])
        self.assertRpcRefused(
            self.specialist, DOC, "evaluate_tier", [[doc.id], self.env.ref("moh_documents.tier_outgoing_signer").id]
        )
        self.assertEqual(self._snapshot(doc), under_review, "nothing changed")

        # Approved by the whole chain: only now does it go to the signer.
        self._rpc_review(self.head_legal, doc)
        self._rpc_review(self.leader, doc)
        self._rpc_ok(self.specialist, DOC, "action_approved", [[doc.id]])
        self.env.invalidate_all()
        self.assertEqual(doc.state, "to_sign")
        # And not twice, nor back by someone else.
        self.assertRpcRefused(self.specialist, DOC, "action_approved", [[doc.id]], errors=REFUSED)
        self.assertRpcRefused(self.specialist_legal, DOC, "action_back_to_draft", [[doc.id]])
        self.assertRpcRefused(self.clerk, DOC, "action_back_to_draft", [[doc.id]])
        self.assertRpcRefused(self.specialist, DOC, "action_render", [[doc.id]], errors=REFUSED)
        self.assertEqual(self._snapshot(doc)["state"], "to_sign")

    # -- 3. the signer signs the reviewed text only -----------------------------------------------

    def test_the_signer_signs_only_the_reviewed_text(self):
        doc = self._approved()
        doc.sudo().register_id = self.register
        reviewed_body = doc.body
        # The signer opened the signature: the PDF to sign is prepared from the reviewed text.
        doc.sudo()._moh_prepare_for_signing()
        before = self._snapshot(doc)

        for user in (self.specialist, self.head, self.leader):
            with self.subTest(user=user.login):
                self.assertRpcRefused(
                    user, DOC, "write", [[doc.id], {"body": "Điều 1. Nội dung chưa được duyệt."}], errors=REFUSED
                )
                self.assertRpcRefused(
                    user,
                    DOC,
                    "write",
                    [[doc.id], {"abstract": "Trích yếu khác"}],
                    kwargs={"context": {"skip_validation_check": True}},
                    errors=REFUSED,
                )
        for vals in (
            {"signer_id": self.deputy.id},
            {"document_type_id": self.env.ref("moh_documents.document_type_cong_van").id},
            {"urgency": "express"},
            {"confidentiality": "secret"},
            {"recipients": "- Nơi khác"},
            {"addressees": "Ai đó"},
            {"internal_department_ids": [(6, 0, self.department_legal.ids)]},
            {"signer_position": "BỘ TRƯỞNG"},
        ):
            with self.subTest(vals=vals):
                self.assertRpcRefused(self.specialist, DOC, "write", [[doc.id], vals], errors=REFUSED)
        # Nor its files: the PDF prepared for the signature is not replaced behind the signer.
        forged = b"%PDF-1.4 forged"
        self.assertRpcRefused(
            self.specialist,
            "ir.attachment",
            "write",
            [[doc.pdf_id.id], {"raw": base64.b64encode(forged).decode(), "name": "forged-ky.pdf"}],
            errors=ACCESS,
        )
        self.assertRpcRefused(
            self.specialist,
            "ir.attachment",
            "write",
            [[doc.pdf_id.id], {"datas": base64.b64encode(forged).decode()}],
            errors=ACCESS,
        )
        self.assertRpcRefused(self.specialist, "ir.attachment", "unlink", [[doc.pdf_id.id]], errors=ACCESS)
        self.assertRpcRefused(
            self.specialist,
            "ir.attachment",
            "create",
            [{"name": "x-ky.pdf", "raw": base64.b64encode(forged).decode(), "res_model": DOC, "res_id": doc.id}],
            errors=ACCESS,
        )
        self.assertEqual(self._snapshot(doc), before, "nothing changed")

        # To change the text, the document goes back to draft: the review starts again, and the
        # signer cannot sign until the new text is approved.
        self._rpc_ok(self.specialist, DOC, "action_back_to_draft", [[doc.id]])
        self.env.invalidate_all()
        self.assertEqual(
            (doc.state, doc.review_ids, doc.pdf_id), ("draft", doc.review_ids.browse(), doc.pdf_id.browse())
        )
        self._rpc_ok(
            self.specialist, DOC, "write", [[doc.id], {"body": reviewed_body + "\n\nĐiều 2. Hiệu lực từ ngày ký."}]
        )
        self.assertRpcRefused(self.leader, DOC, "action_sign", [[doc.id], self.pki.password], errors=REFUSED)
        self._rpc_ok(self.specialist, DOC, "action_request_review", [[doc.id]])
        self.assertRpcRefused(self.leader, DOC, "action_sign", [[doc.id], self.pki.password], errors=REFUSED)
        # Under review as well, the text is frozen.
        self.assertRpcRefused(self.specialist, DOC, "write", [[doc.id], {"body": "Sửa khi đang trình"}], errors=REFUSED)
        for reviewer in (self.head, self.head_legal, self.leader):
            self._rpc_review(reviewer, doc)
        self._rpc_ok(self.specialist, DOC, "action_approved", [[doc.id]])
        self._rpc_ok(self.leader, DOC, "action_sign", [[doc.id], self.pki.password])
        self.env.invalidate_all()
        self.assertEqual(doc.state, "signed")
        text = " ".join(self._text(doc.pdf_id.raw).split())
        self.assertIn("Điều 2. Hiệu lực từ ngày ký.", text, "the signed PDF carries the text reviewed the second time")

    # -- 4. a PDF made by the drafter is never signed or issued ---------------------------------

    def test_a_pdf_made_by_the_drafter_is_neither_signed_nor_issued(self):
        forged = base64.b64encode(b"%PDF-1.4 made by the drafter").decode()
        # In draft, the drafter may attach files, but not make one the document's PDF or stage.
        draft = self._draft()
        attachment = self._rpc_ok(
            self.specialist,
            "ir.attachment",
            "create",
            [
                {
                    "name": "tu-lam-ky.pdf",
                    "raw": forged,
                    "mimetype": "application/pdf",
                    "res_model": DOC,
                    "res_id": draft.id,
                }
            ],
        )
        before_draft = self._snapshot(draft)
        self.assertRpcRefused(self.specialist, DOC, "write", [[draft.id], {"state": "signed", "pdf_id": attachment}])
        self.assertRpcRefused(self.specialist, DOC, "write", [[draft.id], {"pdf_id": attachment}])
        self.assertRpcRefused(self.specialist, DOC, "write", [[draft.id], {"version_ids": [(4, attachment)]}])
        self.assertRpcRefused(self.clerk, DOC, "action_issue", [[draft.id]], errors=REFUSED)
        self.assertEqual(self._snapshot(draft), before_draft)

        # Approved: the signer has not signed yet.
        doc = self._approved()
        doc.sudo().register_id = self.register
        own = self._rpc_ok(
            self.specialist,
            "ir.attachment",
            "create",
            [{"name": "tu-lam-da-ky.pdf", "raw": forged, "mimetype": "application/pdf"}],
        )
        before = self._snapshot(doc)
        for vals in (
            {"state": "signed", "pdf_id": own},
            {"state": "signed"},
            {"pdf_id": own},
            {"signed_checksum": "0" * 64},
            {"version_ids": [(4, own)]},
        ):
            with self.subTest(vals=vals):
                self.assertRpcRefused(self.specialist, DOC, "write", [[doc.id], vals], errors=REFUSED)
        self.assertRpcRefused(self.clerk, DOC, "action_issue", [[doc.id]], errors=REFUSED)
        self.assertEqual(self._snapshot(doc), before, "nothing changed")
        self.assertFalse(doc.sudo().number)

        # Signed: its signed PDF is not replaced nor deleted before the records office issues it.
        self._rpc_ok(self.leader, DOC, "action_sign", [[doc.id], self.pki.password])
        signed = self._snapshot(doc)
        self.assertEqual(signed["state"], "signed")
        self.assertRpcRefused(self.specialist, "ir.attachment", "write", [[signed["pdf_id"]], {"raw": forged}])
        self.assertRpcRefused(self.leader, "ir.attachment", "write", [[signed["pdf_id"]], {"raw": forged}])
        self.assertRpcRefused(self.specialist, "ir.attachment", "unlink", [[signed["pdf_id"]]])
        self.assertRpcRefused(self.specialist, DOC, "write", [[doc.id], {"pdf_id": own}])
        self.assertEqual(self._snapshot(doc), signed, "nothing changed")
        self._rpc_ok(self.clerk, DOC, "action_issue", [[doc.id]])
        self.env.invalidate_all()
        self.assertEqual((doc.state, doc.number), ("issued", 1))

    def test_no_user_sets_or_changes_a_file_s_role(self):
        forged = base64.b64encode(b"%PDF-1.4 made by the drafter").decode()
        draft = self._draft()
        self._rpc_ok(self.specialist, DOC, "action_render", [[draft.id]])
        version = draft.sudo().pdf_id
        self.assertEqual(version.moh_role, "draft_pdf")
        own = {"name": "x-ky.pdf", "raw": forged, "mimetype": "application/pdf", "res_model": DOC, "res_id": draft.id}
        for user in (self.specialist, self.head, self.leader, self.clerk, self.admin):
            with self.subTest(user=user.login):
                self.assertRpcRefused(user, "ir.attachment", "create", [{**own, "moh_role": "signing_pdf"}])
                self.assertRpcRefused(user, "ir.attachment", "write", [[version.id], {"moh_role": "signing_pdf"}])
        # Nor by a default in the context: the file is stored without a role.
        uploaded = self._rpc_ok(
            self.specialist, "ir.attachment", "create", [own], {"context": {"default_moh_role": "signed_pdf"}}
        )
        self.assertRpcRefused(self.specialist, "ir.attachment", "write", [[uploaded], {"moh_role": "signing_pdf"}])
        self.env.invalidate_all()
        self.assertFalse(self.env["ir.attachment"].browse(uploaded).moh_role)
        self.assertEqual(version.moh_role, "draft_pdf")

        # Named as the PDF prepared for signing was, the drafter's file is never signed nor issued.
        self._rpc_ok(self.specialist, DOC, "action_request_review", [[draft.id]])
        for reviewer in (self.head, self.head_legal, self.leader):
            self._rpc_review(reviewer, draft)
        self._rpc_ok(self.specialist, DOC, "action_approved", [[draft.id]])
        self._rpc_ok(self.leader, DOC, "action_sign", [[draft.id], self.pki.password])
        self._rpc_ok(self.clerk, DOC, "action_issue", [[draft.id]])
        self.env.invalidate_all()
        doc = draft.sudo()
        self.assertEqual((doc.state, doc.pdf_id.moh_role), ("issued", "issued_pdf"))
        self.assertEqual(len(doc.version_ids.filtered(lambda a: a.moh_role == "signing_pdf")), 1)
        self.assertNotIn(b"made by the drafter", doc.pdf_id.raw)

    # -- 5. delegations ---------------------------------------------------------------------------

    def test_a_specialist_cannot_name_himself_signer(self):
        """Else he would approve his own draft in the signer's step of the chain, then sign it."""
        doc = self._draft(signer_id=self.specialist.id)
        self.assertRpcRefused(
            self.specialist, DOC, "action_request_review", [[doc.id]], errors=("odoo.exceptions.UserError",)
        )
        self.env.invalidate_all()
        self.assertFalse(doc.sudo().review_ids)
        self.assertEqual(doc.sudo().state, "draft")
        # A leader may be named: the chain starts.
        self._rpc_ok(self.specialist, DOC, "write", [[doc.id], {"signer_id": self.leader.id}])
        self._rpc_ok(self.specialist, DOC, "action_request_review", [[doc.id]])
        self.assertTrue(doc.sudo().review_ids)

    def test_only_the_delegator_delegates(self):
        Delegation = self.env["moh.delegation"].sudo()
        period = {
            "date_from": dt.date.today().isoformat(),
            "date_to": (dt.date.today() + dt.timedelta(days=7)).isoformat(),
        }
        # A leader delegates another leader's powers (to himself, or to someone else).
        self.assertRpcRefused(
            self.leader,
            "moh.delegation",
            "create",
            [{"delegator_id": self.deputy.id, "delegate_id": self.leader.id, **period}],
        )
        self.assertRpcRefused(
            self.leader,
            "moh.delegation",
            "create",
            [{"delegator_id": self.deputy.id, "delegate_id": self.head.id, **period}],
        )
        self.assertRpcRefused(
            self.specialist,
            "moh.delegation",
            "create",
            [{"delegator_id": self.leader.id, "delegate_id": self.specialist.id, **period}],
        )
        self.assertFalse(Delegation.search([("delegator_id", "=", self.deputy.id)]))
        self.assertFalse(Delegation._moh_delegators_of(self.leader))

        # The deputy delegates his own powers; the leader may not change or delete that, nor turn
        # a delegation of his own into one from the deputy.
        own = self._rpc_ok(self.deputy, "moh.delegation", "create", [{"delegate_id": self.head.id, **period}])
        own = Delegation.browse(own)
        self.assertEqual(own.delegator_id, self.deputy)
        self.assertRpcRefused(self.leader, "moh.delegation", "write", [own.ids, {"delegate_id": self.leader.id}])
        self.assertRpcRefused(self.leader, "moh.delegation", "unlink", [own.ids])
        mine = self._rpc_ok(self.leader, "moh.delegation", "create", [{"delegate_id": self.head.id, **period}])
        self.assertRpcRefused(self.leader, "moh.delegation", "write", [[mine], {"delegator_id": self.deputy.id}])
        self.env.invalidate_all()
        self.assertEqual((own.delegator_id, own.delegate_id), (self.deputy, self.head))
        self.assertEqual(Delegation.browse(mine).delegator_id, self.leader)
        self.assertEqual(Delegation._moh_delegators_of(self.head), self.deputy | self.leader)
        self.assertFalse(Delegation._moh_delegators_of(self.leader))
        # Employees see the delegations from or to them only.
        self.assertEqual(self._rpc_ok(self.plain_user, "moh.delegation", "search", [[]]), [])
        self.assertEqual(sorted(self._rpc_ok(self.head, "moh.delegation", "search", [[]])), sorted([own.id, mine]))

        # The e-office administrator records a delegation for a leader.
        recorded = self._rpc_ok(
            self.admin,
            "moh.delegation",
            "create",
            [{"delegator_id": self.deputy.id, "delegate_id": self.leader.id, **period}],
        )
        self.assertEqual(Delegation.browse(recorded).delegator_id, self.deputy)

    # -- 6. every public method checks its caller -------------------------------------------------

    def test_every_public_method_checks_its_caller(self):
        doc = self._under_review()
        Model = type(self.env[DOC])
        names = sorted(
            {
                name
                for cls in Model.mro()
                if cls.__module__.startswith("odoo.addons.moh_")
                for name, member in vars(cls).items()
                if callable(member) and not name.startswith("_")
            }
            | {"request_validation", "restart_validation", "validate_tier", "reject_tier", "evaluate_tier"}
        )
        arguments = {
            "action_sign": [self.pki.password],
            "moh_sign_prepare": [base64.b64encode(self.pki.signer.der).decode()],
            "moh_sign_prepare_many": [base64.b64encode(self.pki.signer.der).decode()],
            "write": [{"abstract": "Sửa"}],
            "evaluate_tier": [self.env.ref("moh_documents.tier_outgoing_signer").id],
        }
        before = self._snapshot(doc)
        for user in (self.portal, self.plain_user, self.specialist_legal):
            for name in names:
                if name in ("create", "moh_sign_finish", "moh_sign_finish_many"):
                    continue  # model methods, checked below
                with self.subTest(user=user.login, method=name):
                    self.assertRpcRefused(user, DOC, name, [[doc.id], *arguments.get(name, [])])
            self.assertRpcRefused(user, DOC, "moh_sign_finish", ["no-such-session", "AAAA"], errors=REFUSED)
            self.assertRpcRefused(
                user,
                DOC,
                "moh_sign_finish_many",
                [[{"session": "no-such-session", "signature": "AAAA"}]],
                errors=REFUSED,
            )
        self.assertRpcRefused(self.portal, DOC, "create", [{"abstract": "Cổng"}])
        self.assertEqual(self._snapshot(doc), before, "nothing changed")

    # -- the legitimate chain, end to end -----------------------------------------------------

    def test_the_whole_chain_over_rpc(self):
        doc = self.env[DOC].browse(
            self._rpc_ok(
                self.specialist,
                DOC,
                "create",
                [
                    {
                        "document_type_id": self.env.ref("moh_documents.document_type_quyet_dinh").id,
                        "department_id": self.department_drug.id,
                        "abstract": "Ban hành quy chế",
                        "body": "Điều 1. Ban hành quy chế.",
                        "signer_id": self.leader.id,
                        "signer_position": "THỨ TRƯỞNG",
                        "register_id": self.register.id,
                    }
                ],
            )
        )
        self._rpc_ok(self.specialist, DOC, "write", [doc.ids, {"body": "Điều 1. Ban hành quy chế làm việc."}])
        self._rpc_ok(self.specialist, DOC, "action_render", [doc.ids])
        self._rpc_ok(self.specialist, DOC, "action_request_review", [doc.ids])
        self._rpc_review(self.head, doc)
        self._rpc_review(self.head_legal, doc, "reject", "Thiếu căn cứ")
        self.env.invalidate_all()
        self.assertEqual(doc.validation_status, "rejected")
        self._rpc_ok(self.specialist, DOC, "restart_validation", [doc.ids])
        self._rpc_ok(
            self.specialist, DOC, "write", [doc.ids, {"body": "Căn cứ Luật.\n\nĐiều 1. Ban hành quy chế làm việc."}]
        )
        self._rpc_ok(self.specialist, DOC, "action_request_review", [doc.ids])
        for reviewer in (self.head, self.head_legal, self.leader):
            self._rpc_review(reviewer, doc)
        self._rpc_ok(self.specialist, DOC, "action_approved", [doc.ids])
        self._rpc_ok(self.leader, DOC, "action_sign", [doc.ids, self.pki.password])
        self._rpc_ok(self.clerk, DOC, "action_issue", [doc.ids])
        self.env.invalidate_all()
        self.assertEqual((doc.state, doc.number, doc.name), ("issued", 1, "01/QĐ-BYT"))
        self.assertEqual({c.field_name for c in doc.signature_validation_ids if c.valid}, {"signer", "seal"})
        # Whoever may read it comments on it in its chatter, also once it is final.
        self._rpc_ok(self.head, DOC, "message_post", [doc.ids], {"body": "Đã nhận", "message_type": "comment"})
