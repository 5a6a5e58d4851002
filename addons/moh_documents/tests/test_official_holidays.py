"""Official days off come from the government's notice of the year; the holidays library only
proposes provisional days, once per year, and never brings back a day the administrator deleted
(Labour Code 2019 Art. 112; Resolution 28/2026/QH16; Official Letter 10065/VPCP-KGVX)."""

import datetime as dt

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, freeze_time, tagged

from .common import MohUsersMixin

D = dt.date


@tagged("post_install", "-at_install")
class TestOfficialHolidays(MohUsersMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_users()
        cls.calendar = cls.env.company._moh_calendar()

    def _leaves_on(self, day):
        calendar = self.calendar
        return calendar.global_leave_ids.filtered(
            lambda leave: day in calendar._moh_days_off(leave, dt.time(8), dt.time(17))
        )

    def test_culture_day_2026_is_an_official_day_off(self):
        leave = self.env.ref("moh_documents.holiday_2026_culture_day")
        self.assertEqual(self._leaves_on(D(2026, 11, 24)), leave, "one day off, from the notice, not the library")
        self.assertEqual(leave.moh_state, "official")
        self.assertIn("28/2026/QH16", leave.moh_source)
        self.assertIn("10065/VPCP-KGVX", leave.moh_source)
        self.assertIn("(verify)", leave.moh_source)
        self.assertFalse(self.calendar.moh_is_working_day(D(2026, 11, 24)))
        self.assertTrue(self.calendar.moh_is_working_day(D(2026, 11, 23)))
        self.assertTrue(self.calendar.moh_is_working_day(D(2026, 11, 25)))

    def test_tet_2027_as_the_notice_says(self):
        tet = self.env.ref("moh_documents.holiday_2027_tet")
        self.assertEqual(tet.moh_state, "official")
        self.assertIn("10065/VPCP-KGVX", tet.moh_source)
        for day in range(4, 11):
            self.assertEqual(self._leaves_on(D(2027, 2, day)), tet, day)
            self.assertFalse(self.calendar.moh_is_working_day(D(2027, 2, day)), day)
        self.assertTrue(self.calendar.moh_is_working_day(D(2027, 2, 3)))
        self.assertTrue(self.calendar.moh_is_working_day(D(2027, 2, 11)))
        # The library's own Tết days are not proposed beside the notice's.
        self.assertFalse(
            self.calendar.global_leave_ids.filtered(
                lambda leave: (
                    leave.moh_state == "provisional" and leave.date_from.year == 2027 and leave.date_from.month == 2
                )
            )
        )
        national_day = self.env.ref("moh_documents.holiday_2027_national_day")
        self.assertEqual({day for day in range(1, 7) if self._leaves_on(D(2027, 9, day)) == national_day}, {2, 3, 4, 5})

    def test_a_provisional_day_is_marked_so(self):
        # No notice yet for 2028: Tết 2028 (Wednesday 26 January) is the library's proposal.
        tet = self._leaves_on(D(2028, 1, 26))
        self.assertEqual(len(tet), 1)
        self.assertEqual(tet.moh_state, "provisional")
        self.assertIn("holidays library", tet.moh_source)
        self.assertTrue(tet.display_name.endswith("(provisional)"), tet.display_name)
        self.assertFalse(self.calendar.moh_is_working_day(D(2028, 1, 26)), "provisional days still count")
        official = self.env.ref("moh_documents.holiday_2027_tet")
        self.assertNotIn("provisional", official.display_name)

    def test_the_cron_never_brings_back_a_deleted_day(self):
        Leave = self.env["resource.calendar.leaves"].with_user(self.admin)
        # A year already proposed: the administrator deletes a provisional day.
        hung_kings = self._leaves_on(D(2028, 4, 4))
        self.assertEqual(hung_kings.moh_state, "provisional")
        Leave.browse(hung_kings.id).unlink()
        self.env["resource.calendar"]._cron_moh_seed_public_holidays()
        self.assertFalse(self._leaves_on(D(2028, 4, 4)))
        # A new year: proposed once by the job, then a deletion sticks.
        with freeze_time("2031-01-10 03:00:00"):
            self.env["resource.calendar"]._cron_moh_seed_public_holidays()
            proposed = self._leaves_on(D(2033, 11, 24))
            self.assertEqual(proposed.moh_state, "provisional")
            self.assertIn("2033", self.calendar.moh_seeded_years.split(","))
            Leave.browse(proposed.id).unlink()
            self.env["resource.calendar"]._cron_moh_seed_public_holidays()
        self.assertFalse(self._leaves_on(D(2033, 11, 24)))
        self.assertTrue(self.calendar.moh_is_working_day(D(2033, 11, 24)))

    def test_the_administrator_confirms_a_day_from_the_notice(self):
        leave = self._leaves_on(D(2028, 11, 24)).with_user(self.admin)
        leave.write({"moh_state": "official", "moh_source": "Công văn số .../VPCP-KGVX (kiểm thử)"})
        self.assertEqual(leave.moh_state, "official")
        self.assertNotIn("provisional", leave.display_name)
        workday = (
            self.env["moh.compensatory.workday"]
            .with_user(self.admin)
            .create(
                {
                    "name": "Làm bù",
                    "date": D(2028, 11, 25),
                    "calendar_id": self.calendar.id,
                    "source": "Công văn số .../VPCP-KGVX (kiểm thử)",
                }
            )
        )
        self.assertEqual(workday.state, "official")

    def test_other_roles_cannot_change_the_days_off(self):
        tet = self.env.ref("moh_documents.holiday_2027_tet")
        provisional = self._leaves_on(D(2028, 1, 26))
        for user in (self.clerk, self.leader, self.head, self.plain_user):
            leaves = self.env["resource.calendar.leaves"].with_user(user)
            with self.assertRaises(AccessError, msg=user.login):
                leaves.browse(tet.id).unlink()
            with self.assertRaises(AccessError, msg=user.login):
                leaves.browse(provisional.id).write({"moh_state": "official"})
            with self.assertRaises(AccessError, msg=user.login):
                leaves.create(
                    {
                        "name": "Nghỉ thêm",
                        "calendar_id": self.calendar.id,
                        "date_from": dt.datetime(2028, 3, 1, 17),
                        "date_to": dt.datetime(2028, 3, 2, 16, 59, 59),
                    }
                )
            with self.assertRaises(AccessError, msg=user.login):
                self.env["moh.compensatory.workday"].with_user(user).create(
                    {"name": "Làm bù", "date": D(2028, 3, 4), "calendar_id": self.calendar.id}
                )
            with self.assertRaises(AccessError, msg=user.login):
                self.calendar.with_user(user).write({"moh_seeded_years": ""})
        self.assertTrue(tet.exists())
        self.assertEqual(provisional.moh_state, "provisional")
        self.assertEqual(self.calendar.moh_seeded_years.count("2028"), 1)

    def test_days_seeded_before_this_version_become_provisional(self):
        """A database seeded by the library before official days existed: on update, the
        library's days (same day and name, no source) become provisional, the others stay."""
        tz_day = dt.timedelta(hours=7)
        Leave = self.env["resource.calendar.leaves"]
        library = Leave.create(
            {
                "name": "Ngày Văn hóa Việt Nam",
                "calendar_id": self.calendar.id,
                "date_from": dt.datetime(2029, 11, 24) - tz_day,
                "date_to": dt.datetime(2029, 11, 24, 23, 59, 59) - tz_day,
            }
        )
        manual = Leave.create(
            {
                "name": "Nghỉ thêm",
                "calendar_id": self.calendar.id,
                "date_from": dt.datetime(2029, 11, 26) - tz_day,
                "date_to": dt.datetime(2029, 11, 26, 23, 59, 59) - tz_day,
            }
        )
        self.assertEqual((library | manual).mapped("moh_state"), ["official", "official"])
        self.calendar.moh_seeded_years = False
        self.env["resource.calendar"]._moh_adopt_library_days()
        self.assertEqual(library.moh_state, "provisional")
        self.assertIn("holidays library", library.moh_source)
        self.assertEqual(manual.moh_state, "official")
        self.assertFalse(manual.moh_source)
        self.assertIn("2029", self.calendar.moh_seeded_years.split(","))
        self.assertEqual(self.env.ref("moh_documents.holiday_2027_tet").moh_state, "official")
        # Once the years are recorded, nothing more is touched.
        manual.moh_state = "official"
        self.env["resource.calendar"]._moh_adopt_library_days()
        self.assertEqual(manual.moh_state, "official")
