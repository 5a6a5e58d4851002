"""Reconciliation with the national portal: against the local double (moh_core.testing.dvcqg)
over real HTTP, the dossiers whose copy is missing or differs are listed, a resend through the
usual queue fixes them, and only administrators may check or resend."""

import datetime as dt
import json

from odoo import fields
from odoo.addons.moh_documents.tests.common import ExchangeTestMixin, RpcAttackMixin
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from moh_core.testing.dvcqg import LocalDvcqg

from .common import DvcqgLinkMixin, EgovCase


@tagged("post_install", "-at_install")
class TestDvcqgReconciliation(DvcqgLinkMixin, RpcAttackMixin, ExchangeTestMixin, EgovCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_dvcqg_link()
        # the demonstration's dossiers out of the periods checked here
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE moh_dossier SET submitted_at = submitted_at - interval '60 days'"
            " WHERE submitted_at > now() at time zone 'UTC' - interval '3 days'"
        )
        cls.env.invalidate_all()

    def _deliver(self, messages):
        for message in messages:
            self._over_http(message._moh_deliver)

    def _messages(self, dossier):
        return self.env["moh.exchange.message"].search(
            [("res_model", "=", "moh.dossier"), ("res_id", "=", dossier.id), ("kind", "=", "dvcqg_sync")],
            order="sequence",
        )

    def _reconciliation(self, user=None):
        today = fields.Date.context_today(self.env["moh.dossier"])
        return (
            self.env["moh.dvcqg.reconciliation"]
            .with_user(user or self.admin)
            .create({"date_from": today - dt.timedelta(days=1), "date_to": today + dt.timedelta(days=1)})
        )

    def _run(self, cron):
        cron.method_direct_trigger()
        self.env.invalidate_all()

    def test_differences_listed_and_fixed_by_resend(self):
        with LocalDvcqg(self.port) as dvcqg:
            synced = self._submitted()
            self._deliver(self._messages(synced))
            changed = self._submitted()
            self._deliver(self._messages(changed))
            changed.with_user(self.onestop).action_refuse("Hồ sơ không thuộc thẩm quyền")  # not delivered
            missing = self._submitted()  # never delivered
            self.assertEqual(set(dvcqg.state.dossiers), {synced.code, changed.code})

            rec = self._reconciliation()
            rec.action_check()
            self.assertEqual(rec.peer_id, self.peer)
            self.assertEqual(rec.dossier_count, 3)
            by_dossier = {line.dossier_id: line for line in rec.line_ids}
            self.assertEqual(set(by_dossier), {changed, missing})  # the synced one is not listed
            self.assertEqual(by_dossier[missing].difference, "missing")
            self.assertFalse(by_dossier[missing].portal_status)
            self.assertEqual(by_dossier[changed].difference, "different")
            self.assertEqual((by_dossier[changed].product_status, by_dossier[changed].portal_status), ("3", "1"))
            self.assertIn("status: 3 / 1", by_dossier[changed].details)
            # the figures of both sides, and the status counts: product 1 ×2, 3 ×1; portal 1 ×2
            self.assertIn("o_moh_dvcqg_figures", rec.figures_html)
            self.assertIn("2.1", rec.figures_html)
            self.assertIn('<td>3</td><td class="text-end">1</td><td class="text-end">0</td>', rec.figures_html)
            html = (
                self.env["ir.actions.report"]
                .with_user(self.admin)
                ._render_qweb_html("moh_egov.report_dvcqg_reconciliation", rec.ids)[0]
                .decode()
            )
            self.assertIn(missing.code, html)
            self.assertIn(changed.code, html)

            # one click per line, or all: the usual dvcqg_sync message is queued
            by_dossier[missing].action_resend()
            self.assertTrue(by_dossier[missing].resent_at)
            self.assertEqual(by_dossier[missing].message_id.kind, "dvcqg_sync")
            self.assertEqual(by_dossier[missing].message_id.state, "queued")
            rec.action_resend_all()
            self.assertTrue(by_dossier[changed].message_id)
            self.assertFalse(self._messages(synced).filtered(lambda m: m.state == "queued"))
            self._deliver(rec.line_ids.message_id)
            self.assertEqual(dvcqg.state.dossiers[missing.code]["TrangThaiHoSo"], "1")
            self.assertEqual(dvcqg.state.dossiers[changed.code]["TrangThaiHoSo"], "3")

            rec.action_check()
            self.assertEqual(rec.dossier_count, 3)
            self.assertFalse(rec.line_ids)

    def test_large_period_checked_in_the_background(self):
        self.env["ir.config_parameter"].sudo().set_param("moh_egov.dvcqg_reconcile_run_now_limit", "1")
        cron = self.env.ref("moh_egov.ir_cron_dvcqg_reconciliation")
        with LocalDvcqg(self.port) as dvcqg:
            synced = self._submitted()
            self._deliver(self._messages(synced))
            missing = self._submitted()
            rec = self._reconciliation()
            lookups = len(dvcqg.state.calls("TraCuuHoSo"))
            triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
            rec.action_check()
            # two dossiers > the limit of one: queued, nothing asked yet, the scheduled action woken
            self.assertEqual(rec.state, "queued")
            self.assertEqual(rec.requested_by_id, self.admin)
            self.assertFalse(rec.checked_at)
            self.assertEqual(len(dvcqg.state.calls("TraCuuHoSo")), lookups)
            self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1)
            with self.assertRaises(UserError):
                rec.action_check()  # not twice
            with self.assertRaises(UserError):
                rec.with_user(self.admin).write({"date_to": rec.date_to + dt.timedelta(days=5)})
            with self.allow_requests(all_requests=True):
                self._run(cron)
            self.assertEqual(rec.state, "done")
            self.assertEqual(rec.dossier_count, 2)
            self.assertEqual(rec.line_ids.dossier_id, missing)
            self.assertEqual(len(dvcqg.state.calls("TraCuuHoSo")) - lookups, 2)
            self.env.cr.precommit.run()
            note = self.env["bus.bus"].search([("message", "like", "simple_notification")], order="id desc", limit=1)
            payload = json.loads(note.message)["payload"]
            self.assertEqual(payload["type"], "success")
            # in the administrator's language
            self.assertIn(
                payload["message"].split(": ", 1)[1],
                {"2 dossiers checked, 1 differing.", "đã đối soát 2 hồ sơ, 1 hồ sơ sai lệch."},
            )

        # the portal down: the check fails with the reason, the previous result is kept
        rec.action_check()
        self.assertEqual(rec.state, "queued")
        self._run(cron)
        self.assertEqual(rec.state, "failed")
        self.assertTrue(rec.error)
        self.assertEqual(rec.line_ids.dossier_id, missing)
        self.assertEqual(rec.dossier_count, 2)

    def test_result_written_by_the_check_only(self):
        rec = self._reconciliation()
        for values in (
            {"state": "done"},
            {"figures_html": "<p>100%</p>"},
            {"dossier_count": 0},
            {"checked_at": "2026-01-01 00:00:00"},
        ):
            with self.assertRaises(AccessError):
                rec.with_user(self.admin).write(values)
            self.assertRpcRefused(self.admin, "moh.dvcqg.reconciliation", "write", [[rec.id], values])
        with self.assertRaises(AccessError):
            self.env["moh.dvcqg.reconciliation"].with_user(self.admin).create(
                {"date_from": rec.date_from, "date_to": rec.date_to, "state": "done"}
            )
        self.assertRpcRefused(self.admin, "moh.dvcqg.reconciliation", "_cron_moh_dvcqg_reconcile", [])
        self.assertRpcRefused(self.admin, "moh.dvcqg.reconciliation", "_moh_run_check", [[rec.id], self.peer.id])

    def test_roles_and_rpc(self):
        with LocalDvcqg(self.port):
            self._submitted()
            rec = self._reconciliation()
            rec.action_check()
            [line] = rec.line_ids
        with self.assertRaises(AccessError):
            self._reconciliation(self.onestop)
        with self.assertRaises(AccessError):
            rec.with_user(self.onestop).action_check()
        with self.assertRaises(AccessError):
            line.with_user(self.onestop).action_resend()
        for user in (self.portal, self.plain_user, self.onestop):
            self.assertRpcRefused(user, "moh.dvcqg.reconciliation", "action_check", [[rec.id]])
            self.assertRpcRefused(user, "moh.dvcqg.reconciliation", "action_resend_all", [[rec.id]])
            self.assertRpcRefused(user, "moh.dvcqg.reconciliation.line", "action_resend", [[line.id]])
            self.assertRpcRefused(user, "moh.dvcqg.reconciliation", "read", [[rec.id], ["figures_html"]])
        self.assertFalse(line.resent_at)
