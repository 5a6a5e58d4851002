"""One row per piece of work a department handles, for the processing-time indicators.

A database view: every routing of an incoming document to a department (lead or cooperating),
every assigned task (moh.task, counted for its lead unit), and, with moh_egov, every public
service dossier. Pivot and graph views work on it directly
(analysts), the dashboard feeds its rows to moh_core.indicators.kpi, and any figure opens the rows behind
it. Dates are the agency's local dates. A confidential document is counted, but its reference is
not shown (``***``): its items are read by people who may not read the document itself. The
items of a state-secret document, and of the tasks of one (incoming or outgoing), are seen only by
its readers (global record rule on
``moh_readable``: drill-downs, exports and digests all read the items under the user's rules),
and never e-mailed (``state_secret``: the digest leaves them out), Law 29/2018/QH14 on the
Protection of State Secrets; Decree 26/2020/NĐ-CP.
"""

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError
from odoo.fields import Domain
from odoo.tools import SQL

KINDS = [("document", "Incoming Document"), ("dossier", "Public Service Dossier"), ("task", "Task")]

#: An item's id is its source row's id × ID_STRIDE + the source's offset: 0 for a routing
#: (moh.document.assignment), 1 for a dossier (moh_egov), 2 for a task.
ID_STRIDE = 4


def assignment_item_ids(assignment_ids):
    """The ids of the items of these routings (moh.document.assignment ids)."""
    return [assignment_id * ID_STRIDE for assignment_id in assignment_ids]


class MohKpiItem(models.Model):
    _name = "moh.kpi.item"
    _description = "Processing Item"
    _auto = False
    _order = "received_date desc, id desc"
    _rec_name = "name"

    kind = fields.Selection(KINDS, readonly=True)
    name = fields.Char(string="Reference", readonly=True)
    res_model = fields.Char(readonly=True)
    res_id = fields.Integer(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True)
    user_id = fields.Many2one("res.users", string="Person", readonly=True)
    cooperating = fields.Boolean(readonly=True, help="A cooperating department's share, not the lead's.")
    received_date = fields.Date(readonly=True)
    deadline = fields.Date(readonly=True)
    done_date = fields.Date(string="Completed On", readonly=True)
    is_open = fields.Boolean(string="Open", readonly=True)
    is_overdue = fields.Boolean(string="Overdue", readonly=True, help="Open and past its deadline today.")
    completed_late = fields.Boolean(readonly=True)
    online = fields.Boolean(readonly=True)
    fee_paid = fields.Boolean(readonly=True)
    paid_online = fields.Boolean(readonly=True)
    result_electronic = fields.Boolean(readonly=True)
    digitised = fields.Boolean(readonly=True)
    rating = fields.Integer(readonly=True, aggregator="avg")
    state_secret = fields.Boolean(
        compute="_compute_state_secret",
        search="_search_state_secret",
        help="The item of a state-secret document (Mật, Tối mật, Tuyệt mật).",
    )
    moh_readable = fields.Boolean(
        string="Readable",
        compute="_compute_state_secret",
        search="_search_moh_readable",
        help="False for the items of a state-secret document the user is not a named reader of.",
    )

    @api.model
    def _moh_secret_sql(self, alias, readers_only):
        """SQL: the item at ``alias`` is of a state-secret incoming document (that the current
        user is not a named reader of, with ``readers_only``)."""
        unread = (
            SQL("")
            if not readers_only
            else SQL(
                " AND NOT EXISTS (SELECT 1 FROM moh_incoming_document_reader_rel r"
                " WHERE r.document_id = d.id AND r.user_id = %s)",
                self.env.uid,
            )
        )
        return SQL(
            "(%s = 'document' AND EXISTS (SELECT 1 FROM moh_incoming_document d"
            " WHERE d.id = %s AND d.confidentiality != 'normal'%s))",
            SQL.identifier(alias, "kind"),
            SQL.identifier(alias, "res_id"),
            unread,
        )

    @api.model
    def _moh_secret_tasks(self, readers_only):
        """A subquery of the tasks of a state-secret document, incoming or outgoing (those the
        current user may not read, with ``readers_only``: moh.task._moh_reader_domain)."""
        Task = self.env["moh.task"]
        if readers_only:
            return Task._moh_unread_secret_query()
        return Task.sudo()._search([("confidentiality", "=", "confidential")])

    def _moh_secret_search(self, operator, value, readers_only, positive):
        if operator not in ("in", "not in") or not value or not all(isinstance(v, bool) for v in value):
            return NotImplemented
        tasks = self._moh_secret_tasks(readers_only)
        secret = Domain.custom(to_sql=lambda model, alias, query: model._moh_secret_sql(alias, readers_only)) | (
            Domain("kind", "=", "task")
            & Domain.custom(
                to_sql=lambda model, alias, query: SQL("%s IN %s", SQL.identifier(alias, "res_id"), tasks.subselect())
            )
        )
        wanted = (True in value) == (operator == "in")
        return secret if wanted == positive else ~secret

    def _search_state_secret(self, operator, value):
        return self._moh_secret_search(operator, value, readers_only=False, positive=True)

    def _search_moh_readable(self, operator, value):
        return self._moh_secret_search(operator, value, readers_only=True, positive=False)

    def _compute_state_secret(self):
        documents = (
            self.env["moh.incoming.document"]
            .sudo()
            .browse({item.res_id for item in self if item.kind == "document"})
            .exists()
        )
        secret = documents.filtered(lambda d: d.confidentiality != "normal")
        unread = secret.filtered(lambda d: self.env.user not in d.reader_ids)
        Task = self.env["moh.task"]
        task_ids = {item.res_id for item in self if item.kind == "task"}
        secret_tasks = set(
            Task.sudo().search([("id", "in", list(task_ids)), ("confidentiality", "=", "confidential")]).ids
        )
        unread_tasks = set()
        if secret_tasks:
            unread_tasks = secret_tasks & set(Task._moh_unread_secret_query().get_result_ids())
        for item in self:
            if item.kind == "document":
                item.state_secret = item.res_id in secret.ids
                item.moh_readable = item.res_id not in unread.ids
            elif item.kind == "task":
                item.state_secret = item.res_id in secret_tasks
                item.moh_readable = item.res_id not in unread_tasks
            else:
                item.state_secret = False
                item.moh_readable = True

    @api.model
    def _moh_tz_sql(self):
        return "'Asia/Ho_Chi_Minh'"

    @api.model
    def _moh_kpi_sources(self):
        """(source table, SELECT) pairs the view unites; other modules add theirs (same columns,
        same order). Each SELECT reads its table as ``{source} <alias>`` and ends with its WHERE
        clause: the view puts the table there, the triggers of moh.kpi.fact the rows a statement
        changed. Every figure of moh.kpi.fact must come from the source table's own row."""
        tz = self._moh_tz_sql()
        return [
            (
                "moh_document_assignment",
                f"""
            SELECT a.id * {ID_STRIDE} AS id, 'document' AS kind,
                   CASE WHEN d.confidentiality = 'normal' THEN d.name ELSE '***' END AS name,
                   'moh.incoming.document' AS res_model, a.document_id AS res_id, a.company_id AS company_id,
                   a.department_id AS department_id,
                   (SELECT rel.res_users_id FROM moh_document_assignment_res_users_rel rel
                     WHERE rel.moh_document_assignment_id = a.id ORDER BY rel.res_users_id LIMIT 1) AS user_id,
                   a.role = 'cooperate' AS cooperating,
                   (a.create_date AT TIME ZONE 'UTC' AT TIME ZONE {tz})::date AS received_date,
                   a.deadline AS deadline,
                   (a.done_date AT TIME ZONE 'UTC' AT TIME ZONE {tz})::date AS done_date,
                   a.state IN ('new', 'in_progress') AS is_open,
                   a.state IN ('new', 'in_progress') AND a.deadline < CURRENT_DATE AS is_overdue,
                   COALESCE(a.completed_late, FALSE) AS completed_late,
                   NULL::boolean AS online, NULL::boolean AS fee_paid, NULL::boolean AS paid_online,
                   NULL::boolean AS result_electronic, NULL::boolean AS digitised, NULL::integer AS rating
              FROM {{source}} a
              LEFT JOIN moh_incoming_document d ON d.id = a.document_id
             WHERE a.state NOT IN ('cancelled', 'returned')
        """,  # noqa: S608 - table and column names are the models' own, never input
            ),
            (
                "moh_task",
                f"""
            SELECT t.id * {ID_STRIDE} + 2 AS id, 'task' AS kind,
                   CASE WHEN t.confidentiality = 'confidential' THEN '***' ELSE t.name END AS name,
                   'moh.task' AS res_model, t.id AS res_id, t.company_id AS company_id,
                   t.department_id AS department_id,
                   (SELECT rel.user_id FROM moh_task_user_rel rel
                     WHERE rel.task_id = t.id ORDER BY rel.user_id LIMIT 1) AS user_id,
                   FALSE AS cooperating,
                   (t.assigned_date AT TIME ZONE 'UTC' AT TIME ZONE {tz})::date AS received_date,
                   t.deadline AS deadline,
                   CASE WHEN t.state = 'done' THEN (t.done_date AT TIME ZONE 'UTC' AT TIME ZONE {tz})::date END
                       AS done_date,
                   t.state IN ('assigned', 'in_progress') AS is_open,
                   t.state IN ('assigned', 'in_progress') AND t.deadline < CURRENT_DATE AS is_overdue,
                   COALESCE(t.completed_late, FALSE) AS completed_late,
                   NULL::boolean AS online, NULL::boolean AS fee_paid, NULL::boolean AS paid_online,
                   NULL::boolean AS result_electronic, NULL::boolean AS digitised, NULL::integer AS rating
              FROM {{source}} t
             WHERE t.state IN ('assigned', 'in_progress', 'done') AND t.assigned_date IS NOT NULL
        """,  # noqa: S608 - table and column names are the models' own, never input
            ),
        ]

    @api.model
    def _moh_kpi_indexes(self):
        """(table, column) of the timestamps the view turns into local dates: indexed as those
        dates, so that a period's items are found without reading every row."""
        return [
            ("moh_document_assignment", "create_date"),
            ("moh_document_assignment", "done_date"),
            ("moh_task", "assigned_date"),
            ("moh_task", "done_date"),
        ]

    @api.model
    def _moh_kpi_expression_indexes(self):
        """(table, name, expression) of other columns of the view worth an index: the expression
        exactly as the view computes it, so that a condition on the column uses the index."""
        return []

    @api.model
    def _moh_kpi_open_indexes(self):
        """(table, open condition) of each source: its open rows are indexed apart, so that the
        open items (counted live, their age and lateness change every day) are read alone."""
        return [
            ("moh_document_assignment", "state IN ('new', 'in_progress')"),
            ("moh_task", "state IN ('assigned', 'in_progress')"),
        ]

    def init(self):
        # pylint: disable=sql-injection  # DDL: table, column and function names are the models' own, never input
        tools.drop_view_if_exists(self.env.cr, self._table)
        sources = self._moh_kpi_sources()
        union = " UNION ALL ".join(sql.replace("{source}", table) for table, sql in sources)
        self.env.cr.execute(f"CREATE VIEW {self._table} AS ({union})")
        tz = self._moh_tz_sql()
        for table, column in self._moh_kpi_indexes():
            self.env.cr.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_{column}_local_date_idx "
                f"ON {table} ((({column} AT TIME ZONE 'UTC' AT TIME ZONE {tz})::date))"
            )
        for table, name, expression in self._moh_kpi_expression_indexes():
            self.env.cr.execute(f"CREATE INDEX IF NOT EXISTS {table}_{name}_idx ON {table} (({expression}))")
        for table, condition in self._moh_kpi_open_indexes():
            self.env.cr.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_kpi_open_idx ON {table} (department_id) WHERE {condition}"
            )
        self.env["moh.kpi.fact"]._moh_install(sources)

    def action_open_source(self):
        """Open the document or dossier behind this row, when the caller may read both."""
        self.ensure_one()
        self.check_access("read")
        if not self.res_model or self.res_model not in self.env:
            raise AccessError(self.env._("This item has no document to open."))
        self.env[self.res_model].browse(self.res_id).check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
            "target": "current",
        }

    def _moh_core_items(self):
        """These rows as moh_core.indicators.kpi items."""
        from moh_core.indicators import Item  # noqa: PLC0415

        return [
            Item(
                key=row.id,
                department=row.department_id.id,
                person=row.user_id.id,
                received_on=row.received_date,
                deadline=row.deadline,
                done_on=None if row.is_open else row.done_date,
                cooperating=row.cooperating,
                online=row.online if row.kind == "dossier" else None,
                paid_online=row.paid_online if row.kind == "dossier" and row.fee_paid else None,
                fee_paid=row.fee_paid if row.kind == "dossier" else None,
                result_electronic=row.result_electronic if row.kind == "dossier" and not row.is_open else None,
                digitised=row.digitised if row.kind == "dossier" else None,
                rating=row.rating or None,
            )
            for row in self
            if row.received_date
        ]
