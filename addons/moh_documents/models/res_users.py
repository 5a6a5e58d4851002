from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    def _moh_set_demo_language(self):
        """Demo users work in Vietnamese, when it is installed (run and test scripts load it)."""
        if self.env["res.lang"]._lang_get("vi_VN"):
            self.write({"lang": "vi_VN"})
