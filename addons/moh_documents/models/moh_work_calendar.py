"""The leaders' weekly work calendar (lịch công tác tuần của Lãnh đạo Bộ).

Units (departments) propose the meetings and events of the Minister and Vice Ministers; the
Ministry Office (Văn phòng Bộ, group "Work Calendar Office") approves or refuses each proposal
(a refusal with its reason, in a dialog: moh.work.entry.refuse.wizard),
and publishes the week: from then on every employee reads its approved entries, printed as the
usual "LỊCH CÔNG TÁC TUẦN" (moh_core.documents.schedule). A change after publication (an entry
approved, changed or cancelled) bumps the week's revision and is announced on the week.

Entries are Odoo calendar events (``calendar.event`` with a proposing unit, ``moh_department_id``)
so that they appear in the calendars of their attendees (the presiding leaders). Who sees what
(global record rules, ANDed with calendar's own rules, which stay as they are for the other
events): a proposal is read by its unit, the office and the ministry leaders; a published entry
by every employee. Who changes what (moh.workflow.guard): state, approval, week and publication
change only through ``action_propose``, ``action_approve``, ``action_refuse``, ``action_cancel``
and ``moh.work.week.action_publish``; the unit edits its own drafts and refused proposals, the
office any entry.
"""

import base64
import datetime as dt

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from moh_core.documents.schedule import ScheduleEntry, WorkWeek, render_work_schedule, session_of

OFFICE_GROUP = "moh_documents.group_work_calendar_office"
LEADER_GROUP = "moh_documents.group_ministry_leader"

ENTRY_STATES = [
    ("draft", "Draft"),
    ("proposed", "Proposed"),
    ("approved", "Approved"),
    ("refused", "Refused"),
    ("cancelled", "Cancelled"),
]
#: What a change of these fields of an entry of a published week announces.
_ANNOUNCED_FIELDS = (
    "name",
    "start",
    "stop",
    "allday",
    "location",
    "moh_session_only",
    "moh_presiding_ids",
    "moh_participants",
    "moh_participant_department_ids",
    "moh_preparing_department_id",
)


class CalendarEvent(models.Model):
    _name = "calendar.event"
    _inherit = ["calendar.event", "moh.workflow.guard"]
    _moh_workflow_fields = (
        "moh_state",
        "moh_week_id",
        "moh_approved_by_id",
        "moh_approved_on",
    )

    moh_department_id = fields.Many2one(
        "hr.department",
        string="Proposing Unit",
        index="btree_not_null",
        ondelete="restrict",
        default=lambda self: self._moh_default_department(),
        help="The unit proposing this entry of the leaders' work calendar; empty for other events.",
    )
    moh_state = fields.Selection(ENTRY_STATES, string="Work Calendar Status", readonly=True, copy=False, index=True)
    moh_week_id = fields.Many2one(
        "moh.work.week", string="Week", readonly=True, copy=False, ondelete="restrict", index="btree_not_null"
    )
    moh_published = fields.Boolean(
        string="Published",
        compute="_compute_moh_published",
        store=True,
        help="Approved, in a published week: read by every employee.",
    )
    moh_approved_by_id = fields.Many2one("res.users", string="Approved By", readonly=True, copy=False)
    moh_approved_on = fields.Datetime(string="Approved On", readonly=True, copy=False)
    moh_presiding_ids = fields.Many2many(
        "res.users",
        "moh_calendar_event_presiding_rel",
        "event_id",
        "user_id",
        string="Presiding Leaders",
        domain=lambda self: [("all_group_ids", "in", self.env.ref(LEADER_GROUP).ids)],
    )
    moh_participants = fields.Text(string="Participants")
    moh_participant_department_ids = fields.Many2many(
        "hr.department",
        "moh_calendar_event_participant_department_rel",
        "event_id",
        "department_id",
        string="Participating Units",
    )
    moh_preparing_department_id = fields.Many2one("hr.department", string="Preparing Unit", ondelete="restrict")
    moh_session = fields.Selection(
        [("morning", "Morning"), ("afternoon", "Afternoon"), ("evening", "Evening")],
        string="Session",
        compute="_compute_moh_session",
        store=True,
    )
    moh_session_only = fields.Boolean(
        string="Session Only", help="Printed with its session (morning, afternoon), without a time."
    )
    moh_incoming_document_ids = fields.Many2many(
        "moh.incoming.document",
        "moh_calendar_event_incoming_rel",
        "event_id",
        "document_id",
        string="Incoming Documents",
        # Whoever may read documents at all (officers, records office); each sees those he may read.
        groups="moh_documents.group_specialist,moh_documents.group_clerk",
        help="The documents of this meeting (the invitation letter, ...). Each reader sees those he may read.",
    )
    moh_outgoing_document_ids = fields.Many2many(
        "moh.outgoing.document",
        "moh_calendar_event_outgoing_rel",
        "event_id",
        "document_id",
        string="Outgoing Documents",
        # Whoever may read documents at all (officers, records office); each sees those he may read.
        groups="moh_documents.group_specialist,moh_documents.group_clerk",
        help="The documents of this meeting (the invitation letter, ...). Each reader sees those he may read.",
    )

    @api.depends("moh_state", "moh_week_id.state")
    def _compute_moh_published(self):
        for event in self:
            event.moh_published = event.moh_state == "approved" and event.moh_week_id.state == "published"

    @api.depends("start")
    def _compute_moh_session(self):
        tz = self.env.company.moh_calendar_id._moh_tz()
        for event in self:
            if not event.start:
                event.moh_session = False
                continue
            local = fields.Datetime.to_datetime(event.start).replace(tzinfo=dt.UTC).astimezone(tz)
            event.moh_session = session_of(local.time())

    @api.constrains("moh_presiding_ids")
    def _check_moh_presiding(self):
        leaders = self.env.ref(LEADER_GROUP)
        for event in self:
            others = event.moh_presiding_ids.filtered(lambda user: leaders not in user.all_group_ids)
            if others:
                raise ValidationError(
                    self.env._(
                        "Only ministry leaders preside over an entry of the work calendar, not %(users)s.",
                        users=", ".join(others.mapped("name")),
                    )
                )

    # -- who is who ----------------------------------------------------------------------------

    @api.model
    def _moh_is_work_calendar_office(self):
        return self.env.su or self.env.user.has_group(OFFICE_GROUP)

    @api.model
    def _moh_default_department(self):
        """In the work calendar's views, the caller's unit."""
        if not self.env.context.get("moh_work_calendar"):
            return False
        return self.env.user.employee_ids.department_id[:1].id

    @api.model
    def _moh_my_departments(self):
        """The caller's departments and those below them."""
        mine = self.env.user.employee_ids.department_id
        if not mine:
            return mine
        return self.env["hr.department"].sudo().search([("id", "child_of", mine.ids)])

    def _moh_check_work_entry(self):
        """Every record is an entry of the work calendar the caller may read."""
        self.check_access("read")
        if not self or any(not event.moh_department_id or not event.moh_state for event in self):
            raise UserError(self.env._("This is not an entry of the leaders' work calendar."))

    def _moh_check_office(self):
        if not self._moh_is_work_calendar_office():
            raise AccessError(self.env._("Only the Ministry Office approves, refuses and publishes the work calendar."))

    def _moh_check_state(self, states):
        wrong = self.filtered(lambda event: event.moh_state not in states)
        if wrong:
            labels = dict(self._fields["moh_state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "%(entry)s is %(state)s: this step does not apply to it.",
                    entry=wrong[0].display_name,
                    state=labels.get(wrong[0].moh_state, wrong[0].moh_state),
                )
            )

    # -- the guard -----------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        events = super().create(vals_list)
        entries = events.filtered("moh_department_id")
        if entries and not self.env.su:
            if not self.env.user._is_internal():
                raise AccessError(self.env._("Only employees propose entries of the work calendar."))
            if not self._moh_is_work_calendar_office():
                foreign = entries.moh_department_id - self._moh_my_departments()
                if foreign:
                    raise AccessError(
                        self.env._(
                            "You propose entries of the work calendar for your own unit only, not for %(unit)s.",
                            unit=foreign[0].display_name,
                        )
                    )
        # Public, so that calendar's privacy never hides an entry from whoever may read it.
        entries.sudo().write({"moh_state": "draft", "privacy": "public"})
        return events

    def write(self, vals):
        if not self.env.su:
            if "moh_department_id" in vals and (vals["moh_department_id"] or self.filtered("moh_department_id")):
                if any(event.moh_department_id.id != vals["moh_department_id"] for event in self):
                    raise AccessError(self.env._("The proposing unit of an entry is set when it is made."))
            if "privacy" in vals and vals["privacy"] != "public" and self.filtered("moh_department_id"):
                raise AccessError(self.env._("Entries of the work calendar are public to whoever may read them."))
        published = self.filtered("moh_published") if not self.env.su else self.browse()
        result = super().write(vals)
        if "moh_presiding_ids" in vals:
            # An approved entry is in its presiding leaders' own calendars.
            for event in self.filtered(lambda event: event.moh_state == "approved"):
                missing = event.moh_presiding_ids.partner_id - event.partner_ids
                if missing:
                    event.sudo().with_context(skip_attendee_notification=True, dont_notify=True).write(
                        {"partner_ids": [fields.Command.link(partner.id) for partner in missing]}
                    )
        announced = [name for name in _ANNOUNCED_FIELDS if name in vals]
        if published and announced:
            published.moh_week_id._moh_announce_revision(
                self.env._(
                    "Changed: %(entries)s.",
                    entries="; ".join(published.mapped("name")),
                )
            )
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_approved_work_entry(self):
        if not self.env.su and self.filtered(lambda event: event.moh_state in ("approved", "cancelled")):
            raise UserError(self.env._("An approved entry of the work calendar is cancelled, not deleted."))

    def _moh_check_content_update(self, vals):
        """The unit edits its drafts and refused proposals; once proposed, only the office."""
        entries = self.filtered("moh_department_id")
        if not entries or self._moh_is_work_calendar_office():
            return
        # Replies of attendees and calendar's own bookkeeping do not touch the content.
        if not set(vals) - {"attendee_ids", "activity_ids", "res_model_id", "res_id", "message_main_attachment_id"}:
            return
        mine = self._moh_my_departments()
        for event in entries:
            # No state yet: the entry being made (create sets it to draft).
            if event.moh_state not in (False, "draft", "refused") or event.moh_department_id not in mine:
                raise AccessError(
                    self.env._(
                        "%(entry)s is changed by its unit while it is a draft, then by the Ministry Office only.",
                        entry=event.display_name,
                    )
                )

    # -- the steps -----------------------------------------------------------------------------

    def action_propose(self):
        """The unit sends its drafts (or refused proposals, corrected) to the Ministry Office."""
        self._moh_check_work_entry()
        if not self._moh_is_work_calendar_office():
            mine = self._moh_my_departments()
            if any(event.moh_department_id not in mine for event in self):
                raise AccessError(self.env._("Only the proposing unit proposes its entries."))
        self._moh_check_state(("draft", "refused"))
        for event in self:
            if not event.moh_presiding_ids:
                raise UserError(self.env._("Name the presiding leader of %(entry)s.", entry=event.display_name))
        self.sudo().write({"moh_state": "proposed"})
        for event in self:
            event.sudo().message_post(body=self.env._("Proposed for the leaders' work calendar."))
        return True

    def action_approve(self):
        """The office approves proposals: each joins the week of its day (made if need be), its
        presiding leaders become attendees; in a published week it is announced at once."""
        self._moh_check_work_entry()
        self._moh_check_office()
        self._moh_check_state(("proposed",))
        Week = self.env["moh.work.week"].sudo()
        tz = self.env.company.moh_calendar_id._moh_tz()
        now = fields.Datetime.now()
        for event in self:
            local = fields.Datetime.to_datetime(event.start).replace(tzinfo=dt.UTC).astimezone(tz)
            week = Week._moh_week_of(local.date())
            event.sudo().with_context(skip_attendee_notification=True, dont_notify=True).write(
                {
                    "moh_state": "approved",
                    "moh_week_id": week.id,
                    "moh_approved_by_id": self.env.uid,
                    "moh_approved_on": now,
                    "partner_ids": [fields.Command.link(p.id) for p in event.moh_presiding_ids.partner_id],
                }
            )
            event.sudo().message_post(body=self.env._("Approved for the week %(week)s.", week=week.name))
            if week.state == "published":
                week._moh_announce_revision(self.env._("Added: %(entry)s.", entry=event.name))
        return True

    def action_refuse(self, reason=None):
        """The office refuses proposals with the reason (the refusal dialog), told to the unit in
        the chatter."""
        self._moh_check_work_entry()
        self._moh_check_office()
        self._moh_check_state(("proposed",))
        if not isinstance(reason, str) or not reason.strip():
            raise UserError(self.env._("Give the reason for refusing the entry: the proposing unit reads it."))
        self.sudo().write({"moh_state": "refused"})
        body = self.env._("Refused: %(reason)s", reason=reason.strip())
        for event in self:
            event.sudo().message_post(body=body)
        return True

    def action_cancel(self):
        """The office cancels approved entries; a published week announces it."""
        self._moh_check_work_entry()
        self._moh_check_office()
        self._moh_check_state(("approved",))
        published = self.filtered("moh_published")
        self.sudo().write({"moh_state": "cancelled"})
        for event in self:
            event.sudo().message_post(body=self.env._("Cancelled."))
        for week in published.moh_week_id:
            week._moh_announce_revision(
                self.env._(
                    "Cancelled: %(entries)s.",
                    entries="; ".join(
                        published.filtered(lambda event, week=week: event.moh_week_id == week).mapped("name")
                    ),
                )
            )
        return True

    @api.model
    def _moh_demo_unqueue_mail(self):
        """Demo data: as ``moh.incoming.document._moh_demo_unqueue_mail``, for the e-mails the work
        calendar's demo queued (entries, weeks): cancelled, not left in the outgoing queue."""
        mails = self.env["mail.mail"].search(
            [("state", "in", ("outgoing", "exception")), ("model", "in", ("calendar.event", "moh.work.week"))]
        )
        self.env["mail.notification"].search(
            [("mail_mail_id", "in", mails.ids), ("notification_status", "in", ("ready", "exception"))]
        ).write({"notification_status": "canceled"})
        mails.write({"state": "cancel", "failure_reason": "Demo data: not sent."})

    def _moh_schedule_entry(self):
        """This entry as a line of the printed calendar (moh_core)."""
        self.ensure_one()
        tz = self.env.company.moh_calendar_id._moh_tz()
        local = fields.Datetime.to_datetime(self.start).replace(tzinfo=dt.UTC).astimezone(tz)
        show_time = not (self.moh_session_only or self.allday)
        participants = [self.moh_participants or "", *self.moh_participant_department_ids.mapped("name")]
        return ScheduleEntry(
            day=self.start_date if self.allday else local.date(),
            time=local.time().replace(second=0, microsecond=0) if show_time else None,
            session=self.moh_session or "morning",
            content=self.name,
            presiding=", ".join(self.moh_presiding_ids.mapped("name")),
            participants="\n".join(line for line in participants if line.strip()),
            location=self.location or "",
            preparing_unit=self.moh_preparing_department_id.name or "",
        )


class MohWorkWeek(models.Model):
    _name = "moh.work.week"
    _description = "Work Calendar Week"
    _inherit = ["mail.thread", "moh.workflow.guard"]
    _order = "date_start desc"
    _moh_workflow_fields = ("state", "published_by_id", "published_on", "revision")

    name = fields.Char(compute="_compute_name", store=True)
    year = fields.Integer(required=True, aggregator=False, help="ISO year of the week.")
    week = fields.Integer(required=True, aggregator=False, help="ISO week number (1-53).")
    date_start = fields.Date(string="From", compute="_compute_dates", store=True)
    date_end = fields.Date(string="To", compute="_compute_dates", store=True)
    state = fields.Selection(
        [("draft", "Draft"), ("published", "Published")], default="draft", readonly=True, tracking=True
    )
    published_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    published_on = fields.Datetime(readonly=True, copy=False)
    revision = fields.Integer(readonly=True, copy=False, help="Changes announced since publication.")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    entry_ids = fields.One2many(
        "calendar.event", "moh_week_id", string="Entries", domain=[("moh_state", "=", "approved")], readonly=True
    )
    entry_count = fields.Integer(compute="_compute_entry_count")

    _year_week_unique = models.Constraint(
        "UNIQUE(year, week, company_id)", "The work calendar of this week already exists."
    )

    @api.depends("year", "week")
    def _compute_name(self):
        for week in self:
            week.name = self.env._("Week %(week)02d/%(year)s", week=week.week, year=week.year)

    @api.depends("year", "week")
    def _compute_dates(self):
        for week in self:
            try:
                iso = WorkWeek(week.year, week.week)
            except ValueError:
                week.date_start = week.date_end = False
                continue
            week.date_start, week.date_end = iso.monday, iso.sunday

    def _compute_entry_count(self):
        for week in self:
            week.entry_count = len(week.entry_ids)

    @api.constrains("year", "week")
    def _check_week(self):
        for week in self:
            try:
                WorkWeek(week.year, week.week)
            except ValueError as error:
                raise ValidationError(
                    self.env._("%(year)s has no week %(week)s.", year=week.year, week=week.week)
                ) from error

    def write(self, vals):
        if not self.env.su and {"year", "week", "company_id"} & set(vals):
            if self.filtered(lambda week: week.state == "published" or week.entry_ids):
                raise UserError(self.env._("A week with entries or published keeps its dates."))
        return super().write(vals)

    @api.model
    def _moh_week_of(self, day):
        """The week of ``day`` (made when it does not exist yet)."""
        iso = WorkWeek.of(day)
        domain = [("year", "=", iso.year), ("week", "=", iso.week), ("company_id", "=", self.env.company.id)]
        return self.search(domain, limit=1) or self.create({"year": iso.year, "week": iso.week})

    def _moh_check_readable(self):
        self.check_access("read")
        if not self:
            raise UserError(self.env._("Choose a week."))

    def action_publish(self):
        """The office publishes the week: its approved entries become every employee's to read."""
        self._moh_check_readable()
        self.env["calendar.event"]._moh_check_office()
        if self.filtered(lambda week: week.state != "draft"):
            raise UserError(self.env._("This week is already published."))
        pending = (
            self.env["calendar.event"]
            .sudo()
            .search_count([("moh_state", "=", "proposed"), ("start", ">=", min(self.mapped("date_start")))])
        )
        for week in self:
            week.sudo().write(
                {"state": "published", "published_by_id": self.env.uid, "published_on": fields.Datetime.now()}
            )
            # The presiding leaders and the publisher follow the week: its revisions reach them.
            week.sudo().message_subscribe(
                partner_ids=(week.sudo().entry_ids.moh_presiding_ids.partner_id | self.env.user.partner_id).ids
            )
            week.sudo().message_post(
                body=self.env._(
                    "The work calendar of %(week)s is published: %(count)s entries.",
                    week=week.name,
                    count=week.entry_count,
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        return pending and {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "message": self.env._("%(count)s proposals still wait for a decision.", count=pending),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _moh_announce_revision(self, what):
        """A change of a published week: one more revision, announced to its followers."""
        for week in self.filtered(lambda week: week.state == "published"):
            week.sudo().write({"revision": week.revision + 1})
            week.sudo().message_post(
                body=self.env._(
                    "The work calendar of %(week)s is updated (revision %(revision)s). %(what)s",
                    week=week.name,
                    revision=week.revision,
                    what=what,
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )

    def action_print(self):
        """The week's calendar as PDF ("LỊCH CÔNG TÁC TUẦN"): every employee prints a published
        week, the office a draft one (a preview)."""
        self.ensure_one()
        self._moh_check_readable()
        if self.state != "published":
            self.env["calendar.event"]._moh_check_office()
        # The entries the week shows are those every employee reads once it is published.
        entries = self.sudo().entry_ids.filtered(lambda event: event.moh_state == "approved")
        company = self.company_id
        pdf = render_work_schedule(
            [event._moh_schedule_entry() for event in entries],
            week=WorkWeek(self.year, self.week),
            agency=company.name,
            parent_agency=company.parent_id.name or "",
            revision=self.revision,
            updated_on=fields.Date.context_today(self) if self.revision else None,
        )
        # Attached to the week (whoever reads the week reads its print); made after the checks
        # above, in superuser mode, since employees only read weeks.
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"lich-cong-tac-tuan-{self.week:02d}-{self.year}-r{self.revision}.pdf",
                    "datas": base64.b64encode(pdf),
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        )
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}


def _moh_compute_linked_events(documents, link_field):
    """Set the work calendar entries the user may read on each document, in one search."""
    events = documents.env["calendar.event"].search([(link_field, "in", documents.ids)])
    for doc in documents:
        doc.moh_work_event_ids = events.filtered(lambda event, doc=doc: doc in event[link_field]) if doc.id else False
        doc.moh_work_event_count = len(doc.moh_work_event_ids)


class MohIncomingDocument(models.Model):
    _inherit = "moh.incoming.document"

    moh_work_event_ids = fields.Many2many(
        "calendar.event",
        string="Work Calendar Entries",
        compute="_compute_moh_work_event_ids",
        help="The entries of the leaders' work calendar linked to this document that you may read.",
    )
    moh_work_event_count = fields.Integer(string="Meetings", compute="_compute_moh_work_event_ids")

    def _compute_moh_work_event_ids(self):
        _moh_compute_linked_events(self, "moh_incoming_document_ids")


class MohOutgoingDocument(models.Model):
    _inherit = "moh.outgoing.document"

    moh_work_event_ids = fields.Many2many(
        "calendar.event",
        string="Work Calendar Entries",
        compute="_compute_moh_work_event_ids",
        help="The entries of the leaders' work calendar linked to this document that you may read.",
    )
    moh_work_event_count = fields.Integer(string="Meetings", compute="_compute_moh_work_event_ids")

    def _compute_moh_work_event_ids(self):
        _moh_compute_linked_events(self, "moh_outgoing_document_ids")
