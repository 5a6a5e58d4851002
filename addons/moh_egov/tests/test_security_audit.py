"""The security audit (docs/security.md) holds for the registry as it is.

- Its per-role model table is generated from the registry (access rights, workflow fields, fields
  restricted to groups, record rules): a change of rights without the table changing fails here.
  ``MOH_AUDIT_WRITE=1`` in the environment rewrites the table instead (then review the diff).
- Every public method of the addons' models (a name without ``_``, not ``@api.private``: what
  RPC can call) has an entry saying who may call it and what it checks first, and no entry names
  a method that is gone. Routes and sudo() are checked by the plain-Python tests/test_security_audit.py.
"""

import importlib.util
import inspect
import os
from pathlib import Path

from odoo.service.model import get_public_method
from odoo.tests import TransactionCase, new_test_user, tagged

ADDONS = ("moh_documents", "moh_egov")
# Methods the ORM itself calls, whose access Odoo checks (ACLs, record rules, field groups).
ORM_ENTRY_POINTS = {
    "create",
    "write",
    "unlink",
    "copy",
    "read",
    "search",
    "default_get",
    "name_create",
    "web_read",
    "web_save",
    "web_search_read",
    "onchange",
}
# Fields of Odoo's chatter and activities, restricted to employees by Odoo itself.
MAIL_FIELDS = ("activity_", "message_", "my_activity_")
ROLES = [
    # (column, xmlids of the groups, or a special kind)
    ("public", "public"),
    ("portal", ("base.group_portal",)),
    ("sign-up", "signup"),
    ("partner API", ("moh_documents.group_api_partner",)),
    ("specialist", ("moh_documents.group_specialist",)),
    ("head", ("moh_documents.group_department_head",)),
    ("leader", ("moh_documents.group_ministry_leader",)),
    ("clerk", ("moh_documents.group_clerk",)),
    ("one-stop", ("moh_egov.group_onestop",)),
    ("e-office admin", ("moh_documents.group_moh_admin",)),
    ("system admin", ("base.group_system", "moh_documents.group_moh_admin")),
]


def load_audit_module():
    """tests/security_audit.py of the repository (the parser shared with the plain tests)."""
    path = Path(__file__).resolve().parents[3] / "tests" / "security_audit.py"
    spec = importlib.util.spec_from_file_location("moh_security_audit", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _is_addon_class(cls):
    parts = cls.__module__.split(".")
    return parts[:2] == ["odoo", "addons"] and len(parts) > 2 and parts[2] in ADDONS


def addon_models(env):
    """Names of the models the addons define (not those they only extend)."""
    names = []
    for name in sorted(env.registry):
        for cls in type(env[name]).mro():
            inherit = cls.__dict__.get("_inherit") or ()
            inherit = [inherit] if isinstance(inherit, str) else list(inherit)
            if _is_addon_class(cls) and cls.__dict__.get("_name") == name and name not in inherit:
                names.append(name)
                break
    return names


def public_methods(env):
    """``{(model, method): [registry models it is reachable on]}`` for the public methods the
    addons' own code defines, keyed by the model of the class that defines them."""
    found = {}
    for name in sorted(env.registry):
        model = env[name]
        for cls in type(model).mro():
            if not _is_addon_class(cls):
                continue
            owner = cls.__dict__.get("_name") or cls.__dict__.get("_inherit")
            owner = owner if isinstance(owner, str) else (owner or [name])[0]
            for method, value in cls.__dict__.items():
                if method.startswith("_") or method in ORM_ENTRY_POINTS or not inspect.isfunction(value):
                    continue
                try:
                    get_public_method(model, method)
                except Exception:  # noqa: BLE001 - private: RPC cannot reach it
                    continue
                found.setdefault((owner, method), []).append(name)
    return found


def role_users(env):
    users = {}
    for column, groups in ROLES:
        if groups == "public":
            users[column] = env.ref("base.public_user")
        elif groups == "signup":
            users[column] = (
                env["res.users"]
                .sudo()
                .with_context(no_reset_password=True)
                ._create_user_from_template(
                    {"name": "Audit Sign-up", "login": "audit_signup@example.com", "email": "audit_signup@example.com"}
                )
            )
        else:
            users[column] = new_test_user(env, login=f"audit_{column.replace(' ', '_')}", groups=",".join(groups))
    return users


def model_table(env):
    """The generated per-role table, as Markdown."""
    users = role_users(env)
    header = [
        "Model",
        *[column for column, _groups in ROLES],
        "Workflow fields (steps only)",
        "Fields restricted to groups",
        "Record rules",
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    Access = env["ir.model.access"]
    for name in addon_models(env):
        model = env[name]
        cells = [f"`{name}`"]
        for column, _groups in ROLES:
            rights = "".join(
                letter
                for mode, letter in (("read", "R"), ("write", "W"), ("create", "C"), ("unlink", "D"))
                if Access.with_user(users[column]).check(name, mode, raise_exception=False)
            )
            cells.append(rights or "-")
        guarded = sorted(model._moh_guarded_fields()) if hasattr(model, "_moh_guarded_fields") else []
        cells.append(", ".join(guarded) or "-")
        restricted = sorted(
            f"{field.name} ({field.groups})"
            for field in model._fields.values()
            if field.groups and not field.name.startswith(MAIL_FIELDS)
        )
        cells.append(", ".join(restricted) or "-")
        rules = env["ir.rule"].sudo().search([("model_id.model", "=", name)], order="id")
        cells.append(
            "; ".join(f"{rule.name} ({', '.join(rule.groups.mapped('name')) or 'global'})" for rule in rules) or "-"
        )
        lines.append("| " + " | ".join(cell.replace("|", "/") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


@tagged("post_install", "-at_install", "moh_security")
class TestSecurityAudit(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.audit = load_audit_module()
        cls.text = cls.audit.AUDIT.read_text(encoding="utf-8")

    def test_model_table_is_the_registry_s(self):
        expected = model_table(self.env)
        current = self.audit.generated(self.text, "models")
        self.assertIsNotNone(current, "docs/security.md has no generated 'models' block")
        if current != expected and os.environ.get("MOH_AUDIT_WRITE"):
            self.audit.AUDIT.write_text(self.audit.replace_generated(self.text, "models", expected), encoding="utf-8")
            return
        self.assertEqual(
            current,
            expected,
            "the rights of the addons' models changed: update docs/security.md "
            "(run the test with MOH_AUDIT_WRITE=1 to rewrite its table, then review it)",
        )

    def test_every_public_method_has_an_entry(self):
        body = self.audit.sections(self.text).get("Public methods")
        self.assertIsNotNone(body, "docs/security.md has no section '## Public methods'")
        listed = self.audit.keys(body, columns=2)
        present = set(public_methods(self.env))
        self.assertFalse(
            sorted(present - listed),
            "public methods without an entry in docs/security.md (who may call, what it checks)",
        )
        self.assertFalse(sorted(listed - present), "entries for methods that are gone or private now")
        self.assertFalse(self.audit.incomplete_rows(body, 4), "every public method says who and what")
