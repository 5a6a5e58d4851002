from odoo.tests import TransactionCase, tagged

from .common import MohUsersMixin

ROOT = "moh_documents.menu_moh_root"
DEPARTMENTS = "moh_documents.menu_moh_department"
CONFIG = "moh_documents.menu_moh_config"


@tagged("post_install", "-at_install")
class TestRoles(MohUsersMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_users()

    def _visible(self, user, xmlid):
        menu = self.env.ref(xmlid)
        return menu.id in self.env["ir.ui.menu"].with_user(user).sudo()._visible_menu_ids()

    def test_roles_imply_the_roles_below(self):
        self.assertTrue(self.head.has_group("moh_documents.group_specialist"))
        self.assertTrue(self.leader.has_group("moh_documents.group_department_head"))
        self.assertTrue(self.admin.has_group("moh_documents.group_ministry_leader"))
        self.assertTrue(self.admin.has_group("moh_documents.group_clerk"))
        # ... and not the roles above or beside them.
        self.assertFalse(self.specialist.has_group("moh_documents.group_department_head"))
        self.assertFalse(self.head.has_group("moh_documents.group_ministry_leader"))
        self.assertFalse(self.clerk.has_group("moh_documents.group_specialist"))
        self.assertFalse(self.leader.has_group("moh_documents.group_clerk"))
        self.assertFalse(self.leader.has_group("moh_documents.group_moh_admin"))
        self.assertFalse(self.portal.has_group("base.group_user"))

    def test_menu_visibility_per_role(self):
        for user in (self.clerk, self.specialist, self.head, self.leader, self.admin):
            with self.subTest(role=user.login):
                self.assertTrue(self._visible(user, ROOT))
                self.assertTrue(self._visible(user, DEPARTMENTS))
                self.assertEqual(self._visible(user, CONFIG), user == self.admin)
        for user in (self.portal, self.plain_user):
            with self.subTest(role=user.login):
                self.assertFalse(self._visible(user, ROOT))
                self.assertFalse(self._visible(user, CONFIG))

    def test_only_administrators_edit_the_calendar(self):
        calendar = self.env.ref("moh_documents.calendar_moh_statutory")
        from odoo.exceptions import AccessError

        for user in (self.clerk, self.specialist, self.head, self.leader):
            with self.subTest(role=user.login), self.assertRaises(AccessError):
                self.env["moh.compensatory.workday"].with_user(user).create(
                    {"name": "Try", "date": "2027-02-13", "calendar_id": calendar.id}
                )
        workday = (
            self.env["moh.compensatory.workday"]
            .with_user(self.admin)
            .create({"name": "Làm bù", "date": "2027-02-13", "calendar_id": calendar.id})
        )
        self.assertTrue(calendar.moh_is_working_day("2027-02-13"))
        # Everybody reads the calendar that counts their deadlines.
        self.assertEqual(workday.with_user(self.specialist).date.isoformat(), "2027-02-13")


@tagged("post_install", "-at_install")
class TestDemoOrganisation(TransactionCase):
    """The demo logins documented in the README carry the roles it says."""

    def test_demo_logins_and_roles(self):
        expected = {
            "quantri": "moh_documents.group_moh_admin",
            "vanthu": "moh_documents.group_clerk",
            "botruong": "moh_documents.group_ministry_leader",
            "thutruong": "moh_documents.group_ministry_leader",
            "cuctruong.qld": "moh_documents.group_department_head",
            "vutruong.pc": "moh_documents.group_department_head",
            "chuyenvien.qld": "moh_documents.group_specialist",
            "chuyenvien.pc": "moh_documents.group_specialist",
        }
        users = self.env["res.users"].search([("login", "in", list(expected))])
        if not users:
            self.skipTest("installed without demo data")
        self.assertEqual(set(users.mapped("login")), set(expected))
        for user in users:
            self.assertTrue(user.has_group(expected[user.login]), user.login)
        head = users.filtered(lambda u: u.login == "cuctruong.qld")
        self.assertEqual(head.employee_id.department_id, self.env.ref("moh_documents.dep_drug"))
        self.assertEqual(self.env.ref("moh_documents.dep_drug").manager_id, head.employee_id)
        specialist = users.filtered(lambda u: u.login == "chuyenvien.qld")
        self.assertFalse(specialist.has_group("moh_documents.group_department_head"))

    def test_real_ministry_units(self):
        units = self.env["hr.department"].search([("moh_abbreviation", "!=", False)])
        by_abbreviation = {unit.moh_abbreviation: unit for unit in units}
        for abbreviation in ("VPB", "PC", "KHTC", "QLD", "KCB", "ATTP", "TB-CT"):
            self.assertIn(abbreviation, by_abbreviation)
        self.assertEqual(by_abbreviation["QLD"].with_context(lang="vi_VN").name, "Cục Quản lý Dược")

    def test_demo_signing_setup(self):
        leader = self.env.ref("moh_documents.user_botruong", raise_if_not_found=False)
        if not leader:
            self.skipTest("installed without demo data")
        key = self.env["moh.signing.key"].search([("user_id", "=", leader.id)])
        self.assertTrue(key.certificate_subject)
        self.assertTrue(self.env["moh.signing.key"].search([("usage", "=", "seal")]).certificate)
        self.assertGreaterEqual(self.env["moh.trust.root"].search_count([]), 2)

    def test_demo_seal_is_on_a_softhsm_token(self):
        import base64
        import os

        from moh_core.demo import find_softhsm

        if not self.env.ref("moh_documents.user_botruong", raise_if_not_found=False):
            self.skipTest("installed without demo data")
        if not find_softhsm():
            self.skipTest("SoftHSM2 is not installed: the demo seal is a PKCS#12 file")
        seal = self.env["moh.signing.key"].search([("usage", "=", "seal")], limit=1)
        self.assertEqual(seal.kind, "pkcs11")
        self.assertIn("SOFTHSM2_CONF=", seal.pkcs11_environment)
        # As after a server restart: the process does not know the token directory; the key does.
        previous = os.environ.pop("SOFTHSM2_CONF", None)
        try:
            with seal._moh_signer() as signer:
                self.assertEqual(signer.certificate_der, base64.b64decode(seal.certificate))
        finally:
            if previous is not None:
                os.environ["SOFTHSM2_CONF"] = previous
