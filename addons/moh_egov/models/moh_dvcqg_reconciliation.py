"""Reconciliation with the national portal (DVCQG): for a period, each dossier's record as the
product would send it now beside the copy DVCQG holds (TraCuuHoSo), the dossiers whose copy is
missing or differs (status, received, due and return dates), a resend per dossier or for all
through the usual queue, and the Decision 766 figures computed the same way from either side
(moh_core.dvcqg.reconcile). Administrators only, as the national portal link.

The adapter answers one dossier per ``TraCuuHoSo``: the lookups run several at a time
(moh_core.dvcqg.reconcile.lookup_all), and a period of more dossiers than the parameter
``moh_egov.dvcqg_reconcile_run_now_limit`` (100) is checked in the background by a scheduled
action, which tells the administrator who asked when it is done. The result (the lists, the
counts, the figures) is written by the check only (moh.workflow.guard)."""

import datetime as dt
import logging

import pytz
from markupsafe import Markup
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

ADMIN_GROUP = "moh_documents.group_moh_admin"
#: A period of up to this many dossiers is checked at once; a larger one in the background.
RUN_NOW_LIMIT = 100
RUN_NOW_PARAM = "moh_egov.dvcqg_reconcile_run_now_limit"

_logger = logging.getLogger(__name__)


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
    _inherit = ["moh.workflow.guard"]
    _order = "date_from desc, id desc"
    _moh_workflow_fields = (
        "state",
        "error",
        "requested_by_id",
        "peer_id",
        "checked_at",
        "dossier_count",
        "line_ids",
        "figures_html",
    )

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
    state = fields.Selection(
        [("draft", "Not Checked"), ("queued", "Checking"), ("done", "Checked"), ("failed", "Check Failed")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
    )
    error = fields.Char(string="Why the Check Failed", readonly=True, copy=False)
    requested_by_id = fields.Many2one("res.users", readonly=True, copy=False)
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
        differ; replaces the previous check's list. A period of more dossiers than the run-now
        limit is checked in the background (state "Checking")."""
        _check_admin(self.env)
        limit = int(self.env["ir.config_parameter"].sudo().get_param(RUN_NOW_PARAM, RUN_NOW_LIMIT))
        queued = self.browse()
        for rec in self:
            peer = rec._moh_check_request()
            if len(rec._moh_dossiers()) <= limit:
                rec._moh_run_check(peer)
            else:
                queued |= rec
        if queued:
            queued.sudo().write({"state": "queued", "error": False, "requested_by_id": self.env.uid})
            self.env.ref("moh_egov.ir_cron_dvcqg_reconciliation").sudo()._trigger()
        return True

    def _moh_check_request(self):
        """Before a check: a period that makes sense, not being checked already, and a DVCQG link
        for the company; returns the link."""
        self.ensure_one()
        if self.state == "queued":
            raise UserError(self.env._("This period is being checked already; the result comes shortly."))
        if self.date_to < self.date_from:
            raise UserError(self.env._("The period cannot end before it starts."))
        peer = self.env["moh.exchange.peer"]._moh_portal(self.company_id)
        if not peer or peer.protocol != "dvcqg":
            raise UserError(self.env._("No national portal link (DVCQG adapter) is configured for this company."))
        return peer

    def _moh_dossiers(self):
        start, end = self._moh_period_utc()
        return (
            self.env["moh.dossier"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("code", "!=", False),
                    ("submitted_at", ">=", start),
                    ("submitted_at", "<", end),
                ],
                order="submitted_at, id",
            )
        )

    def _moh_run_check(self, peer):
        """The check itself (after :meth:`_moh_check_request`): the product's record of each
        dossier, DVCQG's copies asked several at a time, the differing dossiers and the figures.
        The portal failing raises UserError and leaves the previous result as it was."""
        self.ensure_one()
        from moh_core.dvcqg import DvcqgError, MappingError  # noqa: PLC0415
        from moh_core.dvcqg.reconcile import differences, figures, lookup_all, status_counts  # noqa: PLC0415
        from moh_core.indicators import Period  # noqa: PLC0415

        dossiers = self._moh_dossiers()
        lines, records = [], {}
        for dossier in dossiers:
            try:
                records[dossier] = dossier._moh_dvcqg_record(peer)
            except MappingError as exc:
                lines.append({"dossier_id": dossier.id, "difference": "error", "details": str(exc)})
        try:
            copies = lookup_all(peer._moh_dvcqg_client().lookup_dossier, [d.code for d in records])
        except DvcqgError as exc:
            raise UserError(self.env._("The national portal answered: %(error)s", error=exc)) from exc
        mine, theirs = [], []
        for dossier, record in records.items():
            copy = copies[dossier.code]
            mine.append(record)
            if copy is not None:
                theirs.append(dict(copy.raw))
            found = differences(record, copy.raw if copy is not None else None)
            if found:
                lines.append(self._moh_line_values(dossier, record, copy, found))
        period = Period(self.date_from, self.date_to)
        today = fields.Date.context_today(self)
        # the lines are written by this check only
        self.line_ids.sudo().unlink()
        self.sudo().write(
            {
                "state": "done",
                "error": False,
                "peer_id": peer.id,
                "checked_at": fields.Datetime.now(),
                "dossier_count": len(dossiers),
                "line_ids": [fields.Command.create(values) for values in lines],
                "figures_html": self._moh_figures_html(
                    figures(mine, period, today),
                    figures(theirs, period, today),
                    status_counts(mine),
                    status_counts(theirs),
                ),
            }
        )

    @api.model
    def _cron_moh_dvcqg_reconcile(self):
        """The checks asked for in the background, one at a time, each committed on its own; the
        administrator who asked is told when it is done or why it failed."""
        queued = self.sudo().search([("state", "=", "queued")], order="write_date, id")
        Cron = self.env["ir.cron"]
        Cron._commit_progress(remaining=len(queued))
        for rec in queued:
            try:
                with self.env.cr.savepoint():
                    peer = self.env["moh.exchange.peer"]._moh_portal(rec.company_id)
                    if not peer or peer.protocol != "dvcqg":
                        raise UserError(
                            self.env._("No national portal link (DVCQG adapter) is configured for this company.")
                        )
                    rec._moh_run_check(peer)
            except UserError as exc:
                rec.write({"state": "failed", "error": str(exc.args[0]) if exc.args else str(exc)})
            except Exception:  # one check failing must not keep the others queued
                _logger.exception("Reconciliation %s with the national portal failed", rec.id)
                rec.write({"state": "failed", "error": self.env._("An unexpected error; see the server log.")})
            rec._moh_notify_requester()
            if not Cron._commit_progress(1):
                break
        return True

    def _moh_notify_requester(self):
        """A notification in the back office of the administrator who asked for the check."""
        self.ensure_one()
        user = self.requested_by_id
        if not user:
            return
        _ = self.with_context(lang=user.lang).env._
        if self.state == "done":
            title, kind = _("Reconciliation with the national portal done"), "success"
            message = _(
                "%(period)s: %(count)s dossiers checked, %(differing)s differing.",
                period=self.name,
                count=self.dossier_count,
                differing=self.difference_count,
            )
        else:
            title, kind = _("Reconciliation with the national portal failed"), "warning"
            message = f"{self.name}: {self.error or ''}"
        user._bus_send("simple_notification", {"title": title, "message": message, "type": kind})

    def _moh_check_content_update(self, vals):
        if self.filtered(lambda rec: rec.state == "queued") and {"date_from", "date_to", "company_id"} & set(vals):
            raise UserError(self.env._("This period is being checked: change it once the check is done."))

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
