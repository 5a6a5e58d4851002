import base64

from odoo import api, models


class MohSigningKey(models.Model):
    _inherit = "moh.signing.key"

    @api.model
    def _moh_load_demo_egov_signing(self):
        """Demo data: the heads of the departments that decide dossiers get a signing key made
        from the demo PKI's signer (password "test"), so that e-results can be signed."""
        from moh_core.signatures import make_signature_image  # noqa: PLC0415

        Key = self.sudo()
        template = Key.search([("usage", "=", "personal")]).filtered("pkcs12_uploaded")[:1]
        if not template:
            return False
        pkcs12, _pin = template._moh_secret()
        heads = self.env["moh.procedure"].search([]).department_id.manager_id.user_id
        heads -= Key.search([("usage", "=", "personal")]).user_id
        Key.create(
            [
                {
                    "name": f"{user.name} (demo)",
                    "usage": "personal",
                    "user_id": user.id,
                    "pkcs12_file": base64.b64encode(pkcs12),
                    "certificate": template.certificate,
                    "certificate_subject": template.certificate_subject,
                    "valid_until": template.valid_until,
                    "image": base64.b64encode(make_signature_image(user.name)),
                }
                for user in heads
            ]
        )
        return True
