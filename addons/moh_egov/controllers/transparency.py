"""The public transparency page: per-department aggregate indicators of the public services,
as the ministry discloses them (no dossier, no applicant, no officer named)."""

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
            rows.append({
                "department": departments.browse(department_id).name if department_id else "",
                "received": received, "completed": completed, "on_time": on_time, "late": late,
                "open": open_on_time + open_overdue, "overdue": open_overdue,
                "rate": f"{100.0 * on_time / completed:.1f}%" if completed else "–",
                "average": f"{average:.1f}" if average is not None else "–",
            })
        rows.sort(key=lambda r: r["department"])
        service = board._moh_service_indicators()

        def share(value):
            return f"{100 * value:.1f}%" if value is not None else "–"

        return request.render("moh_egov.portal_transparency", {
            "rows": rows, "year": year, "years": list(range(today.year, today.year - 5, -1)),
            "service": {name: share(getattr(service, name)) for name in (
                "on_time_rate", "online_share", "online_payment_share", "electronic_result_share",
                "digitised_share", "satisfaction")},
            "page_name": "transparency",
        })
