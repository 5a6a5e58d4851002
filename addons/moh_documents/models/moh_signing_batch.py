"""Bulk signing in the background: a leader signs up to 200 approved documents with one entry
of their password or PIN (Decree 23/2025/NĐ-CP: the signer keeps sole control of the key).

The password is never stored, not even encrypted: the request that receives it opens the key
and keeps the opened key in the memory of that server process only (``_UNLOCKED``), for the
batch's duration; a thread of the same process signs the documents one by one, each committed
with the batch's progress as it is signed. Neither queue_job nor a cron fits: they run the work
in whichever worker or cron process picks it, which does not hold the key; passing them the
password would store it.

What a restart does: the process and its opened key are gone, the thread with them. The batch
is then "waiting for the PIN" (no process holds its lock, see ``_moh_locked``); its leader enters
the password again and the batch resumes with the documents not signed yet: a document is signed
and marked done in one transaction, so none is signed twice.
"""

import contextlib
import logging
import threading

from odoo import api, fields, models, modules
from odoo.exceptions import AccessError, UserError
from odoo.modules.registry import Registry

_logger = logging.getLogger(__name__)

#: The most documents one batch signs (one password entry).
MAX_DOCUMENTS = 200
#: Opened keys by (database, batch id): in this process's memory only, never in the database.
#: Each is the exit stack that closes it, the opened signer in its ``signer``.
_UNLOCKED = {}
_UNLOCKED_LOCK = threading.Lock()
#: First key of the PostgreSQL advisory lock a process holds while it signs a batch.
_LOCK_CLASS = 0x4D4F4842  # "MOHB"


class MohSigningBatch(models.Model):
    _name = "moh.signing.batch"
    _description = "Signing Batch"
    _order = "id desc"

    name = fields.Char(compute="_compute_name")
    user_id = fields.Many2one("res.users", string="Signer", required=True, readonly=True, index=True)
    line_ids = fields.One2many("moh.signing.batch.line", "batch_id", string="Documents", readonly=True)
    state = fields.Selection(
        [
            ("running", "Signing"),
            ("waiting", "Waiting for the Password"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        compute="_compute_state",
        help="Signing while a server process holds the opened key; after a restart, waiting for the "
        "signer to enter the password again.",
    )
    stage = fields.Selection(
        [("open", "Open"), ("done", "Done"), ("cancelled", "Cancelled")], default="open", required=True, readonly=True
    )
    total = fields.Integer(compute="_compute_progress")
    done_count = fields.Integer(string="Signed", compute="_compute_progress")
    failed_count = fields.Integer(string="Failed", compute="_compute_progress")
    progress = fields.Float(compute="_compute_progress", help="Percentage of the documents handled.")

    @api.depends("user_id", "create_date")
    def _compute_name(self):
        for batch in self:
            batch.name = self.env._("Signing batch %(number)s", number=batch.id or "")

    @api.depends("line_ids.state")
    def _compute_progress(self):
        for batch in self:
            states = batch.line_ids.mapped("state")
            batch.total = len(states)
            batch.done_count = states.count("signed")
            batch.failed_count = states.count("failed")
            handled = batch.total - states.count("pending")
            batch.progress = 100.0 * handled / batch.total if batch.total else 100.0

    @api.depends("stage")
    def _compute_state(self):
        for batch in self:
            if batch.stage != "open":
                batch.state = batch.stage
            else:
                batch.state = "running" if batch._moh_key() or batch._moh_locked() else "waiting"

    # -- starting, resuming, cancelling ---------------------------------------------------------

    @api.model
    def action_start(self, document_ids, password=None):
        """Sign ``document_ids`` in the background with the caller's key opened by ``password``.
        Everything is checked before anything is signed: at most 200 documents, each approved
        and naming the caller as its signer, none already in an open batch; then the key is
        opened (a wrong password refuses the whole batch)."""
        if not self.env.user.has_group("moh_documents.group_department_head"):
            raise AccessError(self.env._("Only the leaders who sign documents sign in bulk."))
        documents = self.env["moh.outgoing.document"].browse(document_ids).exists()
        if not documents:
            raise UserError(self.env._("Select the documents to sign."))
        if len(documents) > MAX_DOCUMENTS:
            raise UserError(
                self.env._(
                    "At most %(max)s documents are signed at once; %(count)s are selected.",
                    max=MAX_DOCUMENTS,
                    count=len(documents),
                )
            )
        documents.check_access("read")
        documents._moh_check_may_sign()
        busy = (
            self.env["moh.signing.batch.line"]
            .sudo()
            .search([("document_id", "in", documents.ids), ("state", "=", "pending"), ("batch_id.stage", "=", "open")])
        )
        if busy:
            raise UserError(
                self.env._(
                    "%(doc)s is already being signed in %(batch)s.",
                    doc=busy[:1].document_id.display_name,
                    batch=busy[:1].batch_id.display_name,
                )
            )
        key = self.env["moh.signing.key"]._moh_personal(self.env.user)
        opened = self._moh_open(key, password)
        try:
            batch = (
                self.sudo()
                .create(
                    {
                        "user_id": self.env.user.id,
                        "line_ids": [(0, 0, {"document_id": doc.id, "sequence": i}) for i, doc in enumerate(documents)],
                    }
                )
                .with_env(self.env)
            )
        except Exception:
            opened.close()
            raise
        batch._moh_unlock(opened)
        batch._moh_launch()
        return batch._moh_form_action()

    def action_resume(self, password=None):
        """After a restart (no process holds the opened key): the signer enters the password
        again and the documents not signed yet are signed."""
        self._moh_check_owner()
        for batch in self:
            if batch.stage != "open":
                raise UserError(self.env._("%(batch)s is finished.", batch=batch.display_name))
            if batch._moh_locked() or batch._moh_key():
                raise UserError(self.env._("%(batch)s is still being signed.", batch=batch.display_name))
            key = self.env["moh.signing.key"]._moh_personal(self.env.user)
            batch._moh_unlock(self._moh_open(key, password))
            batch._moh_launch()
        return True

    def action_cancel(self):
        """Stop: the documents signed so far stay signed, the others stay to sign."""
        self._moh_check_owner()
        for batch in self.sudo():
            if batch.stage == "open":
                batch.stage = "cancelled"
                batch.line_ids.filtered(lambda line: line.state == "pending").state = "cancelled"
        return True

    def _moh_check_owner(self):
        self.check_access("read")
        if any(batch.user_id != self.env.user for batch in self):
            raise AccessError(self.env._("Only the signer of a batch resumes or cancels it."))

    def _moh_form_action(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    # -- the opened key, in this process only ----------------------------------------------------

    def _moh_slot(self):
        return (self.env.cr.dbname, self.id)

    @api.model
    def _moh_open(self, key, password):
        """Enter the key's signer context (``moh.signing.key._moh_signer``, whatever the kind
        of key): the exit stack that closes it, with the signer in ``stack.signer``."""
        stack = contextlib.ExitStack()
        stack.signer = stack.enter_context(key._moh_signer(password))
        return stack

    def _moh_unlock(self, opened):
        with _UNLOCKED_LOCK:
            former = _UNLOCKED.pop(self._moh_slot(), None)
            _UNLOCKED[self._moh_slot()] = opened
        if former is not None:
            former.close()

    def _moh_key(self):
        """The opened signer of this batch in this process, or None."""
        opened = _UNLOCKED.get(self._moh_slot())
        return opened.signer if opened is not None else None

    def _moh_forget_key(self):
        """Close and drop the opened key (the batch is over, or this process stops)."""
        with _UNLOCKED_LOCK:
            opened = _UNLOCKED.pop(self._moh_slot(), None)
        if opened is not None:
            opened.close()

    def _moh_locked(self):
        """Whether a server process is signing this batch now (it holds its advisory lock; the
        lock goes with the process's database connection, so a dead process holds none)."""
        if not self.id:
            return False
        self.env.cr.execute(
            "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objid = %s AND granted",
            [_LOCK_CLASS, self.id],
        )
        return bool(self.env.cr.fetchone())

    # -- the work ---------------------------------------------------------------------------------

    def _moh_launch(self):
        """Start the signing thread once this transaction is committed (tests run ``_moh_run``
        themselves, on their own cursor)."""
        if modules.module.current_test or self.env.context.get("moh_signing_batch_inline"):
            return
        dbname, uid, batch_id = self.env.cr.dbname, self.env.uid, self.id

        def start():
            thread = threading.Thread(
                target=_run_in_thread, args=(dbname, uid, batch_id), name=f"moh-signing-batch-{batch_id}"
            )
            thread.start()

        self.env.cr.postcommit.add(start)

    def _moh_run(self, limit=None):
        """Sign the batch's pending documents (at most ``limit``), each committed as it is done.
        Runs as the signer; returns how many documents were handled."""
        self.ensure_one()
        cr = self.env.cr
        cr.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_CLASS, self.id])
        if not cr.fetchone()[0]:
            return 0  # another process signs it
        handled = 0
        # The e-mails of each document (the records office's activity, the followers of "Signed
        # by") go through the mail queue, not sent one by one while the batch signs.
        self = self.with_context(mail_notify_force_send=False)  # noqa: PLW0642
        try:
            signer = self._moh_key()
            if signer is None:
                return 0  # waiting for the password
            key = self.env["moh.signing.key"]._moh_personal(self.user_id)
            check = None
            # A remote key signs up to its batch size per approval: its documents go together
            # (and are committed together); any other key signs and commits one at a time.
            size = max(1, getattr(signer, "batch_size", 1))
            while limit is None or handled < limit:
                self.invalidate_recordset(["stage"])
                if self.sudo().stage != "open":
                    break
                pending = self.sudo().line_ids.sorted("sequence").filtered(lambda item: item.state == "pending")
                run = pending[: min(size, limit - handled) if limit is not None else size]
                if not run:
                    break
                check = run.with_env(self.env)._moh_sign(key, signer, check)
                handled += len(run)
                self._moh_commit()
            if not self.sudo().line_ids.filtered(lambda item: item.state == "pending"):
                if self.sudo().stage == "open":
                    self.sudo().stage = "done"
                self._moh_forget_key()
                self._moh_commit()
        finally:
            cr.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_CLASS, self.id])
        return handled

    def _moh_commit(self):
        # The thread owns its cursor: each signed document is kept as soon as it is signed, so
        # that a restart resumes after it. Tests share one transaction and never commit.
        if not modules.module.current_test:
            self.env.cr.commit()  # pylint: disable=invalid-commit


def _run_in_thread(dbname, uid, batch_id):
    """The signing thread of a batch: its own cursor, as the signer."""
    threading.current_thread().dbname = dbname
    threading.current_thread().uid = uid
    try:
        with Registry(dbname).cursor() as cr:
            env = api.Environment(cr, uid, {})
            env["moh.signing.batch"].browse(batch_id)._moh_run()
    except Exception:
        _logger.exception("Signing batch %s stopped", batch_id)
    finally:
        with _UNLOCKED_LOCK:
            opened = _UNLOCKED.pop((dbname, batch_id), None)
        if opened is not None:
            opened.close()
