"""The leaders' dashboard: processing-time indicators per department for a period, a ranking,
trends, bottlenecks, and every figure opening the items behind it.

The figures are the definitions of moh_core.kpi (documents and dossiers alike), computed in one
SQL aggregate over the processing items the user may see (their record rules apply), with
working days counted through an index of the statutory calendar's working days. Each figure is
also a search domain, so a drill-down opens exactly the items counted.
"""

import datetime as dt

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from .moh_kpi_item import KINDS

FIGURES = ("received", "completed", "completed_on_time", "completed_late", "open_on_time", "open_overdue")
AGEING = (("0-2", 0, 2), ("3-5", 3, 5), ("6-10", 6, 10), ("11-20", 11, 20), (">20", 21, None))


class MohKpiDashboard(models.TransientModel):
    _name = "moh.kpi.dashboard"
    _description = "Processing Dashboard"

    kind = fields.Selection(KINDS, required=True, default="document")
    date_from = fields.Date(string="From", required=True, default=lambda self: fields.Date.context_today(self).replace(day=1))
    date_to = fields.Date(string="To", required=True, default=lambda self: fields.Date.context_today(self))
    line_ids = fields.One2many("moh.kpi.dashboard.line", "dashboard_id", string="Departments", readonly=True)
    bottleneck_ids = fields.One2many("moh.kpi.dashboard.bottleneck", "dashboard_id", string="Bottlenecks", readonly=True)
    received = fields.Integer(readonly=True)
    completed = fields.Integer(readonly=True)
    completed_on_time = fields.Integer(readonly=True)
    completed_late = fields.Integer(readonly=True)
    open_on_time = fields.Integer(readonly=True)
    open_overdue = fields.Integer(readonly=True)
    on_time_rate = fields.Float(readonly=True, aggregator=False)
    average_days = fields.Float(string="Average (working days)", readonly=True, aggregator=False)
    p90_days = fields.Float(string="90th Percentile (working days)", readonly=True, aggregator=False)
    trend = fields.Html(readonly=True, sanitize=True)
    ageing = fields.Html(string="Ageing of Open Items", readonly=True, sanitize=True)

    # -- the computation -----------------------------------------------------------------------

    def _moh_reference_day(self):
        return min(fields.Date.context_today(self), self.date_to)

    def _moh_working_index(self, first, last):
        """{day: number of working days up to and including it}, for every day in [first, last]."""
        calendar = self.env.company.sudo()._moh_calendar()._moh_working_calendar()
        index, count, day = {}, 0, first
        while day <= last:
            if calendar.is_working_day(day):
                count += 1
            index[day] = count
            day += dt.timedelta(days=1)
        return index

    def _moh_base_domain(self):
        return Domain([("kind", "=", self.kind), ("cooperating", "=", False), ("received_date", "<=", self.date_to)])

    def _moh_figure_domain(self, figure):
        """The items counted in ``figure`` (a name of FIGURES or 'ageing:<bucket>'), as a domain."""
        start, end, ref = self.date_from, self.date_to, self._moh_reference_day()
        base = self._moh_base_domain()
        completed = Domain([("is_open", "=", False), ("done_date", ">=", start), ("done_date", "<=", end)])
        still_open = Domain([("received_date", "<=", ref)]) & (
            Domain("is_open", "=", True) | Domain("done_date", ">", ref))
        if figure == "received":
            return base & Domain([("received_date", ">=", start), ("received_date", "<=", end)])
        if figure == "completed":
            return base & completed
        if figure == "completed_on_time":
            return base & completed & Domain("completed_late", "=", False)
        if figure == "completed_late":
            return base & completed & Domain("completed_late", "=", True)
        if figure == "open_on_time":
            return base & still_open & (Domain("deadline", "=", False) | Domain("deadline", ">=", ref))
        if figure == "open_overdue":
            return base & still_open & Domain("deadline", "<", ref)
        if figure.startswith("ageing:"):
            label = figure.split(":", 1)[1]
            low, high = next((low, high) for name, low, high in AGEING if name == label)
            first_day, last_day = self._moh_ageing_dates(low, high)
            domain = base & still_open & Domain("received_date", "<=", last_day)
            return domain & Domain("received_date", ">=", first_day) if first_day else domain
        raise ValueError(f"unknown figure {figure!r}")

    def _moh_ageing_dates(self, low, high):
        """The receipt dates whose age at the reference day (working days after receipt, up to
        and including the reference day) lies between ``low`` and ``high``: one date range."""
        calendar = self.env.company.sudo()._moh_calendar()._moh_working_calendar()
        day, age, first_day, last_day = self._moh_reference_day(), 0, None, None
        for _guard in range(40000):
            if last_day is None and age >= low:
                last_day = day
            if high is None and last_day is not None:
                break
            if high is not None and age > high:
                first_day = day + dt.timedelta(days=1)
                break
            age += calendar.is_working_day(day)
            day -= dt.timedelta(days=1)
        return first_day, last_day

    def _moh_relevant_domain(self):
        """Items that can count in a figure of the period: received in it, still open, or
        completed in it or after its start (open at the reference day). Exact, not a sample:
        it only spares the aggregate the items finished before the period."""
        start = self.date_from
        return self._moh_base_domain() & (
            Domain("received_date", ">=", start) | Domain("is_open", "=", True) | Domain("done_date", ">=", start))

    def _moh_aggregate(self, group_by_department=True, with_total=False):
        """The figures per department (or in total) in one SQL query over the visible items;
        ``with_total`` adds the total row (department None, last column 1) in the same pass."""
        Item = self.env["moh.kpi.item"]
        start, end, ref = self.date_from, self.date_to, self._moh_reference_day()
        query = Item._search(self._moh_relevant_domain())
        rows = query.select(*(SQL("%s AS %s", SQL.identifier(query.table, column), SQL.identifier(column)) for column in (
            "received_date", "deadline", "done_date", "is_open", "completed_late", "department_id")))
        cr = self.env.cr
        # The items' dates are computed in the view: the planner over-estimates them, which would
        # make PostgreSQL compile the query (JIT) for longer than it runs.
        cr.execute("SET LOCAL jit = off")
        cr.execute("SET LOCAL work_mem = '64MB'")
        cr.execute(SQL("SELECT MIN(q.received_date) FROM (%s) AS q", rows))
        first = cr.fetchone()[0] or start
        index = self._moh_working_index(min(first, start), max(end, ref))
        days, counts = list(index), list(index.values())
        ref_index = index[ref]
        group = SQL("i.department_id") if group_by_department or with_total else SQL("NULL::integer")
        grouping = SQL("GROUPING SETS ((i.department_id), ())") if with_total else SQL("1")
        flag = SQL(", GROUPING(i.department_id)") if with_total else SQL("")
        completed = SQL("(NOT i.is_open AND i.done_date BETWEEN %s AND %s)", start, end)
        still_open = SQL("(i.received_date <= %s AND (i.is_open OR i.done_date > %s))", ref, ref)
        age = SQL("(%s - r.idx)", ref_index)
        buckets = [
            SQL("COUNT(*) FILTER (WHERE %s AND %s BETWEEN %s AND %s)", still_open, age, low, high if high is not None else 10**9)
            for _name, low, high in AGEING
        ]
        sql = SQL(
            """
            WITH wd AS (SELECT * FROM unnest(%(days)s::date[], %(counts)s::int[]) AS w(day, idx)),
                 i AS MATERIALIZED (%(rows)s)
            SELECT %(group)s AS department_id,
                   COUNT(*) FILTER (WHERE i.received_date BETWEEN %(start)s AND %(end)s),
                   COUNT(*) FILTER (WHERE %(completed)s),
                   COUNT(*) FILTER (WHERE %(completed)s AND NOT i.completed_late),
                   COUNT(*) FILTER (WHERE %(completed)s AND i.completed_late),
                   COUNT(*) FILTER (WHERE %(open)s AND (i.deadline IS NULL OR i.deadline >= %(ref)s)),
                   COUNT(*) FILTER (WHERE %(open)s AND i.deadline < %(ref)s),
                   AVG(d.idx - r.idx) FILTER (WHERE %(completed)s),
                   PERCENTILE_DISC(0.9) WITHIN GROUP (ORDER BY d.idx - r.idx) FILTER (WHERE %(completed)s),
                   %(buckets)s%(flag)s
              FROM i
              JOIN wd r ON r.day = i.received_date
              LEFT JOIN wd d ON d.day = i.done_date
             GROUP BY %(grouping)s
            """,
            days=days, counts=counts, group=group, start=start, end=end, completed=completed, open=still_open,
            ref=ref, buckets=SQL(", ").join(buckets), rows=rows, flag=flag, grouping=grouping,
        )
        cr.execute(sql)
        return cr.fetchall()

    def action_refresh(self):
        self.ensure_one()
        Line = self.env["moh.kpi.dashboard.line"]
        self.line_ids.unlink()
        rows = self._moh_aggregate(with_total=True)
        totals = [row for row in rows if row[-1]]
        lines = []
        for row in rows:
            if row[-1]:
                continue
            department_id, *figures = row
            values = dict(zip(FIGURES, figures[:6]))
            completed = values["completed"]
            lines.append({
                "dashboard_id": self.id, "department_id": department_id, **values,
                "on_time_rate": 100.0 * values["completed_on_time"] / completed if completed else 0.0,
                "average_days": float(figures[6] or 0), "p90_days": float(figures[7] or 0),
            })
        lines.sort(key=lambda v: (-v["open_overdue"], -(v["on_time_rate"] if v["completed"] else 100), -v["received"]))
        for rank, values in enumerate(lines, 1):
            values["rank"] = rank
        Line.create(lines)
        total = totals[0] if totals else (None,) + (0,) * 14
        values = dict(zip(FIGURES, total[1:7]))
        self.write({
            **values,
            "on_time_rate": 100.0 * values["completed_on_time"] / values["completed"] if values["completed"] else 0.0,
            "average_days": float(total[7] or 0), "p90_days": float(total[8] or 0),
            "ageing": self._moh_ageing_html(total[9:14]),
            "trend": self._moh_trend_html(),
        })
        self.bottleneck_ids.unlink()  # computed on demand: action_find_bottlenecks
        return self._moh_reopen()

    def action_find_bottlenecks(self):
        """Which step of which department holds the most overdue working time in the period."""
        self.ensure_one()
        self._moh_refresh_bottlenecks()
        return self._moh_reopen()

    def _moh_reopen(self):
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id, "view_mode": "form",
                "target": "current", "context": self.env.context}

    def _moh_ageing_html(self, counts):
        cells = "".join(
            f"<td><a href='#' data-figure='ageing:{name}'>{count}</a></td>" for (name, _l, _h), count in zip(AGEING, counts))
        heads = "".join(f"<th>{name}</th>" for name, _l, _h in AGEING)
        return (f"<table class='table table-sm'><tr><th>{self.env._('Working days open')}</th>{heads}</tr>"
                f"<tr><td>{self.env._('Items')}</td>{cells}</tr></table>")

    def _moh_trend_html(self):
        """Received, completed and on-time rate of the six months up to the period's end, in one
        pass over the items received or completed in those months."""
        last_month = self.date_to.replace(day=1)
        months = [last_month]
        for _i in range(5):
            months.append((months[-1] - dt.timedelta(days=1)).replace(day=1))
        months.reverse()
        first_day = months[0]
        last_day = (last_month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        Item = self.env["moh.kpi.item"]
        domain = Domain([("kind", "=", self.kind), ("cooperating", "=", False)]) & (
            Domain([("received_date", ">=", first_day), ("received_date", "<=", last_day)])
            | Domain([("is_open", "=", False), ("done_date", ">=", first_day), ("done_date", "<=", last_day)]))
        query = Item._search(domain)
        rows = query.select(*(SQL("%s AS %s", SQL.identifier(query.table, column), SQL.identifier(column))
                              for column in ("received_date", "done_date", "is_open", "completed_late")))
        self.env.cr.execute(SQL(
            """
            WITH i AS MATERIALIZED (%(rows)s)
            SELECT m, SUM(received), SUM(completed), SUM(on_time) FROM (
                SELECT date_trunc('month', received_date)::date AS m, 1 AS received, 0 AS completed, 0 AS on_time
                  FROM i WHERE received_date BETWEEN %(first)s AND %(last)s
                UNION ALL
                SELECT date_trunc('month', done_date)::date, 0, 1, (NOT completed_late)::int
                  FROM i WHERE NOT is_open AND done_date BETWEEN %(first)s AND %(last)s
            ) AS t GROUP BY m
            """, rows=rows, first=first_day, last=last_day))
        figures = {month: (received, completed, on_time) for month, received, completed, on_time in self.env.cr.fetchall()}
        lines = []
        for month in months:
            received, completed, on_time = figures.get(month, (0, 0, 0))
            rate = f"{100.0 * on_time / completed:.0f}%" if completed else "–"
            lines.append(f"<tr><td>{month.strftime('%m/%Y')}</td><td>{received}</td><td>{completed}</td><td>{rate}</td></tr>")
        head = (f"<tr><th>{self.env._('Month')}</th><th>{self.env._('Received')}</th>"
                f"<th>{self.env._('Completed')}</th><th>{self.env._('On Time')}</th></tr>")
        return f"<table class='table table-sm'>{head}{''.join(lines)}</table>"

    def _moh_steps(self):
        """Processing steps for the bottleneck view, from the routing timeline of the documents
        the user may see: registration by the records office (from receipt), direction by the
        leader (from submission), assignment of specialists in each department (from the
        department's receipt), and each department's processing (up to its deadline). Decree
        30/2020/ND-CP has documents registered and presented on the day they arrive or the next
        working day: the first three steps are due at the end of the next working day."""
        from moh_core.kpi import Step  # noqa: PLC0415

        if self.kind != "document":
            return []
        calendar = self.env.company.sudo()._moh_calendar()
        working = calendar._moh_working_calendar()
        tz = calendar._moh_tz()
        end_of_day = working.day_intervals[-1][1]
        window_end = fields.Datetime.to_datetime(self.date_to) + dt.timedelta(days=1)
        window_start = fields.Datetime.to_datetime(self.date_from)

        def local(value):
            if not value:
                return None
            return fields.Datetime.context_timestamp(self.with_context(tz=tz.zone), value).replace(tzinfo=None)

        def next_day_end(moment):
            return dt.datetime.combine(working.add_working_days(moment.date(), 1), end_of_day)

        Assignment = self.env["moh.document.assignment"]
        assignments = Assignment.search([
            ("state", "not in", ("cancelled", "returned")), ("create_date", "<=", window_end),
            "|", ("done_date", "=", False), ("done_date", ">=", window_start)])
        documents = self.env["moh.incoming.document"].search([
            ("received_date", "<=", window_end), ("received_date", ">=", window_start - dt.timedelta(days=90))])
        traces = self.env["moh.document.trace"].sudo().search_read(
            [("document_id", "in", (documents | assignments.document_id).ids),
             ("action", "in", ("register", "submit", "assign", "assign_specialist"))],
            ["document_id", "assignment_id", "action", "date"], order="date, id")
        first = {}
        for trace in traces:
            key = (trace["document_id"][0], trace["action"], trace["assignment_id"] and trace["assignment_id"][0])
            first.setdefault(key, trace["date"])
            first.setdefault((trace["document_id"][0], trace["action"], None), trace["date"])
        steps = []
        for document in documents:
            received = local(document.received_date)
            steps.append(Step(key=f"register-{document.id}", item_key=document.id, stage="registration", department=None,
                              started_at=received, due_at=next_day_end(received),
                              done_at=local(first.get((document.id, "register", None)))))
            submitted = first.get((document.id, "submit", None))
            if submitted:
                submitted = local(submitted)
                steps.append(Step(key=f"direct-{document.id}", item_key=document.id, stage="direction", department=None,
                                  started_at=submitted, due_at=next_day_end(submitted),
                                  done_at=local(first.get((document.id, "assign", None)))))
        for a in assignments:
            started = local(a.create_date)
            steps.append(Step(key=f"department-{a.id}", item_key=a.document_id.id, stage="department",
                              department=a.department_id.id, started_at=started,
                              due_at=dt.datetime.combine(a.deadline, end_of_day) if a.deadline else None,
                              done_at=local(a.done_date)))
            steps.append(Step(key=f"specialist-{a.id}", item_key=a.document_id.id, stage="specialist_assignment",
                              department=a.department_id.id, started_at=started, due_at=next_day_end(started),
                              done_at=local(first.get((a.document_id.id, "assign_specialist", a.id))
                                            or (a.done_date if a.done_date else None))))
        return steps

    def _moh_refresh_bottlenecks(self):
        from moh_core.kpi import Period, bottlenecks  # noqa: PLC0415

        self.bottleneck_ids.unlink()
        steps = self._moh_steps()
        if not steps:
            return
        calendar = self.env.company.sudo()._moh_calendar()._moh_working_calendar()
        # Up to now when the period runs to today or later, else to the end of the period.
        tz = self.env.company.sudo()._moh_calendar()._moh_tz()
        now = fields.Datetime.context_timestamp(self.with_context(tz=tz.zone), fields.Datetime.now()).replace(tzinfo=None)
        reference = now if self.date_to >= now.date() else self.date_to
        loads = bottlenecks(steps, Period(self.date_from, self.date_to), reference, calendar)
        self.env["moh.kpi.dashboard.bottleneck"].create([{
            "dashboard_id": self.id, "stage": load.stage, "department_id": load.department,
            "overdue_hours": load.overdue_hours, "overdue_steps": load.overdue_steps, "steps": load.steps,
        } for load in loads[:20]])

    # -- drill-down ------------------------------------------------------------------------------

    def action_drill(self, figure=None, department=None):
        """The list of the items behind a figure (of the whole period or of one department)."""
        self.ensure_one()
        figure = figure or self.env.context.get("figure")
        domain = self._moh_figure_domain(figure)
        if department:
            domain &= Domain("department_id", "=", department.id)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Items: %(figure)s", figure=dict(self._moh_figure_labels()).get(figure, figure)),
            "res_model": "moh.kpi.item",
            "view_mode": "list,pivot,graph",
            "domain": list(domain),
            "context": {"create": False},
        }

    @api.model
    def _moh_figure_labels(self):
        return [
            ("received", self.env._("Received")),
            ("completed", self.env._("Completed")),
            ("completed_on_time", self.env._("Completed on Time")),
            ("completed_late", self.env._("Completed Late")),
            ("open_on_time", self.env._("Open, on Time")),
            ("open_overdue", self.env._("Open, Overdue")),
        ]

    @api.model
    def action_open_dashboard(self):
        dashboard = self.create({})
        return dashboard.action_refresh()
