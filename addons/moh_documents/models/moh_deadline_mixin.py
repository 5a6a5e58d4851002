"""On time / due soon / overdue, for anything with a deadline in working days.

A record is *due soon* when its deadline is at most ``moh_due_soon_days`` working days away
(company setting), *overdue* from the day after its deadline; once completed, it was completed
on time when completed on or before its deadline (local date).
"""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

DEADLINE_STATES = [
    ("on_time", "On Time"),
    ("due_soon", "Due Soon"),
    ("overdue", "Overdue"),
    ("done_on_time", "Completed on Time"),
    ("done_late", "Completed Late"),
]


class MohDeadlineMixin(models.AbstractModel):
    _name = "moh.deadline.mixin"
    _description = "Deadline Tracking"

    #: states in which the clock runs, and the state of completed records
    _moh_open_states = ("submitted", "in_progress")
    _moh_done_state = "done"

    deadline = fields.Date(index=True)
    done_date = fields.Datetime(string="Completed On", readonly=True, copy=False)
    completed_late = fields.Boolean(compute="_compute_completed_late", store=True)
    deadline_state = fields.Selection(
        DEADLINE_STATES, string="Deadline Status", compute="_compute_deadline_state", search="_search_deadline_state"
    )

    @api.depends("done_date", "deadline")
    def _compute_completed_late(self):
        for record in self:
            record.completed_late = bool(
                record.done_date
                and record.deadline
                and record.env.company.sudo()._moh_local_date(record.done_date) > record.deadline
            )

    def _moh_default_deadline(self, start):
        """The deadline a step sets when it is given none, counted from ``start`` (the concrete
        models)."""
        raise NotImplementedError

    def _moh_step_deadline(self, deadline=None):
        """The deadline a step sets: ``deadline`` (a date, or its text from a client), else the
        record's default from today; never in the past."""
        today = fields.Date.context_today(self)
        deadline = fields.Date.to_date(deadline) or self._moh_default_deadline(today)
        if deadline < today:
            raise UserError(self.env._("The deadline cannot be in the past."))
        return deadline

    def _moh_todo(self, users, summary, deadline=None, note=None):
        """Give each of ``users`` a to-do on the record (models with activities), due on
        ``deadline`` (today by default)."""
        for user in users:
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=deadline or fields.Date.context_today(self),
                summary=summary,
                note=note,
                user_id=user.id,
            )

    def _moh_close_todos(self, users=None):
        """Mark done the record's to-dos (of ``users`` only, when given)."""
        activities = self.sudo().activity_ids
        if users is not None:
            activities = activities.filtered(lambda a: a.user_id in users)
        activities.action_feedback(feedback=self.env._("Done"))

    def _moh_due_soon_limit(self, today=None):
        company = self.env.company.sudo()  # every role counts on the statutory calendar
        today = today or fields.Date.context_today(self)
        return company._moh_calendar().moh_add_working_days(today, company.moh_due_soon_days)

    @api.depends("deadline", "done_date", "state")
    @api.depends_context("date")
    def _compute_deadline_state(self):
        today = fields.Date.context_today(self)
        limit = self._moh_due_soon_limit(today)
        for record in self:
            if record.state == record._moh_done_state and record.deadline:
                record.deadline_state = "done_late" if record.completed_late else "done_on_time"
            elif record.state in record._moh_open_states and record.deadline:
                if record.deadline < today:
                    record.deadline_state = "overdue"
                elif record.deadline <= limit:
                    record.deadline_state = "due_soon"
                else:
                    record.deadline_state = "on_time"
            else:
                record.deadline_state = False

    def _search_deadline_state(self, operator, value):
        if operator not in ("=", "in"):
            return NotImplemented
        values = [value] if operator == "=" else list(value)
        today = fields.Date.context_today(self)
        limit = self._moh_due_soon_limit(today)
        open_states = list(self._moh_open_states)
        domains = {
            "overdue": [("state", "in", open_states), ("deadline", "<", today)],
            "due_soon": [("state", "in", open_states), ("deadline", ">=", today), ("deadline", "<=", limit)],
            "on_time": [("state", "in", open_states), ("deadline", ">", limit)],
            "done_on_time": [
                ("state", "=", self._moh_done_state),
                ("deadline", "!=", False),
                ("completed_late", "=", False),
            ],
            "done_late": [("state", "=", self._moh_done_state), ("completed_late", "=", True)],
        }
        return Domain.OR(Domain(domains[name]) for name in values if name in domains)
