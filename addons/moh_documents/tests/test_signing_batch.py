from io import BytesIO

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger
from pyhanko.pdf_utils.reader import PdfFileReader

from .common import RpcAttackMixin
from .test_outgoing_signing import OutgoingSigningCase

BATCH = "moh.signing.batch"
REFUSED = ("odoo.exceptions.AccessError", "odoo.exceptions.UserError", "odoo.exceptions.MissingError")


class SigningBatchCase(OutgoingSigningCase):
    def _batch(self, documents, password=None, user=None):
        """As the Sign dialog does for several documents: the batch is started, not yet run."""
        user = user or self.leader
        wizard = self.env["moh.outgoing.sign.wizard"].with_user(user).create({"document_ids": [(6, 0, documents.ids)]})
        action = wizard.with_context(moh_password=password or self.pki.password).action_sign()
        self.assertEqual(action["res_model"], BATCH)
        return self.env[BATCH].with_user(user).browse(action["res_id"])

    def _signatures(self, doc):
        return [sig.field_name for sig in PdfFileReader(BytesIO(doc.pdf_id.raw), strict=False).embedded_signatures]


@tagged("post_install", "-at_install")
class TestSigningBatch(SigningBatchCase):
    """A leader signs many approved documents with one password entry, in the background."""

    def test_fields_are_prepared_when_the_document_is_approved(self):
        doc = self._approved()
        self.assertEqual(doc.pdf_id.moh_role, "signing_pdf", "signing only signs: the fields exist already")

    def test_batch_signs_every_document_once_and_shows_its_progress(self):
        docs = self._approved() | self._approved() | self._approved()
        batch = self._batch(docs)
        self.assertEqual((batch.total, batch.done_count, batch.state), (3, 0, "running"))
        self.assertEqual(set(docs.mapped("state")), {"to_sign"}, "nothing is signed in the request")
        self.assertEqual(batch._moh_run(), 3)
        self.env.invalidate_all()
        self.assertEqual(set(docs.mapped("state")), {"signed"})
        self.assertEqual((batch.done_count, batch.failed_count, batch.progress, batch.state), (3, 0, 100.0, "done"))
        for doc in docs:
            self.assertEqual(self._signatures(doc), ["signer"])
            self.assertTrue(doc.signature_validation_ids.valid, doc.signature_validation_ids.explanation)
        self.assertFalse(batch._moh_key(), "the opened key is dropped when the batch is done")

    def test_a_restart_resumes_without_signing_anything_twice(self):
        docs = self._approved() | self._approved() | self._approved() | self._approved()
        batch = self._batch(docs)
        self.assertEqual(batch._moh_run(limit=2), 2)
        signed_first = docs.filtered(lambda d: d.state == "signed")
        self.assertEqual(len(signed_first), 2)
        checksums = {doc.id: doc.signed_checksum for doc in signed_first}
        # The server restarts: the process that held the opened key is gone.
        batch._moh_forget_key()
        self.env.invalidate_all()
        self.assertEqual(batch.state, "waiting")
        self.assertEqual(batch._moh_run(), 0, "nothing is signed without the key")
        self.assertEqual(len(docs.filtered(lambda d: d.state == "signed")), 2)
        with self.assertRaises(UserError), mute_logger("odoo.addons.moh_documents.models.moh_signing_key"):
            batch.action_resume("wrong password")
        # The leader enters the password again.
        wizard = self.env["moh.signing.batch.resume"].with_user(self.leader).create({"batch_id": batch.id})
        wizard.with_context(moh_password=self.pki.password).action_resume()
        self.assertEqual(batch._moh_run(), 2, "only the two documents not signed yet")
        self.env.invalidate_all()
        self.assertEqual(set(docs.mapped("state")), {"signed"})
        self.assertEqual(batch.state, "done")
        for doc in docs:
            self.assertEqual(self._signatures(doc), ["signer"], "one signature each")
        for doc in signed_first:
            self.assertEqual(doc.signed_checksum, checksums[doc.id], "a document signed before is not signed again")
        with self.assertRaises(UserError):
            batch.action_resume(self.pki.password)

    @mute_logger("odoo.addons.moh_documents.models.moh_signing_key")
    def test_a_wrong_password_signs_nothing(self):
        docs = self._approved() | self._approved()
        with self.assertRaises(UserError):
            self._batch(docs, password="wrong password")
        self.assertFalse(self.env[BATCH].sudo().search([("user_id", "=", self.leader.id)]))
        self.assertEqual(set(docs.mapped("state")), {"to_sign"})

    def test_a_selection_with_a_document_not_theirs_or_not_to_sign_is_refused_first(self):
        mine = self._approved() | self._approved()
        other = self._approved(signer=self.deputy)
        with self.assertRaises(AccessError):
            self._batch(mine | other)
        mine[:1].with_user(self.leader).action_sign(self.pki.password)
        with self.assertRaises(UserError):
            self._batch(mine)
        self.assertFalse(self.env[BATCH].sudo().search([("user_id", "=", self.leader.id)]))
        self.assertEqual(mine[1:].state, "to_sign", "nothing signed")
        self.assertEqual(other.state, "to_sign")

    def test_over_200_documents_are_refused(self):
        doc = self._approved()
        # The count is refused before anything else is looked at.
        base = self.env["moh.outgoing.document"].sudo()
        extra = base.create(
            [
                {
                    "document_type_id": doc.document_type_id.id,
                    "department_id": doc.department_id.id,
                    "abstract": f"Văn bản {i}",
                    "signer_id": self.leader.id,
                }
                for i in range(201)
            ]
        )
        ids = extra.ids
        self.assertEqual(len(ids), 201)
        with self.assertRaisesRegex(UserError, "200"):
            self.env[BATCH].with_user(self.leader).action_start(ids, self.pki.password)
        self.assertFalse(self.env[BATCH].sudo().search([("user_id", "=", self.leader.id)]))

    def test_cancel_keeps_what_was_signed(self):
        docs = self._approved() | self._approved()
        batch = self._batch(docs)
        batch._moh_run(limit=1)
        batch.action_cancel()
        self.assertEqual(batch._moh_run(), 0)
        self.env.invalidate_all()
        self.assertEqual(sorted(docs.mapped("state")), ["signed", "to_sign"])
        self.assertEqual(batch.state, "cancelled")


@tagged("post_install", "-at_install")
class TestSigningBatchSecurity(RpcAttackMixin, SigningBatchCase, HttpCase):
    """Another user neither reads nor resumes nor cancels the leader's batch, over JSON-RPC."""

    def test_another_user_cannot_read_resume_or_cancel_the_batch(self):
        docs = self._approved() | self._approved()
        batch = self._batch(docs)
        batch._moh_run(limit=1)
        batch._moh_forget_key()
        for user in (self.deputy, self.head, self.admin, self.specialist, self.portal):
            with self.subTest(user=user.login):
                self.assertRpcRefused(user, BATCH, "read", [[batch.id], ["line_ids", "state"]], errors=REFUSED)
                self.assertRpcRefused(user, BATCH, "action_resume", [[batch.id], self.pki.password], errors=REFUSED)
                self.assertRpcRefused(user, BATCH, "action_cancel", [[batch.id]], errors=REFUSED)
                self.assertRpcRefused(user, BATCH, "write", [[batch.id], {"stage": "done"}], errors=REFUSED)
        self.env.invalidate_all()
        self.assertEqual(batch.stage, "open")
        self.assertEqual(len(docs.filtered(lambda d: d.state == "signed")), 1)
        # A specialist, or a leader on documents he does not sign, starts no batch.
        self.assertRpcRefused(self.specialist, BATCH, "action_start", [docs.ids, self.pki.password], errors=REFUSED)
        self.assertRpcRefused(self.deputy, BATCH, "action_start", [docs.ids, self.pki.password], errors=REFUSED)
        # The leader himself resumes it over RPC.
        _result, error = self._rpc(self.leader, BATCH, "action_resume", [[batch.id], self.pki.password])
        self.assertFalse(error, error)
        self.assertTrue(batch._moh_key())
        batch._moh_forget_key()
