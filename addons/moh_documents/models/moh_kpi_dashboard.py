"""The leaders' dashboard: processing-time indicators per department for a period, a ranking,
trends, bottlenecks, and every figure opening the items behind it.

The figures are the definitions of moh_core.indicators.kpi (documents and dossiers alike), added up in SQL
from the daily counts of moh.kpi.fact and the open items of moh.kpi.item, as far as the user may
see them (record rules apply to both), with working days counted through an index of the
statutory calendar's working days. Each figure is also a search domain on moh.kpi.item, so a
drill-down opens exactly the items counted.
"""

import datetime as dt
import math

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL

from .moh_kpi_item import KINDS

FIGURES = ("received", "completed", "completed_on_time", "completed_late", "open_on_time", "open_overdue")
AGEING = (("0-2", 0, 2), ("3-5", 3, 5), ("6-10", 6, 10), ("11-20", 11, 20), (">20", 21, None))


class MohKpiDashboard(models.TransientModel):
    _name = "moh.kpi.dashboard"
    _description = "Processing Dashboard"

    kind = fields.Selection(KINDS, required=True, default="document")
    date_from = fields.Date(
        string="From", required=True, default=lambda self: fields.Date.context_today(self).replace(day=1)
    )
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)
    line_ids = fields.One2many("moh.kpi.dashboard.line", "dashboard_id", string="Departments", readonly=True)
    bottleneck_ids = fields.One2many(
        "moh.kpi.dashboard.bottleneck", "dashboard_id", string="Bottlenecks", readonly=True
    )
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
            Domain("is_open", "=", True) | Domain("done_date", ">", ref)
        )
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

    def _moh_facts(self, domain, *columns):
        """SELECT of ``columns`` of the daily counts (moh.kpi.fact) of this dashboard's kind, lead
        departments only, within ``domain``, as the user may see them (record rules)."""
        Fact = self.env["moh.kpi.fact"]
        query = Fact._search(Domain([("kind", "=", self.kind), ("cooperating", "=", False)]) & Domain(domain))
        return query.select(
            *(SQL("%s AS %s", SQL.identifier(query.table, column), SQL.identifier(column)) for column in columns)
        )

    def _moh_calendar_index(self):
        """The working-day index over every day an item can have been received on, up to the
        period's end: (its SQL, as a relation wd(day, idx), and the index itself)."""
        start, end, ref = self.date_from, self.date_to, self._moh_reference_day()
        self.env.cr.execute("SELECT MIN(day) FROM moh_kpi_fact WHERE kind = %s AND facet = 'received'", [self.kind])
        first = self.env.cr.fetchone()[0] or start
        index = self._moh_working_index(min(first, start), max(end, ref))
        sql = SQL("SELECT * FROM unnest(%s::date[], %s::int[]) AS w(day, idx)", list(index), list(index.values()))
        return sql, index

    def _moh_open_items(self):
        """SELECT (department_id, received_date, deadline) of the items still open at the
        reference day, read live from moh.kpi.item (their age and lateness change every day):
        the open ones, and those completed after the reference day (a past period)."""
        Item, ref = self.env["moh.kpi.item"], self._moh_reference_day()
        base = self._moh_base_domain() & Domain("received_date", "<=", ref)
        selects = []
        for domain, condition in ((Domain.TRUE, "%s"), (Domain("done_date", ">", ref), "NOT %s")):
            query = Item._search(base & domain)
            # The plain condition (a domain would test "IS TRUE"), so the partial index of the
            # open rows (moh.kpi.item._moh_kpi_open_indexes) serves it.
            query.add_where(SQL(condition, SQL.identifier(query.table, "is_open")))
            selects.append(
                query.select(
                    *(
                        SQL("%s AS %s", SQL.identifier(query.table, column), SQL.identifier(column))
                        for column in ("department_id", "received_date", "deadline")
                    )
                )
            )
        return SQL(" UNION ALL ").join(selects)

    def _moh_aggregate(self, with_total=False):
        """The figures per department: (department, received, completed, on time, late, open on
        time, open overdue, average working days, 90th percentile, the five ageing buckets);
        ``with_total`` adds the total row (department None), and a last column saying which row
        is the total (1) and which a department's (0).

        Received and completed are added up from the daily counts (moh.kpi.fact); the working
        days from receipt to completion are counted on the calendar as it is now; the open items
        are read live. The percentile is the nearest rank's (PERCENTILE_DISC)."""
        start, end, ref = self.date_from, self.date_to, self._moh_reference_day()
        cr = self.env.cr
        wd, index = self._moh_calendar_index()
        facts = self._moh_facts(
            [("facet", "in", ("received", "completed")), ("day", ">=", start), ("day", "<=", end)],
            "department_id",
            "facet",
            "day",
            "received_date",
            "completed_late",
            "n",
        )
        completed = SQL("f.facet = 'completed'")
        cr.execute(
            SQL(
                """
            WITH wd AS (%(wd)s),
                 h AS (SELECT f.department_id, f.facet, f.completed_late, d.idx - r.idx AS days, SUM(f.n)::integer AS n
                         FROM (%(facts)s) AS f
                         LEFT JOIN wd d ON %(completed)s AND d.day = f.day
                         LEFT JOIN wd r ON %(completed)s AND r.day = f.received_date
                        GROUP BY 1, 2, 3, 4)
            SELECT h.department_id,
                   COALESCE(SUM(h.n) FILTER (WHERE h.facet = 'received'), 0),
                   COALESCE(SUM(h.n) FILTER (WHERE h.facet = 'completed'), 0),
                   COALESCE(SUM(h.n) FILTER (WHERE h.facet = 'completed' AND NOT h.completed_late), 0),
                   COALESCE(SUM(h.n) FILTER (WHERE h.facet = 'completed' AND h.completed_late), 0),
                   SUM(h.n * h.days) FILTER (WHERE h.facet = 'completed')::numeric
                     / NULLIF(SUM(h.n) FILTER (WHERE h.facet = 'completed'), 0)::numeric,
                   array_agg(h.days ORDER BY h.days) FILTER (WHERE h.facet = 'completed' AND h.n <> 0),
                   array_agg(h.n ORDER BY h.days) FILTER (WHERE h.facet = 'completed' AND h.n <> 0),
                   GROUPING(h.department_id)
              FROM h
             GROUP BY GROUPING SETS ((h.department_id), ())
            """,
                wd=wd,
                facts=facts,
                completed=completed,
            )
        )
        done = {(row[0], row[-1]): row[1:-1] for row in cr.fetchall()}
        age = SQL("(%s - r.idx)", index[ref])
        buckets = [
            SQL("COUNT(*) FILTER (WHERE %s BETWEEN %s AND %s)", age, low, high if high is not None else 10**9)
            for _name, low, high in AGEING
        ]
        cr.execute(
            SQL(
                """
            WITH wd AS (%(wd)s)
            SELECT o.department_id,
                   COUNT(*) FILTER (WHERE o.deadline IS NULL OR o.deadline >= %(ref)s),
                   COUNT(*) FILTER (WHERE o.deadline < %(ref)s),
                   %(buckets)s, GROUPING(o.department_id)
              FROM (%(open)s) AS o
              JOIN wd r ON r.day = o.received_date
             GROUP BY GROUPING SETS ((o.department_id), ())
            """,
                wd=wd,
                ref=ref,
                buckets=SQL(", ").join(buckets),
                open=self._moh_open_items(),
            )
        )
        still_open = {(row[0], row[-1]): row[1:-1] for row in cr.fetchall()}
        rows = []
        for key in sorted(done.keys() | still_open.keys(), key=lambda k: (k[1], k[0] is None, k[0] or 0)):
            department, is_total = key
            if is_total and not with_total:
                continue
            received, completed_n, on_time, late, average, days, counts = done.get(key, (0, 0, 0, 0, None, None, None))
            open_figures = still_open.get(key, (0,) * (2 + len(AGEING)))
            if not is_total and not (received or completed_n or any(open_figures)):
                continue  # differences that cancel out (items moved to another department)
            row = (
                department,
                received,
                completed_n,
                on_time,
                late,
                *open_figures[:2],
                average,
                self._moh_percentile(days, counts, 0.9),
                *open_figures[2:],
            )
            rows.append((*row, is_total) if with_total else row)
        if with_total and not any(row[-1] for row in rows):
            rows.append((None, 0, 0, 0, 0, 0, 0, None, None, *(0,) * len(AGEING), 1))
        return rows

    @staticmethod
    def _moh_percentile(values, counts, fraction):
        """The nearest-rank percentile of ``values`` (ascending) each seen ``counts`` times, as
        PostgreSQL's PERCENTILE_DISC computes it: the value at row ceil(fraction * N)."""
        if not values:
            return None
        rank = max(math.ceil(fraction * sum(counts)), 1)
        seen = 0
        for value, count in zip(values, counts):
            seen += count
            if seen >= rank:
                return value
        return values[-1]

    def _moh_check_reader(self):
        """The dashboard is for department heads and ministry leaders; each works on their own
        dashboards only (record rules on the creator), with the figures their record rules on
        moh.kpi.item and moh.kpi.fact let them see."""
        if not self.env.su and not self.env.user.has_group("moh_documents.group_department_head"):
            raise AccessError(self.env._("Only department heads and ministry leaders use the processing dashboard."))
        if self:
            self.check_access("write")

    def action_refresh(self):
        """Compute the figures of the period again (the caller's own dashboard)."""
        self.ensure_one()
        self._moh_check_reader()
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
            lines.append(
                {
                    "dashboard_id": self.id,
                    "department_id": department_id,
                    **values,
                    "on_time_rate": 100.0 * values["completed_on_time"] / completed if completed else 0.0,
                    "average_days": float(figures[6] or 0),
                    "p90_days": float(figures[7] or 0),
                }
            )
        lines.sort(key=lambda v: (-v["open_overdue"], -(v["on_time_rate"] if v["completed"] else 100), -v["received"]))
        for rank, values in enumerate(lines, 1):
            values["rank"] = rank
        Line.create(lines)
        total = totals[0] if totals else (None,) + (0,) * 14
        values = dict(zip(FIGURES, total[1:7]))
        self.write(
            {
                **values,
                "on_time_rate": 100.0 * values["completed_on_time"] / values["completed"]
                if values["completed"]
                else 0.0,
                "average_days": float(total[7] or 0),
                "p90_days": float(total[8] or 0),
                "ageing": self._moh_ageing_html(total[9:14]),
                "trend": self._moh_trend_html(),
                **self._moh_refresh_values(total),
            }
        )
        self.bottleneck_ids.unlink()  # computed on demand: action_find_bottlenecks
        return self._moh_reopen()

    def _moh_refresh_values(self, total):
        """More values for the refreshed dashboard, given the total row of
        :meth:`_moh_aggregate` (modules add their indicators)."""
        return {}

    def action_find_bottlenecks(self):
        """Which step of which department holds the most overdue working time in the period."""
        self.ensure_one()
        self._moh_check_reader()
        self._moh_refresh_bottlenecks()
        return self._moh_reopen()

    def _moh_reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
            "context": self.env.context,
        }

    def _moh_ageing_html(self, counts):
        cells = "".join(
            f"<td><a href='#' data-figure='ageing:{name}'>{count}</a></td>"
            for (name, _l, _h), count in zip(AGEING, counts)
        )
        heads = "".join(f"<th>{name}</th>" for name, _l, _h in AGEING)
        return (
            f"<table class='table table-sm'><tr><th>{self.env._('Working days open')}</th>{heads}</tr>"
            f"<tr><td>{self.env._('Items')}</td>{cells}</tr></table>"
        )

    def _moh_trend_html(self):
        """Received, completed and on-time rate of the six months up to the period's end, from
        the daily counts."""
        last_month = self.date_to.replace(day=1)
        months = [last_month]
        for _i in range(5):
            months.append((months[-1] - dt.timedelta(days=1)).replace(day=1))
        months.reverse()
        first_day = months[0]
        last_day = (last_month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        facts = self._moh_facts(
            [("facet", "in", ("received", "completed")), ("day", ">=", first_day), ("day", "<=", last_day)],
            "facet",
            "day",
            "completed_late",
            "n",
        )
        self.env.cr.execute(
            SQL(
                """
            SELECT date_trunc('month', f.day)::date,
                   COALESCE(SUM(f.n) FILTER (WHERE f.facet = 'received'), 0),
                   COALESCE(SUM(f.n) FILTER (WHERE f.facet = 'completed'), 0),
                   COALESCE(SUM(f.n) FILTER (WHERE f.facet = 'completed' AND NOT f.completed_late), 0)
              FROM (%s) AS f GROUP BY 1
            """,
                facts,
            )
        )
        figures = {
            month: (received, completed, on_time) for month, received, completed, on_time in self.env.cr.fetchall()
        }
        lines = []
        for month in months:
            received, completed, on_time = figures.get(month, (0, 0, 0))
            rate = f"{100.0 * on_time / completed:.0f}%" if completed else "–"
            lines.append(
                f"<tr><td>{month.strftime('%m/%Y')}</td><td>{received}</td><td>{completed}</td><td>{rate}</td></tr>"
            )
        head = (
            f"<tr><th>{self.env._('Month')}</th><th>{self.env._('Received')}</th>"
            f"<th>{self.env._('Completed')}</th><th>{self.env._('On Time')}</th></tr>"
        )
        return f"<table class='table table-sm'>{head}{''.join(lines)}</table>"

    def _moh_steps(self):
        """Processing steps for the bottleneck view, from the routing timeline of the documents
        the user may see: registration by the records office (from receipt), direction by the
        leader (from submission), assignment of specialists in each department (from the
        department's receipt), and each department's processing (up to its deadline). Decree
        30/2020/ND-CP has documents registered and presented on the day they arrive or the next
        working day: the first three steps are due at the end of the next working day. A step's key
        is (what, id): ("register" or "direct", the document) or ("department" or "specialist",
        the routing)."""
        from moh_core.indicators import Step  # noqa: PLC0415

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

        # The assignments and documents the user may see (their record rules), then the routing
        # steps of exactly those documents (read in superuser mode: only their dates are used).
        Assignment = self.env["moh.document.assignment"]
        assignments = Assignment.search(
            [
                ("state", "not in", ("cancelled", "returned")),
                ("create_date", "<=", window_end),
                "|",
                ("done_date", "=", False),
                ("done_date", ">=", window_start),
            ]
        )
        documents = self.env["moh.incoming.document"].search(
            [("received_date", "<=", window_end), ("received_date", ">=", window_start - dt.timedelta(days=90))]
        )
        traces = (
            self.env["moh.document.trace"]
            .sudo()
            .search_read(
                [
                    ("document_id", "in", (documents | assignments.document_id).ids),
                    ("action", "in", ("register", "submit", "assign", "assign_specialist")),
                ],
                ["document_id", "assignment_id", "action", "date"],
                order="date, id",
            )
        )
        first = {}
        for trace in traces:
            key = (trace["document_id"][0], trace["action"], trace["assignment_id"] and trace["assignment_id"][0])
            first.setdefault(key, trace["date"])
            first.setdefault((trace["document_id"][0], trace["action"], None), trace["date"])
        steps = []
        for document in documents:
            received = local(document.received_date)
            steps.append(
                Step(
                    key=("register", document.id),
                    item_key=document.id,
                    stage="registration",
                    department=None,
                    started_at=received,
                    due_at=next_day_end(received),
                    done_at=local(first.get((document.id, "register", None))),
                )
            )
            submitted = first.get((document.id, "submit", None))
            if submitted:
                submitted = local(submitted)
                steps.append(
                    Step(
                        key=("direct", document.id),
                        item_key=document.id,
                        stage="direction",
                        department=None,
                        started_at=submitted,
                        due_at=next_day_end(submitted),
                        done_at=local(first.get((document.id, "assign", None))),
                    )
                )
        for a in assignments:
            started = local(a.create_date)
            steps.append(
                Step(
                    key=("department", a.id),
                    item_key=a.document_id.id,
                    stage="department",
                    department=a.department_id.id,
                    started_at=started,
                    due_at=dt.datetime.combine(a.deadline, end_of_day) if a.deadline else None,
                    done_at=local(a.done_date),
                )
            )
            steps.append(
                Step(
                    key=("specialist", a.id),
                    item_key=a.document_id.id,
                    stage="specialist_assignment",
                    department=a.department_id.id,
                    started_at=started,
                    due_at=next_day_end(started),
                    done_at=local(
                        first.get((a.document_id.id, "assign_specialist", a.id))
                        or (a.done_date if a.done_date else None)
                    ),
                )
            )
        return steps

    def _moh_refresh_bottlenecks(self):
        from moh_core.indicators import Period, bottlenecks  # noqa: PLC0415

        self.bottleneck_ids.unlink()
        steps = self._moh_steps()
        if not steps:
            return
        calendar = self.env.company.sudo()._moh_calendar()._moh_working_calendar()
        # Up to now when the period runs to today or later, else to the end of the period.
        tz = self.env.company.sudo()._moh_calendar()._moh_tz()
        now = fields.Datetime.context_timestamp(self.with_context(tz=tz.zone), fields.Datetime.now()).replace(
            tzinfo=None
        )
        reference = now if self.date_to >= now.date() else self.date_to
        loads = bottlenecks(steps, Period(self.date_from, self.date_to), reference, calendar)
        self.env["moh.kpi.dashboard.bottleneck"].create(
            [
                {
                    "dashboard_id": self.id,
                    "stage": load.stage,
                    "department_id": load.department,
                    "overdue_hours": load.overdue_hours,
                    "overdue_steps": load.overdue_steps,
                    "steps": load.steps,
                }
                for load in loads[:20]
            ]
        )

    # -- drill-down ------------------------------------------------------------------------------

    def action_drill(self, figure=None, department=None):
        """The list of the items behind a figure (of the whole period or of one department)."""
        self.ensure_one()
        self._moh_check_reader()
        figure = figure or self.env.context.get("figure")
        try:
            domain = self._moh_figure_domain(figure) if isinstance(figure, str) else None
        except (ValueError, StopIteration):
            domain = None
        if domain is None:
            raise UserError(self.env._("Unknown figure."))
        if isinstance(department, int) and not isinstance(department, bool):
            department = self.env["hr.department"].browse(department)
        if department:
            if (
                not isinstance(department, models.BaseModel)
                or department._name != "hr.department"
                or len(department) != 1
            ):
                raise UserError(self.env._("Unknown department."))
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
