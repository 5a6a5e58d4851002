import base64

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from moh_core.signatures import RevocationCache, RevocationPolicy

#: OCSP responses and CRLs fetched by this server process, kept while they are valid (shared by
#: every request and job the process serves; each worker process has its own).
_REVOCATION_CACHE = RevocationCache()


class MohTrustRoot(models.Model):
    """A certificate authority whose signatures the ministry trusts (Circular 15/2025/TT-BKHCN:
    a trust path to the national root, NEAC, or to the Government Cipher Committee's CA), with the
    revocation list used when the signatures carry none."""

    _name = "moh.trust.root"
    _description = "Trusted Certificate Authority"
    _order = "name"

    name = fields.Char(required=True)
    certificate = fields.Binary(required=True, attachment=False, help="The CA certificate, PEM or DER.")
    crl = fields.Binary(string="Revocation List", attachment=False, help="The CA's latest CRL, PEM or DER (optional).")
    role = fields.Selection(
        [("root", "Trust Root"), ("intermediate", "Intermediate CA")], required=True, default="root"
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)

    @api.constrains("certificate")
    def _check_certificate(self):
        from moh_core.signatures import load_certificate_bytes  # noqa: PLC0415

        for root in self:
            try:
                load_certificate_bytes(base64.b64decode(root.certificate))
            except ValueError as exc:
                raise ValidationError(self.env._("This is not a certificate: %(error)s", error=exc)) from exc

    @api.model
    def _moh_validation_material(self, company=None):
        """Trust roots, intermediate certificates and CRLs for moh_core's signing and validation
        (a ``moh_core.signatures.ValidationMaterial``)."""
        from moh_core.signatures import ValidationMaterial  # noqa: PLC0415

        company = company or self.env.company
        authorities = self.sudo().search([("company_id", "=", company.id)])
        decode = base64.b64decode
        return ValidationMaterial(
            trust_roots=[decode(a.certificate) for a in authorities if a.role == "root"],
            other_certs=[decode(a.certificate) for a in authorities if a.role == "intermediate"],
            crls=[decode(a.crl) for a in authorities if a.crl],
        )

    @api.model
    def _moh_revocation_policy(self, company=None):
        """Whether signing and validation ask the certificate authorities online when the
        material does not settle a certificate's status (the agency's setting), with its timeout
        and the process's cache (``moh_core.signatures.revocation``)."""
        company = (company or self.env.company).sudo()
        return RevocationPolicy(
            live=company.moh_revocation_live,
            timeout=company.moh_revocation_timeout or 3.0,
            cache=_REVOCATION_CACHE,
        )
