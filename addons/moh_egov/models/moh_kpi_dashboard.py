"""The dashboard's service quality of public services: the five groups and 100 points of Decision
766/QĐ-TTg (moh_core.indicators.service_quality), each indicator with its figure, what it counts, its
formula and source, and "not measured here" where the product does not hold the data; the
counts come from the daily counts (moh.kpi.fact), the procedures and the complaints the user may
see. The same scorecard is in the Public Services dashboard's JSON answer (get_dashboard_data of
kind 'dossier', a record never saved), where the indicators that count processing items (2.1, 2.2)
carry the domain of those items on moh.kpi.item."""

import datetime as dt

import pytz
from markupsafe import Markup
from odoo import fields, models
from odoo.addons.moh_documents.models.moh_kpi_dashboard_data import _json_domain
from odoo.fields import Domain
from odoo.tools import SQL


def _number(value):
    """A point or count without trailing zeros: 3.33, 6, 0.5."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


class MohKpiDashboard(models.TransientModel):
    _inherit = "moh.kpi.dashboard"

    service_score = fields.Float(
        string="Service Points (of 100)",
        readonly=True,
        digits=(5, 2),
        help="Points of Decision 766/QĐ-TTg's five groups that the product could measure.",
    )
    service_measurable = fields.Float(
        string="Measurable Points",
        readonly=True,
        digits=(5, 2),
        help="Of the 100 points, those whose indicators the product measured in the period.",
    )
    service_indicators = fields.Html(string="Service Quality (Decision 766/QĐ-TTg)", readonly=True, sanitize=True)

    def _moh_refresh_values(self, total):
        values = super()._moh_refresh_values(total)
        if self.kind == "dossier":
            values.update(self._moh_service_values(total))
        else:
            values.update({"service_score": 0.0, "service_measurable": 0.0, "service_indicators": False})
        return values

    def _moh_steps(self):
        """The one-stop steps of the dossiers: reception (until accepted or sent back), appraisal
        in the department, approval and signature (process control slip rows)."""
        from moh_core.indicators import Step  # noqa: PLC0415

        if self.kind != "dossier":
            return super()._moh_steps()
        stages = {"submit": "reception", "supplement_done": "reception", "assign": "appraisal", "propose": "approval"}
        visible = self.env["moh.dossier"].search([("state", "!=", "draft")])
        handovers = (
            self.env["moh.dossier.handover"]
            .sudo()
            .search(
                [
                    ("dossier_id", "in", visible.ids),
                    ("kind", "in", list(stages)),
                    ("started_at", "<=", fields.Datetime.to_datetime(self.date_to) + dt.timedelta(days=1)),
                    "|",
                    ("done_at", "=", False),
                    ("done_at", ">=", fields.Datetime.to_datetime(self.date_from)),
                ]
            )
        )
        tz = self.env.company.sudo()._moh_calendar()._moh_tz()

        def local(value):
            return pytz.utc.localize(value).astimezone(tz).replace(tzinfo=None) if value else None

        return [
            Step(
                key=h.id,
                item_key=h.dossier_id.id,
                stage=stages[h.kind],
                department=(h.department_id or h.dossier_id.department_id).id if h.kind != "submit" else False,
                started_at=local(h.started_at),
                due_at=local(h.due_at),
                done_at=local(h.done_at),
            )
            for h in handovers
        ]

    def _moh_step_drill(self, steps):
        """A dossier's hand-over step opens the dossier (one not yet received, late at reception,
        has no processing item)."""
        if self.kind != "dossier":
            return super()._moh_step_drill(steps)
        return "moh.dossier", Domain("id", "in", sorted({step.item_key for step in steps}))

    def _moh_service_indicators(self, total=None):
        """The product's service measures of the visible dossiers of the period, added up from the
        daily counts (moh.kpi.fact) with the processing figures of :meth:`_moh_aggregate` (its
        total row ``total``, computed when not given)."""
        from moh_core.indicators import AGEING_BUCKETS, RATING_SATISFIED, Indicators, service_indicators_from_counts  # noqa: PLC0415

        total = total or next(row for row in self._moh_aggregate(with_total=True) if row[-1])
        figures = Indicators(
            reference_day=self._moh_reference_day(),
            received=total[1],
            completed=total[2],
            completed_on_time=total[3],
            completed_late=total[4],
            open_on_time=total[5],
            open_overdue=total[6],
            average_days=float(total[7]) if total[7] is not None else None,
            p90_days=total[8],
            ageing=dict(zip(AGEING_BUCKETS, total[9:14])),
        )
        facts = self._moh_facts(
            [("facet", "in", ("received", "service")), ("day", ">=", self.date_from), ("day", "<=", self.date_to)],
            "facet",
            "online",
            "fee_paid",
            "paid_online",
            "digitised",
            "result_electronic",
            "rating",
            "n",
        )
        self.env.cr.execute(
            SQL(
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
            """,
                facts=facts,
                satisfied=RATING_SATISFIED,
            )
        )
        c = self.env.cr.fetchone()
        return service_indicators_from_counts(
            figures,
            online=c[0:2],
            online_payment=c[2:4],
            electronic_result=c[4:6],
            digitised=c[6:8],
            satisfied=c[8:10],
            rating_sum=c[10],
        )

    def _moh_period_utc(self):
        """The period's bounds as UTC datetimes: [first day 00:00, day after the last 00:00), local time."""
        tz = self.env.company.sudo()._moh_calendar()._moh_tz()
        bounds = (
            dt.datetime.combine(self.date_from, dt.time.min),
            dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time.min),
        )
        return tuple(tz.localize(bound).astimezone(pytz.utc).replace(tzinfo=None) for bound in bounds)

    def _moh_scope_procedures(self):
        """The active procedures whose dossiers the user oversees: all for the one-stop shop and the
        ministry's leaders, else those of the user's departments."""
        Procedure = self.env["moh.procedure"]
        user = self.env.user
        if (
            self.env.su
            or user.has_group("moh_documents.group_ministry_leader")
            or user.has_group("moh_egov.group_onestop")
        ):
            return Procedure.search(self._moh_department_domain())
        departments = user.sudo().employee_ids.department_id
        if not departments:
            return Procedure
        return Procedure.search([("department_id", "child_of", departments.ids), *self._moh_department_domain()])

    def _moh_department_domain(self):
        """The dashboard's one department (and those under it), when one is picked, as a domain
        on records with a ``department_id``."""
        return [("department_id", "child_of", self.department_id.id)] if self.department_id else []

    def _moh_service_counts(self, total=None):
        """(numerator, denominator) of each Decision 766 indicator the product measures, over the
        dossiers, procedures and complaints the user may see (record rules), for the period."""
        service = self._moh_service_indicators(total)
        figures = service.indicators
        start, end = self._moh_period_utc()
        counts = {
            "2.1": (
                figures.completed_on_time + figures.open_on_time,
                figures.completed + figures.open_on_time + figures.open_overdue,
            ),
            "2.2": ((figures.average_days or 0.0) * figures.completed, figures.completed),
            "3.3": service.counts["online_share"],
            "3.6": service.counts["online_payment_share"],
            "4.1": service.counts["electronic_result_share"],
            "4.2": service.counts["digitised_share"],
        }
        procedures = self._moh_scope_procedures()
        received = [("received_at", ">=", start), ("received_at", "<", end)]
        with_dossiers = {
            procedure.id
            for (procedure,) in self.env["moh.dossier"]._read_group(
                received + [("procedure_id", "in", procedures.ids)], ["procedure_id"]
            )
        }
        counts["3.2"] = (len(with_dossiers), len(procedures))
        fee_procedures = procedures.filtered(lambda p: p.fee > 0)
        online_payment = bool(
            self.env["payment.provider"].sudo().search_count([("state", "!=", "disabled"), ("is_published", "=", True)])
        )
        counts["3.5"] = (len(fee_procedures) if online_payment else 0, len(fee_procedures))
        # Group 5: complaints and recommendations received in the period, and dossiers completed in it.
        Complaint = self.env["moh.dossier.complaint"]
        today = self._moh_reference_day()
        complaints = Complaint.search(
            [("received_at", ">=", start), ("received_at", "<", end), *self._moh_department_domain()]
        )
        overdue = complaints.filtered(
            lambda c: (
                (c.state == "answered" and not c.on_time)
                or (c.state == "received" and c.due_date and c.due_date < today)
            )
        )
        decided = complaints.filtered(lambda c: c.state == "answered" or c in overdue)
        counts["5.1"] = (len(decided.filtered(lambda c: c.state == "answered" and c.on_time)), len(decided))
        unsettled = complaints.filtered(lambda c: c.outcome == "dissatisfied" or c.repeated or c in overdue)
        counts["5.2"] = (len(complaints) - len(unsettled), len(complaints))
        counts["5.4"] = (len(complaints.filtered(lambda c: c.kind == "complaint")), len(complaints))
        Dossier = self.env["moh.dossier"]
        completed = [
            ("state", "=", "done"),
            ("done_date", ">=", start),
            ("done_date", "<", end),
            *self._moh_department_domain(),
        ]
        handled = Dossier.search_count(completed)
        disliked = Dossier.search_count(
            completed + ["|", "|", ("completed_late", "=", True), ("rating", "=", "1"), ("complaint_ids", "!=", False)]
        )
        counts["5.3"] = (handled - disliked, handled)
        return counts

    def _moh_scorecard(self, total=None):
        """The five groups of Decision 766 with their points (moh_core.indicators.service_quality)."""
        from moh_core.indicators import scorecard  # noqa: PLC0415

        # The indicators' texts come in the user's language (moh.service.indicator translations).
        return scorecard(self._moh_service_counts(total), self.env["moh.service.indicator"]._moh_indicators())

    def _moh_result_texts(self, result):
        """How one indicator's result reads: (figure, count, points), e.g. ("50.0%", "1/2",
        "3.33 / 6"), ("not measured here", "", "– / 3"), ("2.5 working days", "4", "no points")."""
        from moh_core.indicators import UNIT_DAYS  # noqa: PLC0415

        _ = self.env._
        indicator = result.indicator
        if not result.measured:
            figure, count = _("not measured here"), ""
        elif result.rate is None:
            figure, count = "–", f"{_number(result.numerator)}/{_number(result.denominator)}"
        elif indicator.unit == UNIT_DAYS:
            figure, count = _("%(days)s working days", days=f"{result.rate:.1f}"), str(_number(result.denominator))
        else:
            figure, count = f"{100 * result.rate:.1f}%", f"{_number(result.numerator)}/{_number(result.denominator)}"
        if not indicator.max_points:
            points = _("no points")
        else:
            points = f"{_number(result.points) if result.points is not None else '–'} / {_number(indicator.max_points)}"
        return figure, count, points

    def _moh_scorecard_html(self, card):
        """The scorecard as a table: each group with its points and how many were measurable, each
        indicator with its figure, what it counts, its formula, its source and its points."""
        from moh_core.indicators import group_label  # noqa: PLC0415

        _ = self.env._
        rows = []
        for group in card.groups:
            points = _number(group.points) if group.points is not None else "–"
            rows.append(
                Markup(
                    "<tr class='table-light o_moh_service_group'><th colspan='2'>%s. %s</th>"
                    "<th class='text-end'>%s</th><th colspan='3'>%s</th></tr>"
                )
                % (
                    group.group.code,
                    group_label(group.group, self.env.lang),
                    points,
                    _(
                        "%(points)s of %(measurable)s measurable points (the group has %(max)s)",
                        points=points,
                        measurable=_number(group.measurable_points),
                        max=_number(group.group.points),
                    ),
                )
            )
            for result in group.results:
                indicator = result.indicator
                figure, count, points = self._moh_result_texts(result)
                definition = Markup("%s<br/><span class='text-muted'>%s: %s<br/>%s: %s</span>") % (
                    indicator.formula,
                    _("Counted"),
                    indicator.numerator,
                    _("Out of"),
                    indicator.denominator,
                )
                if indicator.product_measure:
                    definition += Markup("<br/><em>%s %s</em>") % (_("Product measure:"), indicator.product_measure)
                source = Markup("%s%s") % (
                    indicator.source,
                    ""
                    if indicator.verified
                    else Markup(" <span class='badge text-bg-warning'>%s</span>") % _("unverified"),
                )
                rows.append(
                    Markup(
                        "<tr class='o_moh_service_indicator' data-code='%s'><td>%s %s</td><td class='text-end fw-bold'>%s</td>"
                        "<td class='text-end'>%s</td><td class='text-end text-muted'>%s</td><td class='small'>%s</td>"
                        "<td class='small'>%s</td></tr>"
                    )
                    % (indicator.code, indicator.code, indicator.label, figure, points, count, definition, source)
                )
        total = _number(card.points) if card.points is not None else "–"
        head = Markup(
            "<tr><th>%s</th><th class='text-end'>%s</th><th class='text-end'>%s</th><th class='text-end'>%s</th>"
            "<th>%s</th><th>%s</th></tr>"
        ) % (_("Indicator"), _("Figure"), _("Points"), _("Count"), _("Formula and what is counted"), _("Source"))
        foot = Markup(
            "<tr class='fw-bold o_moh_service_total'><td>%s</td><td></td><td class='text-end'>%s</td>"
            "<td colspan='3'>%s</td></tr>"
        ) % (
            _("Total"),
            total,
            _(
                "%(points)s of %(measurable)s measurable points (of %(max)s)",
                points=total,
                measurable=_number(card.measurable_points),
                max=card.max_points,
            ),
        )
        return Markup(
            "<table class='table table-sm o_moh_service_table'><thead>%s</thead><tbody>%s%s</tbody></table>"
        ) % (head, Markup("").join(rows), foot)

    def _moh_service_values(self, total):
        card = self._moh_scorecard(total)
        return {
            "service_score": card.points or 0.0,
            "service_measurable": card.measurable_points,
            "service_indicators": self._moh_scorecard_html(card),
        }

    # -- the Public Services dashboard (the client action, kind "dossier") ----------------------

    def _moh_dashboard_values(self, total):
        values = super()._moh_dashboard_values(total)
        if self.kind == "dossier":
            values["scorecard"] = self._moh_scorecard_json(self._moh_scorecard(total))
        return values

    def _moh_scorecard_domains(self):
        """The items behind the indicators that count processing items: (counted, out of)."""
        completed = self._moh_figure_domain("completed")
        on_time = self._moh_figure_domain("completed_on_time") | self._moh_figure_domain("open_on_time")
        counted = completed | self._moh_figure_domain("open_on_time") | self._moh_figure_domain("open_overdue")
        return {"2.1": (on_time, counted), "2.2": (completed, completed)}

    def _moh_scorecard_json(self, card):
        """The scorecard as JSON: the total, and per group its indicators with their figure,
        count, points, definition, source and, where they count items, the items' domains."""
        from moh_core.indicators import group_label  # noqa: PLC0415

        _ = self.env._
        domains = self._moh_scorecard_domains()
        groups = []
        for group in card.groups:
            indicators = []
            for result in group.results:
                indicator = result.indicator
                figure, count, points = self._moh_result_texts(result)
                counted, out_of = domains.get(indicator.code, (None, None))
                indicators.append(
                    {
                        "code": indicator.code,
                        "label": indicator.label,
                        "figure": figure,
                        "count": count,
                        "points_text": points,
                        "unit": indicator.unit,
                        "numerator": result.numerator,
                        "denominator": result.denominator,
                        "rate": result.rate,
                        "points": result.points,
                        "max_points": indicator.max_points,
                        "measured": result.measured,
                        "verified": indicator.verified,
                        "formula": indicator.formula,
                        "counted": indicator.numerator,
                        "out_of": indicator.denominator,
                        "product_measure": indicator.product_measure,
                        "source": indicator.source,
                        "domain": _json_domain(counted) if counted is not None and result.measured else False,
                        "out_of_domain": _json_domain(out_of) if out_of is not None and result.measured else False,
                    }
                )
            groups.append(
                {
                    "code": group.group.code,
                    "label": group_label(group.group, self.env.lang),
                    "points": group.points,
                    "measurable": group.measurable_points,
                    "max": group.group.points,
                    "points_text": _(
                        "%(points)s of %(measurable)s measurable points (the group has %(max)s)",
                        points=_number(group.points) if group.points is not None else "–",
                        measurable=_number(group.measurable_points),
                        max=_number(group.group.points),
                    ),
                    "indicators": indicators,
                }
            )
        return {
            "points": card.points,
            "measurable": card.measurable_points,
            "max": card.max_points,
            "points_text": _(
                "%(points)s of %(measurable)s measurable points (of %(max)s)",
                points=_number(card.points) if card.points is not None else "–",
                measurable=_number(card.measurable_points),
                max=card.max_points,
            ),
            "groups": groups,
        }
