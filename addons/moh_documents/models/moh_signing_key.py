"""Signing keys: a person's PKCS#12 file, or a PKCS#11 token (the agency seal on an HSM).

A PKCS#12 file is stored as uploaded: its private key stays encrypted under the owner's password,
which is asked at each signing and never stored (Decree 23/2025/ND-CP: the signer keeps sole
control of the key). A token's PIN is readable by system administrators only.
"""

import base64

from odoo import api, fields, models
from odoo.exceptions import UserError

from moh_core.pdf_signatures import load_certificate_bytes
from moh_core.signing import SigningError, load_pkcs11_signer, load_pkcs12_signer


class MohSigningKey(models.Model):
    _name = "moh.signing.key"
    _description = "Signing Key"
    _order = "usage, name"

    name = fields.Char(required=True)
    usage = fields.Selection([("personal", "Personal Signature"), ("seal", "Agency Seal")],
                             required=True, default="personal")
    user_id = fields.Many2one("res.users", string="Owner", index=True,
                              help="The person who signs with it (personal keys).")
    kind = fields.Selection([("pkcs12", "PKCS#12 File"), ("pkcs11", "PKCS#11 Token")], required=True, default="pkcs12")
    pkcs12_file = fields.Binary(string="PKCS#12 File", attachment=False, groups="base.group_user")
    pkcs11_library = fields.Char(string="PKCS#11 Library", groups="base.group_system")
    pkcs11_token = fields.Char(string="Token Label", groups="base.group_system")
    pkcs11_key = fields.Char(string="Key Label", groups="base.group_system")
    pkcs11_certificate = fields.Char(string="Certificate Label", groups="base.group_system")
    pkcs11_environment = fields.Text(
        string="Module Environment", groups="base.group_system",
        help="NAME=value lines the PKCS#11 module reads its configuration from, set before it "
             "starts, e.g. SOFTHSM2_CONF=/var/lib/odoo/hsm/softhsm2.conf.")
    pin = fields.Char(string="PIN or Password", groups="base.group_system",
                      help="The token PIN, or the PKCS#12 password of the agency seal (never of a person's key).")
    certificate = fields.Binary(attachment=False, readonly=True, help="The key's certificate (DER).")
    certificate_subject = fields.Char(readonly=True)
    valid_until = fields.Datetime(readonly=True)
    image = fields.Binary(string="Signature or Seal Picture", attachment=False,
                          help="PNG with a transparent background: the blue handwritten signature, or the red seal.")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    active = fields.Boolean(default=True)

    def _moh_signer(self, password=None):
        """Load the key once, for one or many signatures. The caller closes it."""
        self.ensure_one()
        key = self.sudo()
        try:
            if key.kind == "pkcs12":
                if not key.pkcs12_file:
                    raise UserError(self.env._("No PKCS#12 file is uploaded for %(key)s.", key=key.name))
                secret = password if key.usage == "personal" else key.pin
                return load_pkcs12_signer(base64.b64decode(key.pkcs12_file), secret or "")
            return load_pkcs11_signer(key.pkcs11_library, key.pkcs11_token, key.pin,
                                      key.pkcs11_key, key.pkcs11_certificate,
                                      environment=key._moh_pkcs11_environment())
        except SigningError as exc:
            raise UserError(self.env["moh.outgoing.document"]._moh_signing_message(exc)) from exc

    def _moh_pkcs11_environment(self):
        environment = {}
        for line in (self.sudo().pkcs11_environment or "").splitlines():
            name, sep, value = line.strip().partition("=")
            if sep and name.strip():
                environment[name.strip()] = value.strip()
        return environment

    def action_read_certificate(self, password=None):
        """Read and keep the certificate (subject, expiry), e.g. after an upload."""
        for key in self:
            with key._moh_signer(password) as signer:
                der = signer.certificate_der
            info = load_certificate_bytes(der)
            key.write({"certificate": base64.b64encode(der), "certificate_subject": info.subject,
                       "valid_until": info.not_after.replace(tzinfo=None)})
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
        with signing keys for the demo leaders and the agency seal, so that drafts can be signed
        and issued out of the box. Every key's password is the test PKI's ("test")."""
        import os  # noqa: PLC0415

        from odoo.tools import config  # noqa: PLC0415

        from moh_core.pki import DEFAULT_PASSWORD, generate_test_pki  # noqa: PLC0415

        directory = os.path.join(config["data_dir"], "moh_demo_pki", self.env.cr.dbname)
        pki = generate_test_pki(directory, organisation=self.env.company.name or "Bộ Y tế")
        self.env["moh.trust.root"].create([
            {"name": "Demo root CA", "role": "root", "certificate": base64.b64encode(pki.root.der),
             "crl": base64.b64encode(pki.crls[0])},
            {"name": "Demo intermediate CA", "role": "intermediate",
             "certificate": base64.b64encode(pki.intermediate.der), "crl": base64.b64encode(pki.crls[1])},
        ])

        def p12(entity):
            with open(entity.p12_path, "rb") as handle:
                return base64.b64encode(handle.read())

        from moh_core.signing import make_seal_image, make_signature_image  # noqa: PLC0415

        keys = self.create([
            {"name": f"{user.name} (demo)", "usage": "personal", "user_id": user.id, "pkcs12_file": p12(pki.signer),
             "image": base64.b64encode(make_signature_image(user.name))}
            for user in (self.env.ref("moh_documents.user_botruong"), self.env.ref("moh_documents.user_thutruong"))
        ] + [{"name": f"{self.env.company.name} (demo seal)", "usage": "seal",
              "image": base64.b64encode(make_seal_image(self.env.company.name or "Bộ Y tế")),
              **self._moh_demo_seal_storage(pki, directory)}])
        keys.filtered(lambda k: k.usage == "personal").action_read_certificate(DEFAULT_PASSWORD)
        keys.filtered(lambda k: k.usage == "seal").action_read_certificate()
        return True

    @api.model
    def _moh_demo_seal_storage(self, pki, directory):
        """Where the demo seal's key lives: on a SoftHSM2 token, as on the agency's HSM, when
        SoftHSM2 is installed; otherwise in a PKCS#12 file."""
        import logging  # noqa: PLC0415

        from moh_core.pki import DEFAULT_PASSWORD  # noqa: PLC0415
        from moh_core.testing import find_softhsm, make_softhsm_token  # noqa: PLC0415

        if find_softhsm():
            import shutil  # noqa: PLC0415

            # A database installed again under the same name gets a new token, not a second one.
            shutil.rmtree(f"{directory}/hsm", ignore_errors=True)
            token = make_softhsm_token(f"{directory}/hsm", pki.seal, chain=(pki.intermediate,),
                                       token_label="moh-seal", pin="1234", so_pin="5678")
            return {"kind": "pkcs11", "pkcs11_library": token.lib_path, "pkcs11_token": token.token_label,
                    "pkcs11_key": token.key_label, "pkcs11_certificate": token.cert_label, "pin": token.pin,
                    "pkcs11_environment": f"SOFTHSM2_CONF={token.conf_path}"}
        logging.getLogger(__name__).info("SoftHSM2 is not installed: the demo seal is a PKCS#12 file.")
        with open(pki.seal.p12_path, "rb") as handle:
            return {"kind": "pkcs12", "pkcs12_file": base64.b64encode(handle.read()), "pin": DEFAULT_PASSWORD}
