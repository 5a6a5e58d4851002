"""The one-stop shop's dossier-tracking register (Mẫu 07, Sổ theo dõi hồ sơ), printed by the
one-stop officer for a period; and the dossier code, which needs the agency's identification
code (Decision 20/2020/QD-TTg) and never takes a made-up one."""

import base64
import datetime as dt
import subprocess
import tempfile

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from moh_core.documents.registers import DOSSIER_TRACKING_FORM
from moh_core.testing.fixtures import register_headings

from .common import EgovCase


@tagged("post_install", "-at_install")
class TestDossierTrackingRegister(EgovCase):
    def _print(self, user, date_from, date_to):
        wizard = (
            self.env["moh.dossier.register.print.wizard"]
            .with_user(user)
            .create({"date_from": date_from, "date_to": date_to})
        )
        action = wizard.action_print()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        return base64.b64decode(attachment.datas)

    def test_onestop_officer_prints_the_register_of_a_period(self):
        if not self.provider:
            self.skipTest("payment_demo is not installed")
        dossier = self._received()
        dossier.with_user(self.onestop).action_assign()
        received = self.env.company._moh_local_date(dossier.received_at)
        pdf = self._print(self.onestop, received.replace(day=1), received)
        self.assertEqual(register_headings(pdf, DOSSIER_TRACKING_FORM.widths_mm), list(DOSSIER_TRACKING_FORM.columns))
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(pdf)
            handle.flush()
            text = subprocess.run(
                ["pdftotext", "-layout", handle.name, "-"], capture_output=True, text=True, check=True
            ).stdout
        self.assertIn("SỔ THEO DÕI HỒ SƠ", text)
        self.assertIn(f"Từ ngày {received.replace(day=1):%d/%m/%Y} đến ngày {received:%d/%m/%Y}", text)
        row = next(line for line in text.splitlines() if dossier.code in line)
        # STT, code, ..., received, appointment, handed over: left to right.
        period = (
            self.env["moh.dossier"]
            .sudo()
            .search([("received_at", "!=", False)], order="received_at, id")
            .filtered(lambda d: received.replace(day=1) <= self.env.company._moh_local_date(d.received_at) <= received)
        )
        self.assertEqual(row.split()[0], str(list(period).index(dossier) + 1), "STT: its place in the period")
        cells = [dossier.code, f"{received:%d/%m/%Y}", f"{dossier.deadline:%d/%m/%Y}"]
        positions = [row.index(cell) for cell in cells]
        self.assertEqual(positions, sorted(positions), row)
        self.assertEqual(row.count(f"{received:%d/%m/%Y}"), 2, "received and handed to the department the same day")
        # A period without dossiers prints nothing.
        with self.assertRaises(UserError):
            self._print(self.onestop, dt.date(2020, 1, 1), dt.date(2020, 1, 31))

    def test_only_the_onestop_shop_prints_it(self):
        for user in (self.specialist, self.clerk, self.portal_a):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self._print(user, dt.date(2026, 1, 1), dt.date(2026, 12, 31))

    def test_dossier_code_needs_the_agency_code(self):
        self.env.company.moh_agency_code = False
        dossier = self._draft()
        self._add(dossier)
        with self.assertRaises(UserError) as error:
            dossier.action_submit()
        self.assertIn("agency identification code", str(error.exception))
        self.assertFalse(dossier.sudo().code)
