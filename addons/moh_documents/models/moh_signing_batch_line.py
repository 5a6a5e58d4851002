import logging

from odoo import fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


class MohSigningBatchLine(models.Model):
    """One document of a signing batch: pending until it is signed (or fails, with the reason).
    A document is signed and its line marked signed in the same transaction."""

    _name = "moh.signing.batch.line"
    _description = "Signing Batch Document"
    _order = "batch_id, sequence, id"

    batch_id = fields.Many2one("moh.signing.batch", required=True, ondelete="cascade", index=True, readonly=True)
    sequence = fields.Integer(readonly=True)
    document_id = fields.Many2one("moh.outgoing.document", required=True, ondelete="cascade", index=True, readonly=True)
    state = fields.Selection(
        [("pending", "To Sign"), ("signed", "Signed"), ("failed", "Failed"), ("cancelled", "Cancelled")],
        default="pending",
        required=True,
        readonly=True,
    )
    error = fields.Text(readonly=True, help="Why this document was not signed.")

    def _moh_sign(self, key, signer, check):
        """Sign these lines' documents with the batch's opened key (private: from the batch's run,
        as its signer), together when there are several (a remote key's run, one approval). A
        failure is kept on the line; the batch goes on with the next document. When a run of
        several fails, its documents are signed again one by one, so that one bad document does
        not hold back the others and each line says its own reason."""
        if len(self) > 1:
            try:
                with self.env.cr.savepoint():
                    self.document_id.with_env(self.env)._moh_check_may_sign()
                    check = self.document_id.with_env(self.env)._moh_sign_with(key, signer, check)
                    self.sudo().state = "signed"
                return check
            except Exception:  # noqa: BLE001 - each document is tried alone and keeps its own reason
                _logger.info("Signing batch %s: a run of %d documents failed; one by one", self.batch_id.id, len(self))
            for line in self:
                check = line._moh_sign(key, signer, check)
            return check
        self.ensure_one()
        document = self.document_id.with_env(self.env)
        try:
            with self.env.cr.savepoint():
                document._moh_check_may_sign()
                check = document._moh_sign_with(key, signer, check)
                self.sudo().state = "signed"
        except UserError as exc:
            self.sudo().write({"state": "failed", "error": exc.args[0] if exc.args else str(exc)})
        except Exception as exc:
            _logger.exception("Signing batch %s: document %s failed", self.batch_id.id, document.id)
            self.sudo().write(
                {"state": "failed", "error": self.env._("Unexpected error: %(error)s", error=type(exc).__name__)}
            )
        return check
