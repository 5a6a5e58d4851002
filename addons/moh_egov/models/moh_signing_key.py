import base64

from odoo import api, models


class MohSigningKey(models.Model):
    _inherit = "moh.signing.key"

    @api.model
    def _moh_load_demo_egov_signing(self):
        """Demo data: the heads of the departments that decide dossiers get a signing key made
        from the demo PKI's signer (password "test"), so that e-results can be signed."""
        from moh_core.signing import make_signature_image  # noqa: PLC0415

        template = self.search([("usage", "=", "personal"), ("pkcs12_file", "!=", False)], limit=1)
        if not template:
            return False
        heads = self.env["moh.procedure"].search([]).department_id.manager_id.user_id
        heads -= self.search([("usage", "=", "personal")]).user_id
        self.create([{
            "name": f"{user.name} (demo)", "usage": "personal", "user_id": user.id,
            "pkcs12_file": template.pkcs12_file, "certificate": template.certificate,
            "certificate_subject": template.certificate_subject, "valid_until": template.valid_until,
            "image": base64.b64encode(make_signature_image(user.name)),
        } for user in heads])
        return True
