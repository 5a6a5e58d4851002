"""The dossier's stored deadlines are the core clock's (moh_core.onestop.clock.DossierClock): real
dossiers driven through random histories by the real steps, as the one-stop officer, the
business and the specialist, compared after every step with the clock replaying the same
history. Receipts fall at any hour, on weekends, on Culture Day 2026 and around Tết 2027."""

import collections
import datetime as dt
import logging
import unittest

import pytz
from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged

from moh_core.onestop import DossierClock, OneStopError

from .common import EgovCase

try:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
except ImportError:  # a development requirement (requirements-dev.txt)
    given = None

_logger = logging.getLogger(__name__)
TZ = pytz.timezone("Asia/Ho_Chi_Minh")
START = dt.datetime(2026, 11, 16)  # local; 100 days cover Culture Day and Tết 2027


class _Rollback(Exception):
    """Undo one example's dossiers."""


@tagged("post_install", "-at_install")
@unittest.skipIf(given is None, "hypothesis is not installed")
class TestDossierClockProperties(EgovCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company._moh_calendar()._moh_seed_public_holidays([2026, 2027])

    @staticmethod
    def _utc(local):
        return TZ.localize(local).astimezone(pytz.utc).replace(tzinfo=None)

    def _snapshot(self, dossier):
        d = dossier.sudo()
        return (
            d.state,
            d.deadline,
            d.first_deadline,
            d.supplement_deadline,
            d.acceptance_deadline,
            d.apology_sent_at,
            d.supplement_count,
        )

    def _assert_same(self, dossier, clock, history):
        d = dossier.sudo()
        d.invalidate_recordset()
        msg = f"history {history}"
        self.assertEqual(d.deadline or None, clock.due, msg)
        self.assertEqual(d.first_deadline or None, clock.original_due, msg)
        self.assertEqual(d.supplement_deadline or None, clock.supplement_due, msg)
        self.assertEqual(d.state == "supplement", clock.paused, msg)
        if clock.acceptance_due:
            self.assertEqual(d.acceptance_deadline, self._utc(clock.acceptance_due), msg)

    def _step(self, dossier, action, new_due):
        if action == "accept":
            if dossier.sudo().payment_state == "pending":
                dossier.with_user(self.onestop).action_record_counter_payment()
            dossier.with_user(self.onestop).action_accept()
        elif action == "request_supplement":
            dossier.with_user(self.onestop).action_request_supplement("Bổ sung nhãn sản phẩm")
        elif action == "receive_supplement":
            self._add(dossier, self.req_label, filename="nhan-bo-sung.pdf", supplement=True)
            dossier.with_user(self.portal_a).action_supplement_done()
        elif action == "assign":
            dossier.with_user(self.onestop).action_assign(specialist=self.specialist)
        elif action == "extend":
            officer = self.specialist if dossier.sudo().state == "processing" else self.onestop
            dossier.with_user(officer).action_apologise("Chờ ý kiến chuyên gia", new_due)

    def _run_history(self, data):
        days = data.draw(st.integers(min_value=3, max_value=12), label="processing days")
        unit = data.draw(st.sampled_from(["working", "calendar"]), label="unit")
        # The supplement rules no legal text sets: the procedure's parameters, off or on.
        request_days = data.draw(st.sampled_from([0, 1, 3]), label="supplement request days (0: no limit)")
        once_only = data.draw(st.booleans(), label="supplements once only")
        close_days = data.draw(st.sampled_from([0, 5, 15]), label="days to complete (0: never closed)")
        self.procedure.with_user(self.admin).write(
            {
                "processing_days": days,
                "processing_unit": unit,
                "supplement_request_days": request_days,
                "supplement_once_only": once_only,
                "supplement_close_days": close_days,
            }
        )
        calendar = self.env.company._moh_calendar()._moh_working_calendar()
        at = START + dt.timedelta(minutes=data.draw(st.integers(min_value=0, max_value=100 * 24 * 60)))
        self._frozen.move_to(self._utc(at))
        dossier = self._submitted()
        clock = DossierClock(
            calendar,
            days,
            unit,
            supplement_request_days=request_days or None,
            supplement_days=close_days or None,
            supplement_once_only=once_only,
        ).receive(at)
        history = [("receive", at)]
        self._assert_same(dossier, clock, history)
        for _turn in range(data.draw(st.integers(min_value=1, max_value=5), label="steps")):
            options = {
                "submitted": ["accept", "accept", "request_supplement"],
                "received": ["request_supplement", "extend", "extend", "assign"],
                "processing": ["request_supplement", "extend"],
                "supplement": ["receive_supplement"],
            }.get(dossier.sudo().state)
            if not options:
                break
            action = data.draw(st.sampled_from(options), label="action")
            # An apology comes within days; other steps up to weeks later.
            longest = 3 if action == "extend" else 20
            at += dt.timedelta(
                minutes=data.draw(
                    st.one_of(
                        st.integers(min_value=1, max_value=2 * 24 * 60),
                        st.integers(min_value=1, max_value=longest * 24 * 60),
                    )
                )
            )
            new_due = None
            if action == "extend":
                new_due = (clock.due or at.date()) + dt.timedelta(
                    days=data.draw(st.integers(min_value=-1, max_value=12))
                )
            history.append((action, at, new_due))
            try:
                expected = (
                    clock.extend(new_due, at)
                    if action == "extend"
                    else (clock if action == "assign" else getattr(clock, action)(at))
                )
            except OneStopError:
                expected = None
            before = self._snapshot(dossier)
            self._frozen.move_to(self._utc(at))
            if expected is None:
                with self.assertRaises(UserError, msg=f"the clock refuses: history {history}"):
                    self._step(dossier, action, new_due)
            else:
                self._step(dossier, action, new_due)
            self._seen[action, expected is not None] += 1
            if expected is None:
                dossier.invalidate_recordset()
                self.assertEqual(self._snapshot(dossier), before, "a refused step changes nothing")
            else:
                clock = expected
            self._assert_same(dossier, clock, history)

    def test_stored_deadlines_are_the_clocks_on_random_histories(self):
        @settings(
            max_examples=15, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
        )
        @given(st.data())
        def check(data):
            try:
                with self.env.cr.savepoint():
                    self._run_history(data)
                    raise _Rollback
            except _Rollback:  # pylint: disable=except-pass  # the rollback is the point
                pass
            finally:
                self.env.invalidate_all()

        self._seen = collections.Counter()
        with freeze_time(self._utc(START)) as self._frozen:
            check()
        _logger.info("Steps taken (action, allowed by the clock): %s", dict(self._seen))
        # The histories did reach every rule, both ways.
        for action in ("accept", "request_supplement", "receive_supplement", "extend"):
            self.assertTrue(self._seen[action, True], f"no {action} was taken")
        self.assertTrue(sum(n for (_action, allowed), n in self._seen.items() if not allowed), "no step was refused")
