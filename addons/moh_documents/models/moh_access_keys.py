"""Who an incoming document is routed to, kept on the document itself, so that the lists and the
search box check it in the same index as the words.

A department's specialist reads an incoming document when one of its assignments is to his
department or one below it, or names him, or when he was granted reading it (the record rule
``rule_incoming_department``). Written as a domain, the ORM checks that per document with
correlated EXISTS over the assignments: fine for a page, but a search that matches tens of
thousands of documents must then fetch each one and run the check before it can sort and cut
the page (measured on a million documents: up to 0.3 s per search, most of it that).

``moh_access_keys`` (``integer[]``) holds, for each incoming document, the departments of its
assignments and, negated, the users its assignments name and its readers. PostgreSQL keeps it
up to date with triggers on the assignments, their specialists and the readers (whatever writes
them: the ORM, an import or plain SQL), in the same transaction. The rule becomes "the document's
keys overlap mine" (``routed_to_me``): one array test, indexed together with the full-text vector
in one GIN index (``moh.search.mixin``), so the search finds the matching documents the user may
read in one index scan.
"""

from odoo.tools import SQL, sql

TABLE = "moh_incoming_document"
COLUMN = "moh_access_keys"
#: The tables the keys are read from: the column waits for all three (they are created by
#: different models' ``_auto_init``).
SOURCES = (
    "moh_document_assignment",
    "moh_document_assignment_res_users_rel",
    "moh_incoming_document_reader_rel",
)

KEYS_FUNCTION = """
CREATE OR REPLACE FUNCTION moh_incoming_access_keys(doc integer) RETURNS integer[]
LANGUAGE sql STABLE AS $moh$
    SELECT COALESCE(array_agg(DISTINCT k ORDER BY k), '{}'::integer[]) FROM (
        SELECT a.department_id AS k FROM moh_document_assignment a
         WHERE a.document_id = doc AND a.department_id IS NOT NULL
        UNION ALL
        SELECT -au.res_users_id FROM moh_document_assignment a
          JOIN moh_document_assignment_res_users_rel au ON au.moh_document_assignment_id = a.id
         WHERE a.document_id = doc
        UNION ALL
        SELECT -r.user_id FROM moh_incoming_document_reader_rel r WHERE r.document_id = doc
    ) keys
$moh$
"""
REFRESH_FUNCTION = """
CREATE OR REPLACE FUNCTION moh_incoming_access_refresh(doc integer) RETURNS void
LANGUAGE sql AS $moh$
    UPDATE moh_incoming_document SET moh_access_keys = moh_incoming_access_keys(doc)
     WHERE id = doc AND moh_access_keys IS DISTINCT FROM moh_incoming_access_keys(doc)
$moh$
"""
TRIGGER_FUNCTIONS = {
    "moh_document_assignment": """
CREATE OR REPLACE FUNCTION moh_access_on_assignment() RETURNS trigger LANGUAGE plpgsql AS $moh$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM moh_incoming_access_refresh(OLD.document_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.document_id IS DISTINCT FROM OLD.document_id) THEN
        PERFORM moh_incoming_access_refresh(NEW.document_id);
    END IF;
    RETURN NULL;
END
$moh$
""",
    "moh_document_assignment_res_users_rel": """
CREATE OR REPLACE FUNCTION moh_access_on_assignment_user() RETURNS trigger LANGUAGE plpgsql AS $moh$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM moh_incoming_access_refresh(a.document_id)
           FROM moh_document_assignment a WHERE a.id = OLD.moh_document_assignment_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM moh_incoming_access_refresh(a.document_id)
           FROM moh_document_assignment a WHERE a.id = NEW.moh_document_assignment_id;
    END IF;
    RETURN NULL;
END
$moh$
""",
    "moh_incoming_document_reader_rel": """
CREATE OR REPLACE FUNCTION moh_access_on_reader() RETURNS trigger LANGUAGE plpgsql AS $moh$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM moh_incoming_access_refresh(OLD.document_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM moh_incoming_access_refresh(NEW.document_id);
    END IF;
    RETURN NULL;
END
$moh$
""",
}
TRIGGERS = {
    "moh_document_assignment": (
        "moh_access_on_assignment",
        "AFTER INSERT OR DELETE OR UPDATE OF document_id, department_id",
    ),
    "moh_document_assignment_res_users_rel": ("moh_access_on_assignment_user", "AFTER INSERT OR DELETE OR UPDATE"),
    "moh_incoming_document_reader_rel": ("moh_access_on_reader", "AFTER INSERT OR DELETE OR UPDATE"),
}
#: Every document's keys at once (a new column on a filled register, a bulk load).
REBUILD = """
UPDATE moh_incoming_document d SET moh_access_keys = COALESCE(k.keys, '{}'::integer[])
  FROM moh_incoming_document d2
  LEFT JOIN (
        SELECT doc, array_agg(DISTINCT key ORDER BY key) AS keys FROM (
            SELECT document_id AS doc, department_id AS key FROM moh_document_assignment WHERE department_id IS NOT NULL
            UNION ALL
            SELECT a.document_id, -au.res_users_id FROM moh_document_assignment a
              JOIN moh_document_assignment_res_users_rel au ON au.moh_document_assignment_id = a.id
            UNION ALL
            SELECT document_id, -user_id FROM moh_incoming_document_reader_rel
        ) s GROUP BY doc
  ) k ON k.doc = d2.id
 WHERE d2.id = d.id AND d.moh_access_keys IS DISTINCT FROM COALESCE(k.keys, '{}'::integer[])
"""


def ensure_column(cr):
    """The column (before the search index that includes it is built); ``True`` when it was
    added now, on a register that may already hold documents."""
    if sql.column_exists(cr, TABLE, COLUMN):
        return False
    cr.execute(
        SQL(
            "ALTER TABLE %s ADD COLUMN %s integer[] NOT NULL DEFAULT '{}'",
            SQL.identifier(TABLE),
            SQL.identifier(COLUMN),
        )
    )
    return True


def ensure_triggers(cr, rebuild=False):
    """The functions and triggers that keep the keys (idempotent); does nothing until the column
    and the three source tables exist. ``rebuild``: compute every document's keys again."""
    if not sql.column_exists(cr, TABLE, COLUMN) or any(not sql.table_exists(cr, table) for table in SOURCES):
        return False
    # pylint: disable=sql-injection  # DDL of this module's own constants; never input
    cr.execute(KEYS_FUNCTION)
    cr.execute(REFRESH_FUNCTION)
    for table, (function, events) in TRIGGERS.items():
        cr.execute(TRIGGER_FUNCTIONS[table])
        cr.execute(f'DROP TRIGGER IF EXISTS "{function}" ON "{table}"')
        cr.execute(f'CREATE TRIGGER "{function}" {events} ON "{table}" FOR EACH ROW EXECUTE FUNCTION {function}()')
    if rebuild:
        cr.execute(REBUILD)
    return True


def overlaps(alias, keys, to_flush=None):
    """SQL: the document under ``alias`` has one of ``keys`` (``to_flush``: the fields the
    keys are made of, written to the database first)."""
    return SQL("%s && %s::integer[]", SQL.identifier(alias, COLUMN), sorted(set(keys)), to_flush=to_flush)
