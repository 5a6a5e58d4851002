from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestEgovRoles(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.officer = new_test_user(cls.env, login="t_egov_officer", groups="moh_documents.group_specialist")
        cls.clerk = new_test_user(cls.env, login="t_egov_clerk", groups="moh_documents.group_clerk")
        cls.admin = new_test_user(cls.env, login="t_egov_admin", groups="moh_documents.group_moh_admin")
        cls.business = cls.env["res.partner"].create(
            {"name": "Công ty TNHH Thử nghiệm", "is_company": True, "moh_is_business": True}
        )
        contact = cls.env["res.partner"].create({"name": "Người nộp hồ sơ", "parent_id": cls.business.id})
        cls.portal = new_test_user(cls.env, login="t_egov_portal", groups="base.group_portal", partner_id=contact.id)

    def _visible(self, user, xmlid):
        return self.env.ref(xmlid).id in self.env["ir.ui.menu"].with_user(user).sudo()._visible_menu_ids()

    def test_back_office_menus(self):
        for user in (self.officer, self.clerk, self.admin):
            with self.subTest(user=user.login):
                self.assertTrue(self._visible(user, "moh_egov.menu_egov_root"))
                self.assertTrue(self._visible(user, "moh_egov.menu_egov_business"))
                self.assertEqual(self._visible(user, "moh_egov.menu_egov_config"), user == self.admin)
        self.assertFalse(self._visible(self.portal, "moh_egov.menu_egov_root"))

    def test_portal_business_is_not_an_officer(self):
        self.assertTrue(self.portal.has_group("base.group_portal"))
        self.assertFalse(self.portal.has_group("base.group_user"))
        self.assertEqual(self.portal.partner_id.commercial_partner_id, self.business)
        with self.assertRaises(AccessError):
            self.env["hr.department"].with_user(self.portal).search([])

    def test_demo_businesses(self):
        user = self.env.ref("moh_egov.user_dn_hoasen", raise_if_not_found=False)
        if not user:
            self.skipTest("installed without demo data")
        colleague = self.env.ref("moh_egov.user_dn_hoasen2")
        self.assertTrue(user.has_group("base.group_portal"))
        self.assertEqual(user.partner_id.commercial_partner_id, colleague.partner_id.commercial_partner_id)
        self.assertTrue(user.partner_id.commercial_partner_id.moh_is_business)
        self.assertNotEqual(
            user.partner_id.commercial_partner_id,
            self.env.ref("moh_egov.user_dn_songhong").partner_id.commercial_partner_id,
        )
