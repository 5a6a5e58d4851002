"""My work: one list of what waits for the current user, whatever it is (a document to direct,
to assign, to process or to sign, a task to carry out or an extension to decide, and, with
moh_egov, a dossier to appraise), sorted by due date, each row opening its record.

A database view: one SELECT per kind of work (``_moh_work_sources``, which other modules extend),
each giving one row per (record, person who must act), draft tasks to their creator. Global record
rules show each person their own rows only, and never a row of a task of a state-secret document
they may not read (``moh_readable``); the record a row opens is checked again when it is opened.
"""

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError
from odoo.fields import Domain
from odoo.tools import SQL

WORK_KINDS = [("document", "Document"), ("task", "Task")]
WORK_STEPS = [
    ("direct", "Direct"),
    ("assign", "Assign Specialists"),
    ("process", "Process"),
    ("review", "Review"),
    ("sign", "Sign"),
    ("task", "Carry Out"),
    ("extension", "Decide on an Extension"),
    ("task_draft", "Assign the Task"),
]


class MohWorkItem(models.Model):
    _name = "moh.work.item"
    _description = "Work Item"
    _auto = False
    _order = "sort_date, id"
    _rec_name = "name"

    kind = fields.Selection(WORK_KINDS, readonly=True)
    step = fields.Selection(WORK_STEPS, string="To Do", readonly=True)
    name = fields.Char(string="Reference", readonly=True)
    summary = fields.Char(readonly=True)
    res_model = fields.Char(readonly=True)
    res_id = fields.Integer(readonly=True)
    user_id = fields.Many2one("res.users", string="Person", readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    deadline = fields.Date(readonly=True)
    sort_date = fields.Date(readonly=True)
    is_overdue = fields.Boolean(string="Overdue", readonly=True)
    deadline_state = fields.Selection(
        [("on_time", "On Time"), ("due_soon", "Due Soon"), ("overdue", "Overdue")],
        string="Deadline Status",
        compute="_compute_deadline_state",
    )
    moh_readable = fields.Boolean(
        string="Readable",
        compute="_compute_moh_readable",
        search="_search_moh_readable",
        help="False for the rows of a task of a state-secret document the user may not read.",
    )

    def _compute_moh_readable(self):
        Task = self.env["moh.task"]
        unread = set()
        if any(item.res_model == "moh.task" for item in self):
            unread = set(Task._moh_unread_secret_query().get_result_ids())
        for item in self:
            item.moh_readable = not (item.res_model == "moh.task" and item.res_id in unread)

    def _search_moh_readable(self, operator, value):
        if operator not in ("in", "not in") or not value or not all(isinstance(v, bool) for v in value):
            return NotImplemented
        tasks = self.env["moh.task"]._moh_unread_secret_query()
        unread = Domain("res_model", "=", "moh.task") & Domain.custom(
            to_sql=lambda model, alias, query: SQL("%s IN %s", SQL.identifier(alias, "res_id"), tasks.subselect())
        )
        wanted = (True in value) == (operator == "in")
        return ~unread if wanted else unread

    def _compute_deadline_state(self):
        company = self.env.company.sudo()
        today = fields.Date.context_today(self)
        limit = company._moh_calendar().moh_add_working_days(today, company.moh_due_soon_days)
        for item in self:
            if not item.deadline:
                item.deadline_state = False
            elif item.deadline < today:
                item.deadline_state = "overdue"
            elif item.deadline <= limit:
                item.deadline_state = "due_soon"
            else:
                item.deadline_state = "on_time"

    @api.model
    def _moh_work_sources(self):
        """SELECTs of the view's columns (id, kind, step, name, summary, res_model, res_id,
        user_id, department_id, company_id, deadline); other modules add theirs. An id is
        ``(source id * 16 + a number of its own) * 1000000 + user id``: unique and stable."""
        return [
            # Incoming documents awaiting the leader's direction.
            """
            SELECT (d.id::bigint * 16 + 0) * 1000000 + d.leader_id AS id, 'document' AS kind, 'direct' AS step,
                   d.name AS name, CASE WHEN d.confidentiality = 'normal' THEN d.abstract END AS summary,
                   'moh.incoming.document' AS res_model, d.id AS res_id, d.leader_id AS user_id,
                   NULL::integer AS department_id, d.company_id AS company_id, d.deadline AS deadline
              FROM moh_incoming_document d
             WHERE d.state = 'submitted' AND d.leader_id IS NOT NULL
            """,
            # Assignments awaiting their department head.
            """
            SELECT (a.id::bigint * 16 + 1) * 1000000 + e.user_id, 'document', 'assign',
                   d.name, CASE WHEN d.confidentiality = 'normal' THEN d.abstract END,
                   'moh.incoming.document', d.id, e.user_id, a.department_id, d.company_id, a.deadline
              FROM moh_document_assignment a
              JOIN moh_incoming_document d ON d.id = a.document_id
              JOIN hr_department dep ON dep.id = a.department_id
              JOIN hr_employee e ON e.id = dep.manager_id
             WHERE a.state = 'new' AND e.user_id IS NOT NULL
            """,
            # Assignments in the hands of their specialists.
            """
            SELECT (a.id::bigint * 16 + 2) * 1000000 + rel.res_users_id, 'document', 'process',
                   d.name, CASE WHEN d.confidentiality = 'normal' THEN d.abstract END,
                   'moh.incoming.document', d.id, rel.res_users_id, a.department_id, d.company_id, a.deadline
              FROM moh_document_assignment a
              JOIN moh_incoming_document d ON d.id = a.document_id
              JOIN moh_document_assignment_res_users_rel rel ON rel.moh_document_assignment_id = a.id
             WHERE a.state = 'in_progress'
            """,
            # Outgoing documents awaiting their signer.
            """
            SELECT (o.id::bigint * 16 + 3) * 1000000 + o.signer_id, 'document', 'sign',
                   o.name, CASE WHEN o.confidentiality = 'normal' THEN o.abstract END,
                   'moh.outgoing.document', o.id, o.signer_id, o.department_id, o.company_id, NULL::date
              FROM moh_outgoing_document o
             WHERE o.state = 'to_sign' AND o.signer_id IS NOT NULL
            """,
            # Outgoing drafts whose review is the user's turn (base_tier_validation: pending).
            """
            SELECT (r.id::bigint * 16 + 7) * 1000000 + rel.res_users_id, 'document', 'review',
                   o.name, CASE WHEN o.confidentiality = 'normal' THEN o.abstract END,
                   'moh.outgoing.document', o.id, rel.res_users_id, o.department_id, o.company_id, NULL::date
              FROM tier_review r
              JOIN moh_outgoing_document o ON o.id = r.res_id AND r.model = 'moh.outgoing.document'
              JOIN res_users_tier_review_rel rel ON rel.tier_review_id = r.id
             WHERE r.status = 'pending' AND o.state = 'draft'
            """,
            # Tasks, for their assignees.
            """
            SELECT (t.id::bigint * 16 + 4) * 1000000 + rel.user_id, 'task', 'task',
                   t.name, t.description, 'moh.task', t.id, rel.user_id, t.department_id, t.company_id, t.deadline
              FROM moh_task t
              JOIN moh_task_user_rel rel ON rel.task_id = t.id
             WHERE t.state IN ('assigned', 'in_progress')
            """,
            # Tasks assigned to a unit without named people, for the unit's head.
            """
            SELECT (t.id::bigint * 16 + 5) * 1000000 + e.user_id, 'task', 'task',
                   t.name, t.description, 'moh.task', t.id, e.user_id, t.department_id, t.company_id, t.deadline
              FROM moh_task t
              JOIN hr_department dep ON dep.id = t.department_id
              JOIN hr_employee e ON e.id = dep.manager_id
             WHERE t.state IN ('assigned', 'in_progress') AND e.user_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM moh_task_user_rel rel WHERE rel.task_id = t.id)
            """,
            # Draft tasks, for their creator (to assign), due on their proposed date.
            """
            SELECT (t.id::bigint * 16 + 10) * 1000000 + t.create_uid, 'task', 'task_draft',
                   t.name, t.description, 'moh.task', t.id, t.create_uid, t.department_id, t.company_id,
                   t.proposed_deadline
              FROM moh_task t
             WHERE t.state = 'draft' AND t.create_uid IS NOT NULL
            """,
            # Extension requests, for the task's assigner.
            """
            SELECT (t.id::bigint * 16 + 6) * 1000000 + t.assigner_id, 'task', 'extension',
                   t.name, x.reason, 'moh.task', t.id, t.assigner_id, t.department_id, t.company_id, t.deadline
              FROM moh_task t
              JOIN moh_task_extension x ON x.task_id = t.id AND x.state = 'requested'
             WHERE t.state IN ('assigned', 'in_progress') AND t.assigner_id IS NOT NULL
            """,
        ]

    def init(self):
        # pylint: disable=sql-injection  # DDL: the SELECTs are the modules' own, never input
        tools.drop_view_if_exists(self.env.cr, self._table)
        union = " UNION ALL ".join(f"({select})" for select in self._moh_work_sources())
        self.env.cr.execute(
            f"""CREATE VIEW {self._table} AS (
                SELECT w.*, COALESCE(w.deadline, DATE '9999-12-31') AS sort_date,
                       COALESCE(w.deadline < CURRENT_DATE, FALSE) AS is_overdue
                  FROM ({union}) AS w(id, kind, step, name, summary, res_model, res_id, user_id,
                                      department_id, company_id, deadline))"""  # noqa: S608 - the modules' own SELECTs
        )

    def action_open_record(self):
        """Open the record behind this row, when the caller may read both."""
        self.ensure_one()
        self.check_access("read")
        if self.res_model not in self.env:
            raise AccessError(self.env._("This item has no record to open."))
        self.env[self.res_model].browse(self.res_id).check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
            "target": "current",
        }
