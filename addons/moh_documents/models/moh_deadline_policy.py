from odoo import api, fields, models

URGENCY = [
    ("normal", "Normal"),
    ("urgent", "Urgent"),  # Khẩn
    ("very_urgent", "Very Urgent"),  # Thượng khẩn
    ("flash", "Flash"),  # Hỏa tốc
]
CONFIDENTIALITY = [
    ("normal", "Normal"),
    ("confidential", "Confidential"),  # Mật
    ("secret", "Secret"),  # Tối mật
    ("top_secret", "Top Secret"),  # Tuyệt mật
]


class MohDeadlinePolicy(models.Model):
    """Default processing time of an incoming document, in working days.

    A policy for a document type and an urgency wins over the policy for the urgency alone.
    """

    _name = "moh.deadline.policy"
    _description = "Processing Deadline Policy"
    _order = "urgency, document_type_id"

    urgency = fields.Selection(URGENCY, required=True, default="normal")
    document_type_id = fields.Many2one("moh.document.type", help="Leave empty for every type of this urgency.")
    working_days = fields.Integer(required=True, default=10)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)

    _policy_unique = models.Constraint(
        "UNIQUE NULLS NOT DISTINCT (urgency, document_type_id, company_id)",
        "There is already a deadline policy for this urgency and document type.",
    )
    _positive_days = models.Constraint("CHECK(working_days >= 0)", "Working days cannot be negative.")

    @api.model
    def _moh_working_days_for(self, urgency, document_type, company):
        policies = self.sudo().search(
            [
                ("urgency", "=", urgency),
                ("company_id", "=", company.id),
                ("document_type_id", "in", [document_type.id, False]),
            ]
        )
        policy = policies.filtered("document_type_id")[:1] or policies[:1]
        return policy.working_days if policy else 10
