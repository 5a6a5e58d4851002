"""The national public service portal (DVCQG) as an exchange peer speaking its adapter's
contract (moh_core.dvcqg): a dossier's status change or hand-over queues one message; its
delivery rebuilds the whole dossier, upserts it with ``DongBoHoSoMC`` and sends the hand-overs
not yet sent with ``CapNhatTienDoHoSoMC``. The peer's catalogue pull keeps the procedures'
national codes in sync."""

import logging
import secrets

from odoo import api, fields, models
from odoo.addons.moh_documents.models.moh_exchange_peer import MohExchangeTransportError
from odoo.exceptions import AccessError, UserError

_logger = logging.getLogger(__name__)

#: Key of the PostgreSQL advisory lock taken while a dossier is synchronised (with its id).
DVCQG_LOCK = 0x4D4F4844  # "MOHD"
#: Sessions of the adapter, per database and peer: a login serves many deliveries.
_CLIENTS = {}
#: The code of the national portal peer linked to the local double (moh_core.testing.dvcqg_portal).
LOCAL_PORTAL_CODE = "DVCQG.LOCAL"


class MohExchangePeer(models.Model):
    _inherit = "moh.exchange.peer"

    protocol = fields.Selection(
        [("moh", "Product events"), ("dvcqg", "National portal adapter (DVCQG)")],
        default="moh",
        required=True,
        help="Product events: one JSON event per status change. DVCQG: the whole dossier and its "
        "processing steps, in the national portal's format (the endpoint URL is the adapter's).",
    )
    dvcqg_auth_endpoint = fields.Char(string="Login Path", default="/auth")
    dvcqg_integration_endpoint = fields.Char(string="Integration Path", default="/integration")
    dvcqg_share_endpoint = fields.Char(string="Sharing Path", default="/share")
    dvcqg_dstcode = fields.Char(string="dstcode", help="Sent in the 'dstcode' header of every call.")
    dvcqg_madonvi = fields.Char(string="Unit Code (madonvi)", help="The agency's unit code on the national portal.")
    dvcqg_username = fields.Char(string="Adapter Username", groups="moh_documents.group_moh_admin", copy=False)
    dvcqg_password = fields.Char(string="Adapter Password", groups="moh_documents.group_moh_admin", copy=False)
    dvcqg_link_secret = fields.Char(
        string="File Link Secret",
        groups="moh_documents.group_moh_admin",
        copy=False,
        default=lambda self: secrets.token_urlsafe(32),
        help="Signs the expiring links the national portal downloads the dossiers' files by.",
    )
    dvcqg_link_hours = fields.Integer(string="File Links Valid (hours)", default=72)
    dvcqg_public_url = fields.Char(
        string="Public Address",
        help="The address the national portal reaches this server at (default: the web base URL).",
    )
    dvcqg_retryable_codes = fields.Char(
        string="Retryable Error Codes",
        help="Comma-separated error codes of the adapter meaning 'try again later' (not confirmed "
        "by the public contract; other errors make dead letters).",
    )
    dvcqg_catalogue_at = fields.Datetime(string="Catalogue Pulled", readonly=True, copy=False)

    # -- the client ---------------------------------------------------------------------------

    def _moh_dvcqg_settings(self):
        from moh_core.dvcqg import Settings  # noqa: PLC0415

        self.ensure_one()
        peer = self.sudo()
        return Settings(
            adapter_url=peer.url or "",
            dstcode=peer.dvcqg_dstcode or "",
            madonvi=peer.dvcqg_madonvi or "",
            username=peer.dvcqg_username or "",
            password=peer.dvcqg_password or "",
            auth_endpoint=peer.dvcqg_auth_endpoint or "/auth",
            integration_endpoint=peer.dvcqg_integration_endpoint or "/integration",
            share_endpoint=peer.dvcqg_share_endpoint or "/share",
            timeout=peer.timeout,
            retryable_codes=tuple(
                code.strip() for code in (peer.dvcqg_retryable_codes or "").split(",") if code.strip()
            ),
        )

    def _moh_dvcqg_client(self):
        from moh_core.dvcqg import Client  # noqa: PLC0415

        settings = self._moh_dvcqg_settings()
        key = (self.env.cr.dbname, self.id)
        client = _CLIENTS.get(key)
        if client is None or client.settings != settings:
            client = _CLIENTS[key] = Client(settings)
        return client

    def _moh_dvcqg_file_url(self, attachment):
        from moh_core.dvcqg import signed_url  # noqa: PLC0415

        peer = self.sudo()
        base = (peer.dvcqg_public_url or self.env["ir.config_parameter"].sudo().get_param("web.base.url") or "").rstrip(
            "/"
        )
        return signed_url(
            f"{base}/moh/dvcqg/file", peer.dvcqg_link_secret, attachment.id, ttl=peer.dvcqg_link_hours * 3600
        )

    # -- delivery -------------------------------------------------------------------------------

    def _moh_deliver(self, message):
        if message.kind == "dvcqg_sync":
            return self._moh_dvcqg_deliver(message)
        return super()._moh_deliver(message)

    def _moh_dvcqg_deliver(self, message):
        """Synchronise the message's dossier as it is now; the other messages about it still
        waiting are covered by this snapshot and marked sent with it."""
        from moh_core.dvcqg import DvcqgError, MappingError  # noqa: PLC0415

        self.ensure_one()
        dossier = self.env["moh.dossier"].sudo().browse(message.res_id).exists()
        if message.res_model != "moh.dossier" or not dossier:
            raise MohExchangeTransportError(self.env._("The dossier of this message no longer exists."), permanent=True)
        self.env.cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", (DVCQG_LOCK, dossier.id))
        client = self._moh_dvcqg_client()
        try:
            record = dossier._moh_dvcqg_record(self)
            outcome = client.upsert_dossier(record, known=True if dossier.dvcqg_synced_at else None)
            dossier._moh_dvcqg_mark_synced()
            steps = dossier._moh_dvcqg_send_steps(self, client)
        except MappingError as exc:
            raise MohExchangeTransportError(
                self.env._("The dossier cannot be mapped to the national portal's codes: %(error)s", error=exc),
                permanent=True,
            ) from exc
        except DvcqgError as exc:
            raise MohExchangeTransportError(
                self.env._("The national portal answered: %(error)s", error=exc), permanent=not exc.retryable
            ) from exc
        covered = (
            self.env["moh.exchange.message"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "moh.dossier"),
                    ("res_id", "=", dossier.id),
                    ("kind", "=", "dvcqg_sync"),
                    ("direction", "=", "out"),
                    ("state", "in", ("queued", "failed")),
                    ("id", "!=", message.id),
                ]
            )
        )
        covered.write(
            {
                "state": "sent",
                "sent_at": fields.Datetime.now(),
                "last_error": self.env._("Covered by message %(id)s", id=message.message_id),
            }
        )
        return f"{outcome}, {steps} step(s)"

    # -- catalogue ------------------------------------------------------------------------------

    def action_dvcqg_pull_catalogue(self):
        """Pull the national procedure catalogue now (administrators)."""
        if not self.env.user.has_group("moh_documents.group_moh_admin"):
            raise AccessError(self.env._("Only an administrator pulls the national catalogue."))
        self.check_access("write")
        from moh_core.dvcqg import DvcqgError  # noqa: PLC0415

        updated = 0
        for peer in self:
            if peer.protocol != "dvcqg":
                raise UserError(self.env._("Peer %(peer)s is not a national portal adapter.", peer=peer.name))
            try:
                updated += peer._moh_dvcqg_pull_catalogue()
            except DvcqgError as exc:
                raise UserError(self.env._("The national portal answered: %(error)s", error=exc)) from exc
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("%(count)s procedure(s) updated from the national catalogue.", count=updated),
            },
        }

    def _moh_dvcqg_pull_catalogue(self):
        """Fill each procedure's national field code and name from the catalogue (matched by its
        national code, else its own code); returns how many procedures changed."""
        self.ensure_one()
        client = self._moh_dvcqg_client()
        national = {procedure.code: procedure for procedure in client.procedures()}
        fields_by_code = {field.code: field for field in client.fields()}
        updated = 0
        procedures = self.env["moh.procedure"].sudo().search([("company_id", "=", self.company_id.id)])
        for procedure in procedures:
            found = national.get(procedure.dvcqg_code or procedure.code)
            if not found:
                continue
            field_name = found.field_name or (
                fields_by_code.get(found.field_code).name if found.field_code in fields_by_code else ""
            )
            values = {
                "dvcqg_code": found.code,
                "dvcqg_name": found.name,
                "dvcqg_field_code": found.field_code,
                "dvcqg_field_name": field_name,
            }
            if any((procedure[key] or "") != (value or "") for key, value in values.items()):
                procedure.write(values)
                updated += 1
        self.sudo().dvcqg_catalogue_at = fields.Datetime.now()
        return updated

    @api.model
    def _cron_moh_dvcqg_catalogue(self):
        from moh_core.dvcqg import DvcqgError  # noqa: PLC0415

        for peer in self.sudo().search([("protocol", "=", "dvcqg")]):
            try:
                peer._moh_dvcqg_pull_catalogue()
            except DvcqgError as exc:
                _logger.warning("national catalogue pull from %s failed: %s", peer.name, exc)

    # -- the local national portal (demo, tests) ---------------------------------------------------

    @api.model
    def _moh_use_local_national_portal(self, settings, public_url=None):
        """Link the company to the local double of the national portal
        (``moh_core.testing.dvcqg_portal``) in one go, from its ``settings()`` (the JSON of its
        ``--settings-json``): the national portal peer :data:`LOCAL_PORTAL_CODE` speaking DVCQG
        (created or updated; the company's other national portal peers archived), the pull
        address, the national sign-in (enabled), the payment provider ``dvcqg`` (test mode,
        published), then the double's catalogue pulled into the procedures' national codes, and
        the documents of procedures that have no national document codes numbered ``TP1``,
        ``TP2``… in their order (the codes of the double's filed dossiers). ``public_url`` is the
        address the double reaches this server at (default: the web base URL). System
        administrators (or the superuser) only; never over RPC. Returns what was done."""
        from moh_core.dvcqg import DvcqgError  # noqa: PLC0415

        from .moh_dvcqg_inbound import PULL_URL_PARAM  # noqa: PLC0415

        if not (self.env.su or self.env.user.has_group("base.group_system")):
            raise AccessError(self.env._("Only a system administrator links the product to a local national portal."))
        peer_settings, oauth, payment = (
            self._moh_local_portal_section(settings, name) for name in ("peer", "oauth", "payment")
        )
        company = self.env.company
        Peer = self.sudo().with_context(active_test=False)
        values = {
            "name": self.env._("National Public Service Portal (local double)"),
            "code": LOCAL_PORTAL_CODE,
            "national_portal": True,
            "protocol": "dvcqg",
            "transport": "http",
            "url": peer_settings("Endpoint URL"),
            "dvcqg_auth_endpoint": peer_settings("Login Path"),
            "dvcqg_integration_endpoint": peer_settings("Integration Path"),
            "dvcqg_share_endpoint": peer_settings("Sharing Path"),
            "dvcqg_dstcode": peer_settings("dstcode"),
            "dvcqg_madonvi": peer_settings("Unit Code (madonvi)"),
            "dvcqg_username": peer_settings("Username"),
            "dvcqg_password": peer_settings("Password"),
            "auth_token": peer_settings("Outgoing Token (pull)", required=False) or False,
            "dvcqg_public_url": public_url or False,
            "company_id": company.id,
            "active": True,
        }
        Peer.search(
            [("national_portal", "=", True), ("company_id", "=", company.id), ("code", "!=", LOCAL_PORTAL_CODE)]
        ).active = False
        peer = Peer.search([("code", "=", LOCAL_PORTAL_CODE), ("company_id", "=", company.id)], limit=1)
        if peer:
            peer.write(values)
        else:
            peer = Peer.create(values)
        self.env["ir.config_parameter"].sudo().set_param(
            PULL_URL_PARAM, peer_settings("Pull URL (moh_egov.dvcqg_inbound_pull_url)")
        )

        provider = self.env.ref("moh_egov.provider_dvcqg", raise_if_not_found=False) or self.env[
            "auth.oauth.provider"
        ].sudo().search([("moh_national", "=", True)], limit=1)
        if not provider:
            raise UserError(self.env._("The national sign-in provider is missing: update the module."))
        provider.sudo().write(
            {
                "enabled": True,
                "client_id": oauth("Client ID"),
                "moh_client_secret": oauth("Client Secret"),
                "auth_endpoint": oauth("Authorization URL"),
                "moh_token_endpoint": oauth("Token URL"),
                "validation_endpoint": oauth("UserInfo URL"),
                "moh_jwks_uri": oauth("JWKS URL"),
                "moh_issuer": oauth("Issuer"),
                "moh_end_session_endpoint": oauth("End Session URL"),
            }
        )

        acquirer = (
            self.env["payment.provider"]
            .sudo()
            .search([("code", "=", "dvcqg"), ("company_id", "in", (company.id, False))], limit=1)
        )
        if not acquirer:
            raise UserError(self.env._("The national payment provider is missing: update the module."))
        acquirer.write(
            {
                "state": "test",
                "is_published": True,
                "dvcqg_partner_code": payment("Partner Code"),
                "dvcqg_secret": payment("Shared Secret"),
                "dvcqg_endpoint": payment("Platform URL"),
                "dvcqg_token": payment("Bearer Token", required=False) or False,
            }
        )

        try:
            updated = peer._moh_dvcqg_pull_catalogue()
        except DvcqgError as exc:
            raise UserError(self.env._("The national portal answered: %(error)s", error=exc)) from exc
        procedures = self.env["moh.procedure"].sudo().search([("company_id", "=", company.id)])
        for procedure in procedures:
            requirements = procedure.requirement_ids.sorted(lambda r: (r.sequence, r.id))
            if not any(requirements.mapped("dvcqg_code")):
                for number, requirement in enumerate(requirements, start=1):
                    requirement.dvcqg_code = f"TP{number}"
        unknown = procedures.filtered(lambda p: not p.dvcqg_code)
        if unknown:
            _logger.warning(
                "procedures not in the local national portal's catalogue (their dossiers will not sync): %s",
                ", ".join(unknown.mapped("code")),
            )
        return {
            "peer_id": peer.id,
            "inbound_token": peer.inbound_token,
            "procedures_updated": updated,
            "procedures_unknown": unknown.mapped("code"),
        }

    @api.model
    def _moh_local_portal_section(self, settings, name):
        """A reader of ``settings[name]``: ``read(key)`` is its value, a non-empty string unless
        ``required=False``; anything else raises UserError naming the setting."""
        section = settings.get(name) if isinstance(settings, dict) else None
        if not isinstance(section, dict):
            raise UserError(self.env._("The local national portal's settings have no '%(name)s' section.", name=name))

        def read(key, required=True):
            value = section.get(key)
            if value is None and not required:
                return ""
            if not isinstance(value, str) or (required and not value.strip()):
                raise UserError(
                    self.env._(
                        "The local national portal's setting '%(name)s: %(key)s' is missing.", name=name, key=key
                    )
                )
            return value.strip()

        return read
