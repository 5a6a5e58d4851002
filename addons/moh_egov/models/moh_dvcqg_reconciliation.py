"""Reconciliation with the national portal (DVCQG): for a period, each dossier's record as the
product would send it now beside the copy DVCQG holds (TraCuuHoSo), the dossiers whose copy is
missing or differs (status, received, due and return dates), a resend per dossier or for all
through the usual queue, and the Decision 766 figures computed the same way from either side
(moh_core.dvcqg.reconcile). Administrators only, as the national portal link."""

import datetime as dt

import pytz
from markupsafe import Markup
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

ADMIN_GROUP = "moh_documents.group_moh_admin"


def _check_admin(env):
    if not env.su and not env.user.has_group(ADMIN_GROUP):
        raise AccessError(env._("Only administrators may reconcile with the national portal."))


def _shown(value):
    """A DVCQG date (yyyyMMddHHmmss) as dd/mm/yyyy HH:MM; other values as they are."""
    from moh_core.dvcqg import parse_date  # noqa: PLC0415

    try:
        parsed = parse_date(value or None)
    except ValueError:
        return value or ""
    return parsed.strftime("%d/%m/%Y %H:%M") if parsed else (value or "")


class MohDvcqgReconciliation(models.Model):
    _name = "moh.dvcqg.reconciliation"
    _description = "National Portal Reconciliation"
    _order = "date_from desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
        help="Dossiers submitted from this day.",
    )
    date_to = fields.Date(
        string="To", required=True, default=fields.Date.context_today, help="Dossiers submitted until this day."
    )
    peer_id = fields.Many2one("moh.exchange.peer", string="National Portal", readonly=True)
    checked_at = fields.Datetime(string="Checked", readonly=True)
    dossier_count = fields.Integer(string="Dossiers Checked", readonly=True)
    difference_count = fields.Integer(string="Dossiers Differing", compute="_compute_difference_count")
    line_ids = fields.One2many(
        "moh.dvcqg.reconciliation.line", "reconciliation_id", string="Differences", readonly=True
    )
    figures_html = fields.Html(string="Decision 766 Figures", readonly=True, sanitize=True)

    @api.depends("date_from", "date_to")
    def _compute_name(self):
        for rec in self:
            rec.name = f"{rec.date_from or ''} – {rec.date_to or ''}"

    @api.depends("line_ids")
    def _compute_difference_count(self):
        for rec in self:
            rec.difference_count = len(rec.line_ids)

    def action_check(self):
        """Ask the national portal for its copy of each dossier of the period and list those that
        differ; replaces the previous check's list."""
        _check_admin(self.env)
        from moh_core.dvcqg import DvcqgError, MappingError  # noqa: PLC0415
        from moh_core.dvcqg.reconcile import differences, figures, status_counts  # noqa: PLC0415
        from moh_core.indicators import Period  # noqa: PLC0415

        for rec in self:
            if rec.date_to < rec.date_from:
                raise UserError(self.env._("The period cannot end before it starts."))
            peer = self.env["moh.exchange.peer"]._moh_portal(rec.company_id)
            if not peer or peer.protocol != "dvcqg":
                raise UserError(self.env._("No national portal link (DVCQG adapter) is configured for this company."))
            start, end = rec._moh_period_utc()
            dossiers = (
                self.env["moh.dossier"]
                .sudo()
                .search(
                    [
                        ("company_id", "=", rec.company_id.id),
                        ("code", "!=", False),
                        ("submitted_at", ">=", start),
                        ("submitted_at", "<", end),
                    ],
                    order="submitted_at, id",
                )
            )
            client = peer._moh_dvcqg_client()
            lines, mine, theirs = [], [], []
            for dossier in dossiers:
                try:
                    record = dossier._moh_dvcqg_record(peer)
                except MappingError as exc:
                    lines.append({"dossier_id": dossier.id, "difference": "error", "details": str(exc)})
                    continue
                try:
                    copy = client.lookup_dossier(dossier.code)
                except DvcqgError as exc:
                    raise UserError(self.env._("The national portal answered: %(error)s", error=exc)) from exc
                mine.append(record)
                if copy is not None:
                    theirs.append(dict(copy.raw))
                found = differences(record, copy.raw if copy is not None else None)
                if found:
                    lines.append(rec._moh_line_values(dossier, record, copy, found))
            period = Period(rec.date_from, rec.date_to)
            today = fields.Date.context_today(self)
            # the lines are written by this check only
            rec.line_ids.sudo().unlink()
            rec.sudo().write(
                {
                    "peer_id": peer.id,
                    "checked_at": fields.Datetime.now(),
                    "dossier_count": len(dossiers),
                    "line_ids": [fields.Command.create(values) for values in lines],
                    "figures_html": rec._moh_figures_html(
                        figures(mine, period, today),
                        figures(theirs, period, today),
                        status_counts(mine),
                        status_counts(theirs),
                    ),
                }
            )
        return True

    def action_resend_all(self):
        """Queue the synchronisation of every listed dossier not resent yet."""
        _check_admin(self.env)
        self.line_ids.filtered(lambda line: not line.resent_at and line.difference != "error").action_resend()
        return True

    # -- helpers -----------------------------------------------------------------------------

    def _moh_period_utc(self):
        """The period's bounds as UTC datetimes: [first day 00:00, day after the last 00:00), local time."""
        tz = self.company_id.sudo()._moh_calendar()._moh_tz()
        bounds = (
            dt.datetime.combine(self.date_from, dt.time.min),
            dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time.min),
        )
        return tuple(tz.localize(bound).astimezone(pytz.utc).replace(tzinfo=None) for bound in bounds)

    def _moh_line_values(self, dossier, record, copy, found):
        portal = copy.raw if copy is not None else {}
        return {
            "dossier_id": dossier.id,
            "difference": "missing" if copy is None else "different",
            "details": "; ".join(
                f"{d.what}: {_shown(d.product) or '–'} / {_shown(d.portal) or '–'}"
                for d in found
                if d.what != "missing"
            ),
            "product_status": record.get("TrangThaiHoSo") or "",
            "portal_status": str(portal.get("TrangThaiHoSo") or ""),
            "product_received": _shown(record.get("NgayTiepNhan")),
            "portal_received": _shown(portal.get("NgayTiepNhan")),
            "product_due": _shown(record.get("NgayHenTra")),
            "portal_due": _shown(portal.get("NgayHenTra")),
            "product_returned": _shown(record.get("NgayTra")),
            "portal_returned": _shown(portal.get("NgayTra")),
        }

    def _moh_figures_html(self, mine, theirs, mine_status, their_status):
        """Two tables: the Decision 766 indicators (numerator/denominator and rate) from the
        product's records and from DVCQG's copies, and the dossiers by national status code."""
        _ = self.env._
        names = {i.code: i.label for i in self.env["moh.service.indicator"]._moh_indicators()}

        def cell(pair):
            numerator, denominator = pair
            rate = f"{100 * numerator / denominator:.1f}%" if denominator else "–"
            return f"{rate} ({numerator}/{denominator})"

        rows = Markup("").join(
            Markup("<tr><td>%s %s</td><td class='text-end'>%s</td><td class='text-end'>%s</td></tr>")
            % (code, names.get(code, ""), cell(mine[code]), cell(theirs[code]))
            for code in mine
        )
        codes = sorted(set(mine_status) | set(their_status), key=lambda c: (len(c), c))
        status_rows = Markup("").join(
            Markup("<tr><td>%s</td><td class='text-end'>%s</td><td class='text-end'>%s</td></tr>")
            % (code or "–", mine_status.get(code, 0), their_status.get(code, 0))
            for code in codes
        )
        head = Markup("<tr><th>%s</th><th class='text-end'>%s</th><th class='text-end'>%s</th></tr>")
        return (
            Markup("<table class='table table-sm o_moh_dvcqg_figures'><thead>%s</thead><tbody>%s</tbody></table>")
            % (head % (_("Indicator"), _("Product"), _("National Portal")), rows)
        ) + (
            Markup("<table class='table table-sm o_moh_dvcqg_status'><thead>%s</thead><tbody>%s</tbody></table>")
            % (head % (_("Status Code"), _("Product"), _("National Portal")), status_rows)
        )
