"""Every public method of every model of the addons, called over JSON-RPC by a business that has
just signed up on the portal, on every record there is: refused with an AccessError, or answers
something harmless and changes nothing.

This is the attacker's view of the product: any logged-in user may call any public method (a name
without ``_``, not ``@api.private``) on any ids through ``/web/dataset/call_kw``; only the
method's own first check stands between them and the data.
"""

import inspect

from odoo.addons.moh_documents.tests.common import RpcAttackMixin
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .test_security_audit import public_methods

ACCESS_ERROR = "odoo.exceptions.AccessError"
#: Answers that tell nothing about records (method called, refused silently or nothing to do).
HARMLESS = (None, True, False, [], {}, 0)
#: Tables whose rows a call must not create or change.
WATCHED_TABLES_SQL = """
    SELECT table_name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
       AND (table_name LIKE 'moh\\_%%' OR table_name IN ('ir_attachment', 'mail_message', 'tier_review',
            'queue_job', 'payment_transaction', 'res_partner', 'res_users', 'hr_department'))
"""


def _filler(env, name):
    """A plausible value for a required parameter, so that a method reaches its first check."""
    lowered = name.lower()
    if "date" in lowered or "deadline" in lowered:
        return "2027-01-04"
    if "department" in lowered:
        return env["hr.department"].sudo().search([], limit=1).id
    if any(word in lowered for word in ("user", "specialist", "leader")):
        return env.ref("base.user_admin").id
    if lowered in ("items", "chain"):
        return ["x"]
    return "x"


@tagged("post_install", "-at_install", "moh_security")
class TestSecurityWalk(RpcAttackMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # What /web/signup does for a business: a portal user made from the signup template.
        cls.signup = (
            cls.env["res.users"]
            .sudo()
            .with_context(no_reset_password=True)
            ._create_user_from_template(
                {
                    "name": "Công ty Mới Đăng ký",
                    "login": "fresh_signup@example.com",
                    "email": "fresh_signup@example.com",
                    "password": "fresh_signup@example.com",
                }
            )
        )

    def _snapshot(self):
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(WATCHED_TABLES_SQL)
        tables = sorted(row[0] for row in cr.fetchall())
        state = {}
        for table in tables:
            cr.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name = 'write_date'",
                (table,),
            )
            if cr.fetchone():
                cr.execute(f'SELECT count(*), max(write_date) FROM "{table}"')
            else:
                cr.execute(f'SELECT count(*) FROM "{table}"')
            state[table] = cr.fetchone()
        return state

    def _calls(self):
        for (owner, method), models in sorted(public_methods(self.env).items()):
            for name in models:
                model = self.env[name]
                function = getattr(type(model), method)
                parameters = list(inspect.signature(function).parameters.values())[1:]
                args = [
                    _filler(self.env, p.name)
                    for p in parameters
                    if p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                ]
                if getattr(function, "_api_model", False):
                    yield owner, method, name, args
                else:
                    # One record at a time: step methods work on one record (ensure_one).
                    ids = model.sudo().with_context(active_test=False).search([], limit=1).ids
                    if not ids and not model._transient:
                        continue
                    if not ids:
                        ids = self._some_wizard(model)
                    if ids:
                        yield owner, method, name, [ids, *args]

    def _some_wizard(self, model):
        """A wizard row made by an officer, its required fields filled with the first records."""
        values = {}
        for name, field in model._fields.items():
            if not field.required or not field.store or field.compute or field.default:
                continue
            if field.type == "many2one":
                values[name] = self.env[field.comodel_name].sudo().search([], limit=1).id
            elif field.type == "selection":
                values[name] = field.get_values(self.env)[0]
            elif field.type in ("char", "text"):
                values[name] = "x"
        try:
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                return model.with_user(self.env.ref("base.user_admin")).create(values).ids
        except Exception:  # noqa: BLE001 - a wizard that cannot be made so is left out
            return []

    @staticmethod
    def _is_action(result):
        """A window or URL action: what it opens is checked again when the client opens it."""
        return isinstance(result, dict) and str(result.get("type", "")).startswith("ir.actions.")

    def test_a_fresh_signup_reaches_nothing(self):
        problems = []
        count = 0
        for owner, method, name, args in self._calls():
            count += 1
            before = self._snapshot()
            result, error = self._rpc(self.signup, name, method, args, password="fresh_signup@example.com")
            after = self._snapshot()
            changed = sorted(table for table in before if before[table] != after.get(table))
            if error == ACCESS_ERROR and not changed:
                continue
            if error is None and not changed and (result in HARMLESS or self._is_action(result)):
                continue
            problems.append(f"{name}.{method} ({owner}): error={error} result={str(result)[:80]!r} changed={changed}")
        self.assertGreater(count, 20, "the walk found the addons' public methods")
        self.assertFalse(problems, "a fresh sign-up reached these methods:\n" + "\n".join(problems))
