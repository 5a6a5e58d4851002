"""The hand-over register of state-secret documents (Sổ chuyển giao bí mật nhà nước).

Every time a Mật, Tối mật or Tuyệt mật document passes from one person to another (registered by
the records office, submitted to a leader, directed to a department's head, handed to a
specialist, delivered to another department), the hand-over is entered in the company's
hand-over register with its own yearly number: who handed it, to whom, when, and whether the
recipient signed for it (Decree 26/2020/NĐ-CP, Art. 4; form of Circular 24/2020/TT-BCA). It is
kept on a networked deployment as well: it holds no content of the document, only its number,
level and the people.

Who changes what (moh.workflow.guard): the number and year, who handed it, and the receipt
(``received``, ``received_date``, ``received_by_id``) change only inside the steps; the records
office enters hand-overs made on paper (to another agency), the routing enters the others.
``action_confirm_receipt``: the recipient signs for it, or the records office records the
signature of a recipient outside the system.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .moh_deadline_policy import CONFIDENTIALITY


class MohSecretHandover(models.Model):
    _name = "moh.secret.handover"
    _description = "State-Secret Hand-over"
    _inherit = ["moh.workflow.guard"]
    _order = "year desc, number desc, id desc"
    _moh_workflow_fields = ("number", "year", "from_user_id", "received", "received_date", "received_by_id")

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    register_id = fields.Many2one(
        "moh.document.register",
        required=True,
        check_company=True,
        domain="[('direction', '=', 'handover')]",
        default=lambda self: (
            self.env["moh.document.register"]
            .sudo()
            .search([("direction", "=", "handover"), ("company_id", "=", self.env.company.id)], limit=1)
        ),
    )
    number = fields.Integer(readonly=True, copy=False, aggregator=False)
    year = fields.Integer(readonly=True, copy=False, aggregator=False)
    handover_date = fields.Datetime(string="Handed Over On", required=True, default=fields.Datetime.now)
    incoming_document_id = fields.Many2one("moh.incoming.document", ondelete="restrict", index="btree_not_null")
    outgoing_document_id = fields.Many2one("moh.outgoing.document", ondelete="restrict", index="btree_not_null")
    document_reference = fields.Char(
        string="Document", required=True, help="Number and symbol of the document handed over (never its abstract)."
    )
    confidentiality = fields.Selection(
        [item for item in CONFIDENTIALITY if item[0] != "normal"], string="Level", required=True
    )
    from_user_id = fields.Many2one(
        "res.users", string="Handed By", required=True, readonly=True, default=lambda self: self.env.user
    )
    to_user_id = fields.Many2one(
        "res.users", string="Received By (User)", help="The person in the system who receives it."
    )
    to_name = fields.Char(
        string="Received By (Outside)",
        help="A recipient outside the system: the agency and person, as on the paper receipt.",
    )
    copies = fields.Integer(default=1)
    received = fields.Boolean(string="Signed For", readonly=True, copy=False)
    received_date = fields.Datetime(string="Signed For On", readonly=True, copy=False)
    received_by_id = fields.Many2one("res.users", string="Receipt Recorded By", readonly=True, copy=False)
    note = fields.Char()

    _number_unique = models.Constraint(
        "UNIQUE(register_id, year, number)", "This hand-over number is already used in this register."
    )

    @api.depends("number", "year", "document_reference")
    def _compute_name(self):
        for entry in self:
            prefix = f"{entry.number:02d}/{entry.year} - " if entry.number else ""
            entry.name = f"{prefix}{entry.document_reference or ''}"

    @api.constrains("register_id", "to_user_id", "to_name")
    def _check_register_and_recipient(self):
        for entry in self:
            if entry.register_id.direction != "handover":
                raise ValidationError(self.env._("A hand-over is entered in a hand-over register (Sổ chuyển giao)."))
            if not entry.to_user_id and not (entry.to_name or "").strip():
                raise ValidationError(self.env._("Say to whom the document was handed over."))

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and not self.env.user.has_group("moh_documents.group_clerk"):
            raise AccessError(
                self.env._("Only the records office enters hand-overs of state-secret documents by hand.")
            )
        entries = super().create(vals_list)
        for entry in entries:
            # The hand-over's number in its register's series of the year (Decree 26/2020, Art. 4).
            year = entry.company_id._moh_local_date(entry.handover_date).year
            number = entry.register_id._moh_allocate_number(self._name, year)
            entry.sudo().write({"number": number, "year": year})
        return entries

    @api.model
    def _moh_record(self, document, to_users, from_user=None):
        """The routing hands ``document`` (a state-secret incoming or outgoing one) to ``to_users``."""
        to_users = to_users - (from_user or self.env.user)
        if not to_users or document.confidentiality == "normal":
            return self.browse()
        field = "incoming_document_id" if document._name == "moh.incoming.document" else "outgoing_document_id"
        doc = document.sudo()
        reference = doc.number_symbol if field == "incoming_document_id" else doc.name
        if field == "incoming_document_id" and doc.number:
            reference = f"{doc.number:02d}/{doc.year} ({doc.number_symbol})"
        register = self.env["moh.document.register"]._moh_secret_register("handover", doc.company_id)
        return self.sudo().create(
            [
                {
                    "company_id": doc.company_id.id,
                    "register_id": register.id,
                    field: doc.id,
                    "document_reference": reference,
                    "confidentiality": doc.confidentiality,
                    "from_user_id": (from_user or self.env.user).id,
                    "to_user_id": user.id,
                }
                for user in to_users
            ]
        )

    def action_confirm_receipt(self):
        """The recipient signs for the document; for a recipient outside the system, the records
        office records the signature on the paper receipt."""
        self.check_access("read")
        me = self.env.user
        for entry in self:
            if entry.received:
                raise UserError(self.env._("%(entry)s is already signed for.", entry=entry.display_name))
            if entry.to_user_id != me and not (not entry.to_user_id and me.has_group("moh_documents.group_clerk")):
                raise AccessError(self.env._("Only its recipient signs for %(entry)s.", entry=entry.display_name))
            entry.sudo().write({"received": True, "received_date": fields.Datetime.now(), "received_by_id": me.id})
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_except_numbered(self):
        if any(entry.number for entry in self):
            raise UserError(self.env._("A hand-over entered in the register stays in it."))
