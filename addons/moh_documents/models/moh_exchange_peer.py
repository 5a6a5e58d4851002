"""A system the agency exchanges messages with: another agency's document system (edXML), or
the national public service portal (dossier status events).

Outbound messages go to the peer's HTTP endpoint or are written into a folder it watches (a
shared or synchronised directory); inbound messages arrive at ``/moh/exchange/edxml``
authenticated by the token the peer was given. Delivery itself is moh.exchange.message's.
"""

import os
import secrets
import tempfile

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError


class MohExchangeTransportError(Exception):
    """A delivery that failed; ``permanent`` when trying again cannot help (the peer refused)."""

    def __init__(self, message, permanent=False):
        super().__init__(message)
        self.permanent = permanent


class MohExchangePeer(models.Model):
    _name = "moh.exchange.peer"
    _description = "Exchange Peer"
    _order = "name"

    name = fields.Char(required=True)
    code = fields.Char(
        string="Agency Code",
        required=True,
        help="The peer's identification code (Decision 20/2020/QĐ-TTg), e.g. 000.00.01.H26; "
        "documents and status messages to and from this agency use this peer.",
    )
    national_portal = fields.Boolean(
        string="National Public Service Portal", help="Dossier status changes are sent to this peer."
    )
    transport = fields.Selection(
        [("http", "HTTP endpoint"), ("folder", "Watched folder")], required=True, default="http"
    )
    url = fields.Char(string="Endpoint URL")
    folder_path = fields.Char(string="Folder", help="A folder on the server that the peer watches.")
    auth_token = fields.Char(
        string="Token Sent to the Peer",
        groups="moh_documents.group_moh_admin",
        copy=False,
        help="Sent as 'Authorization: Bearer …' with every message to the peer.",
    )
    inbound_token = fields.Char(
        string="Token the Peer Sends",
        groups="moh_documents.group_moh_admin",
        copy=False,
        default=lambda self: secrets.token_urlsafe(32),
        help="The peer authenticates its messages to us with this token.",
    )
    receiving_user_id = fields.Many2one(
        "res.users",
        string="Registered By",
        domain=[("share", "=", False)],
        help="The clerk in whose name documents received from this peer are registered.",
    )
    timeout = fields.Integer(string="Timeout (seconds)", default=30, required=True)
    max_attempts = fields.Integer(
        default=10, required=True, help="After this many failed attempts a message becomes a dead letter."
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    message_ids = fields.One2many("moh.exchange.message", "peer_id", string="Messages")
    dead_count = fields.Integer(compute="_compute_counts", string="Dead Letters")
    queued_count = fields.Integer(compute="_compute_counts", string="Waiting")

    _code_company_unique = models.Constraint("UNIQUE(code, company_id)", "A peer with this agency code already exists.")

    @api.depends("message_ids.state")
    def _compute_counts(self):
        counts = {
            (peer.id, state): count
            for peer, state, count in self.env["moh.exchange.message"]._read_group(
                [("peer_id", "in", self.ids), ("direction", "=", "out")], ["peer_id", "state"], ["__count"]
            )
        }
        for peer in self:
            peer.dead_count = counts.get((peer.id, "dead"), 0)
            peer.queued_count = counts.get((peer.id, "queued"), 0) + counts.get((peer.id, "failed"), 0)

    @api.constrains("transport", "url", "folder_path", "timeout", "max_attempts")
    def _check_transport(self):
        for peer in self:
            if peer.transport == "http" and not (peer.url or "").startswith(("http://", "https://")):
                raise ValidationError(
                    self.env._("Peer %(peer)s: give an endpoint URL starting with http:// or https://.", peer=peer.name)
                )
            if peer.transport == "folder" and not (peer.folder_path or "").strip():
                raise ValidationError(self.env._("Peer %(peer)s: give the folder the peer watches.", peer=peer.name))
            if peer.timeout < 1 or peer.max_attempts < 1:
                raise ValidationError(self.env._("The timeout and the number of attempts must be at least 1."))

    @api.constrains("code", "national_portal")
    def _check_code(self):
        """An agency's code is its identification code of Decision 20/2020/QĐ-TTg (the edXML
        OrganId); the national portal is a system, not a listed agency, and keeps its own code."""
        for peer in self.filtered(lambda p: not p.national_portal):
            self.env["res.company"]._moh_check_agency_code(peer.code, peer.name)

    @api.constrains("national_portal", "active", "company_id")
    def _check_one_national_portal(self):
        for peer in self.filtered(lambda p: p.national_portal and p.active):
            if (
                self.search_count(
                    [("national_portal", "=", True), ("active", "=", True), ("company_id", "=", peer.company_id.id)]
                )
                > 1
            ):
                raise ValidationError(
                    self.env._(
                        "%(company)s already sends its dossiers' statuses to a national portal: archive that peer first.",
                        company=peer.company_id.name,
                    )
                )

    @api.model
    def _moh_load_demo_peers(self):
        """Demo data: the national public service portal and a provincial health department, both
        reached through watched folders under the server's data directory (one per database), so
        that the demo's dossier events and edXML messages can be seen arriving as files."""
        from odoo.tools import config  # noqa: PLC0415

        root = os.path.join(config["data_dir"], "moh_exchange", self.env.cr.dbname)
        clerk = self.env.ref("moh_documents.user_vanthu", raise_if_not_found=False)
        return self.create(
            [
                {
                    "name": "Cổng Dịch vụ công quốc gia",
                    "code": "DVCQG.VPCP",
                    "national_portal": True,
                    "transport": "folder",
                    "folder_path": os.path.join(root, "dvcqg"),
                },
                {
                    "name": "Sở Y tế Thành phố Hồ Chí Minh",
                    "code": "000.00.01.H29",
                    "transport": "folder",
                    "folder_path": os.path.join(root, "so-y-te-tphcm"),
                    "receiving_user_id": clerk.id if clerk else False,
                },
            ]
        )

    @api.model
    def _moh_find(self, code, company=None):
        company = company or self.env.company
        return (
            self.sudo().search([("code", "=", code), ("company_id", "=", company.id)], limit=1)
            if code
            else self.browse()
        )

    @api.model
    def _moh_portal(self, company=None):
        company = company or self.env.company
        return self.sudo().search([("national_portal", "=", True), ("company_id", "=", company.id)], limit=1)

    @api.model
    def _moh_authenticate(self, token):
        """The active peer whose inbound token is ``token`` (compared in constant time), or nothing."""
        if not token:
            return self.browse()
        for peer in self.sudo().search([("inbound_token", "!=", False)]):
            if secrets.compare_digest(peer.inbound_token.encode(), token.encode()):
                return peer
        return self.browse()

    def action_new_inbound_token(self):
        """A new token for the peer to authenticate with (the old one stops working)."""
        if not self.env.user.has_group("moh_documents.group_moh_admin"):
            raise AccessError(self.env._("Only an administrator renews a peer's token."))
        self.check_access("write")
        for peer in self:
            peer.inbound_token = secrets.token_urlsafe(32)

    # -- delivery -------------------------------------------------------------------------------

    def _moh_deliver(self, message):
        """Deliver ``message`` (a moh.exchange.message) once; raises MohExchangeTransportError."""
        self.ensure_one()
        if self.transport == "folder":
            return self._moh_deliver_folder(message)
        return self._moh_deliver_http(message)

    def _moh_deliver_http(self, message):
        import requests  # noqa: PLC0415

        headers = {
            "Content-Type": message.content_type or "application/octet-stream",
            "X-MOH-Message-Id": message.message_id,
            "X-MOH-Message-Kind": message.kind,
            "X-MOH-Sender": message.company_id.moh_agency_code or "",
        }
        token = self.sudo().auth_token
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = requests.post(self.url, data=message._moh_payload_raw(), headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            raise MohExchangeTransportError(self.env._("The peer could not be reached: %(error)s", error=exc)) from exc
        if 200 <= response.status_code < 300:
            return response.text[:1000]
        detail = self.env._(
            "The peer answered %(status)s: %(text)s", status=response.status_code, text=response.text[:500]
        )
        # A refusal of the message itself (bad request, unknown sender, too large…) does not go
        # away by trying again; a server error, a timeout or a rate limit may.
        permanent = 400 <= response.status_code < 500 and response.status_code not in (408, 425, 429)
        raise MohExchangeTransportError(detail, permanent=permanent)

    def _moh_deliver_folder(self, message):
        """Written under a temporary name and renamed: the peer never sees half a file, and the
        file is named by the message id, so sending it again replaces it instead of adding one."""
        folder = self.folder_path
        try:
            os.makedirs(folder, exist_ok=True)
            final = os.path.join(folder, message._moh_file_name())
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".moh-", suffix=".part")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(message._moh_payload_raw())
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temporary, final)
            except BaseException:
                if os.path.exists(temporary):
                    os.unlink(temporary)
                raise
        except OSError as exc:
            raise MohExchangeTransportError(
                self.env._("The message could not be written to the folder: %(error)s", error=exc)
            ) from exc
        return final
