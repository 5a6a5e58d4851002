"""The daily digest of overdue and due-soon work, to department heads and ministry leaders.

A head receives their department's open work that is overdue or due soon; a ministry leader
receives the work overdue by at least the company's escalation threshold, in every department,
with the count per department first. Each reads it in their own language; nobody receives an
empty digest. The work on state-secret documents is never in it: state secrets are not sent by
e-mail (Law 29/2018/QH14, Art. 5.5-5.6; Decree 26/2020/NĐ-CP).
"""

from html import escape

from odoo import api, fields, models


class MohKpiDigest(models.AbstractModel):
    _name = "moh.kpi.digest"
    _description = "Daily Digest of Overdue Work"

    @api.model
    def _cron_moh_daily_digest(self):
        company = self.env.company
        if not company.moh_digest_enabled:
            return 0
        self = self.with_context(**company._moh_local_context())  # noqa: PLW0642 - the agency's day
        today = fields.Date.context_today(self)
        calendar = company.sudo()._moh_calendar()
        due_soon = calendar.moh_add_working_days(today, company.moh_due_soon_days)
        # overdue by at least the threshold: deadline at least that many working days ago
        escalated = (
            ("deadline", "<=", calendar.moh_add_working_days(today, -company.moh_escalation_days))
            if company.moh_escalation_days
            else ("deadline", "<", today)
        )
        leader_group = self.env.ref("moh_documents.group_ministry_leader")
        head_group = self.env.ref("moh_documents.group_department_head")
        sent = 0
        for user in head_group.all_user_ids.filtered(lambda u: u.active and u.email and not u.share):
            Item = self.env["moh.kpi.item"].with_user(user).with_context(lang=user.lang)
            # State secrets are never e-mailed, not even to their readers (Law 29/2018/QH14, Art. 5.5-5.6).
            secret = ("state_secret", "=", False)
            if user in leader_group.all_user_ids:
                items = Item.search([("is_open", "=", True), escalated, secret], order="deadline")
            else:
                items = Item.search([("is_open", "=", True), ("deadline", "<=", due_soon), secret], order="deadline")
            if not items:
                continue
            self._moh_send(user, items, today)
            sent += 1
        return sent

    def _moh_send(self, user, items, today):
        Item = items.with_context(lang=user.lang)
        _ = Item.env._
        overdue = items.filtered(lambda i: i.deadline < today)
        by_department = {}
        for item in overdue:
            by_department[item.department_id.display_name] = by_department.get(item.department_id.display_name, 0) + 1
        summary = "".join(
            f"<li>{escape(name or '')}: {count}</li>"
            for name, count in sorted(by_department.items(), key=lambda x: -x[1])
        )
        base_url = items.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        rows = "".join(
            f"<tr><td><a href='{base_url}/odoo/{item.res_model}/{item.res_id}'>{escape(item.name or '')}</a></td>"
            f"<td>{escape(item.department_id.display_name or '')}</td><td>{item.deadline.strftime('%d/%m/%Y')}</td>"
            f"<td>{_('Overdue') if item.deadline < today else _('Due soon')}</td></tr>"
            for item in Item
        )
        body = (
            f"<p>{escape(_('Open work overdue or due soon, as of %(date)s.', date=today.strftime('%d/%m/%Y')))}</p>"
            + (f"<p>{escape(_('Overdue per department:'))}</p><ul>{summary}</ul>" if summary else "")
            + f"<table border='1' cellpadding='4' style='border-collapse: collapse'><tr><th>{escape(_('Reference'))}</th>"
            f"<th>{escape(_('Department'))}</th><th>{escape(_('Deadline'))}</th><th>{escape(_('Status'))}</th></tr>{rows}</table>"
        )
        self.env["mail.mail"].sudo().create(
            {
                "subject": _(
                    "Daily digest: %(overdue)s overdue, %(soon)s due soon",
                    overdue=len(overdue),
                    soon=len(items) - len(overdue),
                ),
                "body_html": body,
                "email_to": user.email_formatted,
                "recipient_ids": [(6, 0, user.partner_id.ids)],
                "auto_delete": True,
            }
        )
        return True
