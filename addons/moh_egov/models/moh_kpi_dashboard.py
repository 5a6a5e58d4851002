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

    def _moh_refresh_values(self, total):
        values = super()._moh_refresh_values(total)
        if self.kind == "dossier":
            values.update(self._moh_service_values(total))
        else:
            values.update({"service_score": 0.0, "service_indicators": False})
        return values

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

    def _moh_service_indicators(self, total=None):
        """The Decision 766 indicators of the visible dossiers of the period, added up from the
        daily counts (moh.kpi.fact) with the processing figures of :meth:`_moh_aggregate` (its
        total row ``total``, computed when not given)."""
        from moh_core.kpi import AGEING_BUCKETS, RATING_SATISFIED, Indicators, service_indicators_from_counts  # noqa: PLC0415

        total = total or next(row for row in self._moh_aggregate(with_total=True) if row[-1])
        figures = Indicators(
            reference_day=self._moh_reference_day(), received=total[1], completed=total[2], completed_on_time=total[3],
            completed_late=total[4], open_on_time=total[5], open_overdue=total[6],
            average_days=float(total[7]) if total[7] is not None else None, p90_days=total[8],
            ageing=dict(zip(AGEING_BUCKETS, total[9:14])))
        facts = self._moh_facts([("facet", "in", ("received", "service")), ("day", ">=", self.date_from),
                                 ("day", "<=", self.date_to)],
                                "facet", "online", "fee_paid", "paid_online", "digitised", "result_electronic", "rating", "n")
        self.env.cr.execute(SQL(
            """
            SELECT COALESCE(SUM(n) FILTER (WHERE facet = 'received' AND online), 0),
                   COALESCE(SUM(n) FILTER (WHERE facet = 'received' AND online IS NOT NULL), 0),
                   COALESCE(SUM(n) FILTER (WHERE facet = 'received' AND fee_paid AND paid_online), 0),
                   COALESCE(SUM(n) FILTER (WHERE facet = 'received' AND fee_paid AND paid_online IS NOT NULL), 0),
                   COALESCE(SUM(n) FILTER (WHERE facet = 'service' AND result_electronic), 0),
                   COALESCE(SUM(n) FILTER (WHERE facet = 'service' AND result_electronic IS NOT NULL), 0),
                   COALESCE(SUM(n) FILTER (WHERE facet = 'received' AND digitised), 0),
                   COALESCE(SUM(n) FILTER (WHERE facet = 'received' AND digitised IS NOT NULL), 0),
                   COALESCE(SUM(n) FILTER (WHERE facet = 'service' AND rating >= %(satisfied)s), 0),
                   COALESCE(SUM(n) FILTER (WHERE facet = 'service' AND rating > 0), 0),
                   COALESCE(SUM(n * rating) FILTER (WHERE facet = 'service' AND rating > 0), 0)
              FROM (%(facts)s) AS f
            """, facts=facts, satisfied=RATING_SATISFIED))
        c = self.env.cr.fetchone()
        return service_indicators_from_counts(
            figures, online=c[0:2], online_payment=c[2:4], electronic_result=c[4:6], digitised=c[6:8],
            satisfied=c[8:10], rating_sum=c[10])

    def _moh_service_values(self, total):
        from moh_core.kpi import score  # noqa: PLC0415

        service = self._moh_service_indicators(total)
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
        return {
            "service_score": score(service) or 0.0,
            "service_indicators": f"<table class='table table-sm'>{head}{''.join(rows)}</table>",
        }
