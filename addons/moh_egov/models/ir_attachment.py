from odoo import fields, models

#: The roles of the one-stop shop's files: a slip of each kind of report/slips.py (``<kind>_slip``),
#: a file of the dossier (moh.dossier.document) and the copy of the signed e-result.
EGOV_ROLES = [
    ("receipt_slip", "Receipt Slip"),
    ("supplement_slip", "Supplement Request Slip"),
    ("refusal_slip", "Refusal Slip"),
    ("appraisal_refusal_slip", "Return Slip after Appraisal"),
    ("apology_slip", "Apology Slip"),
    ("stop_slip", "Stop Notice"),
    ("control_slip", "Process Control Slip"),
    ("dossier_file", "Dossier File"),
    ("result", "Signed E-Result"),
]


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    moh_role = fields.Selection(selection_add=EGOV_ROLES, ondelete={role: "set null" for role, _label in EGOV_ROLES})
