"""Reviews of the product's documents (OCA base_tier_validation's tier.review).

A review is the record of a reviewer's decision: it moves only through the review steps of its
document (request, approve, reject, restart), which check that it is the caller's turn and then
write the reviews in superuser mode. Nobody creates, writes or deletes a review of a ``moh.*``
document directly, whatever their rights on tier.review. A review (and its comment) is read only
by those who may read its document.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.fields import Domain


class TierReview(models.Model):
    _inherit = "tier.review"

    moh_document_readable = fields.Boolean(
        string="Document Readable",
        compute="_compute_moh_document_readable",
        search="_search_moh_document_readable",
        help="Whether the current user may read the document under review (always for documents "
        "of other applications).",
    )

    @api.model
    def _moh_document_models(self):
        """The product's models reviewed through a chain."""
        return [
            name
            for name in self.env.registry
            if name.startswith("moh.")
            and (field := self.env[name]._fields.get("review_ids"))
            and field.comodel_name == "tier.review"
        ]

    @api.model
    def _moh_protected(self, model_name):
        return bool(model_name) and model_name.startswith("moh.")

    def _moh_refuse(self):
        raise AccessError(
            self.env._(
                "Reviews change only through the review steps of their document (request, approve, "
                "reject, restart), never directly."
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(
            self._moh_protected(vals.get("model", self.env.context.get("default_model"))) for vals in vals_list
        ):
            self._moh_refuse()
        reviews = super().create(vals_list)
        if not self.env.su and any(self._moh_protected(name) for name in reviews.sudo().mapped("model")):
            self._moh_refuse()
        return reviews

    def write(self, vals):
        if not self.env.su and (
            self._moh_protected(vals.get("model"))
            or any(self._moh_protected(name) for name in self.sudo().mapped("model"))
        ):
            self._moh_refuse()
        return super().write(vals)

    def unlink(self):
        if not self.env.su and any(self._moh_protected(name) for name in self.sudo().mapped("model")):
            self._moh_refuse()
        return super().unlink()

    def _update_review_status(self):
        # Promotes the next reviews of a chain to "pending" from the chain's own data (no value
        # from the caller); called by the review steps and by every user's review counter.
        return super(TierReview, self.sudo())._update_review_status()

    @api.depends_context("uid")
    def _compute_moh_document_readable(self):
        protected = set(self._moh_document_models())
        for name, reviews in self.grouped("model").items():
            if name not in protected:
                reviews.moh_document_readable = True
                continue
            documents = self.env[name].sudo(False)
            readable = set()
            if documents.has_access("read"):
                readable = set(
                    documents.browse({review.res_id for review in reviews}).exists()._filtered_access("read")._ids
                )
            for review in reviews:
                review.moh_document_readable = review.res_id in readable

    def _search_moh_document_readable(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        protected = self._moh_document_models()
        readable = Domain("model", "not in", protected)
        for name in protected:
            # The current user's own rights on the documents, also when the rule is evaluated
            # in superuser mode.
            documents = self.env[name].sudo(False)
            if documents.has_access("read"):
                readable |= Domain("model", "=", name) & Domain("res_id", "in", documents._search([]))
        return readable if (operator == "in") == (True in value) else ~readable
