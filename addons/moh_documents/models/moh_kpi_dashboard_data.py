"""The leadership dashboard's figures as one JSON answer, for the dashboard's client action
(static/src/dashboard): nothing is stored per visit.

The figures come from the same computation as the dashboard form (:meth:`_moh_aggregate`, the
daily counts, the bottlenecks of moh_core.indicators), on a record that is never saved, and
each figure carries the search domain of the moh.kpi.item rows behind it, so a click opens
exactly the items counted. The record rules of moh.kpi.item and moh.kpi.fact decide what is
counted: a department head sees their department's figures, a ministry leader the ministry's.
"""

import datetime as dt

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL

from .moh_kpi_dashboard import AGEING
from .moh_kpi_item import assignment_item_ids

PERIODS = ("month", "quarter", "year")
#: How far back completed items teach the forecast how long a department takes.
HISTORY_DAYS = 365


def _json_domain(domain):
    """A domain as JSON: dates as ISO strings."""
    return [
        [term[0], term[1], fields.Date.to_string(term[2]) if isinstance(term[2], dt.date) else term[2]]
        if isinstance(term, (list, tuple))
        else term
        for term in list(domain)
    ]


def _day(value):
    """A date (a grouping by day may answer with midnight datetimes)."""
    return value.date() if isinstance(value, dt.datetime) else value


class MohKpiDashboard(models.TransientModel):
    _inherit = "moh.kpi.dashboard"

    department_id = fields.Many2one("hr.department", help="Only this department and the ones under it.")

    # -- one department ------------------------------------------------------------------------

    def _moh_base_domain(self):
        domain = super()._moh_base_domain()
        if self.department_id:
            domain &= Domain("department_id", "child_of", self.department_id.id)
        return domain

    def _moh_facts(self, domain, *columns):
        if self.department_id:
            domain = Domain(domain) & Domain("department_id", "child_of", self.department_id.id)
        return super()._moh_facts(domain, *columns)

    # -- the client action's data ----------------------------------------------------------------

    @api.model
    def _moh_dashboard_departments(self):
        """The departments the caller may pick: all for a ministry leader, else their own
        departments and those under them."""
        Department = self.env["hr.department"]
        if self.env.su or self.env.user.has_group("moh_documents.group_ministry_leader"):
            return Department.search([])
        own = self.env.user.sudo().employee_ids.department_id
        return Department.search([("id", "child_of", own.ids)]) if own else Department

    @api.model
    def _moh_period_dates(self, period, today):
        if period == "quarter":
            return today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1), today
        if period == "year":
            return today.replace(month=1, day=1), today
        return today.replace(day=1), today

    @api.model
    def get_dashboard_data(self, period="month", department_id=False, kind="document"):
        """The dashboard's figures for ``period`` (this month, quarter or year up to today),
        of one department (``department_id``) or of all the caller may see, as JSON: totals,
        trend, on-time rate per department, ageing, bottleneck map and the items likely to be
        late this week, each with the domain of its items. Department heads and ministry
        leaders only; a head only for their own departments. Reads only: nothing is stored."""
        self._moh_check_reader()
        if period not in PERIODS:
            raise UserError(self.env._("Unknown period."))
        if kind not in dict(self._fields["kind"].selection):
            raise UserError(self.env._("Unknown kind of work."))
        allowed = self._moh_dashboard_departments()
        department = self.env["hr.department"]
        if department_id:
            if not isinstance(department_id, int) or isinstance(department_id, bool):
                raise UserError(self.env._("Unknown department."))
            department = department.browse(department_id)
            if department not in allowed:
                raise AccessError(self.env._("You do not oversee this department."))
        today = fields.Date.context_today(self)
        date_from, date_to = self._moh_period_dates(period, today)
        board = self.new({"kind": kind, "date_from": date_from, "date_to": date_to, "department_id": department.id})
        return board._moh_dashboard_json(allowed, period)

    def _moh_dashboard_json(self, allowed, period):
        rows = self._moh_aggregate(with_total=True)
        total = next((row for row in rows if row[-1]), (None,) + (0,) * 14)
        names = {d.id: d.display_name for d in self.env["hr.department"].browse([r[0] for r in rows if r[0]])}
        figures = ("received", "completed", "completed_on_time", "completed_late", "open_on_time", "open_overdue")
        totals = dict(zip(figures, total[1:7]))
        totals["on_time_rate"] = (
            round(100.0 * totals["completed_on_time"] / totals["completed"], 1) if totals["completed"] else None
        )
        totals["average_days"] = round(float(total[7]), 1) if total[7] is not None else None
        totals["p90_days"] = total[8]
        departments = []
        for row in rows:
            if row[-1] or not row[0]:
                continue
            values = dict(zip(figures, row[1:7]))
            department_domain = Domain("department_id", "=", row[0])
            departments.append(
                {
                    "id": row[0],
                    "name": names.get(row[0], ""),
                    **values,
                    "on_time_rate": round(100.0 * values["completed_on_time"] / values["completed"], 1)
                    if values["completed"]
                    else None,
                    "domain": _json_domain(self._moh_figure_domain("completed") & department_domain),
                    "overdue_domain": _json_domain(self._moh_figure_domain("open_overdue") & department_domain),
                }
            )
        departments.sort(key=lambda d: (d["on_time_rate"] is None, d["on_time_rate"] or 0, d["name"]))
        return {
            "kind": self.kind,
            "period": period,
            "date_from": fields.Date.to_string(self.date_from),
            "date_to": fields.Date.to_string(self.date_to),
            "department_id": self.department_id.id or False,
            "departments_allowed": [{"id": d.id, "name": d.display_name} for d in allowed],
            "all_departments": self.env.su or self.env.user.has_group("moh_documents.group_ministry_leader"),
            "totals": totals,
            "total_domains": {figure: _json_domain(self._moh_figure_domain(figure)) for figure in figures},
            "trend": self._moh_trend_json(period),
            "on_time": departments,
            "ageing": [
                {"bucket": name, "count": count, "domain": _json_domain(self._moh_figure_domain(f"ageing:{name}"))}
                for (name, _low, _high), count in zip(AGEING, total[9:14])
            ],
            "bottlenecks": self._moh_bottleneck_json(),
            "late": self._moh_late_json(),
            **self._moh_dashboard_values(total),
        }

    def _moh_dashboard_values(self, total):
        """More keys of the dashboard's JSON, given the total row of :meth:`_moh_aggregate`
        (modules add their indicators, as :meth:`_moh_refresh_values` does for the form)."""
        return {}

    def _moh_trend_json(self, period):
        """Received and completed per week (a month's dashboard: the last 12 weeks) or per month
        (a quarter's or a year's: the last 12 months), up to the period's end."""
        unit = "week" if period == "month" else "month"
        end = self.date_to
        if unit == "week":
            first = end - dt.timedelta(days=end.weekday()) - dt.timedelta(weeks=11)
        else:
            first = end.replace(day=1)
            for _i in range(11):
                first = (first - dt.timedelta(days=1)).replace(day=1)
        facts = self._moh_facts(
            [("facet", "in", ("received", "completed")), ("day", ">=", first), ("day", "<=", end)],
            "facet",
            "day",
            "n",
        )
        self.env.cr.execute(
            SQL(
                """
            SELECT date_trunc(%(unit)s, f.day)::date,
                   COALESCE(SUM(f.n) FILTER (WHERE f.facet = 'received'), 0),
                   COALESCE(SUM(f.n) FILTER (WHERE f.facet = 'completed'), 0)
              FROM (%(facts)s) AS f GROUP BY 1
            """,
                unit=unit,
                facts=facts,
            )
        )
        counts = {start: (received, completed) for start, received, completed in self.env.cr.fetchall()}
        base = self._moh_base_domain()
        points, start = [], first
        while start <= end:
            following = (
                start + dt.timedelta(weeks=1) if unit == "week" else (start + dt.timedelta(days=32)).replace(day=1)
            )
            last = min(following - dt.timedelta(days=1), end)
            received, completed = counts.get(start, (0, 0))
            points.append(
                {
                    "label": start.strftime("%d/%m") if unit == "week" else start.strftime("%m/%Y"),
                    "received": received,
                    "completed": completed,
                    "received_domain": _json_domain(
                        base & Domain([("received_date", ">=", start), ("received_date", "<=", last)])
                    ),
                    "completed_domain": _json_domain(
                        base & Domain([("is_open", "=", False), ("done_date", ">=", start), ("done_date", "<=", last)])
                    ),
                }
            )
            start = following
        return {"unit": unit, "points": points}

    def _moh_bottleneck_loads(self, steps):
        """The overdue load of each (step, department) of the period (moh_core.indicators)."""
        from moh_core.indicators import Period, bottlenecks  # noqa: PLC0415

        if not steps:
            return []
        company_calendar = self.env.company.sudo()._moh_calendar()
        tz = company_calendar._moh_tz()
        now = fields.Datetime.context_timestamp(self.with_context(tz=tz.zone), fields.Datetime.now()).replace(
            tzinfo=None
        )
        reference = now if self.date_to >= now.date() else self.date_to
        return bottlenecks(
            steps, Period(self.date_from, self.date_to), reference, company_calendar._moh_working_calendar()
        )

    def _moh_step_drill(self, steps):
        """What a bottleneck cell opens, as (model, domain): the work late at these steps of the
        routing timeline (``_moh_steps``, all of one stage). A department's step (assignment of
        specialists, processing) is its routing, an item of moh.kpi.item; a step of the document as
        a whole (registration, direction) opens the documents, which have no item before they are
        routed."""
        if any(step.key[0] in ("register", "direct") for step in steps):
            return "moh.incoming.document", Domain("id", "in", sorted({step.item_key for step in steps}))
        return "moh.kpi.item", Domain("id", "in", assignment_item_ids(sorted({step.key[1] for step in steps})))

    def _moh_bottleneck_json(self):
        """The bottleneck map: a row per department, a column per step, each cell the overdue
        working hours, with what it opens: the work overdue at that step (``_moh_step_drill``)."""
        stage_labels = dict(self.env["moh.kpi.dashboard.bottleneck"]._fields["stage"]._description_selection(self.env))
        steps = self._moh_steps()
        loads = self._moh_bottleneck_loads(steps)
        by_key = {step.key: step for step in steps}
        stages, departments, cells = [], [], []
        for load in loads:
            if load.stage not in stages:
                stages.append(load.stage)
            if load.department not in departments:
                departments.append(load.department)
            model, domain = self._moh_step_drill([by_key[key] for key in load.overdue_step_keys])
            cells.append(
                {
                    "stage": load.stage,
                    "department_id": load.department or False,
                    "hours": round(load.overdue_hours, 1),
                    "overdue_steps": load.overdue_steps,
                    "steps": load.steps,
                    "model": model,
                    "domain": _json_domain(domain),
                }
            )
        names = {d.id: d.display_name for d in self.env["hr.department"].browse([d for d in departments if d])}
        return {
            "stages": [{"key": s, "label": stage_labels.get(s, s)} for s in stages],
            "departments": [
                {"id": d or False, "name": names.get(d, "") if d else self.env._("Ministry (no department)")}
                for d in departments
            ],
            "cells": cells,
            "max_hours": max((c["hours"] for c in cells), default=0),
        }

    def _moh_late_json(self, limit=30):
        """The open items likely to be late this week (moh_core.indicators.forecast), predicted
        from the working days the same department took over the items it completed in the
        last year, with the reason in words."""
        from moh_core.indicators import Completed, OpenWork, likely_late  # noqa: PLC0415

        Item = self.env["moh.kpi.item"]
        today = fields.Date.context_today(self)
        calendar = self.env.company.sudo()._moh_calendar()._moh_working_calendar()
        base = Domain([("kind", "=", self.kind), ("cooperating", "=", False)])
        if self.department_id:
            base &= Domain("department_id", "child_of", self.department_id.id)
        # Completions counted per (department, receipt day, completion day): a year of a
        # ministry's work is read as a few thousand groups, not row by row.
        groups = Item._read_group(
            base & Domain([("is_open", "=", False), ("done_date", ">=", today - dt.timedelta(days=HISTORY_DAYS))]),
            ["department_id", "received_date:day", "done_date:day"],
            ["__count"],
        )
        history = [
            Completed(department.id, self.kind, calendar.working_days_between(_day(received), _day(done)))
            for department, received, done, count in groups
            if received and done
            for _i in range(count)
        ]
        # Only deadlines within reach of this week's horizon (the end of the week or two working days).
        open_items = Item.search(
            base
            & Domain(
                [("is_open", "=", True), ("deadline", ">=", today), ("deadline", "<=", today + dt.timedelta(days=14))]
            )
        )
        forecasts = likely_late(
            history,
            [
                OpenWork(item.id, item.department_id.id, self.kind, item.received_date, item.deadline)
                for item in open_items
                if item.received_date
            ],
            today,
            calendar,
        )[:limit]
        kind_label = dict(self._fields["kind"]._description_selection(self.env)).get(self.kind, self.kind)
        items = Item.browse([f.work.key for f in forecasts])
        by_id = {item.id: item for item in items}
        result = []
        for forecast in forecasts:
            item = by_id[forecast.work.key]
            department = item.department_id.display_name or self.env._("the ministry")
            reason = self.env._(
                "%(department)s usually takes %(days)s working days on a %(kind)s (%(basis)s of %(samples)s completed); "
                "%(elapsed)s working days taken, %(left)s left.",
                department=department,
                days=forecast.typical.days,
                kind=kind_label.lower(),
                basis={
                    "department": self.env._("median"),
                    "step": self.env._("median across departments"),
                    "all": self.env._("median of all work"),
                }[forecast.typical.basis],
                samples=forecast.typical.samples,
                elapsed=forecast.elapsed_days,
                left=forecast.days_left,
            )
            result.append(
                {
                    "id": item.id,
                    "name": item.name,
                    "department": department,
                    "deadline": fields.Date.to_string(forecast.deadline),
                    "expected": fields.Date.to_string(forecast.expected),
                    "days_late": forecast.days_late,
                    "reason": reason,
                }
            )
        return result
