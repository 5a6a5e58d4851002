"""Messages exchanged with peers: the outbound queue and the record of what was received.

Outbound, each message is one row, queued, and delivered by a job of OCA queue_job
(``_moh_deliver``, channel ``root.moh_exchange``). A failed delivery is tried again later (the
job function's retry pattern in data/queue_job_data.xml); after the peer's number of attempts,
or at once when the peer refuses the message itself, it becomes a *dead letter*, listed for
administrators, who may send it again.

Exactly once: every message carries its id (``X-MOH-Message-Id``, and the file name of a
watched-folder peer). The message is marked sent in the transaction of the job that delivered
it. If the server dies between the peer's answer and that commit, the job is found dead and run
again, and the message is delivered a second time: the receiver keeps the ids it received and
answers "already received" without importing anything (see controllers/exchange.py), so
delivery "at least once" by the queue is "exactly once" at the receiver. Inbound rows are unique
per (message id, direction): two copies arriving together cannot both be imported.
"""

import base64
import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .moh_exchange_peer import MohExchangeTransportError

_logger = logging.getLogger(__name__)

KINDS = [
    ("edxml", "edXML document"),
    ("status", "edXML status"),
    ("portal_event", "Portal event"),
    ("dvcqg_sync", "National portal dossier sync"),
]
STATES = [
    ("queued", "Queued"),
    ("failed", "Failed, will retry"),
    ("sent", "Sent"),
    ("dead", "Dead Letter"),
    ("received", "Received"),
]
EXTENSIONS = {"edxml": "edxml", "status": "edxml", "portal_event": "json", "dvcqg_sync": "json"}
#: Key of the PostgreSQL advisory lock taken while a message is delivered (with its id).
DELIVERY_LOCK = 0x4D4F4858  # "MOHX"


class MohExchangeMessage(models.Model):
    _name = "moh.exchange.message"
    _description = "Exchange Message"
    _order = "id desc"
    _rec_name = "message_id"

    message_id = fields.Char(string="Message ID", required=True, readonly=True, index=True, copy=False)
    direction = fields.Selection([("out", "Outbound"), ("in", "Inbound")], required=True, readonly=True)
    peer_id = fields.Many2one("moh.exchange.peer", required=True, readonly=True, ondelete="restrict", index=True)
    company_id = fields.Many2one(related="peer_id.company_id", store=True, index=True)
    kind = fields.Selection(KINDS, required=True, readonly=True)
    payload = fields.Binary(attachment=True, readonly=True)
    payload_name = fields.Char(readonly=True)
    content_type = fields.Char(readonly=True)
    state = fields.Selection(STATES, required=True, default="queued", readonly=True, index=True)
    attempts = fields.Integer(readonly=True)
    last_error = fields.Text(readonly=True)
    sent_at = fields.Datetime(readonly=True)
    sequence = fields.Integer(
        readonly=True,
        aggregator=False,
        help="Order of the messages about one record (e.g. one dossier's status events).",
    )
    res_model = fields.Char(string="Related Model", readonly=True, index=True)
    res_id = fields.Many2oneReference(string="Related Record ID", model_field="res_model", readonly=True, index=True)
    record_ref = fields.Reference(
        selection="_selection_record_ref", compute="_compute_record_ref", string="Related Record"
    )

    _message_direction_unique = models.Constraint(
        "UNIQUE(message_id, direction)", "This message was already recorded: a message id is used once per direction."
    )

    @api.model
    def _selection_record_ref(self):
        return [(model.model, model.name) for model in self.env["ir.model"].sudo().search([])]

    @api.depends("res_model", "res_id")
    def _compute_record_ref(self):
        for message in self:
            valid = message.res_model in self.env and message.res_id
            message.record_ref = f"{message.res_model},{message.res_id}" if valid else False

    def _moh_payload_raw(self):
        """The payload's bytes, for the delivery job and the tests (never callable over RPC).
        The caller's right to read the message is checked first (delivery runs in sudo)."""
        self.ensure_one()
        self.check_access("read")
        data = self.sudo().with_context(bin_size=False).payload
        return base64.b64decode(data) if data else b""

    def _moh_file_name(self):
        return f"{self.message_id}.{EXTENSIONS.get(self.kind, 'bin')}"

    # -- queueing -------------------------------------------------------------------------------

    @api.model
    def _moh_enqueue(self, peer, kind, payload, record=None, content_type=None, message_id=None, sequence=0):
        """Queue ``payload`` (bytes) for ``peer``; returns the message. The job runs after this
        transaction commits, so a rolled-back step sends nothing."""
        from moh_core.exchange import new_message_id  # noqa: PLC0415

        if record is not None and hasattr(record, "_moh_is_secret") and record._moh_is_secret():
            # Never over the exchange or to the national portal (Law 29/2018/QH14, Art. 5.5-5.6).
            raise record._moh_secret_refusal(
                self.env._("It is not sent over the document exchange or to the national portal")
            )
        message = self.sudo().create(
            {
                "message_id": message_id or new_message_id(),
                "direction": "out",
                "peer_id": peer.id,
                "kind": kind,
                "payload": base64.b64encode(payload),
                "content_type": content_type
                or ("application/json" if kind in ("portal_event", "dvcqg_sync") else "application/xml"),
                "res_model": record._name if record else False,
                "res_id": record.id if record else False,
                "sequence": sequence,
            }
        )
        message.payload_name = message._moh_file_name()
        message._moh_schedule()
        return message

    def _moh_schedule(self):
        for message in self:
            # One job per message id until it has run: pressing Retry twice queues one delivery.
            message.with_delay(
                channel="root.moh_exchange",
                max_retries=0,
                identity_key=f"moh-exchange-{message.message_id}",
                description=self.env._(
                    "Send %(kind)s %(id)s to %(peer)s",
                    kind=message.kind,
                    id=message.message_id,
                    peer=message.peer_id.name,
                ),
            )._moh_deliver()

    # -- delivery (the job) ---------------------------------------------------------------------

    def _moh_deliver(self):
        """Deliver the message once. Sent or dead: nothing to do. A transient failure is recorded
        and the job retried later (queue_job's RetryableJobError); a permanent one, or the last
        allowed attempt, makes a dead letter."""
        from odoo.addons.queue_job.exception import RetryableJobError  # noqa: PLC0415

        self.ensure_one()
        # The job runs as the user whose step queued the message; delivery is the system's.
        self = self.sudo()  # noqa: PLW0642
        # One delivery of a message at a time, whatever the number of job runners and workers.
        self.env.cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", (DELIVERY_LOCK, self.id))
        self.invalidate_recordset()
        if self.direction != "out" or self.state not in ("queued", "failed"):
            return f"nothing to do: {self.state}"
        try:
            answer = self.peer_id._moh_deliver(self)
        except MohExchangeTransportError as exc:
            attempts = self.attempts + 1
            if exc.permanent or attempts >= self.peer_id.max_attempts:
                self.write({"state": "dead", "attempts": attempts, "last_error": str(exc)})
                _logger.info(
                    "exchange message %s to %s is a dead letter after %s attempt(s): %s",
                    self.message_id,
                    self.peer_id.code,
                    attempts,
                    exc,
                )
                self._moh_announce_dead_letter()
                return f"dead letter: {exc}"
            self._moh_record_failure(attempts, str(exc))
            raise RetryableJobError(str(exc)) from exc
        self.write(
            {"state": "sent", "attempts": self.attempts + 1, "sent_at": fields.Datetime.now(), "last_error": False}
        )
        return f"sent: {answer}"

    def _moh_announce_dead_letter(self):
        """Tell the administrators: a to-do on the related record when it takes activities, else
        a notification in their inbox."""
        self.ensure_one()
        admins = (
            self.env.ref("moh_documents.group_moh_admin")
            .sudo()
            .all_user_ids.filtered(lambda user: user.active and not user.share and self.company_id in user.company_ids)
        )
        if not admins:
            return
        summary = self.env._("Dead letter to %(peer)s", peer=self.peer_id.name)
        note = self.env._(
            "Message %(id)s (%(kind)s) to %(peer)s was not delivered after %(attempts)s attempt(s): %(error)s. "
            "Correct the cause, then send it again from Document Exchange > Dead Letters.",
            id=self.message_id,
            kind=self.kind,
            peer=self.peer_id.name,
            attempts=self.attempts,
            error=self.last_error or "",
        )
        record = self.record_ref
        if record and "activity_ids" in record._fields:
            for admin in admins:
                record.sudo().activity_schedule(
                    "mail.mail_activity_data_todo", user_id=admin.id, summary=summary, note=note
                )
            return
        self.company_id.partner_id.sudo().message_notify(partner_ids=admins.partner_id.ids, subject=summary, body=note)

    def _moh_record_failure(self, attempts, error):
        """Kept in its own transaction: the job's is rolled back when it asks to be retried."""
        with self.env.registry.cursor() as cr:
            cr.execute(
                "UPDATE moh_exchange_message SET state = 'failed', attempts = %s, last_error = %s, "
                "write_date = now() AT TIME ZONE 'UTC' WHERE id = %s",
                (attempts, error, self.id),
            )
        self.invalidate_recordset(["state", "attempts", "last_error"])

    # -- administrators -------------------------------------------------------------------------

    def action_retry(self):
        """Send dead letters (or failing messages) again, from a fresh count of attempts."""
        if not self.env.user.has_group("moh_documents.group_moh_admin"):
            raise AccessError(self.env._("Only an administrator sends a message again."))
        retry = self.filtered(lambda m: m.direction == "out" and m.state in ("dead", "failed"))
        if not retry:
            raise UserError(self.env._("Only dead letters and failing outbound messages can be sent again."))
        retry.sudo().write({"state": "queued", "attempts": 0})
        retry._moh_schedule()
        return True

    # -- receiving ------------------------------------------------------------------------------

    @api.model
    def _moh_receive(self, peer, message_id, kind, data, content_type=None):
        """Record an inbound message and import it, once. Returns (message, already_received).
        The row is created first: a second copy arriving at the same time waits on the unique
        index and then fails, so it is never imported twice."""
        if not peer.receiving_user_id:
            raise UserError(
                self.env._(
                    "Peer %(peer)s has no clerk to register what it sends: set one in its configuration.",
                    peer=peer.name,
                )
            )
        existing = self.sudo().search([("message_id", "=", message_id), ("direction", "=", "in")], limit=1)
        if existing:
            return existing, True
        message = self.sudo().create(
            {
                "message_id": message_id,
                "direction": "in",
                "peer_id": peer.id,
                "kind": kind,
                "state": "received",
                "payload": base64.b64encode(data),
                "content_type": content_type or "application/xml",
            }
        )
        message.payload_name = message._moh_file_name()
        record = (
            self.env["moh.edxml"]
            .with_user(peer.receiving_user_id)
            .with_company(peer.company_id)
            ._moh_import(data, message.payload_name, peer=peer, message_id=message_id)
        )
        message.write(
            {
                "res_model": record._name,
                "res_id": record.id,
                "kind": "status" if record._name == "moh.outgoing.document" else "edxml",
            }
        )
        return message, False
