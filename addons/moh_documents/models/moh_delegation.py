from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError


class MohDelegation(models.Model):
    """A leader lets a deputy act in their name for a period (ủy quyền).

    Every step the deputy takes for the leader is recorded as taken on the leader's behalf.
    Only the leader delegates their own powers (or an e-office administrator records it for
    them): record rules and ``create``/``write`` refuse a delegation from somebody else.
    """

    _name = "moh.delegation"
    _description = "Delegation"
    _order = "date_from desc"

    delegator_id = fields.Many2one(
        "res.users", string="Leader", required=True, index=True, default=lambda self: self.env.user
    )
    delegate_id = fields.Many2one("res.users", string="Deputy", required=True, index=True)
    date_from = fields.Date(required=True, default=fields.Date.context_today)
    date_to = fields.Date(required=True)
    note = fields.Char()
    active = fields.Boolean(default=True)

    @api.constrains("delegator_id", "delegate_id", "date_from", "date_to")
    def _check_period(self):
        for delegation in self:
            if delegation.date_to < delegation.date_from:
                raise ValidationError(self.env._("A delegation must end after it starts."))
            if delegation.delegate_id == delegation.delegator_id:
                raise ValidationError(self.env._("A leader cannot delegate to themselves."))

    def _moh_check_delegator(self, delegators):
        """Only the delegator, or an e-office administrator, delegates from ``delegators``."""
        if self.env.su or self.env.user.has_group("moh_documents.group_moh_admin"):
            return
        if delegators - self.env.user:
            raise AccessError(
                self.env._(
                    "Only %(leader)s, or an e-office administrator, delegates %(leader)s's powers.",
                    leader=(delegators - self.env.user)[:1].name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._moh_check_delegator(records.delegator_id)
        return records

    def write(self, vals):
        self._moh_check_delegator(self.delegator_id)
        result = super().write(vals)
        if "delegator_id" in vals:
            self._moh_check_delegator(self.delegator_id)
        return result

    def unlink(self):
        self._moh_check_delegator(self.delegator_id)
        return super().unlink()

    @api.model
    def _moh_delegators_of(self, user, day=None):
        """The users ``user`` may act for on ``day`` (today by default)."""
        day = day or fields.Date.context_today(self)
        return (
            self.sudo()
            .search(
                [
                    ("delegate_id", "=", user.id),
                    ("date_from", "<=", day),
                    ("date_to", ">=", day),
                ]
            )
            .delegator_id
        )
