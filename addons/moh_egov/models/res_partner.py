from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    moh_is_business = fields.Boolean(
        string="Applicant Business",
        help="A business that applies for the ministry's public services on the portal.",
    )
