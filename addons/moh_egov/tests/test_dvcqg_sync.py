"""The national portal adapter (DVCQG): each status change or hand-over queues one message; its
delivery upserts the whole dossier (DongBoHoSoMC) and sends the hand-overs not yet sent
(CapNhatTienDoHoSoMC), against the local double (moh_core.testing.dvcqg) over real HTTP, which
downloads the dossier's files by their signed links from this server."""

import json
import tempfile

from odoo.addons.moh_documents.tests.common import ExchangeTestMixin, RpcAttackMixin
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from moh_core.dvcqg import signed_url
from moh_core.testing.dvcqg import LocalDvcqg

from .common import DvcqgLinkMixin, EgovCase


@tagged("post_install", "-at_install")
class TestDvcqgSync(DvcqgLinkMixin, RpcAttackMixin, ExchangeTestMixin, EgovCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_dvcqg_link()

    def _deliver(self, message):
        """The delivery job, with this server open to the double's downloads meanwhile."""
        return self._over_http(message._moh_deliver)

    def _double(self, **kwargs):
        return LocalDvcqg(self.port, **kwargs)

    def _messages(self, dossier):
        return self.env["moh.exchange.message"].search(
            [("res_model", "=", "moh.dossier"), ("res_id", "=", dossier.id), ("kind", "=", "dvcqg_sync")],
            order="sequence",
        )

    def _pending(self, dossier):
        return self._messages(dossier).filtered(lambda m: m.state in ("queued", "failed"))

    def test_insert_then_update_with_the_whole_record_and_each_step_once(self):
        with self._double() as dvcqg:
            dossier = self._submitted()
            [message] = self._messages(dossier)
            self.assertEqual(json.loads(message._moh_payload_raw())["dossier_code"], dossier.code)
            self.assertTrue(self._deliver(message).startswith("sent: inserted, 1 step"))
            record = dvcqg.state.dossiers[dossier.code]
            self.assertEqual(record["MaTTHC"], "1.002088")
            self.assertEqual(record["TrangThaiHoSo"], "1")
            self.assertEqual(record["ChuHoSo"], "Công ty TNHH Mỹ phẩm A")
            self.assertEqual(record["LoaiDoiTuong"], "2")
            self.assertEqual(record["SoGiayToChuHoSo"], "0101234567")
            self.assertEqual(record["KenhThucHien"], "2")
            self.assertEqual(record["DanhSachLePhi"][0]["Gia"], "500000")
            self.assertRegex(record["NgayNopHoSo"], r"^\d{14}$")
            [file] = record["TaiLieuNop"]
            self.assertIn("/moh/dvcqg/file/", file["DuongDanTaiTepTin"])
            # the double downloaded the file from this server by its signed link
            self.assertEqual([d["ok"] for d in dvcqg.state.downloads], [True])
            self.assertTrue(dossier.sudo().dvcqg_synced_at)

            # the agency's table says "refused" is 3; corrected to 8 here, the record follows
            self.env.ref("moh_egov.dvcqg_status_refused").code = "8"
            dossier.with_user(self.onestop).action_refuse("Hồ sơ không thuộc thẩm quyền")
            [second] = self._pending(dossier)
            self.assertTrue(self._deliver(second).startswith("sent: updated, 1 step"))
            self.assertEqual(dvcqg.state.dossiers[dossier.code]["TrangThaiHoSo"], "8")
            syncs = dvcqg.state.calls("DongBoHoSoMC", ok=True)
            self.assertEqual([c["body"]["isUpdating"] for c in syncs], ["False", "True"])
            steps = dvcqg.state.steps[dossier.code]
            self.assertEqual([s["TrangThai"] for s in steps], ["1", "8"])
            self.assertEqual(len(steps), len(dossier.sudo().handover_ids))
            self.assertEqual(len(dvcqg.state.calls("login")), 1)  # the session is kept between jobs

    def test_techid_of_a_nationally_signed_in_filer(self):
        """MaDoiTuong is the filer's DVCQG TechID when the filer signed in nationally, else empty."""
        password_dossier = self._submitted()
        record = password_dossier._moh_dvcqg_record(self.peer)
        self.assertEqual((record["MaDoiTuong"], record["TaiKhoanDuocXacThucVoiVNeID"]), ("", "False"))
        national = self.portal_a2.sudo()
        national.write(
            {
                "oauth_provider_id": self.env.ref("moh_egov.provider_dvcqg").id,
                "oauth_uid": "TECH-DN-0002",
                "moh_national_kind": "business",
                "moh_national_tax_code": self.business_a.vat,
                "moh_via_vneid": True,
            }
        )
        dossier = self._submitted(self.portal_a2)
        record = dossier._moh_dvcqg_record(self.peer)
        self.assertEqual((record["MaDoiTuong"], record["TaiKhoanDuocXacThucVoiVNeID"]), ("TECH-DN-0002", "True"))
        # an identity of another provider is no national TechID
        other = self.env["auth.oauth.provider"].create(
            {
                "name": "Khác",
                "body": "Khác",
                "auth_endpoint": "https://idp.example/authorize",
                "validation_endpoint": "https://idp.example/userinfo",
            }
        )
        national.oauth_provider_id = other
        self.assertEqual(dossier._moh_dvcqg_record(self.peer)["MaDoiTuong"], "")

    def test_down_then_up_nothing_lost_nothing_twice_order_kept(self):
        dossier = self._submitted()
        [first] = self._messages(dossier)
        self._deliver_expecting_retry(first)
        self.assertEqual(first.state, "failed")
        dossier.with_user(self.onestop).action_refuse("Thiếu giấy tờ")
        messages = self._messages(dossier)
        self.assertEqual(len(messages), 2)
        with self._double() as dvcqg:
            dvcqg.down_for(2)  # still down for the first attempts after it comes back
            self._deliver_expecting_retry(first)
            self._deliver_expecting_retry(first)
            self.assertEqual(first.attempts, 3)
            self._deliver(first)
            for message in messages:
                self._deliver(message)  # covered by the first: nothing more is sent
            self.assertEqual(set(messages.mapped("state")), {"sent"})
            self.assertEqual(len(dvcqg.state.calls("DongBoHoSoMC", ok=True)), 1)
            self.assertEqual(dvcqg.state.dossiers[dossier.code]["TrangThaiHoSo"], "3")
            steps = [s["TrangThai"] for s in dvcqg.state.steps[dossier.code]]
            self.assertEqual(steps, ["1", "3"])  # in the order of the hand-overs, each once

    def test_restart_mid_sync_keeps_the_copy_and_logs_in_again(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        dvcqg = self._double(journal=f"{folder.name}/dvcqg.jsonl").start()
        try:
            dossier = self._submitted()
            self._deliver(self._messages(dossier))
            dvcqg = dvcqg.restart(keep_state=True)  # a new process: sessions lost, dossiers kept
            dossier.with_user(self.onestop).action_refuse("Thiếu giấy tờ")
            self._deliver(self._pending(dossier))
            self.assertEqual(len(dvcqg.state.calls("login", ok=True)), 2)
            self.assertEqual(
                [c["body"]["isUpdating"] for c in dvcqg.state.calls("DongBoHoSoMC", ok=True)], ["False", "True"]
            )
            self.assertEqual(len(dvcqg.state.steps[dossier.code]), 2)
        finally:
            dvcqg.stop()

    def test_exists_answer_is_resent_as_update(self):
        with self._double() as dvcqg:
            dossier = self._submitted()
            self._deliver(self._messages(dossier))
            dossier.sudo().dvcqg_synced_at = False
            dossier.with_user(self.onestop).action_refuse("Thiếu giấy tờ")
            dvcqg.fail_next(1, {"error_code": "0", "result": []})  # the lookup lies: "not there"
            self.assertTrue(self._deliver(self._pending(dossier)).startswith("sent: updated"))
            answers = [c["error_code"] for c in dvcqg.state.calls("DongBoHoSoMC")]
            self.assertEqual(answers, ["0", "-3", "0"])

    def test_refused_content_is_a_dead_letter_announced_to_the_administrators(self):
        self.procedure.dvcqg_code = "9.999999"  # not in the national catalogue
        with self._double() as dvcqg, mute_logger("odoo.addons.moh_documents.models.moh_exchange_message"):
            dossier = self._submitted()
            [message] = self._messages(dossier)
            self.assertTrue(self._deliver(message).startswith("dead letter"))
            self.assertEqual(message.state, "dead")
            self.assertIn("CSDL TTHC", message.last_error)
            todo = dossier.sudo().activity_ids.filtered(lambda a: a.user_id == self.admin)
            self.assertEqual(len(todo), 1)
            self.assertIn(message.message_id, str(todo.note))
            self.peer.invalidate_recordset(["dead_count"])
            self.assertEqual(self.peer.dead_count, 1)
            # corrected, sent again by the administrator
            self.procedure.dvcqg_code = "1.002088"
            message.with_user(self.admin).action_retry()
            self._deliver(message)
            self.assertEqual(message.state, "sent")
            self.assertIn(dossier.code, dvcqg.state.dossiers)
            # an error answer of the adapter is permanent unless listed as retryable
            dossier.with_user(self.onestop).action_refuse("Thiếu giấy tờ")
            self.peer.dvcqg_retryable_codes = "-99"
            dvcqg.fail_next(1, {"error_code": "-99", "message": "Hệ thống bận"})
            pending = self._pending(dossier)
            self._deliver_expecting_retry(pending)
            self._deliver(pending)
            self.assertEqual(pending.state, "sent")

    def test_signed_file_links(self):
        dossier = self._submitted()
        attachment = dossier.sudo().document_ids.attachment_id
        url = self.peer._moh_dvcqg_file_url(attachment)
        response = self.url_open(url.replace(self.base_url(), ""))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, attachment.raw)
        forged = url[:-4] + ("0000" if not url.endswith("0000") else "1111")
        expired = signed_url(f"{self.base_url()}/moh/dvcqg/file", self.peer.dvcqg_link_secret, attachment.id, ttl=-10)
        other = self.env["ir.attachment"].create({"name": "khac.pdf", "raw": b"%PDF-1.4 other"})
        not_a_dossier_file = self.peer._moh_dvcqg_file_url(other)
        another_file = url.replace(f"/file/{attachment.id}?", f"/file/{other.id}?")
        with mute_logger("odoo.http"):
            for bad in (forged, expired, not_a_dossier_file, another_file, url.split("?")[0]):
                self.assertEqual(self.url_open(bad.replace(self.base_url(), "")).status_code, 403, bad)

    def test_catalogue_pull_by_button_and_cron(self):
        self.procedure.write({"dvcqg_field_code": False, "dvcqg_field_name": False})
        with self._double():
            with self.assertRaises(AccessError):
                self.peer.with_user(self.onestop).action_dvcqg_pull_catalogue()
            action = self.peer.with_user(self.admin).action_dvcqg_pull_catalogue()
            self.assertEqual(action["params"]["type"], "success")
            self.assertEqual(self.procedure.dvcqg_field_code, "G15-YT05")
            self.assertEqual(self.procedure.dvcqg_field_name, "Khám bệnh, chữa bệnh")
            self.assertTrue(self.peer.dvcqg_catalogue_at)
            self.procedure.dvcqg_field_code = False
            self.env["moh.exchange.peer"]._cron_moh_dvcqg_catalogue()
            self.assertEqual(self.procedure.dvcqg_field_code, "G15-YT05")

    def test_roles_and_rpc(self):
        with self.assertRaises(AccessError):
            self.peer.with_user(self.onestop).read(["dvcqg_password"])
        self.assertEqual(self.peer.with_user(self.admin).dvcqg_password, "secret")
        for user in (self.portal, self.onestop):
            self.assertRpcRefused(user, "moh.exchange.peer", "action_dvcqg_pull_catalogue", [[self.peer.id]])
        self.assertRpcRefused(
            self.onestop,
            "moh.dvcqg.status",
            "write",
            [[self.env.ref("moh_egov.dvcqg_status_done").id], {"code": "1"}],
        )
        self.assertRpcRefused(
            self.admin,
            "moh.dossier",
            "_moh_dvcqg_record",
            [[], self.peer.id],
            errors=("odoo.exceptions.AccessError", "werkzeug.exceptions.Forbidden"),
        )
