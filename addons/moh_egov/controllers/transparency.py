"""The public transparency page: per-department aggregate indicators of the public services,
as the ministry discloses them (no dossier, no applicant, no officer named), and the service
quality of Decision 766/QĐ-TTg (five groups, 100 points) as far as the product measures it."""

import datetime as dt

from odoo import fields, http
from odoo.http import request


class MohTransparency(http.Controller):
    @http.route("/transparency", type="http", auth="public", website=True, sitemap=True)
    def moh_transparency(self, year=None, **kw):

        company = request.env.company.sudo()
        today = company._moh_local_date(fields.Datetime.now())
        try:
            year = int(year) if year else today.year
        except ValueError:
            year = today.year
        year = min(max(year, 2000), today.year)
        Dashboard = request.env["moh.kpi.dashboard"].sudo()
        board = Dashboard.new({"kind": "dossier", "date_from": dt.date(year, 1, 1), "date_to": dt.date(year, 12, 31)})
        departments = request.env["hr.department"].sudo()
        rows = []
        for row in board._moh_aggregate():
            department_id, received, completed, on_time, late, open_on_time, open_overdue, average, _p90, *_ = row
            rows.append(
                {
                    "department": departments.browse(department_id).name if department_id else "",
                    "received": received,
                    "completed": completed,
                    "on_time": on_time,
                    "late": late,
                    "open": open_on_time + open_overdue,
                    "overdue": open_overdue,
                    "rate": f"{100.0 * on_time / completed:.1f}%" if completed else "–",
                    "average": f"{average:.1f}" if average is not None else "–",
                }
            )
        rows.sort(key=lambda r: r["department"])
        card = board._moh_scorecard()
        return request.render(
            "moh_egov.portal_transparency",
            {
                "rows": rows,
                "year": year,
                "years": list(range(today.year, today.year - 5, -1)),
                "scorecard": card,
                "scorecard_html": board._moh_scorecard_html(card),
                "page_name": "transparency",
            },
        )
