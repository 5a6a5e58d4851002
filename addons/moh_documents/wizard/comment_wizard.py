from odoo import models


class CommentWizard(models.TransientModel):
    """The comment dialog of the review chain approves or rejects the reviews it names: for a
    document of the product, only the caller's own reviews, at their turn, of that document."""

    _inherit = "comment.wizard"

    def add_comment(self):
        self.ensure_one()
        if self.env.su or not (self.res_model or "").startswith("moh."):
            return super().add_comment()
        document = self.env[self.res_model].browse(self.res_id)
        document._moh_check_review_decision(self.validate_reject, self.review_ids)
        # Checked: the reviews are the caller's own, at their turn; the chain writes them (the user
        # stays the caller, whom the chain records as the reviewer).
        return super(CommentWizard, self.sudo()).add_comment()
