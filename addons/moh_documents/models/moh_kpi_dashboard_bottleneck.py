from odoo import fields, models


class MohKpiDashboardBottleneck(models.TransientModel):
    """Where work waits: overdue working hours per step and department (moh_core.indicators.bottlenecks)."""

    _name = "moh.kpi.dashboard.bottleneck"
    _description = "Processing Bottleneck"
    _order = "overdue_hours desc, id"

    dashboard_id = fields.Many2one("moh.kpi.dashboard", required=True, ondelete="cascade")
    stage = fields.Selection(
        [
            ("registration", "Registration (records office)"),
            ("direction", "Direction by the Leader"),
            ("specialist_assignment", "Assignment of Specialists"),
            ("department", "Department Processing"),
            ("reception", "One-Stop Reception"),
            ("appraisal", "Appraisal"),
            ("approval", "Approval and Signature"),
        ],
        readonly=True,
    )
    department_id = fields.Many2one("hr.department", readonly=True)
    overdue_hours = fields.Float(string="Overdue Working Hours", readonly=True, digits=(8, 1))
    overdue_steps = fields.Integer(readonly=True)
    steps = fields.Integer(readonly=True)
