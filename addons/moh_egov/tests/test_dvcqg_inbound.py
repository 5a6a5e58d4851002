"""Dossiers filed on the national public service portal, pushed over HTTP by the portal (with the
national portal peer's token) or pulled from it: registered once under the portal's code, with
their files checked as portal uploads; a refusal leaves nothing behind."""

import base64
import json
import threading
from unittest.mock import patch

import requests
from odoo.addons.moh_documents.tests.common import RpcAttackMixin
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import TEST_CURSOR_COOKIE_NAME
from odoo.tools import mute_logger

from moh_core.testing.dvcqg_inbound_peer import InboundPeer

from .common import PNG_1PX, EgovCase, make_pdf

TOKEN = "dvcqg-inbound-token-for-tests"
REFUSED = ("odoo.exceptions.AccessError", "odoo.exceptions.UserError", "odoo.exceptions.ValidationError")


def pushed(code="G22.99-251125-00001", **changes):
    data = {
        "MaHoSo": code,
        "MaTTHC": "1.002088",
        "ChuHoSo": "Công ty TNHH Dược phẩm Sao Mai",
        "LoaiDoiTuong": "2",
        "MaSoThue": "0319998887",
        "Email": "saomai@example.vn",
        "SoDienThoai": "0281234567",
        "DiaChi": "5 Nguyễn Huệ, TP. Hồ Chí Minh",
        "NgayNopHoSo": "20261125090000",
        "TaiLieuNop": [
            {
                "TenTepDinhKem": "phieu-cong-bo.pdf",
                "MaThanhPhanHoSo": "TP1",
                "Base64": base64.b64encode(make_pdf()).decode(),
            },
            {"TenTepDinhKem": "nhan.png", "MaThanhPhanHoSo": "TP2", "Base64": base64.b64encode(PNG_1PX).decode()},
        ],
    }
    data.update(changes)
    return data


@tagged("post_install", "-at_install")
class TestDvcqgInbound(RpcAttackMixin, EgovCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Peer = cls.env["moh.exchange.peer"].sudo()
        Peer.search([("national_portal", "=", True)]).active = False
        cls.portal_peer = Peer.create(
            {
                "name": "Cổng Dịch vụ công quốc gia (thử nghiệm)",
                "code": "DVCQG",
                "national_portal": True,
                "transport": "http",
                "url": "http://127.0.0.1:9/",
                "inbound_token": TOKEN,
                "auth_token": "pull-token",
                "timeout": 5,
            }
        )
        cls.other_peer = Peer.create(
            {
                "name": "Sở Y tế (thử nghiệm)",
                "code": "000.00.01.H26",
                "transport": "http",
                "url": "http://127.0.0.1:9/",
                "inbound_token": "agency-token",
            }
        )
        cls.procedure.dvcqg_code = "1.002088"
        cls.req_form.dvcqg_code = "TP1"
        cls.req_label.dvcqg_code = "TP2"

    # -- helpers --------------------------------------------------------------------------------

    def _push(self, data, token=TOKEN, raw=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        body = raw if raw is not None else json.dumps(data).encode()
        return self.url_open("/moh/dvcqg/dossiers", data=body, headers=headers)

    def _dossiers(self, code="G22.99-251125-00001"):
        self.env.invalidate_all()
        return self.env["moh.dossier"].sudo().search([("national_code", "=", code)])

    def _nothing_kept(self, code="G22.99-251125-00001"):
        self.assertFalse(self._dossiers(code), "no dossier")
        self.assertFalse(self.env["res.partner"].sudo().search([("vat", "=", "0319998887")]), "no applicant")
        self.assertFalse(
            self.env["ir.attachment"].sudo().search([("name", "in", ("phieu-cong-bo.pdf", "nhan.png"))]), "no file"
        )

    def _refused(self, response, *fragments):
        self.assertEqual(response.status_code, 200, response.text)
        answer = response.json()
        self.assertEqual(answer["error_code"], -1, answer)
        for fragment in fragments:
            self.assertIn(fragment, answer["message"])
        return answer

    # -- push -------------------------------------------------------------------------------------

    def test_push_registers_the_dossier_with_its_files_under_the_portal_code(self):
        response = self._push(pushed())
        self.assertEqual(response.status_code, 200, response.text)
        answer = response.json()
        self.assertEqual(answer["error_code"], 0, answer)
        dossier = self._dossiers()
        self.assertEqual(len(dossier), 1)
        self.assertEqual(answer["dossier_id"], dossier.id)
        self.assertEqual(dossier.code, "G22.99-251125-00001")
        self.assertEqual(dossier.channel, "national_portal")
        self.assertEqual(dossier.state, "submitted")
        self.assertEqual(dossier.register_id, self.env.ref("moh_egov.register_dossier"))
        self.assertEqual(dossier.receipt_day, 20261125)
        self.assertEqual(dossier.procedure_id, self.procedure)
        self.assertEqual(str(dossier.submitted_at), "2026-11-25 02:00:00", "09:00 in Hà Nội")
        self.assertTrue(dossier.acceptance_deadline)
        self.assertTrue(dossier.digitised)
        self.assertEqual(dossier.partner_id.vat, "0319998887")
        self.assertTrue(dossier.partner_id.is_company and dossier.partner_id.moh_is_business)
        self.assertEqual(dossier.contact_email, "saomai@example.vn")
        self.assertEqual(dossier.payment_state, "pending", "the procedure's fee is due")
        documents = dossier.document_ids.sorted("requirement_sequence")
        self.assertEqual(documents.mapped("name"), ["phieu-cong-bo.pdf", "nhan.png"])
        self.assertEqual(documents.requirement_id, self.req_form | self.req_label)
        self.assertEqual(documents.mapped("detected_type"), ["pdf", "png"])
        self.assertEqual(documents[0].pages, 1)
        self.assertEqual(dossier.handover_ids.mapped("kind"), ["submit"])
        # The one-stop shop takes it from there, as any online dossier: the portal sends no
        # answers to the procedure's own form, which the officer sees missing.
        self.assertFalse(dossier.with_user(self.onestop).is_complete)
        # A second dossier of the same business finds its record.
        self.assertEqual(self._push(pushed("G22.99-251125-00002")).json()["error_code"], 0)
        self.assertEqual(self._dossiers("G22.99-251125-00002").partner_id, dossier.partner_id)

    def test_duplicate_answered_1_and_never_registered_twice(self):
        self.assertEqual(self._push(pushed()).json()["error_code"], 0)
        for _attempt in range(2):
            answer = self._push(pushed()).json()
            self.assertEqual(answer["error_code"], 1, answer)
            self.assertIn("G22.99-251125-00001", answer["message"])
        self.assertEqual(len(self._dossiers()), 1)

    def test_duplicate_found_by_the_database_when_two_pushes_race(self):
        """The second of two concurrent pushes passed the search before the first was saved:
        the unique national code refuses it, and it is answered as a duplicate."""
        self.assertEqual(self._push(pushed()).json()["error_code"], 0)
        Inbound = self.registry["moh.dvcqg.inbound"]
        with (
            patch.object(Inbound, "_moh_existing", lambda self, code: self.env["moh.dossier"]),
            mute_logger("odoo.sql_db"),  # the refused INSERT is logged as a bad query
        ):
            answer = self._push(pushed()).json()
        self.assertEqual(answer["error_code"], 1, answer)
        self.assertEqual(len(self._dossiers()), 1)

    def test_concurrent_pushes_register_one_dossier(self):
        """Two pushes of the same dossier at once, over HTTP: one registered, one answered 1.
        (The test server serves them one after the other on the test's cursor; the race where
        both pass the search is the test above.)"""
        url = f"{self.base_url()}/moh/dvcqg/dossiers"
        body = json.dumps(pushed()).encode()
        headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
        answers = []

        def push(cookies):
            response = requests.post(url, data=body, headers=headers, cookies=cookies, timeout=60)
            answers.append(response.json()["error_code"])

        self.env.flush_all()
        with self.allow_requests():
            cookies = {TEST_CURSOR_COOKIE_NAME: self.http_request_key}
            threads = [threading.Thread(target=push, args=(cookies,)) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=90)
        self.assertEqual(sorted(answers), [0, 1])
        self.assertEqual(len(self._dossiers()), 1)

    def test_bad_token_refused(self):
        for token in (None, "wrong", "agency-token"):
            with self.subTest(token=token):
                response = self._push(pushed(), token=token)
                self.assertEqual(response.status_code, 401)
                self.assertEqual(response.json()["error_code"], -1)
        self.portal_peer.active = False
        self.assertEqual(self._push(pushed()).status_code, 401)
        self._nothing_kept()

    def test_malformed_requests_refused_with_nothing_kept(self):
        self._refused(self._push(None, raw=b"{not json"))
        self._refused(self._push(pushed(MaHoSo="")), "MaHoSo")
        self._refused(self._push(pushed(NgayNopHoSo="25/11/2026")), "NgayNopHoSo")
        bad_base64 = pushed()
        bad_base64["TaiLieuNop"][1]["Base64"] = "@@not-base64@@"
        self._refused(self._push(bad_base64), "TaiLieuNop[1].Base64")
        self.env["ir.config_parameter"].sudo().set_param("moh_egov.upload_max_bytes", 100)
        self._refused(self._push(pushed()), "TaiLieuNop[0].Base64")
        self._nothing_kept()

    def test_a_file_the_upload_check_refuses_leaves_nothing(self):
        """The dossier and its applicant were created when the second file was checked: all of
        it is undone."""
        data = pushed()
        data["TaiLieuNop"][1]["Base64"] = base64.b64encode(b"MZ\x90\x00 a program").decode()
        self._refused(self._push(data), "TaiLieuNop[1]", "nhan.png")
        self._nothing_kept()

    def test_signature_required_checked_as_on_the_portal(self):
        self.req_form.signature_required = True
        self._refused(self._push(pushed()), "TaiLieuNop[0]", "phieu-cong-bo.pdf")
        self._nothing_kept()

    def test_unknown_procedure_or_document_refused(self):
        self._refused(self._push(pushed(MaTTHC="9.999999")), "MaTTHC", "9.999999")
        data = pushed()
        data["TaiLieuNop"][1]["MaThanhPhanHoSo"] = "TP9"
        self._refused(self._push(data), "TaiLieuNop[1].MaThanhPhanHoSo", "TP9")
        # A link to a host nobody allowed is not followed.
        data = pushed()
        data["TaiLieuNop"][1] = {
            "TenTepDinhKem": "nhan.png",
            "MaThanhPhanHoSo": "TP2",
            "DuongDanTaiTepTin": "http://10.0.0.1/x",
        }
        self._refused(self._push(data), "TaiLieuNop[1].DuongDanTaiTepTin", "10.0.0.1")
        self._nothing_kept()

    # -- pull -------------------------------------------------------------------------------------

    def test_pull_registers_new_dossiers_once(self):
        cron = self.env.ref("moh_egov.ir_cron_dvcqg_inbound_pull")
        self.assertFalse(cron.active, "off by default")
        linked = pushed("G22.99-251125-00003")
        with InboundPeer(token="pull-token", files={"nhan.png": PNG_1PX}) as peer:
            linked["TaiLieuNop"][1] = {
                "TenTepDinhKem": "nhan.png",
                "MaThanhPhanHoSo": "TP2",
                "DuongDanTaiTepTin": f"{peer.url}/files/nhan.png",
            }
            peer.dossiers = [pushed(), linked, pushed("G22.99-251125-00004", MaTTHC="9.999999")]
            self.env["ir.config_parameter"].sudo().set_param("moh_egov.dvcqg_inbound_pull_url", f"{peer.url}/dossiers")
            Inbound = self.env["moh.dvcqg.inbound"].sudo()
            # The refused dossier and the failed pull are logged as warnings (expected here).
            with mute_logger("odoo.addons.moh_egov.models.moh_dvcqg_inbound"):
                counts = Inbound._moh_pull(self.portal_peer)
                self.assertEqual(counts, {"registered": 2, "duplicates": 0, "refused": 1})
                counts = Inbound._moh_pull(self.portal_peer)
                self.assertEqual(counts, {"registered": 0, "duplicates": 2, "refused": 1})
                self.assertIn("/files/nhan.png", peer.requests)
                Inbound._cron_moh_pull()  # nothing new, nothing raised
                peer.fail_status = 503
                Inbound._cron_moh_pull()  # logged, not raised
        self.assertEqual(len(self._dossiers()), 1)
        linked_dossier = self._dossiers("G22.99-251125-00003")
        self.assertEqual(linked_dossier.document_ids.mapped("detected_type"), ["pdf", "png"])
        self.assertFalse(self._dossiers("G22.99-251125-00004"))

    # -- attackers --------------------------------------------------------------------------------

    def test_nobody_registers_a_dossier_through_rpc(self):
        payload = json.dumps(pushed())
        vals = {
            "procedure_id": self.procedure.id,
            "partner_id": self.business_a.id,
            "channel": "national_portal",
            "national_code": "G22.99-251125-00001",
        }
        for user in (self.portal_a, self.plain_user, self.onestop):
            password = user.login + "-pass-2026" if user.share else None
            with self.subTest(user=user.login):
                for method, args in (
                    ("_moh_register", [[], self.portal_peer.id, payload]),
                    ("_moh_receive", [[], self.portal_peer.id, payload]),
                    ("_moh_pull", [[], self.portal_peer.id]),
                    ("_cron_moh_pull", [[]]),
                ):
                    _result, error = self._rpc(user, "moh.dvcqg.inbound", method, args, password=password)
                    self.assertIn(error, REFUSED, f"{user.login} called {method}")
                _result, error = self._rpc(user, "moh.dossier", "create", [vals], password=password)
                self.assertIn(error, REFUSED, f"{user.login} created a national portal dossier")
        # Not in superuser mode (an officer's own call): refused too.
        with self.assertRaises(AccessError):
            self.env["moh.dvcqg.inbound"].with_user(self.onestop)._moh_register(self.portal_peer, payload)
        self._nothing_kept()
