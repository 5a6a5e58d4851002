"""One row of the process control slip (Circular 03/2025/TT-VPCP, form 06): who handed the
dossier to whom, when, when that step was due, and whether it was early, on time or late."""

from odoo import fields, models

KINDS = [
    ("submit", "Submitted"),
    ("accept", "Accepted"),
    ("supplement", "Supplements Requested"),
    ("supplement_done", "Supplements Received"),
    ("assign", "Assigned"),
    ("propose", "Result Proposed"),
    ("return", "Result Returned"),
    ("refuse", "Refused"),
    ("close", "Closed"),
    ("stop", "Stopped"),
]


class MohDossierHandover(models.Model):
    _name = "moh.dossier.handover"
    _description = "Dossier Hand-over"
    _inherit = ["moh.workflow.guard"]
    # Recorded by the dossier's steps only (superuser mode).
    _moh_workflow_fields = (
        "dossier_id",
        "kind",
        "from_label",
        "to_label",
        "user_id",
        "department_id",
        "started_at",
        "due_at",
        "done_at",
        "outcome",
        "dvcqg_sent_at",
    )
    _order = "dossier_id, started_at, id"

    dossier_id = fields.Many2one("moh.dossier", required=True, ondelete="cascade", index=True)
    kind = fields.Selection(KINDS, required=True)
    from_label = fields.Char(string="From", required=True)
    to_label = fields.Char(string="To", required=True)
    user_id = fields.Many2one("res.users", string="Handed by")
    department_id = fields.Many2one("hr.department")
    started_at = fields.Datetime(string="Handed Over", required=True)
    due_at = fields.Datetime(string="Step Due")
    done_at = fields.Datetime(string="Step Completed")
    outcome = fields.Selection([("early", "Early"), ("on_time", "On Time"), ("late", "Late")], readonly=True)
    dvcqg_sent_at = fields.Datetime(
        string="Sent to the National Portal",
        readonly=True,
        copy=False,
        help="When the step was sent (CapNhatTienDoHoSoMC).",
    )

    def _moh_close(self, when):
        for step in self:
            outcome = "on_time"
            if step.due_at:
                if when > step.due_at:
                    outcome = "late"
                elif step.dossier_id._moh_local(when).date() < step.dossier_id._moh_local(step.due_at).date():
                    outcome = "early"
            step.write({"done_at": when, "outcome": outcome})
