import socket
from unittest.mock import patch

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.tests import HttpCase, new_test_user
from odoo.tests import common as odoo_tests_common


def free_port():
    """A TCP port nothing listens on (a peer that is down), until a test starts a peer on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class BrowserCase(HttpCase):
    """An HttpCase whose headless Chrome may take its time to start.

    Odoo waits 10 s for Chrome's devtools port (``CHECK_BROWSER_ITERATIONS`` × ``CHECK_BROWSER_SLEEP``
    in odoo/tests/common.py) and otherwise *skips* the browser test with a warning, so a cold
    Chromium on a busy two-core machine can leave a tour unrun. The project's browser tests wait
    up to ``BROWSER_START_SECONDS`` instead; a browser that never starts still ends in Odoo's skip,
    which scripts/check_odoo_log.py counts as a failed run."""

    BROWSER_START_SECONDS = 60

    def browser_js(self, *args, **kwargs):
        iterations = round(self.BROWSER_START_SECONDS / odoo_tests_common.CHECK_BROWSER_SLEEP)
        with patch.object(odoo_tests_common, "CHECK_BROWSER_ITERATIONS", iterations):
            return super().browser_js(*args, **kwargs)


class ExchangeTestMixin:
    """Run exchange delivery jobs in a test as the job runner would."""

    def _deliver(self, message):
        """Run the delivery job as the job runner would; the cursor a failure is recorded with is
        the test's (registry test mode)."""
        with self.enter_registry_test_mode():
            return message._moh_deliver()

    def _deliver_expecting_retry(self, message):
        """The job asks queue_job to retry it. (Not assertRaises: it would roll back what the job
        recorded about the failure in its own transaction.)"""
        try:
            self._deliver(message)
        except RetryableJobError:
            return
        self.fail("the delivery was not retried")


class MohUsersMixin:
    """One user per back-office role, made by the test itself (not the demo data)."""

    @classmethod
    def _moh_setup_users(cls):
        env = cls.env
        cls.department_drug = env.ref("moh_documents.dep_drug")
        cls.department_legal = env.ref("moh_documents.dep_legal")

        def user(login, groups, department=None):
            user = new_test_user(env, login=login, groups=groups, name=login.title(), tz="Asia/Ho_Chi_Minh")
            if department:
                env["hr.employee"].create({"name": user.name, "user_id": user.id, "department_id": department.id})
            return user

        cls.clerk = user("t_clerk", "moh_documents.group_clerk", env.ref("moh_documents.dep_office"))
        cls.specialist = user("t_specialist", "moh_documents.group_specialist", cls.department_drug)
        cls.head = user("t_head", "moh_documents.group_department_head", cls.department_drug)
        cls.leader = user("t_leader", "moh_documents.group_ministry_leader", env.ref("moh_documents.dep_office"))
        cls.admin = user("t_admin", "moh_documents.group_moh_admin")
        cls.specialist_legal = user("t_specialist_pc", "moh_documents.group_specialist", cls.department_legal)
        cls.head_legal = user("t_head_pc", "moh_documents.group_department_head", cls.department_legal)
        cls.deputy = user("t_deputy", "moh_documents.group_ministry_leader", env.ref("moh_documents.dep_office"))
        # Each department is led by its head (hr.department.manager_id).
        cls.department_drug.manager_id = cls.head.employee_id
        cls.department_legal.manager_id = cls.head_legal.employee_id
        cls.portal = new_test_user(env, login="t_portal", groups="base.group_portal", name="Portal Business")
        cls.plain_user = new_test_user(env, login="t_employee", groups="base.group_user", name="Other Employee")

    @classmethod
    def _moh_new_document(cls, user=None, **values):
        env = cls.env(user=user or cls.clerk)
        return env["moh.incoming.document"].create(
            {
                "sender_name": "Sở Y tế Hà Nội",
                "number_symbol": "123/SYT-NVY",
                "issue_date": "2026-11-16",
                "document_type_id": env.ref("moh_documents.document_type_cong_van").id,
                "abstract": "V/v báo cáo tình hình cung ứng thuốc",
                **values,
            }
        )

    def _review(self, doc, user, decision, comment="Đồng ý"):
        """Approve or reject an outgoing document as ``user``, through the comment dialog."""
        method = doc.with_user(user).validate_tier if decision == "validate" else doc.with_user(user).reject_tier
        action = method()
        wizard = (
            self.env["comment.wizard"].with_user(user).with_context(**action["context"]).create({"comment": comment})
        )
        wizard.add_comment()


class RpcAttackMixin:
    """Call the server as an attacker does: over JSON-RPC (``/web/dataset/call_kw``), with a
    session of the given user, in an ``HttpCase``. A refusal comes back as the exception's
    class name (``odoo.exceptions.AccessError``...), never as a Python exception of the test."""

    def _rpc(self, user, model, method, args=(), kwargs=None, password=None):
        """Call ``model.method(*args, **kwargs)`` as ``user`` (logged in with ``password``, by
        default the login: what ``new_test_user`` sets). Returns ``(result, error_name)``."""
        from odoo.tests.common import JsonRpcException
        from odoo.tools import mute_logger

        if getattr(self, "_moh_rpc_login", None) != user.login:
            self.authenticate(user.login, password or user.login)
            self._moh_rpc_login = user.login
        try:
            # A refused call is logged by the server as an error: expected here.
            with mute_logger("odoo.http"):
                result = self.make_jsonrpc_request(
                    "/web/dataset/call_kw",
                    {
                        "model": model,
                        "method": method,
                        "args": list(args),
                        "kwargs": kwargs or {},
                    },
                )
        except JsonRpcException as exc:
            return None, str(exc)
        return result, None

    def assertRpcRefused(self, user, model, method, args=(), kwargs=None, errors=("odoo.exceptions.AccessError",)):
        """The call is refused with one of ``errors``; returns the error's name."""
        result, error = self._rpc(user, model, method, args, kwargs)
        self.assertIn(
            error,
            errors,
            f"{user.login} called {model}.{method}{tuple(args)!r}: "
            f"expected one of {errors}, got {error or repr(result)}",
        )
        return error
