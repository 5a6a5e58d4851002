import base64

from odoo import fields, models
from odoo.exceptions import UserError

from moh_core.registers import IncomingRegisterEntry, render_incoming_register


class MohRegisterPrintWizard(models.TransientModel):
    """Print an incoming register for a year in Decree 30/2020/ND-CP's register layout."""

    _name = "moh.register.print.wizard"
    _description = "Print Document Register"

    register_id = fields.Many2one("moh.document.register", required=True,
                                  domain="[('direction', '=', 'incoming')]")
    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year)

    def _entries(self):
        documents = self.env["moh.incoming.document"].search(
            [("register_id", "=", self.register_id.id), ("year", "=", self.year), ("number", "!=", False)],
            order="number")
        company = self.register_id.company_id
        for doc in documents:
            recipient = doc.lead_department_id.name or doc.leader_id.name or ""
            yield IncomingRegisterEntry(
                received_date=company._moh_local_date(doc.received_date),
                number=doc.number,
                sender=doc.sender_name,
                number_symbol=doc.number_symbol,
                issue_date=doc.issue_date,
                type_and_abstract=f"{doc.document_type_id.name}: {doc.abstract}",
                recipient=recipient,
                note=dict(doc._fields["state"]._description_selection(self.env))[doc.state],
            )

    def action_print(self):
        self.ensure_one()
        entries = list(self._entries())
        if not entries:
            raise UserError(self.env._("Nothing is registered in %(register)s in %(year)s.",
                                       register=self.register_id.display_name, year=self.year))
        company = self.register_id.company_id
        pdf = render_incoming_register(
            entries, agency=company.name, register_name=self.register_id.display_name, year=self.year)
        # The clerk reads the register but does not edit it: the file is attached on their behalf.
        attachment = self.env["ir.attachment"].sudo().create({
            "name": f"{self.register_id.code}-{self.year}.pdf",
            "datas": base64.b64encode(pdf),
            "mimetype": "application/pdf",
            "res_model": self.register_id._name,
            "res_id": self.register_id.id,
        })
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}
