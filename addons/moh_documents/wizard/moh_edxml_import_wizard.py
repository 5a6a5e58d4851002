import base64

from odoo import fields, models


class MohEdxmlImportWizard(models.TransientModel):
    """The records office receives an edXML message from another agency (a file)."""

    _name = "moh.edxml.import.wizard"
    _description = "Receive an edXML Message"

    file = fields.Binary(string="edXML Message", required=True)
    filename = fields.Char()

    def action_import(self):
        self.ensure_one()
        self.env["moh.incoming.document"]._moh_check_clerk()
        record = self.env["moh.edxml"]._moh_import(base64.b64decode(self.file), self.filename or "message.edxml")
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
            "target": "current",
        }
