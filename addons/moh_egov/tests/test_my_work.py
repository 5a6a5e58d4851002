"""My Work (moh.work.item) lists the dossiers each person must act on."""

from odoo.tests import tagged

from .common import EgovCase


@tagged("post_install", "-at_install")
class TestMyWorkDossiers(EgovCase):
    def _rows(self, user, dossier):
        self.env.flush_all()
        return self.env["moh.work.item"].with_user(user).search([("kind", "=", "dossier"), ("res_id", "=", dossier.id)])

    def test_a_dossier_is_in_the_work_of_who_must_act(self):
        dossier = self._received()
        dossier.with_user(self.onestop).action_assign()
        # Handed to the department: its head chooses a specialist.
        rows = self._rows(self.head, dossier)
        self.assertEqual((rows.step, rows.res_model, rows.user_id), ("dossier_assign", "moh.dossier", self.head))
        self.assertFalse(self._rows(self.specialist, dossier))
        dossier.with_user(self.head).action_assign(specialist=self.specialist)
        # Then the specialist appraises it, by its due date; the head has nothing left to do.
        rows = self._rows(self.specialist, dossier)
        self.assertEqual((rows.step, rows.deadline), ("appraise", dossier.sudo().deadline))
        self.assertFalse(self._rows(self.head, dossier))
        self.assertFalse(self._rows(self.specialist_legal, dossier))
        action = rows.action_open_record()
        self.assertEqual((action["res_model"], action["res_id"]), ("moh.dossier", dossier.id))
