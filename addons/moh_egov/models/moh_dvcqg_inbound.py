"""Dossiers filed on the national public service portal (DVCQG) entering the one-stop shop.

The portal pushes each dossier to ``POST /moh/dvcqg/dossiers`` (controllers/dvcqg_inbound.py),
authenticated by the national portal peer's inbound token (moh.exchange.peer, the token an
administrator gives the portal's operator); or, for a link that works the other way, the agency
pulls them (:meth:`_cron_moh_pull`, off by default) from the address in the system parameter
``moh_egov.dvcqg_inbound_pull_url``, sending the peer's outgoing token.

Each dossier is parsed and checked by moh_core.onestop.dvcqg_inbound (fields, dates, base64,
size limits), its procedure found by its national code (``MaTTHC``: the procedure's national
code, else its own code), each file matched to the required document by its national code
(``MaThanhPhanHoSo``) and checked exactly as a portal upload (moh.dossier.document._moh_add: type
by content, size, PDF structure, signatures). It is then registered in the dossier register,
submitted, under the code the portal gave it (``MaHoSo``, kept as its national code), on the
channel "national portal": the one-stop shop accepts it or asks for supplements as any online
dossier. All of it in one savepoint: a refused dossier leaves nothing behind. A dossier code
received before is answered ``error_code`` 1 and never registered twice, also when two pushes
race: the national code is unique in the database.

Files given as links (``DuongDanTaiTepTin``) are downloaded only from the hosts an administrator
lists in ``moh_egov.dvcqg_inbound_file_hosts`` (comma-separated; by default the pull address's
host), never from any address the message names.
"""

import logging
import secrets
from urllib.parse import urlsplit

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from psycopg2.errors import UniqueViolation

_logger = logging.getLogger(__name__)

PULL_URL_PARAM = "moh_egov.dvcqg_inbound_pull_url"
FILE_HOSTS_PARAM = "moh_egov.dvcqg_inbound_file_hosts"
MAX_DOSSIER_PARAM = "moh_egov.dvcqg_inbound_max_dossier_bytes"


class MohDvcqgInbound(models.AbstractModel):
    _name = "moh.dvcqg.inbound"
    _description = "Dossiers Filed on the National Portal"

    # -- settings ---------------------------------------------------------------------------------

    @api.model
    def _moh_limits(self):
        from moh_core.onestop.dvcqg_inbound import DEFAULT_MAX_DOSSIER_BYTES  # noqa: PLC0415

        value = self.env["ir.config_parameter"].sudo().get_param(MAX_DOSSIER_PARAM)
        try:
            dossier = max(1, int(value)) if value else DEFAULT_MAX_DOSSIER_BYTES
        except ValueError:
            dossier = DEFAULT_MAX_DOSSIER_BYTES
        return self.env["moh.dossier.document"]._moh_upload_limit(), dossier

    @api.model
    def _moh_max_body(self):
        """The largest request accepted: the dossier's files in base64, and room for the rest."""
        _file, dossier = self._moh_limits()
        return dossier * 4 // 3 + 1024 * 1024

    @api.model
    def _moh_lang(self):
        """Answers to the portal are in Vietnamese when it is installed (the portal's language)."""
        return "vi_VN" if self.env["res.lang"]._lang_get("vi_VN") else "en_US"

    @api.model
    def _moh_file_hosts(self):
        params = self.env["ir.config_parameter"].sudo()
        hosts = {host.strip().lower() for host in (params.get_param(FILE_HOSTS_PARAM) or "").split(",")}
        pull = urlsplit(params.get_param(PULL_URL_PARAM) or "").netloc.lower()
        return {host for host in hosts | {pull} if host}

    # -- receiving one dossier ----------------------------------------------------------------------

    @api.model
    def _moh_register(self, peer, payload):
        """Register one dossier the national portal sent (JSON text or its decoded object) for
        ``peer``'s agency; returns the answer ``{error_code, message}`` (and ``dossier_id`` once
        registered). Called by the push route and the pull, in superuser mode only."""
        if not self.env.su:
            raise AccessError(self.env._("Only the national portal link registers the dossiers filed there."))
        # The answers in the portal's language.
        return self.with_context(lang=self._moh_lang())._moh_receive(peer, payload)

    @api.model
    def _moh_receive(self, peer, payload):
        from moh_core.onestop.dvcqg_inbound import (  # noqa: PLC0415
            ACCEPTED,
            DUPLICATE,
            REFUSED,
            InboundError,
            parse_dossier,
            reply,
        )

        if not self.env.su:
            raise AccessError(self.env._("Only the national portal link registers the dossiers filed there."))
        max_file, max_dossier = self._moh_limits()
        try:
            inbound = parse_dossier(payload, max_file_bytes=max_file, max_dossier_bytes=max_dossier)
        except InboundError as exc:
            return reply(REFUSED, exc.message_in(self.env.lang))
        existing = self._moh_existing(inbound.code)
        if existing:
            return reply(DUPLICATE, self._moh_duplicate_message(inbound.code))
        try:
            with self.env.cr.savepoint():
                dossier = self._moh_open(peer, inbound)
        except UniqueViolation:
            # Another push of the same dossier committed first.
            return reply(DUPLICATE, self._moh_duplicate_message(inbound.code))
        except (UserError, ValidationError) as exc:
            return reply(REFUSED, str(exc.args[0] if exc.args else exc))
        answer = reply(ACCEPTED, self.env._("Dossier %(code)s was received by the one-stop shop.", code=dossier.code))
        answer["dossier_id"] = dossier.id
        return answer

    @api.model
    def _moh_existing(self, code):
        """The dossier already holding this national portal code (or this code)."""
        return (
            self.env["moh.dossier"]
            .sudo()
            .with_context(active_test=False)
            .search(["|", ("national_code", "=", code), ("code", "=", code)], limit=1)
        )

    def _moh_duplicate_message(self, code):
        return self.env._("Dossier %(code)s was already received; it is not registered again.", code=code)

    @api.model
    def _moh_procedure(self, company, national_code):
        Procedure = self.env["moh.procedure"].sudo()
        base = [("company_id", "=", company.id), ("active", "=", True)]
        procedure = Procedure.search(base + [("dvcqg_code", "=", national_code)], limit=1)
        procedure = procedure or Procedure.search(
            base + [("dvcqg_code", "in", (False, "")), ("code", "=", national_code)], limit=1
        )
        if not procedure:
            raise UserError(
                self.env._("MaTTHC: no procedure of the agency has the national code %(code)s.", code=national_code)
            )
        if procedure.online_level != "full":
            raise UserError(
                self.env._("MaTTHC: procedure %(code)s is not offered as a full online service.", code=national_code)
            )
        return procedure

    @api.model
    def _moh_applicant(self, applicant):
        """The applicant's record: a business by its tax code, a citizen by the number of the
        identity document (created when new)."""
        Partner = self.env["res.partner"].sudo()
        values = {
            "name": applicant.name,
            "email": applicant.email or False,
            "phone": applicant.phone or False,
            "street": applicant.address or False,
        }
        if applicant.is_business:
            found = Partner.search([("vat", "=", applicant.tax_code), ("is_company", "=", True)], limit=1)
            values.update({"vat": applicant.tax_code, "is_company": True, "moh_is_business": True})
        else:
            found = (
                Partner.search([("ref", "=", applicant.id_number), ("is_company", "=", False)], limit=1)
                if applicant.id_number
                else Partner
            )
            values.update({"ref": applicant.id_number or False})
        return found.commercial_partner_id if found else Partner.create(values)

    @api.model
    def _moh_requirement(self, procedure, file):
        requirement = procedure.requirement_ids.filtered(
            lambda r: file.component_code and r.dvcqg_code == file.component_code
        )[:1]
        if not requirement:
            raise UserError(
                self.env._(
                    "%(field)s.MaThanhPhanHoSo: the procedure requires no document with the national code '%(code)s'.",
                    field=file.field,
                    code=file.component_code,
                )
            )
        return requirement

    @api.model
    def _moh_file_data(self, file, max_bytes):
        """The file's bytes: its content, or downloaded from a link to an allowed host."""
        if file.data is not None:
            return file.data
        import requests  # noqa: PLC0415

        host = urlsplit(file.url).netloc.lower()
        if host not in self._moh_file_hosts():
            raise UserError(
                self.env._(
                    "%(field)s.DuongDanTaiTepTin: files are not downloaded from %(host)s; send the file's content "
                    "(Base64) or ask the administrator to allow that host.",
                    field=file.field,
                    host=host,
                )
            )
        try:
            with requests.get(file.url, timeout=30, stream=True, allow_redirects=False) as response:
                response.raise_for_status()
                data = b""
                for chunk in response.iter_content(64 * 1024):
                    data += chunk
                    if len(data) > max_bytes:
                        break
        except requests.RequestException as exc:
            raise UserError(
                self.env._("%(field)s.DuongDanTaiTepTin: the file could not be downloaded.", field=file.field)
            ) from exc
        return data

    @api.model
    def _moh_open(self, peer, inbound):
        """The dossier of ``inbound`` (moh_core.onestop.dvcqg_inbound.InboundDossier), filed and
        registered; raises UserError (nothing kept) when a file or the procedure is refused."""
        from moh_core.onestop import ClockEvent, ClockEventKind  # noqa: PLC0415

        company = peer.company_id
        procedure = self._moh_procedure(company, inbound.procedure_code)
        files = [(file, self._moh_requirement(procedure, file)) for file in inbound.files]
        register = (
            self.env["moh.document.register"]
            .sudo()
            .search([("direction", "=", "dossier"), ("company_id", "=", company.id)], limit=1)
        )
        if not register:
            raise UserError(self.env._("No dossier register is configured for %(company)s.", company=company.name))
        partner = self._moh_applicant(inbound.applicant)
        Dossier = self.env["moh.dossier"].sudo()
        dossier = Dossier.create(
            {
                "procedure_id": procedure.id,
                "company_id": company.id,
                "partner_id": partner.id,
                "channel": "national_portal",
                "national_code": inbound.code,
                "national_filer_techid": inbound.applicant.techid or False,
                "contact_name": inbound.applicant.name,
                "contact_email": inbound.applicant.email or partner.email,
                "contact_phone": inbound.applicant.phone or partner.phone,
                "department_id": procedure.department_id.id,
            }
        )
        Document = self.env["moh.dossier.document"].sudo()
        max_file, _max_dossier = self._moh_limits()
        for file, requirement in files:
            data = self._moh_file_data(file, max_file)
            try:
                Document._moh_add(dossier, requirement, file.name, data)
            except UserError as exc:
                raise UserError(self.env._("%(field)s: %(reason)s", field=file.field, reason=exc.args[0])) from exc
        # Filed then on the portal; never later than now (a clock ahead on the other side).
        submitted_at = min(inbound.filed_at_utc.replace(microsecond=0), fields.Datetime.now())
        local = dossier._moh_local(submitted_at)
        clock = dossier._moh_clock(ClockEvent(ClockEventKind.RECEIVE, local))
        fee = procedure.fee
        dossier.write(
            {
                "state": "submitted",
                "submitted_at": submitted_at,
                "acceptance_deadline": dossier._moh_utc(clock.acceptance_due),
                "lookup_secret": secrets.token_hex(4).upper(),
                "fee_amount": fee,
                "payment_state": "pending" if fee else "none",
                "code": inbound.code,
                "register_id": register.id,
                "receipt_day": int(local.strftime("%Y%m%d")),
            }
        )
        dossier._moh_handover(
            "submit",
            self.env._("National Public Service Portal"),
            self.env._("One-stop shop"),
            due_at=dossier.acceptance_deadline,
        )
        dossier.message_post(
            body=self.env._(
                "Filed on the national public service portal as %(code)s; received through %(peer)s.",
                code=inbound.code,
                peer=peer.name,
            )
        )
        return dossier

    # -- pulling ---------------------------------------------------------------------------------------

    @api.model
    def _moh_pull(self, peer):
        """Ask the national portal for the dossiers filed there and register the new ones;
        returns ``{registered, duplicates, refused}`` counts. A refused dossier is logged and
        does not stop the others."""
        import requests  # noqa: PLC0415

        from moh_core.onestop.dvcqg_inbound import ACCEPTED, DUPLICATE, InboundError, parse_dossier_list  # noqa: PLC0415

        if not self.env.su:
            raise AccessError(self.env._("Only the national portal link registers the dossiers filed there."))
        url = self.env["ir.config_parameter"].sudo().get_param(PULL_URL_PARAM)
        if not url:
            raise UserError(self.env._("No address to pull the national portal's dossiers from is configured."))
        headers = {"Accept": "application/json"}
        token = peer.sudo().auth_token
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = requests.get(url, headers=headers, timeout=peer.timeout)
            response.raise_for_status()
            entries = parse_dossier_list(response.content)
        except (requests.RequestException, InboundError) as exc:
            raise UserError(
                self.env._("The national portal's dossiers could not be pulled: %(error)s", error=exc)
            ) from exc
        counts = {"registered": 0, "duplicates": 0, "refused": 0}
        for entry in entries:
            answer = self._moh_register(peer, entry)
            if answer["error_code"] == ACCEPTED:
                counts["registered"] += 1
            elif answer["error_code"] == DUPLICATE:
                counts["duplicates"] += 1
            else:
                counts["refused"] += 1
                code = entry.get("MaHoSo") if isinstance(entry, dict) else None
                _logger.warning("national portal dossier %s refused: %s", code, answer["message"])
        return counts

    @api.model
    def _cron_moh_pull(self):
        """The scheduled pull (archived by default: links that push need none)."""
        for peer in self.env["moh.exchange.peer"].sudo().search([("national_portal", "=", True)]):
            try:
                with self.env.cr.savepoint():
                    counts = self.sudo()._moh_pull(peer)
            except UserError as exc:
                _logger.warning("pulling the national portal's dossiers for %s failed: %s", peer.name, exc)
                continue
            _logger.info("national portal dossiers pulled for %s: %s", peer.name, counts)
