from odoo import api, models
from odoo.exceptions import AccessError


class ResUsers(models.Model):
    _inherit = "res.users"

    def _moh_set_demo_language(self):
        """Demo users work in Vietnamese, when it is installed (run and test scripts load it)."""
        if self.env["res.lang"]._lang_get("vi_VN"):
            self.write({"lang": "vi_VN"})

    # The reviews a user is named on (base_tier_validation) share their table with the reviews'
    # reviewers: naming oneself, or anyone, a reviewer through the user is a review written
    # outside the review steps.
    def _moh_check_reviews_untouched(self, vals):
        if "review_ids" in vals and not self.env.su:
            raise AccessError(self.env._(
                "Reviews change only through the review steps of their document (request, approve, "
                "reject, restart), never directly."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._moh_check_reviews_untouched(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._moh_check_reviews_untouched(vals)
        return super().write(vals)
