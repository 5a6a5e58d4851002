"""Daily counts behind the processing indicators, kept up to date by the database itself.

A ministry's dashboard adds up a year of work: a million routings of documents, hundreds of
thousands of dossiers. Reading each of them for every refresh takes seconds, so the figures that
only change when an item changes are counted ahead, per department and day, in this table:

* ``received``: items received on ``day`` (with, for dossiers, the flags of Decision 766 that are
  known at receipt: online, fee paid and paid online, digitised);
* ``completed``: items completed on ``day``, with their receipt date (the working days between
  the two are counted when the figures are asked for, on the calendar as it is then) and whether
  they were late;
* ``service``: dossiers completed on ``day`` with their e-result flag and satisfaction rating.

The rows are the items of moh.kpi.item (the same SELECTs, so one definition of every figure),
counted by statement-level triggers on each source table: a statement that changes items adds
the difference it makes (its new rows counted +1, its old rows -1), so the counts are exact at
every commit, whatever writes them (the ORM, an import, bulk SQL), and concurrent writers never
wait on each other: rows are only ever added. A daily job folds the differences together.
What changes every day by itself, the open items' age and lateness, is not kept here: the
dashboard counts the open items live.

The department heads' record rules are the items' (their department's rows only).
"""

from odoo import api, fields, models

from .moh_kpi_item import KINDS

FACETS = [("received", "Received"), ("completed", "Completed"), ("service", "Service Result")]
# The table's columns after its id, in order; every one but ``n`` is part of the key.
COLUMNS = (
    "facet",
    "kind",
    "company_id",
    "department_id",
    "cooperating",
    "day",
    "received_date",
    "completed_late",
    "online",
    "fee_paid",
    "paid_online",
    "digitised",
    "result_electronic",
    "rating",
    "n",
)
KEY = ", ".join(COLUMNS[:-1])


class MohKpiFact(models.Model):
    _name = "moh.kpi.fact"
    _description = "Processing Count"
    _auto = False  # created, filled and kept up to date by moh.kpi.item.init (_moh_install)
    _log_access = False
    _order = "day desc, id desc"

    facet = fields.Selection(FACETS, readonly=True)
    kind = fields.Selection(KINDS, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True)
    cooperating = fields.Boolean(readonly=True)
    day = fields.Date(readonly=True)
    received_date = fields.Date(readonly=True)
    completed_late = fields.Boolean(readonly=True)
    online = fields.Boolean(readonly=True)
    fee_paid = fields.Boolean(readonly=True)
    paid_online = fields.Boolean(readonly=True)
    digitised = fields.Boolean(readonly=True)
    result_electronic = fields.Boolean(readonly=True)
    rating = fields.Integer(readonly=True)
    n = fields.Integer(string="Items", readonly=True)

    # -- maintenance ---------------------------------------------------------------------------

    @api.model
    def _moh_counts_sql(self, select, sign):
        """The rows of this table that the items of ``select`` (a SELECT of moh.kpi.item's
        columns) count for, each worth ``sign``."""
        return f"""
            SELECT c.facet, s.kind, s.company_id, s.department_id, COALESCE(s.cooperating, FALSE) AS cooperating, c.day,
                   c.received_date, c.completed_late, c.online, c.fee_paid, c.paid_online, c.digitised,
                   c.result_electronic, c.rating, {int(sign)} AS n
              FROM ({select}) s
             CROSS JOIN LATERAL (VALUES
                   ('received', s.received_date, NULL::date, NULL::boolean,
                    s.online, s.fee_paid, s.paid_online, s.digitised, NULL::boolean, NULL::integer),
                   ('completed', CASE WHEN NOT s.is_open THEN s.done_date END, s.received_date, s.completed_late,
                    NULL, NULL, NULL, NULL, NULL, NULL),
                   ('service', CASE WHEN NOT s.is_open AND (s.result_electronic IS NOT NULL OR s.rating IS NOT NULL)
                                    THEN s.done_date END, NULL, NULL,
                    NULL, NULL, NULL, NULL, s.result_electronic, s.rating)
             ) AS c(facet, day, received_date, completed_late, online, fee_paid, paid_online, digitised,
                    result_electronic, rating)
             WHERE c.day IS NOT NULL AND s.received_date IS NOT NULL
        """  # noqa: S608 - table and column names are the models' own, never input

    @api.model
    def _moh_add_sql(self, parts):
        """One INSERT adding the net counts of ``parts`` (SQL texts of :meth:`_moh_counts_sql`)."""
        union = " UNION ALL ".join(parts)
        return (
            f"INSERT INTO {self._table} ({', '.join(COLUMNS)}) "  # noqa: S608 - the parts are this model's own SELECTs
            f"SELECT {KEY}, SUM(n) FROM ({union}) AS counts GROUP BY {KEY} HAVING SUM(n) <> 0"
        )

    @api.model
    def _moh_install(self, sources):
        """Create the table, (re)create the triggers of every source table of moh.kpi.item
        (``sources``: its (table, SELECT) pairs) and count every item afresh."""
        # pylint: disable=sql-injection  # DDL: table, column and function names are the models' own, never input
        cr = self.env.cr
        cr.execute(f"""
            CREATE TABLE IF NOT EXISTS {self._table} (
                id bigserial PRIMARY KEY,
                facet varchar NOT NULL, kind varchar NOT NULL, company_id integer, department_id integer,
                cooperating boolean NOT NULL DEFAULT FALSE, day date NOT NULL, received_date date,
                completed_late boolean, online boolean, fee_paid boolean, paid_online boolean, digitised boolean,
                result_electronic boolean, rating integer, n integer NOT NULL)""")
        cr.execute(f"CREATE INDEX IF NOT EXISTS {self._table}_kind_facet_day_idx ON {self._table} (kind, facet, day)")
        for table, select in sources:
            old = self._moh_counts_sql(select.replace("{source}", "moh_kpi_old"), -1)
            new = self._moh_counts_sql(select.replace("{source}", "moh_kpi_new"), 1)
            for event, parts, referencing in (
                ("INSERT", [new], "NEW TABLE AS moh_kpi_new"),
                ("UPDATE", [old, new], "OLD TABLE AS moh_kpi_old NEW TABLE AS moh_kpi_new"),
                ("DELETE", [old], "OLD TABLE AS moh_kpi_old"),
            ):
                name = f"{table}_kpi_{event.lower()}"
                cr.execute(f"""
                    CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$
                    BEGIN
                        {self._moh_add_sql(parts)};
                        RETURN NULL;
                    END
                    $body$""")
                cr.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cr.execute(
                    f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
                )
        self._moh_rebuild(sources)

    @api.model
    def _moh_rebuild(self, sources=None):
        """Count every item again (installation, upgrade)."""
        sources = sources or self.env["moh.kpi.item"]._moh_kpi_sources()
        self.env.cr.execute(f"TRUNCATE {self._table}")
        self.env.cr.execute(
            self._moh_add_sql([self._moh_counts_sql(select.replace("{source}", table), 1) for table, select in sources])
        )
        self.env.cr.execute(f"ANALYZE {self._table}")

    @api.model
    def _moh_compact(self):
        """Fold the differences the triggers added into one row per key (the daily job). Rows
        added meanwhile by other transactions are not in this statement's snapshot and stay."""
        # pylint: disable=sql-injection  # DDL: table, column and function names are the models' own, never input
        self.env.cr.execute(f"""
            WITH gone AS (DELETE FROM {self._table} RETURNING {KEY}, n)
            INSERT INTO {self._table} ({", ".join(COLUMNS)})
            SELECT {KEY}, SUM(n) FROM gone GROUP BY {KEY} HAVING SUM(n) <> 0""")  # noqa: S608 - table and column names are the models' own, never input
        self.env.cr.execute(f"ANALYZE {self._table}")
