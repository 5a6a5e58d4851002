import base64

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from moh_core.documents import (
    IncomingRegisterEntry,
    OutgoingRegisterEntry,
    render_incoming_register,
    render_outgoing_register,
)

#: The documents each kind of register holds.
REGISTER_MODELS = {"incoming": "moh.incoming.document", "outgoing": "moh.outgoing.document"}


class MohRegisterPrintWizard(models.TransientModel):
    """Print an incoming or outgoing register for a year with every column of its form
    (Decree 30/2020/ND-CP, Art. 16.1 and 22.2.a; Appendix IV, I and VI)."""

    _name = "moh.register.print.wizard"
    _description = "Print Document Register"

    register_id = fields.Many2one(
        "moh.document.register", required=True, domain="[('direction', 'in', ('incoming', 'outgoing'))]"
    )
    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year)

    def _state_label(self, doc):
        return dict(doc._fields["state"]._description_selection(self.env))[doc.state]

    def _type_name(self, doc):
        """The type's name as the printed register writes it, in Vietnamese when installed."""
        lang = "vi_VN" if self.env["res.lang"]._lang_get("vi_VN") else self.env.lang
        return doc.document_type_id.with_context(lang=lang).name

    def _type_and_abstract(self, doc):
        """The type and abstract column; a Tuyệt mật document entered without consent to its
        abstract shows its type alone (Decree 26/2020/NĐ-CP, Art. 4)."""
        name = self._type_name(doc) or ""
        return f"{name}: {doc.abstract}" if doc.abstract else name

    def _entries(self, documents):
        if self.register_id.direction == "outgoing":
            yield from self._outgoing_entries(documents)
            return
        company = self.register_id.company_id
        for doc in documents:
            recipient = doc.lead_department_id.name or doc.leader_id.name or ""
            # Ngày chuyển: when the leader's direction passed it on to the lead department.
            handed = doc.assignment_ids.filtered(lambda a: a.role == "lead").sorted("create_date")[:1]
            yield IncomingRegisterEntry(
                received_date=company._moh_local_date(doc.received_date),
                number=doc.number,
                sender=doc.sender_name,
                number_symbol=doc.number_symbol,
                issue_date=doc.issue_date,
                type_and_abstract=self._type_and_abstract(doc),
                recipient=recipient,
                note=self._state_label(doc),
                transfer_date=company._moh_local_date(handed.create_date) if handed else None,
            )

    def _outgoing_entries(self, documents):
        """Appendix IV.I: the Nơi nhận lines are the recipients but for the archive line
        ("Lưu: VT, ..."), which names who keeps the filed copy (bản lưu). An issued document
        goes out through the system the day it is issued (Art. 16.1.d, 18.1)."""
        for doc in documents:
            lines = [line.strip().lstrip("-").strip() for line in (doc.recipients or "").splitlines()]
            lines = [line for line in lines if line]
            archive = [line for line in lines if line.lower().startswith("lưu")]
            recipients = [line for line in lines if line not in archive]
            internal = doc.internal_department_ids.mapped("name") + doc.exchange_peer_ids.mapped("name")
            yield OutgoingRegisterEntry(
                number=doc.number,
                number_symbol=doc.name,
                issue_date=doc.issue_date,
                type_and_abstract=self._type_and_abstract(doc),
                signer=doc.signer_id.name or "",
                recipients="\n".join(recipients or internal),
                file_copy_holder="; ".join(line.split(":", 1)[-1].strip().rstrip("./").strip() for line in archive),
                transfer_date=doc.issue_date if doc.state == "issued" else None,
                note="" if doc.state == "issued" else self._state_label(doc),
            )

    def _moh_documents(self):
        """The register's entries of the year, when the user may read every one of them: a
        register is printed whole or not at all (a confidential register only by those who
        read each of its documents)."""
        domain = [("register_id", "=", self.register_id.id), ("year", "=", self.year), ("number", "!=", False)]
        Documents = self.env[REGISTER_MODELS[self.register_id.direction]].with_context(active_test=False)
        documents = Documents.search(domain, order="number")
        if len(documents) != Documents.sudo().search_count(domain):
            raise AccessError(
                self.env._(
                    "You may not read every document of %(register)s in %(year)s, so you cannot print it.",
                    register=self.register_id.display_name,
                    year=self.year,
                )
            )
        return documents

    def action_print(self):
        """Render the register and keep the file on this dialog: it is readable only by whoever
        may read the dialog (its creator, record rule), and goes away with it."""
        self.ensure_one()
        self.check_access("write")
        self.env["moh.incoming.document"]._moh_check_clerk()
        self.register_id.check_access("read")
        if self.register_id.direction not in REGISTER_MODELS:
            raise UserError(self.env._("Only incoming and outgoing registers are printed here."))
        entries = list(self._entries(self._moh_documents()))
        if not entries:
            raise UserError(
                self.env._(
                    "Nothing is registered in %(register)s in %(year)s.",
                    register=self.register_id.display_name,
                    year=self.year,
                )
            )
        company = self.register_id.company_id
        render = render_outgoing_register if self.register_id.direction == "outgoing" else render_incoming_register
        pdf = render(
            entries,
            agency=company.name,
            parent_agency=company.parent_id.name or "",
            register_name=self.register_id.display_name,
            year=self.year,
        )
        # Attached to this dialog, whose access is its creator's alone: ir.attachment grants
        # access to a file through the record it is attached to. Created as the user (who may
        # write their own dialog), not in superuser mode.
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"{self.register_id.code}-{self.year}.pdf",
                "datas": base64.b64encode(pdf),
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}

    @api.model
    def _moh_detach_old_prints(self):
        """Prints made before they were kept on their dialog were attached to the register,
        which every employee reads: detach them (module update), so that only whoever printed
        each one still reads it (ir.attachment: a file attached to no record is its creator's)."""
        old = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "moh.document.register"),
                    ("res_id", "!=", False),
                    ("mimetype", "=", "application/pdf"),
                ]
            )
        )
        old.write({"res_model": False, "res_id": False})
        return len(old)
