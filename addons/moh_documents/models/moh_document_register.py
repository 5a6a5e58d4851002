"""Document registers and their yearly numbering (Decree 30/2020/ND-CP, Art. 15 and 22).

Numbers start at 01 on 1 January of each year, are consecutive with no gap, and are unique
per register and year; confidential documents have registers (and so series) of their own.
State-secret documents (Mật, Tối mật, Tuyệt mật) go in the state-secret registers, incoming and
outgoing, and their hand-overs in the hand-over register (Sổ chuyển giao), each with its own
yearly series (Decree 30/2020/ND-CP, Art. 15.2, 16.3, 22.4; Decree 26/2020/NĐ-CP, Art. 4).
"""

import logging

import psycopg2.errors
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.modules import module as odoo_module

_logger = logging.getLogger(__name__)

#: How long a registration waits for the register's number before giving up with a clear error.
NUMBERING_LOCK_TIMEOUT = "60s"


class MohDocumentRegister(models.Model):
    _name = "moh.document.register"
    _description = "Document Register"
    _order = "direction, sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Short code shown beside the number, e.g. VBĐ.")
    direction = fields.Selection(
        [
            ("incoming", "Incoming"),
            ("outgoing", "Outgoing"),
            ("copy", "Copies"),
            ("handover", "State-Secret Hand-overs"),
        ],
        string="Register Kind",
        required=True,
        default="incoming",
        help="Copies: the one yearly series of sao y, trích sao and sao lục copies (Decree 30/2020/ND-CP, "
        "Appendix III). State-secret hand-overs: the Sổ chuyển giao of Decree 26/2020/NĐ-CP, Art. 4.",
    )
    confidential = fields.Boolean(
        string="State Secrets",
        help="State-secret documents (Mật, Tối mật, Tuyệt mật) are registered in their own registers with their "
        "own series, and only they are (Decree 30/2020/ND-CP, Art. 16.3 and 22.4; Decree 26/2020/NĐ-CP, Art. 4).",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    note = fields.Text()

    _code_company_unique = models.Constraint(
        "UNIQUE(code, direction, company_id)", "A register with this code already exists."
    )

    @api.constrains("direction", "confidential")
    def _check_handover_confidential(self):
        if any(register.direction == "handover" and not register.confidential for register in self):
            raise UserError(self.env._("A hand-over register (Sổ chuyển giao) is a state-secret register."))

    @api.model
    def _moh_secret_register(self, direction, company):
        """The company's state-secret register of ``direction`` (Decree 26/2020/NĐ-CP, Art. 4)."""
        register = self.sudo().search(
            [("direction", "=", direction), ("confidential", "=", True), ("company_id", "=", company.id)], limit=1
        )
        if not register:
            raise UserError(
                self.env._(
                    "%(company)s has no state-secret register for this kind of document: create one in the registers.",
                    company=company.name,
                )
            )
        return register

    # -- numbering ----------------------------------------------------------------------------

    def _moh_allocate_number(self, model_name, year, number_field="number", year_field="year"):
        """The next number of this register in ``year``, for a record about to be saved.

        Gapless and unique under concurrent registration: a number is the largest one already
        committed plus one, read while holding a lock on (register, year) that is released only
        when the calling transaction ends. If that transaction rolls back, the number is
        simply given again. The lock is held by a second connection in READ COMMITTED mode, so
        waiting registrations see the number committed before them: in Odoo's REPEATABLE READ
        transactions a shared counter row would instead fail every concurrent registration with
        a serialization error (ir.sequence's no_gap mode fails them on its NOWAIT lock).
        Call it last in the transaction, after the other writes, so that the lock is held as
        briefly as possible and never while waiting on another lock.
        """
        self.ensure_one()
        cr = self.env.cr
        self.env.flush_all()
        table = self.env[model_name]._table
        query = f"SELECT COALESCE(MAX({number_field}), 0) FROM {table} WHERE register_id = %s AND {year_field} = %s"  # noqa: S608 - names from the model, values are parameters
        if odoo_module.current_test or not self.env.registry.ready:
            # Tests, and module installation (demo data), run in one transaction on one
            # connection: no concurrency to guard against, and their own uncommitted rows (and
            # tables) exist only there.
            cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", (self.id, year))
            cr.execute(query, (self.id, year))
            return cr.fetchone()[0] + 1
        # Further numbers of this transaction follow the first without asking again: the lock
        # is ours until the end, and the other connection cannot see our own new rows.
        state = cr.precommit.data.setdefault("moh.register.numbering", {})
        key = (self.id, table, year)
        if key in state:
            state[key] += 1
            return state[key]
        lock_cr = self.env.registry.cursor()
        try:
            lock_cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            lock_cr.execute(f"SET LOCAL lock_timeout = '{NUMBERING_LOCK_TIMEOUT}'")
            lock_cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", (self.id, year))
            lock_cr.execute(query, (self.id, year))
            state[key] = lock_cr.fetchone()[0] + 1
        except psycopg2.errors.LockNotAvailable as exc:
            lock_cr.close()
            _logger.info("Numbering of register %s is busy: %s", self.id, exc)
            raise UserError(
                self.env._(
                    "The register %(register)s is busy; nothing was saved, please try again.",
                    register=self.display_name,
                )
            ) from exc
        except Exception:
            lock_cr.close()
            raise
        # Release the lock when this transaction ends, whichever way.
        cr.postcommit.add(lock_cr.close)
        cr.postrollback.add(lock_cr.close)
        return state[key]

    @api.ondelete(at_uninstall=False)
    def _unlink_if_unused(self):
        if (
            self.env["moh.incoming.document"]
            .sudo()
            .with_context(active_test=False)
            .search_count([("register_id", "in", self.ids), ("number", "!=", False)], limit=1)
        ):
            raise UserError(
                self.env._("A register that holds numbered documents cannot be deleted; archive it instead.")
            )
