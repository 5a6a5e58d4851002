"""The dashboard's service-quality indicators for dossiers (Decision 766/QĐ-TTg), each shown
beside its definition (the decision's own formulas were not published with it: these are the
product's definitions, moh_core.kpi.DEFINITIONS)."""

import datetime as dt

import pytz

from odoo import fields, models
from odoo.tools import SQL


class MohKpiDashboard(models.TransientModel):
    _inherit = "moh.kpi.dashboard"

    service_score = fields.Float(string="Service Score (of 100)", readonly=True, digits=(5, 1))
    service_indicators = fields.Html(string="Service Quality (Decision 766)", readonly=True, sanitize=True)

    def action_refresh(self):
        action = super().action_refresh()
        if self.kind == "dossier":
            self._moh_refresh_service_indicators()
        else:
            self.write({"service_score": 0.0, "service_indicators": False})
        return action

    def _moh_steps(self):
        """The one-stop steps of the dossiers: reception (until accepted or sent back), appraisal
        in the department, approval and signature (process control slip rows)."""
        from moh_core.kpi import Step  # noqa: PLC0415

        if self.kind != "dossier":
            return super()._moh_steps()
        stages = {"submit": "reception", "supplement_done": "reception", "assign": "appraisal", "propose": "approval"}
        visible = self.env["moh.dossier"].search([("state", "!=", "draft")])
        handovers = self.env["moh.dossier.handover"].sudo().search([
            ("dossier_id", "in", visible.ids), ("kind", "in", list(stages)),
            ("started_at", "<=", fields.Datetime.to_datetime(self.date_to) + dt.timedelta(days=1)),
            "|", ("done_at", "=", False), ("done_at", ">=", fields.Datetime.to_datetime(self.date_from))])
        tz = self.env.company.sudo()._moh_calendar()._moh_tz()

        def local(value):
            return pytz.utc.localize(value).astimezone(tz).replace(tzinfo=None) if value else None

        return [Step(key=h.id, item_key=h.dossier_id.id, stage=stages[h.kind],
                     department=(h.department_id or h.dossier_id.department_id).id if h.kind != "submit" else False,
                     started_at=local(h.started_at), due_at=local(h.due_at), done_at=local(h.done_at))
                for h in handovers]

    def _moh_dossier_items(self):
        """The visible dossiers of the period as moh_core.kpi items (one SQL read, no records)."""
        from moh_core.kpi import Item  # noqa: PLC0415

        query = self.env["moh.kpi.item"]._search(self._moh_relevant_domain())
        columns = ("id", "department_id", "user_id", "received_date", "deadline", "done_date", "is_open",
                   "online", "fee_paid", "paid_online", "result_electronic", "digitised", "rating")
        self.env.cr.execute(query.select(*(SQL.identifier(query.table, column) for column in columns)))
        rows = [(*row[:5], None if row[6] else row[5], *row[7:]) for row in self.env.cr.fetchall()]
        return [Item(key=row[0], department=row[1], person=row[2], received_on=row[3], deadline=row[4], done_on=row[5],
                     online=row[6], fee_paid=row[7], paid_online=row[8] if row[7] else None,
                     result_electronic=row[9] if row[5] else None, digitised=row[10], rating=row[11])
                for row in rows]

    def _moh_refresh_service_indicators(self):
        from moh_core.kpi import Period, score, service_indicators  # noqa: PLC0415

        calendar = self.env.company.sudo()._moh_calendar()._moh_working_calendar()
        service = service_indicators(self._moh_dossier_items(), Period(self.date_from, self.date_to),
                                     self._moh_reference_day(), calendar)
        labels = {
            "on_time_rate": (self.env._("On-time rate"),
                             self.env._("Dossiers completed by their due date (the extended one after an extension) / dossiers completed in the period.")),
            "online_share": (self.env._("Submitted online"),
                             self.env._("Dossiers received online / dossiers received in the period.")),
            "online_payment_share": (self.env._("Fees paid online"),
                                     self.env._("Dossiers whose fee was paid online / dossiers whose fee was paid.")),
            "electronic_result_share": (self.env._("Results issued electronically"),
                                        self.env._("Dossiers completed with a signed e-result / dossiers completed.")),
            "digitised_share": (self.env._("Dossiers digitised"),
                                self.env._("Dossiers received whose documents are held electronically / dossiers received.")),
            "satisfaction": (self.env._("Satisfaction"),
                             self.env._("Rated dossiers rated satisfied or very satisfied / rated dossiers.")),
        }
        rows = []
        for name, (label, definition) in labels.items():
            value = getattr(service, name)
            numerator, denominator = service.counts.get(name, (0, 0))
            shown = f"{100 * value:.1f}%" if value is not None else "–"
            rows.append(f"<tr><td>{label}</td><td class='text-end fw-bold'>{shown}</td>"
                        f"<td class='text-end text-muted'>{numerator}/{denominator}</td><td class='small'>{definition}</td></tr>")
        head = (f"<tr><th>{self.env._('Indicator')}</th><th class='text-end'>{self.env._('Value')}</th>"
                f"<th class='text-end'>{self.env._('Count')}</th><th>{self.env._('Definition (the product’s)')}</th></tr>")
        total = score(service)
        self.write({
            "service_score": total or 0.0,
            "service_indicators": f"<table class='table table-sm'>{head}{''.join(rows)}</table>",
        })
