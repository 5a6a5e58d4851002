"""Signing keys: a person's PKCS#12 file, a PKCS#11 token (the agency seal on an HSM), or a
person's credential at a remote signing service (Cloud Signature Consortium API: the key stays
with the service, which asks the person to approve each signature, e.g. on their phone).

A PKCS#12 file is stored as uploaded: its private key stays encrypted under the owner's password,
which is asked at each signing and never stored (Decree 23/2025/ND-CP: the signer keeps sole
control of the key).

Key material is never readable through the ORM, by anyone, administrators included: as Odoo
keeps API keys (res.users.apikeys) and passwords (res.users), the PKCS#12 file and the PIN live in
columns that no field maps (``pkcs12_secret``, ``pin_secret``), written by the upload fields'
inverse methods and read only by the signing code (``_moh_signer``). The upload fields
``pkcs12_file`` and ``pin`` are write-only: they always read as empty.

A remote key's access token (the owner's OAuth bearer token at the service) is kept the same way
(column ``csc_token_secret``): set by an administrator through the write-only field
``csc_access_token``, or by the owner with ``action_set_remote_token``; read only by
``_moh_signer``. While the service waits for the owner's approval, the owner is told so on
screen (a notification sent at once, outside the signing transaction).

Trying a password is allowed to the key's owner only, and a run of wrong passwords locks the
key for a while (as Odoo's login cooldown does), so that no one can use the server to guess it.
"""

import base64
import collections
import datetime
import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from moh_core.signatures import (
    ApprovalStep,
    RemoteSigningService,
    SigningError,
    SigningProblem,
    load_certificate_bytes,
    load_csc_signer,
    load_pkcs11_signer,
    load_pkcs12_signer,
)

from ..tools.core_errors import user_error

_logger = logging.getLogger(__name__)

#: Wrong passwords in a row after which a key refuses further attempts for a while.
MAX_FAILED_ATTEMPTS = 5
#: How long a key refuses attempts after MAX_FAILED_ATTEMPTS wrong passwords.
LOCK_DURATION = datetime.timedelta(minutes=15)


class MohSigningKey(models.Model):
    _name = "moh.signing.key"
    _description = "Signing Key"
    _inherit = ["moh.workflow.guard"]
    _order = "usage, name"
    # The certificate shown for a key is the one read from the key itself, never typed in.
    _moh_workflow_fields = ("certificate", "certificate_subject", "valid_until")

    name = fields.Char(required=True)
    usage = fields.Selection(
        [("personal", "Personal Signature"), ("seal", "Agency Seal")], required=True, default="personal"
    )
    user_id = fields.Many2one(
        "res.users", string="Owner", index=True, help="The person who signs with it (personal keys)."
    )
    kind = fields.Selection(
        [("pkcs12", "PKCS#12 File"), ("pkcs11", "PKCS#11 Token"), ("csc", "Remote Signing Service (CSC)")],
        required=True,
        default="pkcs12",
    )
    pkcs12_file = fields.Binary(
        string="PKCS#12 File",
        compute="_compute_pkcs12_file",
        inverse="_inverse_pkcs12_file",
        search="_search_secret",
        groups="moh_documents.group_moh_admin",
        help="Upload only: the file is kept encrypted under its password and is never shown or downloaded again.",
    )
    pkcs12_uploaded = fields.Boolean(string="PKCS#12 File Uploaded", compute="_compute_pkcs12_uploaded")
    pkcs11_library = fields.Char(string="PKCS#11 Library", groups="base.group_system")
    pkcs11_token = fields.Char(string="Token Label", groups="base.group_system")
    pkcs11_key = fields.Char(string="Key Label", groups="base.group_system")
    pkcs11_certificate = fields.Char(string="Certificate Label", groups="base.group_system")
    pkcs11_environment = fields.Text(
        string="Module Environment",
        groups="base.group_system",
        help="NAME=value lines the PKCS#11 module reads its configuration from, set before it "
        "starts, e.g. SOFTHSM2_CONF=/var/lib/odoo/hsm/softhsm2.conf.",
    )
    pin = fields.Char(
        string="PIN or Password",
        compute="_compute_pin",
        inverse="_inverse_pin",
        search="_search_secret",
        groups="base.group_system",
        help="Set only: the token PIN, or the PKCS#12 password of the agency seal (never of a person's "
        "key). It is never shown again.",
    )
    csc_service_url = fields.Char(
        string="Service URL",
        help="The remote signing service's base URL, before /csc/v1/ (e.g. https://rs.example.vn).",
    )
    csc_credential_id = fields.Char(string="Credential ID", help="The owner's credential at the service.")
    csc_api_version = fields.Selection([("v1", "CSC v1"), ("v2", "CSC v2")], string="API Version", default="v1")
    csc_access_token = fields.Char(
        string="Access Token",
        compute="_compute_csc_access_token",
        inverse="_inverse_csc_access_token",
        search="_search_secret",
        groups="moh_documents.group_moh_admin",
        help="Set only: the owner's bearer token at the service. It is never shown again; the owner can "
        "set a new one themselves.",
    )
    csc_token_set = fields.Boolean(string="Access Token Set", compute="_compute_csc_token_set")
    certificate = fields.Binary(attachment=False, readonly=True, help="The key's certificate (DER).")
    certificate_subject = fields.Char(readonly=True)
    valid_until = fields.Datetime(readonly=True)
    image = fields.Binary(
        string="Signature or Seal Picture",
        attachment=False,
        help="PNG with a transparent background: the blue handwritten signature, or the red seal.",
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    active = fields.Boolean(default=True)

    # -- the secret columns -------------------------------------------------------------------

    def init(self):
        """The secret columns, outside the ORM (as res.users.apikeys' ``key``). A database made
        with the former stored fields ``pkcs12_file`` (base64 text) and ``pin`` has them moved."""
        cr = self.env.cr
        table = SQL.identifier(self._table)
        cr.execute(
            SQL(
                "ALTER TABLE %s ADD COLUMN IF NOT EXISTS pkcs12_secret bytea, "
                "ADD COLUMN IF NOT EXISTS pin_secret varchar, ADD COLUMN IF NOT EXISTS csc_token_secret varchar",
                table,
            )
        )
        cr.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND column_name IN ('pkcs12_file', 'pin')",
            [self._table],
        )
        former = {name for (name,) in cr.fetchall()}
        if "pkcs12_file" in former:
            cr.execute(
                SQL(
                    "UPDATE %s SET pkcs12_secret = decode(convert_from(pkcs12_file, 'UTF8'), 'base64') "
                    "WHERE pkcs12_file IS NOT NULL AND pkcs12_secret IS NULL",
                    table,
                )
            )
            cr.execute(SQL("ALTER TABLE %s DROP COLUMN pkcs12_file", table))
        if "pin" in former:
            cr.execute(SQL("UPDATE %s SET pin_secret = pin WHERE pin IS NOT NULL AND pin_secret IS NULL", table))
            cr.execute(SQL("ALTER TABLE %s DROP COLUMN pin", table))

    def _compute_pkcs12_file(self):
        # Write-only, as res.users' password: it always reads as empty.
        self.pkcs12_file = False

    def _compute_pin(self):
        self.pin = False

    def _compute_csc_access_token(self):
        self.csc_access_token = False

    def _compute_csc_token_set(self):
        present = set()
        if self.ids:
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE id IN %s AND csc_token_secret IS NOT NULL",
                    SQL.identifier(self._table),
                    tuple(self.ids),
                )
            )
            present = {row[0] for row in self.env.cr.fetchall()}
        for key in self:
            key.csc_token_set = key.id in present

    def _inverse_csc_access_token(self):
        for key in self:
            if key.csc_access_token:
                key._moh_store_remote_token(key.csc_access_token)

    def _moh_store_remote_token(self, token):
        self.ensure_one()
        self.flush_recordset()
        self.env.cr.execute(
            SQL("UPDATE %s SET csc_token_secret = %s WHERE id = %s", SQL.identifier(self._table), token, self.id)
        )
        self.invalidate_recordset(["csc_token_set"])

    def _moh_remote_token(self):
        """The access token: for the signing code only."""
        self.ensure_one()
        self.env.cr.execute(SQL("SELECT csc_token_secret FROM %s WHERE id = %s", SQL.identifier(self._table), self.id))
        row = self.env.cr.fetchone()
        return row[0] if row else None

    def action_open_token_wizard(self):
        """The dialog where the owner types a new access token."""
        self.ensure_one()
        self.check_access("read")
        self._moh_check_token_setter()
        return {
            "type": "ir.actions.act_window",
            "res_model": "moh.signing.key.token.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_key_id": self.id},
        }

    def _moh_check_token_setter(self):
        for key in self:
            if key.kind != "csc":
                raise UserError(self.env._("%(key)s is not a remote signing key.", key=key.name))
            if key.user_id != self.env.user and not self.env.user.has_group("moh_documents.group_moh_admin"):
                raise AccessError(self.env._("Only the key's owner sets its access token."))

    def action_set_remote_token(self, token):
        """The owner (or an administrator) sets the key's access token at the remote signing
        service, e.g. a new one when the former expired. It is never read back."""
        self.check_access("read")
        self._moh_check_token_setter()
        if not isinstance(token, str) or not token.strip():
            raise UserError(self.env._("Enter the access token."))
        for key in self:
            key.sudo()._moh_store_remote_token(token.strip())
        return True

    def _search_secret(self, operator, value):
        # No domain on key material either: it would answer guesses as well as a read.
        raise UserError(self.env._("Signing keys cannot be searched by their file or PIN."))

    def _compute_pkcs12_uploaded(self):
        uploaded = set()
        if self.ids:
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE id IN %s AND pkcs12_secret IS NOT NULL",
                    SQL.identifier(self._table),
                    tuple(self.ids),
                )
            )
            uploaded = {row[0] for row in self.env.cr.fetchall()}
        for key in self:
            key.pkcs12_uploaded = key.id in uploaded

    def _inverse_pkcs12_file(self):
        for key in self:
            if key.pkcs12_file:  # an empty value (the form's untouched field) keeps the file
                key._moh_store_secret(pkcs12=base64.b64decode(key.pkcs12_file))

    def _inverse_pin(self):
        for key in self:
            if key.pin:
                key._moh_store_secret(pin=key.pin)

    def _moh_store_secret(self, pkcs12=None, pin=None):
        self.ensure_one()
        self.flush_recordset()
        table = SQL.identifier(self._table)
        if pkcs12 is not None:
            self.env.cr.execute(SQL("UPDATE %s SET pkcs12_secret = %s WHERE id = %s", table, pkcs12, self.id))
            # A new file: its certificate is read again, and earlier failed attempts are forgotten.
            self._moh_failures().pop(self._moh_failure_key(), None)
        if pin is not None:
            self.env.cr.execute(SQL("UPDATE %s SET pin_secret = %s WHERE id = %s", table, pin, self.id))
        self.invalidate_recordset(["pkcs12_uploaded"])

    def _moh_secret(self):
        """(PKCS#12 bytes or None, PIN or None): for the signing code only."""
        self.ensure_one()
        self.env.cr.execute(
            SQL("SELECT pkcs12_secret, pin_secret FROM %s WHERE id = %s", SQL.identifier(self._table), self.id)
        )
        row = self.env.cr.fetchone()
        if not row:
            return None, None
        return (bytes(row[0]) if row[0] is not None else None), row[1]

    def _moh_check_content_update(self, vals):
        # A key holding key material stays its owner's: giving it to someone else would let them
        # try passwords on it, or sign with it.
        if {"user_id", "usage"} & set(vals):
            for key in self.filtered(lambda k: k.pkcs12_uploaded or k.csc_token_set):
                if ("user_id" in vals and vals["user_id"] != key.user_id.id) or (
                    "usage" in vals and vals["usage"] != key.usage
                ):
                    raise UserError(
                        self.env._(
                            "%(key)s holds a key file or an access token: its owner and usage do not "
                            "change. Make a new key instead.",
                            key=key.name,
                        )
                    )

    # -- wrong passwords ----------------------------------------------------------------------

    def _moh_failures(self):
        """Failed attempts per key, kept by the registry as Odoo keeps failed logins."""
        registry = self.env.registry
        failures = getattr(registry, "_moh_signing_key_failures", None)
        if failures is None:
            failures = registry._moh_signing_key_failures = collections.defaultdict(lambda: (0, datetime.datetime.min))
        return failures

    def _moh_failure_key(self):
        return (self.env.cr.dbname, self.id)

    def _moh_check_not_locked(self):
        count, last = self._moh_failures()[self._moh_failure_key()]
        if count >= MAX_FAILED_ATTEMPTS and datetime.datetime.now() - last < LOCK_DURATION:
            minutes = int((LOCK_DURATION - (datetime.datetime.now() - last)).total_seconds() // 60) + 1
            raise UserError(
                self.env._("Too many wrong passwords for this key: try again in %(minutes)s minutes.", minutes=minutes)
            )

    def _moh_register_attempt(self, success):
        failures = self._moh_failures()
        key = self._moh_failure_key()
        if success:
            failures.pop(key, None)
            return
        count, _last = failures[key]
        failures[key] = (count + 1, datetime.datetime.now())
        _logger.warning("Wrong password for signing key %s (attempt %s) by user %s", self.id, count + 1, self.env.uid)

    # -- signing ------------------------------------------------------------------------------

    def _moh_signer(self, password=None):
        """Load the key once, for one or many signatures. The caller closes it and has checked
        that the current user may use this key; a person's key is opened with ``password``,
        the seal with its stored PIN."""
        self.ensure_one()
        key = self.sudo()
        pkcs12, pin = key._moh_secret()
        try:
            if key.kind == "csc":
                return key._moh_remote_signer(password)
            if key.kind == "pkcs12":
                if not pkcs12:
                    raise UserError(self.env._("No PKCS#12 file is uploaded for %(key)s.", key=key.name))
                if key.usage != "personal":
                    return load_pkcs12_signer(pkcs12, pin or "")
                key._moh_check_not_locked()
                try:
                    signer = load_pkcs12_signer(pkcs12, password or "")
                except SigningError as exc:
                    if SigningProblem.KEY_LOAD_FAILED in exc.codes:
                        key._moh_register_attempt(success=False)
                    raise
                key._moh_register_attempt(success=True)
                return signer
            return load_pkcs11_signer(
                key.pkcs11_library,
                key.pkcs11_token,
                pin,
                key.pkcs11_key,
                key.pkcs11_certificate,
                environment=key._moh_pkcs11_environment(),
            )
        except SigningError as exc:
            raise user_error(self.env, exc) from exc

    def _moh_remote_signer(self, pin=None):
        """The key at its remote signing service: the signatures are made there, each run
        approved by the owner; ``pin`` is the credential's PIN for services that ask one (asked
        at signing, never stored)."""
        if not (self.csc_service_url and self.csc_credential_id):
            raise UserError(self.env._("%(key)s has no remote signing service configured.", key=self.name))
        try:
            service = RemoteSigningService(
                service_url=self.csc_service_url.strip(),
                credential_id=self.csc_credential_id.strip(),
                access_token=self._moh_remote_token(),
                pin=pin or None,
                api_version=self.csc_api_version or "v1",
                description=self.env._("Sign documents in the e-office"),
            )
        except ValueError as exc:
            raise UserError(
                self.env._(
                    "%(key)s: the remote signing service is misconfigured (%(error)s).", key=self.name, error=exc
                )
            ) from exc
        return load_csc_signer(service, on_approval=self._moh_approval_notifier())

    def _moh_approval_notifier(self):
        """Tell the owner, at once, that the service waits for their approval and when it came:
        sent from a cursor of its own, because the signing request is still running."""
        registry, uid = self.env.registry, self.env.uid
        lang = self.env.context.get("lang") or self.env.user.lang
        key_id = self.id

        def notify(step, count):
            try:
                with registry.cursor() as cr:
                    env = api.Environment(cr, uid, {"lang": lang})
                    _ = env._
                    if step is ApprovalStep.APPROVED:
                        message, kind, sticky = _("Approved: signing continues."), "success", False
                    elif step is ApprovalStep.WAITING:
                        message, kind, sticky = (
                            _("Still waiting for your approval in the signing service's app."),
                            "warning",
                            True,
                        )
                    else:
                        message, kind, sticky = (
                            _(
                                "Approve the signature of %(count)s document(s) in your remote signing "
                                "service's app (e.g. on your phone).",
                                count=count,
                            ),
                            "info",
                            True,
                        )
                    env.user._bus_send(
                        "simple_notification",
                        {"title": _("Remote signing"), "message": message, "type": kind, "sticky": sticky},
                    )
            except Exception:
                _logger.warning("Could not notify user %s about remote key %s", uid, key_id, exc_info=True)

        return notify

    def _moh_pkcs11_environment(self):
        environment = {}
        for line in (self.sudo().pkcs11_environment or "").splitlines():
            name, sep, value = line.strip().partition("=")
            if sep and name.strip():
                environment[name.strip()] = value.strip()
        return environment

    def _moh_check_may_open(self, password):
        """Who may open a key: a person's key only its owner, with their password (a remote key's
        certificate also an administrator: that asks the service, it signs nothing); the seal
        only an administrator, with its stored PIN (no password is tried on it)."""
        for key in self:
            if key.usage == "personal" and key.kind == "csc":
                # reading a remote key's certificate opens nothing: the service is asked for it
                if key.user_id != self.env.user and not self.env.user.has_group("moh_documents.group_moh_admin"):
                    raise AccessError(self.env._("Only the key's owner opens a personal signing key."))
            elif key.usage == "personal":
                if key.user_id != self.env.user:
                    raise AccessError(self.env._("Only the key's owner opens a personal signing key."))
            else:
                if not self.env.user.has_group("moh_documents.group_moh_admin"):
                    raise AccessError(self.env._("Only an administrator reads the agency seal's certificate."))
                if password:
                    raise UserError(
                        self.env._("The agency seal opens with its stored PIN; no password is tried on it.")
                    )

    def action_read_certificate(self, password=None):
        """Read and keep the certificate (subject, expiry), e.g. after an upload: the owner
        of a personal key with their password, an administrator for the seal."""
        self.check_access("read")
        self._moh_check_may_open(password)
        self._moh_read_certificate(password)
        return True

    def _moh_read_certificate(self, password=None):
        for key in self:
            with key._moh_signer(password) as signer:
                der = signer.certificate_der
            info = load_certificate_bytes(der)
            key.sudo().write(
                {
                    "certificate": base64.b64encode(der),
                    "certificate_subject": info.subject,
                    "valid_until": info.not_after.replace(tzinfo=None),
                }
            )
        return True

    @api.model
    def _moh_seal(self, company):
        seal = self.sudo().search([("usage", "=", "seal"), ("company_id", "=", company.id)], limit=1)
        if not seal:
            raise UserError(self.env._("No agency seal key is configured (E-Office → Configuration → Signing Keys)."))
        return seal

    @api.model
    def _moh_personal(self, user):
        key = self.sudo().search([("usage", "=", "personal"), ("user_id", "=", user.id)], limit=1)
        if not key:
            raise UserError(self.env._("%(user)s has no signing key.", user=user.name))
        return key

    @api.model
    def _moh_load_demo_signing(self):
        """Demo data: an offline test PKI (never a real person's key), trusted by the agency,
        with signing keys for the demo leaders, the head of Legal Affairs and the agency seal, so that drafts can be signed
        and issued out of the box. Every key's password is the test PKI's ("test")."""
        from moh_core.demo import DEFAULT_PASSWORD, DEMO_TSA_URL, generate_test_pki  # noqa: PLC0415

        directory = self._moh_demo_pki_directory()
        pki = generate_test_pki(directory, organisation=self.env.company.name or "Bộ Y tế")
        # The product signs at PAdES B-LT: the demo's timestamps come from the demo PKI's TSA.
        self.env.company.sudo().moh_tsa_url = DEMO_TSA_URL
        self.env["moh.trust.root"].create(
            [
                {
                    "name": "Demo root CA",
                    "role": "root",
                    "certificate": base64.b64encode(pki.root.der),
                    "crl": base64.b64encode(pki.crls[0]),
                },
                {
                    "name": "Demo intermediate CA",
                    "role": "intermediate",
                    "certificate": base64.b64encode(pki.intermediate.der),
                    "crl": base64.b64encode(pki.crls[1]),
                },
            ]
        )

        def p12(entity):
            with open(entity.p12_path, "rb") as handle:
                return base64.b64encode(handle.read())

        from moh_core.signatures import make_seal_image, make_signature_image  # noqa: PLC0415

        keys = self.sudo().create(
            [
                {
                    "name": f"{user.name} (demo)",
                    "usage": "personal",
                    "user_id": user.id,
                    "pkcs12_file": p12(pki.signer),
                    "image": base64.b64encode(make_signature_image(user.name)),
                }
                for user in (
                    self.env.ref("moh_documents.user_botruong"),
                    self.env.ref("moh_documents.user_thutruong"),
                    # The head of Legal Affairs signs the demo hand-over to the archive.
                    self.env.ref("moh_documents.user_vutruong_pc"),
                )
            ]
            + [
                {
                    "name": f"{self.env.company.name} (demo seal)",
                    "usage": "seal",
                    "image": base64.b64encode(make_seal_image(self.env.company.name or "Bộ Y tế")),
                    **self._moh_demo_seal_storage(pki, directory),
                }
            ]
        )
        keys.filtered(lambda k: k.usage == "personal")._moh_read_certificate(DEFAULT_PASSWORD)
        keys.filtered(lambda k: k.usage == "seal")._moh_read_certificate()
        return True

    @api.model
    def _moh_demo_pki_directory(self):
        """Where the demo PKI of this database is generated (its keys, the seal's token)."""
        import os  # noqa: PLC0415

        from odoo.tools import config  # noqa: PLC0415

        return os.path.join(config["data_dir"], "moh_demo_pki", self.env.cr.dbname)

    @api.model
    def _moh_demo_timestamper(self):
        """The demo PKI's in-process time-stamping authority (the demo data's TSA)."""
        from moh_core.demo import demo_timestamper  # noqa: PLC0415

        try:
            return demo_timestamper(self._moh_demo_pki_directory())
        except (OSError, ValueError) as exc:
            raise UserError(
                self.env._(
                    "The demo timestamp authority is configured but the demo certificates are missing on this "
                    "server: set the agency's real timestamp authority."
                )
            ) from exc

    @api.model
    def _moh_demo_seal_storage(self, pki, directory):
        """Where the demo seal's key lives: on a SoftHSM2 token, as on the agency's HSM, when
        SoftHSM2 is installed; otherwise in a PKCS#12 file. (Values for ``create``: the PIN and
        the file go through the write-only fields into the secret columns.)"""
        from moh_core.demo import (  # noqa: PLC0415
            DEFAULT_PASSWORD,
            find_softhsm,
            make_softhsm_token,
        )

        if find_softhsm():
            import shutil  # noqa: PLC0415

            # A database installed again under the same name gets a new token, not a second one.
            shutil.rmtree(f"{directory}/hsm", ignore_errors=True)
            token = make_softhsm_token(
                f"{directory}/hsm",
                pki.seal,
                chain=(pki.intermediate,),
                token_label="moh-seal",
                pin="1234",
                so_pin="5678",
            )
            return {
                "kind": "pkcs11",
                "pkcs11_library": token.lib_path,
                "pkcs11_token": token.token_label,
                "pkcs11_key": token.key_label,
                "pkcs11_certificate": token.cert_label,
                "pin": token.pin,
                "pkcs11_environment": f"SOFTHSM2_CONF={token.conf_path}",
            }
        _logger.info("SoftHSM2 is not installed: the demo seal is a PKCS#12 file.")
        with open(pki.seal.p12_path, "rb") as handle:
            return {"kind": "pkcs12", "pkcs12_file": base64.b64encode(handle.read()), "pin": DEFAULT_PASSWORD}
