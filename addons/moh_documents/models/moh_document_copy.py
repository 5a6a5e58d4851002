"""Copies of documents: sao y, trích sao, sao lục (Decree 30/2020/ND-CP, Art. 25-27).

The records office copies an issued outgoing document or a registered incoming one (sao y: the
whole document; trích sao: part of it), or copies a sao y (sao lục, Art. 25.1.c). Every copy
of the agency takes its number from ONE yearly series whatever its form (Appendix III:
"05/SY-BYT", then "06/TrS-BYT"), kept in the agency's copy register. The copy's PDF is the
copied pages followed by the copy block under a rule (Appendix I, Part III): form of copy,
copying agency, number, place and date, the competent signer, recipients.

Trust model: number, year, date, register, file and state change only in ``action_issue``,
which checks the caller is the records office, may read the source, and the source's state,
before writing them in superuser mode. An issued copy is frozen. Documents containing state
secrets are copied under the state-secrets law (Decree 26/2020/ND-CP), not here.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.pdf import merge_pdf

from .moh_outgoing_document import AUTHORITIES, AUTHORITY_MARKS

COPY_STATES = [("draft", "Draft"), ("issued", "Issued")]


class MohDocumentCopy(models.Model):
    _name = "moh.document.copy"
    _description = "Document Copy"
    _inherit = ["moh.workflow.guard"]
    _order = "year desc, number desc, id desc"
    _moh_workflow_fields = ("state", "number", "year", "copy_date", "register_id", "pdf_id")

    name = fields.Char(string="Number and Symbol", compute="_compute_name", store=True)
    state = fields.Selection(COPY_STATES, default="draft", required=True, readonly=True, copy=False)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    document_type_id = fields.Many2one(
        "moh.document.type",
        string="Form of Copy",
        required=True,
        domain=[("copy_form", "!=", False)],
        help="Sao y (whole document), trích sao (part of it) or sao lục (a copy of a sao y).",
    )
    copy_form = fields.Selection(related="document_type_id.copy_form", store=True, string="Kind of Copy")
    outgoing_id = fields.Many2one("moh.outgoing.document", string="Outgoing Document", index="btree_not_null")
    incoming_id = fields.Many2one("moh.incoming.document", string="Incoming Document", index="btree_not_null")
    source_copy_id = fields.Many2one(
        "moh.document.copy",
        string="Copied Sao Y",
        index="btree_not_null",
        domain=[("copy_form", "=", "sao_y"), ("state", "=", "issued")],
    )
    extract = fields.Text(help="Trích sao: the part of the document copied, paragraphs separated by a blank line.")
    signer_id = fields.Many2one("res.users", string="Signed By", domain=[("share", "=", False)])
    signer_authority = fields.Selection(AUTHORITIES, string="Signing Authority", required=True, default="tl")
    signer_authority_position = fields.Char(
        string="Signs for",
        default=lambda self: self.env.company.moh_head_position,
        help="The position after the authority, e.g. BỘ TRƯỞNG in TL. BỘ TRƯỞNG.",
    )
    signer_position = fields.Char(string="Signer's Position", help="E.g. CHÁNH VĂN PHÒNG.")
    recipients = fields.Text(help="Nơi nhận of the copy, one per line; the archive line last.")
    register_id = fields.Many2one("moh.document.register", string="Copy Register", readonly=True, copy=False)
    number = fields.Integer(readonly=True, copy=False, aggregator=False)
    year = fields.Integer(readonly=True, copy=False, aggregator=False)
    copy_date = fields.Date(string="Copied On", readonly=True, copy=False)
    pdf_id = fields.Many2one("ir.attachment", string="Copy", readonly=True, copy=False)

    @api.depends("number", "document_type_id.abbreviation", "company_id.moh_abbreviation")
    def _compute_name(self):
        for copy in self:
            if copy.number:
                copy.name = f"{copy.number:02d}/{copy.document_type_id.abbreviation}-{copy.company_id.moh_abbreviation}"
            else:
                copy.name = self.env._("Draft copy")

    def _source(self):
        self.ensure_one()
        return self.outgoing_id or self.incoming_id or self.source_copy_id

    @api.constrains("document_type_id", "outgoing_id", "incoming_id", "source_copy_id")
    def _check_source(self):
        """Sao y and trích sao copy one document; sao lục copies a sao y (Art. 25.1.c)."""
        for copy in self:
            sources = [s for s in (copy.outgoing_id, copy.incoming_id, copy.source_copy_id) if s]
            if not copy.copy_form:
                raise ValidationError(self.env._("Choose a form of copy: sao y, trích sao or sao lục."))
            if len(sources) != 1:
                raise ValidationError(self.env._("A copy is made of exactly one document."))
            if copy.copy_form == "sao_luc" and copy.source_copy_id.copy_form != "sao_y":
                raise ValidationError(
                    self.env._("A sao lục is made from a sao y copy (Decree 30/2020/ND-CP, Art. 25).")
                )
            if copy.copy_form != "sao_luc" and copy.source_copy_id:
                raise ValidationError(self.env._("Only a sao lục is made from a copy; copy the document itself."))
            if (copy.outgoing_id or copy.incoming_id).confidentiality not in (False, "normal"):
                raise ValidationError(
                    self.env._("Documents containing state secrets are copied under the state-secrets law, not here.")
                )

    def _moh_check_content_update(self, vals):
        if any(copy.state == "issued" for copy in self):
            raise UserError(self.env._("An issued copy cannot be changed."))

    @api.ondelete(at_uninstall=False)
    def _unlink_draft_only(self):
        if any(copy.state == "issued" for copy in self):
            raise UserError(self.env._("An issued copy keeps its number; it cannot be deleted."))

    # -- the step ---------------------------------------------------------------------------------

    def _moh_source_pdf(self):
        """The pages copied: the issued PDF of an outgoing document, the first PDF received with
        an incoming one, the PDF of the copied sao y."""
        self.ensure_one()
        source = self._source().sudo()
        if self.outgoing_id:
            return source.pdf_id.raw
        if self.incoming_id:
            return source.attachment_ids.filtered(lambda a: a.mimetype == "application/pdf")[:1].raw
        return source.pdf_id.raw

    def _moh_check_source_state(self):
        self.ensure_one()
        _ = self.env._
        if self.outgoing_id and self.outgoing_id.state != "issued":
            raise UserError(_("Only an issued outgoing document is copied."))
        if self.incoming_id and not self.incoming_id.number:
            raise UserError(_("Only a registered incoming document is copied."))
        if self.source_copy_id and self.source_copy_id.state != "issued":
            raise UserError(_("Only an issued sao y is copied."))
        if self.copy_form == "trich_sao" and not (self.extract or "").strip():
            raise UserError(_("A trích sao carries the part of the document it copies: fill in the extract."))
        if self.copy_form != "trich_sao" and not self._moh_source_pdf():
            raise UserError(_("%(source)s has no PDF to copy.", source=self._source().display_name))
        if not (self.signer_position or "").strip() or not self.signer_id:
            raise UserError(_("Name who signs the copy and their position."))

    def action_issue(self):
        """The records office numbers the copy in the agency's one yearly copy series, dates it
        and renders it: the copied pages, then the copy block (Decree 30/2020/ND-CP, Art. 25-27;
        Appendix I Part III; Appendix III)."""
        if not self.env.user.has_group("moh_documents.group_clerk"):
            raise AccessError(self.env._("Only the records office makes copies."))
        self.check_access("write")
        for copy in self:
            if copy.state != "draft":
                raise UserError(self.env._("%(copy)s is already issued.", copy=copy.display_name))
            # The caller reads what they copy: record rules of the source, as the caller.
            copy._source().check_access("read")
            copy._moh_check_source_state()
            register = (
                self.env["moh.document.register"]
                .sudo()
                .search(
                    [("direction", "=", "copy"), ("company_id", "=", copy.company_id.id), ("active", "=", True)],
                    limit=1,
                )
            )
            if not register:
                raise UserError(
                    self.env._("No copy register is configured for %(company)s.", company=copy.company_id.name)
                )
            if not copy.company_id.moh_abbreviation:
                raise UserError(
                    self.env._("%(company)s has no abbreviation for the copies' symbol.", company=copy.company_id.name)
                )
            today = fields.Date.context_today(copy)
            number = register._moh_allocate_number(self._name, today.year)
            copy.sudo().write({"register_id": register.id, "number": number, "year": today.year, "copy_date": today})
            pdf = copy._moh_render(today)
            attachment = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": f"{copy.name.replace('/', '_')}.pdf",
                        "raw": pdf,
                        "mimetype": "application/pdf",
                        "res_model": self._name,
                        "res_id": copy.id,
                        "moh_role": "copy_pdf",
                    }
                )
            )
            copy.sudo().write({"pdf_id": attachment.id, "state": "issued"})
        return True

    def _moh_render(self, day):
        from moh_core.documents import (  # noqa: PLC0415
            CopyBlock,
            Signer,
            render_copy,
        )

        self.ensure_one()
        company = self.company_id
        authority = AUTHORITY_MARKS[self.signer_authority]
        try:
            block = CopyBlock(
                form=self.copy_form,
                agency=company.name,
                parent_agency=company.parent_id.name or "",
                number_symbol=self.name,
                place=company.city or "Hà Nội",
                date=day,
                signer=Signer(
                    authority=authority,
                    authority_position=self.signer_authority_position or "",
                    position=self.signer_position,
                    name=self.signer_id.name,
                ),
                recipients=[
                    line.strip().lstrip("-").strip() for line in (self.recipients or "").splitlines() if line.strip()
                ],
            )
            page = render_copy(block, extract=self.extract if self.copy_form == "trich_sao" else None)
        except ValueError as exc:
            raise UserError(self.env._("The copy cannot be made: %(reason)s", reason=str(exc))) from exc
        if self.copy_form == "trich_sao":
            return page
        return merge_pdf([self._moh_source_pdf(), page])

    def action_download(self):
        """The copy's PDF, for whoever may read the copy."""
        self.ensure_one()
        self.check_access("read")
        if not self.pdf_id:
            raise UserError(self.env._("The copy is not issued yet."))
        return {"type": "ir.actions.act_url", "url": f"/web/content/{self.pdf_id.id}?download=true", "target": "self"}
