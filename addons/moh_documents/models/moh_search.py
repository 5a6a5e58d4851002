"""Search as users type: one search box entry over a document's number, abstract, sender, signer
and the text of its files, diacritics- and case-insensitive ("cong van bo tai chinh" finds
"Công văn … Bộ Tài chính"), with PostgreSQL full-text search.

The database (``ensure_search_functions``, run by the module's pre-init hook and by every model's
``init``, so an upgraded database gets it too):

* the ``unaccent`` and ``pg_trgm`` extensions, which PostgreSQL (13 and later) trusts: the
  database owner creates them, no superuser and no operator flag needed. ``unaccent`` goes in its
  own schema (``moh_unaccent``) unless the database already has it;
* ``unaccent(text)`` in the current schema, an IMMUTABLE wrapper of the extension's function with
  its dictionary named, when the database has no ``unaccent(text)`` of its own: Odoo then applies
  it to every ``ilike`` on a text field (the lists' search boxes, ``name_search``) and builds its
  trigram indexes on ``unaccent(column)``, which those ``ilike`` use (``FunctionStatus.INDEXABLE``
  in odoo.modules.db). The registry loaded before the hook ran is told at once;
* ``moh_fold(text)``: ``unaccent(lower(text))``; ``moh_search_vector(text)``: the ``simple``
  full-text vector of the folded text with every run of characters other than a-z and 0-9 made
  one space (moh_core.search.fold is the same folding in Python, which builds the query).

A model that inherits ``moh.search.mixin`` names the columns it searches
(``_moh_search_fields``) and its number (``_moh_search_number_field``): ``init`` adds a stored
generated column ``moh_search_v2`` = ``moh_search_vector(col1 || ' ' || col2 …)``, which
PostgreSQL keeps up to date on every insert and update (the ORM does not know it and never writes
it), a GIN index on it (with the model's access keys when it has them:
``_moh_search_access_column``, moh_access_keys.py), a statistics target of 1,000 on it, and a
trigram index on ``moh_fold(number)``. The vector is stored, not only
indexed: a search that finds many documents then reads each one's vector instead of folding its
text (the files' text included) again, and the planner may walk the list's date order and stop at
the first page. The non-stored field ``search_anything`` is searchable with ``ilike``: every
word of the query must be a word of the document (AND), the last one, being typed, as a prefix
(moh_core.search.tsquery), or the query, when it looks like a number ("23/BTC"), must be a part of
the number. It is an SQL condition the ORM adds to the
record rules like any other, so a document the user may not read is never found.
"""

import logging

import psycopg2
from odoo import api, fields, models
from odoo.fields import Domain
from odoo.modules import db as odoo_db
from odoo.tools import SQL, sql

_logger = logging.getLogger(__name__)

#: Where the unaccent extension goes when the database does not have it yet.
UNACCENT_SCHEMA = "moh_unaccent"
#: Bumped when the indexed expression changes: the column and its index are then built again under
#: their new names (version 1 indexed the expression itself, without a stored column).
INDEX_VERSION = 2
#: The stored full-text vector of a searched model's text.
SEARCH_COLUMN = f"moh_search_v{INDEX_VERSION}"
#: How many of the vector's most common words ANALYZE keeps (x10), for the planner's estimates.
STATISTICS_TARGET = 1000


def ensure_search_functions(cr, registry=None):
    """The extensions and functions of the search (idempotent); tells ``registry`` that the
    database now has an indexable ``unaccent`` and trigrams."""
    cr.execute(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
    )
    row = cr.fetchone()
    if row:
        schema = row[0]
    else:
        cr.execute(SQL("CREATE SCHEMA IF NOT EXISTS %s", SQL.identifier(UNACCENT_SCHEMA)))
        cr.execute(SQL("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA %s", SQL.identifier(UNACCENT_SCHEMA)))
        schema = UNACCENT_SCHEMA
    cr.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    quoted = '"' + schema.replace('"', '""') + '"'
    dictionary = f"{quoted}.unaccent".replace("'", "''")
    # The dictionary named, the function's result depends on its argument alone: IMMUTABLE.
    unaccent = f"{quoted}.unaccent('{dictionary}'::regdictionary, %s)"
    header = "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $moh$ SELECT"
    # pylint: disable=sql-injection  # DDL: the schema name is the extension's own, quoted; never input
    if not odoo_db.has_unaccent(cr):
        cr.execute(f"CREATE OR REPLACE FUNCTION unaccent(text) RETURNS text {header} {unaccent % '$1'} $moh$")
    fold = unaccent % "lower($1)"
    cr.execute(f"CREATE OR REPLACE FUNCTION moh_fold(text) RETURNS text {header} {fold} $moh$")
    cr.execute(
        f"CREATE OR REPLACE FUNCTION moh_search_vector(text) RETURNS tsvector {header} "
        f"to_tsvector('simple'::regconfig, regexp_replace({fold}, '[^a-z0-9]+', ' ', 'g')) $moh$"
    )
    if registry is not None:
        status = odoo_db.has_unaccent(cr)
        if registry.has_unaccent != status:
            from odoo.orm.registry import _unaccent  # noqa: PLC0415 - the function Registry.__init__ sets
            from odoo.tools import remove_accents  # noqa: PLC0415

            registry.has_unaccent = status
            registry.unaccent = _unaccent
            registry.unaccent_python = remove_accents
        registry.has_trigram = True


#: What the search needs of the database's settings, set for the database (as its owner) where
#: the server's configuration leaves them at PostgreSQL's default:
#:
#: * ``jit``: the ORM's queries carry the record rules as a correlated EXISTS per row, whose
#:   estimated cost on a large register passes ``jit_above_cost``: PostgreSQL then spends seconds
#:   compiling a query that runs in a fraction of that (measured on a million documents: 2.7 s of
#:   compilation for a 0.3 s search);
#: * ``work_mem``: the last word, searched as a prefix, may match common words ("dinh" matches
#:   "định" in every "quyết định"); with the default 4 MB, the index scan's bitmap of those
#:   documents loses its rows and keeps pages, and every document of those pages is read and
#:   checked again (measured: twice as many documents read, 0.24 s instead of 0.13 s).
DATABASE_SETTINGS = {"jit": "off", "work_mem": "16MB"}


def ensure_database_settings(cr):
    """Set :data:`DATABASE_SETTINGS` for this database, each unless the server's configuration or
    the database already says otherwise. Only the database's owner may: anyone else is told in
    the log, and nothing else changes."""
    for name, value in DATABASE_SETTINGS.items():
        cr.execute("SELECT source FROM pg_settings WHERE name = %s", [name])
        row = cr.fetchone()
        if not row or row[0] != "default":  # not in this server, or set by its administrator
            continue
        try:
            with cr.savepoint(flush=False):
                cr.execute(SQL("ALTER DATABASE %s SET %s = %s", SQL.identifier(cr.dbname), SQL.identifier(name), value))
                cr.execute(SQL("SET %s = %s", SQL.identifier(name), value))
        except psycopg2.Error as error:
            _logger.warning(
                "Cannot set %s = %s for database %s (%s): long searches may be slow", name, value, cr.dbname, error
            )


def pre_init_hook(env):
    ensure_search_functions(env.cr, env.registry)
    ensure_database_settings(env.cr)


class MohSearchMixin(models.AbstractModel):
    _name = "moh.search.mixin"
    _description = "Search As You Type"

    #: The stored text columns searched by word (full-text vector), in this order.
    _moh_search_fields = ()
    #: The stored column searched as a substring when the query looks like a number.
    _moh_search_number_field = None
    #: A stored array column the record rules test with ``&&`` (moh_access_keys.py), indexed with
    #: the vector in one GIN index, so one index scan finds the matches the user may read.
    _moh_search_access_column = None

    search_anything = fields.Char(
        string="Anything",
        compute="_compute_search_anything",
        search="_search_anything",
        help="Number and symbol, abstract, sender, signer or the text of the files: every word, with or "
        "without diacritics.",
    )

    def _compute_search_anything(self):
        self.search_anything = False

    def _moh_search_vector_sql(self):
        """The stored column's generation expression."""
        columns = [SQL("COALESCE(%s, '')", SQL.identifier(name)) for name in self._moh_search_fields]
        return SQL("moh_search_vector(%s)", SQL(" || ' ' || ").join(columns))

    def _moh_search_number_sql(self, alias=None):
        name = self._moh_search_number_field
        return SQL("moh_fold(%s)", SQL.identifier(alias, name) if alias else SQL.identifier(name))

    def _search_anything(self, operator, value):
        from moh_core.search import number_pattern, search_terms, tsquery  # noqa: PLC0415

        if operator != "ilike" or not isinstance(value, str):
            return NotImplemented
        terms = search_terms(value)
        pattern = number_pattern(value) if self._moh_search_number_field else None
        if not terms and not pattern:
            return Domain.TRUE
        query_text = tsquery(terms)

        def to_sql(model, alias, query):
            condition = SQL(
                "%s @@ to_tsquery('simple'::regconfig, %s)",
                SQL.identifier(alias, SEARCH_COLUMN),
                query_text,
                to_flush=[model._fields[name] for name in model._moh_search_fields],
            )
            if pattern:
                condition = SQL("(%s OR %s LIKE %s)", condition, model._moh_search_number_sql(alias), pattern)
            return condition

        return Domain.custom(to_sql=to_sql)

    @api.private
    def init(self):
        super().init()
        if self._abstract or not self._moh_search_fields:
            return
        cr = self.env.cr
        ensure_search_functions(cr, self.env.registry)
        ensure_database_settings(cr)
        for version in range(1, INDEX_VERSION):  # what an older version built
            cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(f"{self._table}__moh_search_v{version}")))
            cr.execute(
                SQL(
                    "ALTER TABLE %s DROP COLUMN IF EXISTS %s",
                    SQL.identifier(self._table),
                    SQL.identifier(f"moh_search_v{version}"),
                )
            )
        if not sql.column_exists(cr, self._table, SEARCH_COLUMN):
            _logger.info("Adding the search vector of %s (every row's text is folded once)", self._table)
            cr.execute(
                SQL(
                    "ALTER TABLE %s ADD COLUMN %s tsvector GENERATED ALWAYS AS (%s) STORED",
                    SQL.identifier(self._table),
                    SQL.identifier(SEARCH_COLUMN),
                    self._moh_search_vector_sql(),
                )
            )
        # The planner estimates how many documents a query's words match from the vector's most
        # common words; the default sample (100) lists too few of them, and a rare word or number
        # then looks common enough for it to walk the whole register in date order instead.
        cr.execute(
            SQL(
                "ALTER TABLE %s ALTER COLUMN %s SET STATISTICS %s",
                SQL.identifier(self._table),
                SQL.identifier(SEARCH_COLUMN),
                STATISTICS_TARGET,
            )
        )
        index = f"{self._table}__{SEARCH_COLUMN}"
        if self._moh_search_access_column:
            cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(index)))
            sql.create_index(cr, f"{index}_access", self._table, [SEARCH_COLUMN, self._moh_search_access_column], "gin")
        else:
            sql.create_index(cr, index, self._table, [SEARCH_COLUMN], "gin")
        if self._moh_search_number_field:
            number = self._moh_search_number_sql()
            sql.create_index(cr, f"{self._table}__moh_number_trgm", self._table, [f"{number.code} gin_trgm_ops"], "gin")

    @api.model
    def _moh_extract_text(self, attachments):
        """The text of the PDF files among ``attachments``, once, when they are attached: never
        an error (a file that cannot be read is logged and adds no text)."""
        from moh_core.search import MAX_TEXT_CHARS, pdf_text  # noqa: PLC0415

        texts = []
        for attachment in attachments.sudo():
            if attachment.mimetype != "application/pdf" and not (attachment.name or "").lower().endswith(".pdf"):
                continue
            try:
                text = pdf_text(attachment.raw or b"")
            except Exception:  # a file never stops the registration (pdf_text returns "" itself)
                _logger.exception("Cannot read the text of %s (attachment %s)", attachment.name, attachment.id)
                text = ""
            if not text:
                _logger.info("No text found in %s (attachment %s)", attachment.name, attachment.id)
            texts.append(text)
        return " ".join(text for text in texts if text)[:MAX_TEXT_CHARS] or False
