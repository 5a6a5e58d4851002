import base64

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from moh_core.registers import IncomingRegisterEntry, render_incoming_register


class MohRegisterPrintWizard(models.TransientModel):
    """Print an incoming register for a year in Decree 30/2020/ND-CP's register layout."""

    _name = "moh.register.print.wizard"
    _description = "Print Document Register"

    register_id = fields.Many2one("moh.document.register", required=True,
                                  domain="[('direction', '=', 'incoming')]")
    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year)

    def _entries(self, documents):
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

    def _moh_documents(self):
        """The register's entries of the year, when the user may read every one of them: a
        register is printed whole or not at all (a confidential register only by those who
        read each of its documents)."""
        domain = [("register_id", "=", self.register_id.id), ("year", "=", self.year), ("number", "!=", False)]
        Incoming = self.env["moh.incoming.document"].with_context(active_test=False)
        documents = Incoming.search(domain, order="number")
        if len(documents) != Incoming.sudo().search_count(domain):
            raise AccessError(self.env._(
                "You may not read every document of %(register)s in %(year)s, so you cannot print it.",
                register=self.register_id.display_name, year=self.year))
        return documents

    def action_print(self):
        """Render the register and keep the file on this dialog: it is readable only by whoever
        may read the dialog (its creator, record rule), and goes away with it."""
        self.ensure_one()
        self.check_access("write")
        self.env["moh.incoming.document"]._moh_check_clerk()
        self.register_id.check_access("read")
        if self.register_id.direction != "incoming":
            raise UserError(self.env._("Only incoming registers are printed here."))
        entries = list(self._entries(self._moh_documents()))
        if not entries:
            raise UserError(self.env._("Nothing is registered in %(register)s in %(year)s.",
                                       register=self.register_id.display_name, year=self.year))
        company = self.register_id.company_id
        pdf = render_incoming_register(
            entries, agency=company.name, register_name=self.register_id.display_name, year=self.year)
        # Attached to this dialog, whose access is its creator's alone: ir.attachment grants
        # access to a file through the record it is attached to. Created as the user (who may
        # write their own dialog), not in superuser mode.
        attachment = self.env["ir.attachment"].create({
            "name": f"{self.register_id.code}-{self.year}.pdf",
            "datas": base64.b64encode(pdf),
            "mimetype": "application/pdf",
            "res_model": self._name,
            "res_id": self.id,
        })
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}

    @api.model
    def _moh_detach_old_prints(self):
        """Prints made before they were kept on their dialog were attached to the register,
        which every employee reads: detach them (module update), so that only whoever printed
        each one still reads it (ir.attachment: a file attached to no record is its creator's)."""
        old = self.env["ir.attachment"].sudo().search([
            ("res_model", "=", "moh.document.register"), ("res_id", "!=", False), ("mimetype", "=", "application/pdf")])
        old.write({"res_model": False, "res_id": False})
        return len(old)
