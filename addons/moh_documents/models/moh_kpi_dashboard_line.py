from odoo import fields, models


class MohKpiDashboardLine(models.TransientModel):
    """One department's figures on the dashboard, ranked (most overdue first)."""

    _name = "moh.kpi.dashboard.line"
    _description = "Processing Dashboard Line"
    _order = "rank, id"

    dashboard_id = fields.Many2one("moh.kpi.dashboard", required=True, ondelete="cascade")
    rank = fields.Integer()
    department_id = fields.Many2one("hr.department", readonly=True)
    received = fields.Integer(readonly=True)
    completed = fields.Integer(readonly=True)
    completed_on_time = fields.Integer(readonly=True)
    completed_late = fields.Integer(readonly=True)
    open_on_time = fields.Integer(readonly=True)
    open_overdue = fields.Integer(readonly=True)
    on_time_rate = fields.Float(string="On-Time Rate (%)", readonly=True, digits=(5, 1))
    average_days = fields.Float(string="Average (working days)", readonly=True, digits=(6, 1))
    p90_days = fields.Float(string="90th Percentile", readonly=True, digits=(6, 1))

    def action_drill(self):
        """The items behind one of this line's figures (the caller's own dashboard only)."""
        self.ensure_one()
        self.dashboard_id._moh_check_reader()
        return self.dashboard_id.action_drill(self.env.context.get("figure"), self.department_id)
