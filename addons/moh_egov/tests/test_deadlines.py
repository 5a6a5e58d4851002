"""Deadline rules of Decree 118/2025/ND-CP on the holiday calendar: Tết, supplements that
restart the clock, one extension with an apology, closing incomplete dossiers."""

import datetime as dt

from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged

from .common import EgovCase


@tagged("post_install", "-at_install")
class TestDossierDeadlines(EgovCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        calendar = cls.env.company._moh_calendar()
        calendar._moh_seed_public_holidays([2026, 2027])

    def test_due_date_across_tet_2027(self):
        # Tết 2027: the first lunar day is Saturday 6 February; the break covers the next week.
        with freeze_time("2027-02-04 02:00:00"):  # Thursday before Tết, 09:00 local
            dossier = self._received()
        holidays = self.env.company._moh_calendar()._moh_working_calendar().holidays
        tet = sorted(d for d in holidays if d.year == 2027 and d.month == 2)
        self.assertTrue(tet, "Tết 2027 is in the calendar")
        expected = self.env.company._moh_calendar().moh_add_working_days(dt.date(2027, 2, 4), 3)
        self.assertEqual(dossier.deadline, expected)
        self.assertGreater(dossier.deadline, max(tet), "the clock does not run during Tết")

    def test_supplement_once_then_clock_restarts_from_zero(self):
        with freeze_time("2026-11-23 02:00:00"):
            dossier = self._received()
            self.assertEqual(dossier.deadline, dt.date(2026, 11, 27))
        with freeze_time("2026-11-25 03:00:00"):  # Wednesday, within 3 working days
            dossier.with_user(self.onestop).action_request_supplement("Bổ sung giấy ủy quyền của nhà sản xuất")
        self.assertEqual(dossier.state, "supplement")
        self.assertFalse(dossier.deadline, "no clock while the business completes the dossier")
        self.assertEqual(
            dossier.supplement_deadline,
            self.env.company._moh_calendar().moh_add_working_days(dt.date(2026, 11, 25), 15),
        )
        slip = dossier.sudo().message_ids.attachment_ids.filtered(lambda a: "phieu-bo-sung" in a.name)
        self.assertEqual(len(slip), 1)
        with freeze_time("2026-12-01 02:00:00"):  # Tuesday: the supplement arrives
            self._add(dossier, filename="giay-uy-quyen.pdf", supplement=True)
            dossier.action_supplement_done()
            self.assertEqual(dossier.state, "submitted")
        with freeze_time("2026-12-01 06:00:00"):
            dossier.with_user(self.onestop).action_accept()
        # Restarted from zero on 1 December: 2, 3, 4 December.
        self.assertEqual(dossier.deadline, dt.date(2026, 12, 4))
        with freeze_time("2026-12-02 02:00:00"), self.assertRaises(UserError):
            dossier.with_user(self.onestop).action_request_supplement("Lần hai")

    def test_supplement_must_be_asked_within_3_working_days(self):
        with freeze_time("2026-11-23 02:00:00"):
            dossier = self._submitted()
        with freeze_time("2026-11-30 02:00:00"), self.assertRaises(UserError):  # 4th working day
            dossier.with_user(self.onestop).action_request_supplement("Quá hạn yêu cầu bổ sung")
        self.assertEqual(dossier.state, "submitted")

    def test_incomplete_dossier_is_closed_after_15_working_days(self):
        with freeze_time("2026-11-23 02:00:00"):
            dossier = self._submitted()
            dossier.with_user(self.onestop).action_request_supplement("Bổ sung nhãn sản phẩm")
        limit = dossier.supplement_deadline
        with freeze_time(f"{limit.isoformat()} 10:00:00"):
            self.env["moh.dossier"]._cron_moh_close_incomplete()
            self.assertEqual(dossier.state, "supplement", "not closed on the last day")
        with freeze_time(f"{(limit + dt.timedelta(days=1)).isoformat()} 10:00:00"):
            closed = self.env["moh.dossier"]._cron_moh_close_incomplete()
        self.assertIn(dossier, closed)
        self.assertEqual(dossier.state, "closed")

    def test_scheduled_closing_counts_on_the_agencys_day(self):
        """At 18:00 UTC on the last day it is already the next day in Hà Nội: the job, run as a
        user without a time zone, closes the dossier then, not seven hours later."""
        with freeze_time("2026-11-23 02:00:00"):
            dossier = self._submitted()
            dossier.with_user(self.onestop).action_request_supplement("Bổ sung nhãn sản phẩm")
        limit = dossier.supplement_deadline
        job = self.env["moh.dossier"].with_context(tz=False)
        with freeze_time(f"{limit.isoformat()} 16:30:00"):  # 23:30 in Hà Nội: still the last day
            job._cron_moh_close_incomplete()
            self.assertEqual(dossier.state, "supplement")
        with freeze_time(f"{limit.isoformat()} 18:00:00"):  # 01:00 the next day in Hà Nội
            job._cron_moh_close_incomplete()
        self.assertEqual(dossier.state, "closed")

    def test_late_dossier_apologises_once_before_its_deadline(self):
        with freeze_time("2026-11-23 02:00:00"):
            dossier = self._received()
            dossier.with_user(self.onestop).action_assign(specialist=self.specialist)
        self.assertEqual(dossier.deadline, dt.date(2026, 11, 27))
        with freeze_time("2026-11-26 02:00:00"):  # Thursday: one working day before Friday
            with self.assertRaises(UserError):
                dossier.with_user(self.head).action_apologise("Chờ ý kiến chuyên gia", dt.date(2026, 11, 27))
            dossier.with_user(self.head).action_apologise("Chờ ý kiến của Hội đồng chuyên gia", dt.date(2026, 12, 4))
        self.assertEqual(dossier.deadline, dt.date(2026, 12, 4))
        self.assertEqual(dossier.first_deadline, dt.date(2026, 11, 27))
        self.assertTrue(dossier.sudo().message_ids.attachment_ids.filtered(lambda a: "phieu-xin-loi" in a.name))
        with freeze_time("2026-11-30 02:00:00"), self.assertRaises(UserError):
            dossier.with_user(self.head).action_apologise("Lần hai", dt.date(2026, 12, 11))
        with freeze_time("2026-12-08 02:00:00"):
            self.assertEqual(dossier.deadline_state, "overdue")

    def test_apology_too_late_is_refused(self):
        with freeze_time("2026-11-23 02:00:00"):
            dossier = self._received()
        with freeze_time("2026-11-27 02:00:00"), self.assertRaises(UserError):  # the deadline day itself
            dossier.with_user(self.onestop).action_apologise("Quá muộn", dt.date(2026, 12, 4))

    def test_supplement_window_counts_from_filing_not_acceptance(self):
        """Filed on Friday 20 November 2026, accepted on Monday 23: the 3 working days run from the
        filing (23, 25 and 26 November; Culture Day off), not from the acceptance (to the 27th)."""
        dossiers = []
        for _turn in range(2):
            with freeze_time("2026-11-20 09:00:00"):  # Friday 16:00 in Hà Nội
                dossier = self._submitted()
                self._pay(dossier)
            with freeze_time("2026-11-23 02:00:00"):
                dossier.with_user(self.onestop).action_accept()
            dossiers.append(dossier)
        with freeze_time("2026-11-26 09:00:00"):  # Thursday 16:00: the last day
            dossiers[0].with_user(self.onestop).action_request_supplement("Bổ sung nhãn sản phẩm")
        self.assertEqual(dossiers[0].state, "supplement")
        with freeze_time("2026-11-27 02:00:00"), self.assertRaises(UserError) as error:
            dossiers[1].with_user(self.onestop).action_request_supplement("Bổ sung nhãn sản phẩm")
        self.assertIn("26/11/2026", str(error.exception))
        self.assertEqual((dossiers[1].state, dossiers[1].deadline), ("received", dt.date(2026, 11, 27)))

    def test_extension_goes_to_a_working_day_and_ends_supplements(self):
        with freeze_time("2026-11-23 02:00:00"):
            dossier = self._received()
        self.assertEqual(dossier.deadline, dt.date(2026, 11, 27))
        with freeze_time("2026-11-25 02:00:00"):
            with self.assertRaises(UserError, msg="Saturday 28 November is not a working day"):
                dossier.with_user(self.onestop).action_apologise("Chờ ý kiến chuyên gia", dt.date(2026, 11, 28))
            self.assertFalse(dossier.apology_sent_at)
            self.assertEqual(dossier.deadline, dt.date(2026, 11, 27))
            dossier.with_user(self.onestop).action_apologise("Chờ ý kiến chuyên gia", dt.date(2026, 12, 1))
            self.assertEqual((dossier.deadline, dossier.first_deadline), (dt.date(2026, 12, 1), dt.date(2026, 11, 27)))
            with self.assertRaises(UserError, msg="no supplements after the apology"):
                dossier.with_user(self.onestop).action_request_supplement("Bổ sung nhãn sản phẩm")
        self.assertEqual((dossier.state, dossier.deadline), ("received", dt.date(2026, 12, 1)))

    def test_calendar_day_procedure_counts_weekends(self):
        """A procedure whose time limit is in calendar days: received Friday 20 November 2026,
        4 days end on Tuesday 24 November, Culture Day, so on Wednesday 25 (Civil Code Art.
        148.5); counted in working days it would be Friday 27."""
        self.procedure.with_user(self.admin).write({"processing_days": 4, "processing_unit": "calendar"})
        with freeze_time("2026-11-20 02:00:00"):
            dossier = self._received()
        self.assertEqual(dossier.deadline, dt.date(2026, 11, 25))
        self.procedure.with_user(self.admin).write({"processing_unit": "working"})
        with freeze_time("2026-11-20 02:00:00"):
            dossier = self._received()
        self.assertEqual(dossier.deadline, dt.date(2026, 11, 27))
        # Three calendar days from Friday: Monday 23 November, the weekend counted.
        self.procedure.with_user(self.admin).write({"processing_days": 3, "processing_unit": "calendar"})
        with freeze_time("2026-11-20 02:00:00"):
            dossier = self._received()
        self.assertEqual(dossier.deadline, dt.date(2026, 11, 23))

    def test_only_the_administrator_sets_how_a_procedure_counts(self):
        for user in (self.onestop, self.head, self.clerk):
            with self.assertRaises(AccessError, msg=user.login):
                self.procedure.with_user(user).write({"processing_unit": "calendar"})
        self.assertEqual(self.procedure.processing_unit, "working")
