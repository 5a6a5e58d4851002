import datetime as dt

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged

D = dt.date


@tagged("post_install", "-at_install")
class TestWorkingCalendar(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env.company._moh_calendar()
        cls.calendar._moh_seed_public_holidays([2026, 2027])

    def test_company_counts_on_the_statutory_calendar(self):
        self.assertEqual(self.calendar, self.env.ref("moh_documents.calendar_moh_statutory"))
        self.assertEqual(self.calendar.tz, "Asia/Ho_Chi_Minh")
        self.assertEqual(self.calendar._moh_working_calendar().hours_per_day, 8)

    def test_tet_2027(self):
        # Lunar new year: Saturday 6 February 2027; off from Thursday 4 to Wednesday 10 February.
        for day in range(4, 11):
            self.assertFalse(self.calendar.moh_is_working_day(D(2027, 2, day)), day)
        self.assertTrue(self.calendar.moh_is_working_day(D(2027, 2, 3)))
        self.assertEqual(self.calendar.moh_add_working_days(D(2027, 2, 3), 3), D(2027, 2, 15))
        self.assertEqual(self.calendar.moh_working_days_between(D(2027, 2, 3), D(2027, 2, 15)), 3)
        self.assertEqual(self.calendar.moh_working_days_between(D(2027, 1, 31), D(2027, 2, 28)), 15)

    def test_culture_day_and_moved_days(self):
        self.assertFalse(self.calendar.moh_is_working_day(D(2026, 11, 24)))
        self.assertTrue(self.calendar.moh_is_working_day(D(2026, 8, 22)))  # Saturday worked
        self.assertFalse(self.calendar.moh_is_working_day(D(2026, 8, 31)))

    def test_seeding_is_idempotent(self):
        leaves = self.calendar.global_leave_ids
        workdays = self.calendar.moh_compensatory_workday_ids
        self.calendar._moh_seed_public_holidays([2026, 2027])
        self.assertEqual(self.calendar.global_leave_ids, leaves)
        self.assertEqual(self.calendar.moh_compensatory_workday_ids, workdays)
        tet = leaves.filtered(lambda leave: leave.name == "Tết Nguyên Đán")
        self.assertTrue(tet)

    def test_administrator_moves_a_day(self):
        # The government announces Friday 12 February 2027 off, worked on Saturday 20 February.
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Nghỉ bù Tết",
                "calendar_id": self.calendar.id,
                "date_from": dt.datetime(2027, 2, 11, 17, 0),  # 00:00 on the 12th in Hanoi
                "date_to": dt.datetime(2027, 2, 12, 16, 59, 59),
            }
        )
        self.env["moh.compensatory.workday"].create(
            {"name": "Làm bù", "date": D(2027, 2, 20), "calendar_id": self.calendar.id}
        )
        self.assertFalse(self.calendar.moh_is_working_day(D(2027, 2, 12)))
        self.assertTrue(self.calendar.moh_is_working_day(D(2027, 2, 20)))
        self.assertEqual(self.calendar.moh_working_days_between(D(2027, 2, 3), D(2027, 2, 22)), 8)

    def test_a_working_day_cannot_be_declared_worked(self):
        with self.assertRaises(ValidationError):
            self.env["moh.compensatory.workday"].create(
                {"name": "Wrong", "date": D(2027, 2, 17), "calendar_id": self.calendar.id}
            )

    def test_cron_seeds_the_years_ahead(self):
        year = dt.date.today().year
        self.env["resource.calendar"]._cron_moh_seed_public_holidays()
        holidays = self.calendar._moh_working_calendar().holidays
        self.assertTrue(any(day.year == year + 2 for day in holidays))
