"""The local national portal (moh_core.testing.dvcqg_portal) end to end, over real HTTP both ways:
a dossier filed on the portal is pushed into the product, then the sync sends it back to the
portal as an update (TraCuuHoSo finds the portal's copy), never inserted a second time."""

from odoo.tests import HttpCase, tagged

from moh_core.testing.dvcqg_portal import LocalNationalPortal

from .common import DvcqgLinkMixin, EgovCase
from .test_dvcqg_inbound import pushed

TOKEN = "dvcqg-portal-token-for-tests"
CODE = "G22.99-261125-00042"

TECHID = "8f14e45f-ceea-467f-a0e6-b2c1d3e4f5a6"


@tagged("post_install", "-at_install")
class TestDvcqgPortal(DvcqgLinkMixin, EgovCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_dvcqg_link(name="Cổng Dịch vụ công quốc gia (thử nghiệm)", code="DVCQG.PORTAL", inbound_token=TOKEN)
        cls.req_form.dvcqg_code = "TP1"
        cls.req_label.dvcqg_code = "TP2"

    def test_a_dossier_filed_on_the_portal_comes_back_updated(self):
        with LocalNationalPortal(sync_port=self.port) as portal:
            answer = self._over_http(portal.push_dossier, self.base_url(), TOKEN, pushed(CODE, MaDoiTuong=TECHID))
            self.assertEqual(answer["error_code"], 0, answer)
            dossier = self.env["moh.dossier"].sudo().search([("national_code", "=", CODE)])
            self.assertEqual((dossier.code, dossier.channel, dossier.state), (CODE, "national_portal", "submitted"))
            self.assertIn(CODE, portal.sync.state.dossiers)  # the portal's own copy

            [message] = self.env["moh.exchange.message"].search(
                [("res_model", "=", "moh.dossier"), ("res_id", "=", dossier.id), ("kind", "=", "dvcqg_sync")]
            )
            outcome = self._over_http(message._moh_deliver)
            self.assertTrue(outcome.startswith("sent: updated, 1 step"), outcome)
            state = portal.sync.state
            self.assertEqual(len(state.calls("TraCuuHoSo", ok=True)), 1)
            self.assertEqual([c["body"]["isUpdating"] for c in state.calls("DongBoHoSoMC")], ["True"])
            record = state.dossiers[CODE]
            self.assertEqual(record["MaTTHC"], "1.002088")
            self.assertEqual(record["SoGiayToChuHoSo"], "0319998887")
            # the filer's national account, as the portal sent it (nobody signed in here)
            self.assertEqual(record["MaDoiTuong"], TECHID)
            self.assertEqual(dossier.national_filer_techid, TECHID)
            self.assertEqual(len(record["TaiLieuNop"]), 2)
            self.assertEqual([d["ok"] for d in state.downloads], [True, True])  # the files by their links
            self.assertEqual(len(state.steps[CODE]), 1)

            # pushed again: answered "already received", nothing registered or sent twice
            again = self._over_http(portal.push_dossier, self.base_url(), TOKEN, pushed(CODE))
            self.assertEqual(again["error_code"], 1, again)
            self.assertEqual(self.env["moh.dossier"].sudo().search_count([("national_code", "=", CODE)]), 1)
