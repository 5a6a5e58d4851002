"""A file of a dossier, for one of the procedure's required documents, with the result of its
automatic check (type by content, size, PDF structure, signatures: moh_core.onestop.uploads)."""

import base64

from odoo import api, fields, models
from odoo.addons.moh_documents.tools.core_errors import error_message
from odoo.exceptions import UserError

CHECK_STATES = [("ok", "Accepted"), ("bad_signature", "Signature Not Valid")]


class MohDossierDocument(models.Model):
    _name = "moh.dossier.document"
    _description = "Dossier Document"
    _inherit = ["moh.workflow.guard"]
    # Files arrive only through the upload check (_moh_add, in superuser mode after the portal's
    # ownership check); nobody swaps a file or its check afterwards.
    _moh_workflow_fields = (
        "dossier_id",
        "requirement_id",
        "name",
        "attachment_id",
        "mimetype",
        "file_size",
        "pages",
        "sha256",
        "signed",
        "detected_type",
        "signature_count",
        "signatures_valid",
        "check_state",
        "supplement",
        "uploaded_at",
    )
    _order = "dossier_id, requirement_sequence, id"

    dossier_id = fields.Many2one("moh.dossier", required=True, ondelete="cascade", index=True)
    requirement_id = fields.Many2one("moh.procedure.requirement", string="For", ondelete="set null")
    requirement_sequence = fields.Integer(related="requirement_id.sequence", store=True)
    name = fields.Char(string="File Name", required=True)
    attachment_id = fields.Many2one("ir.attachment", required=True, ondelete="restrict")
    mimetype = fields.Char(readonly=True)
    file_size = fields.Integer(readonly=True)
    pages = fields.Integer(readonly=True)
    sha256 = fields.Char(string="SHA-256", readonly=True)
    signed = fields.Boolean(compute="_compute_signed", store=True)
    detected_type = fields.Char(readonly=True, help="The file's type as its content shows it.")
    signature_count = fields.Integer(readonly=True)
    signatures_valid = fields.Selection([("valid", "Valid"), ("invalid", "Not Valid")], readonly=True)
    check_state = fields.Selection(CHECK_STATES, compute="_compute_signed", store=True)
    supplement = fields.Boolean(string="Added as Supplement", readonly=True)
    uploaded_at = fields.Datetime(default=fields.Datetime.now, readonly=True)

    @api.depends("signature_count", "signatures_valid")
    def _compute_signed(self):
        for document in self:
            document.signed = document.signature_count > 0
            document.check_state = "bad_signature" if document.signatures_valid == "invalid" else "ok"

    def _moh_check(self):
        """The upload check as recorded when the file arrived (for the completeness check); only
        accepted files are kept, so only signatures can have turned bad since."""
        from moh_core.onestop import UploadCheck  # noqa: PLC0415

        self.ensure_one()
        return UploadCheck(
            filename=self.name,
            size=self.file_size,
            sha256=self.sha256 or "",
            detected_type=self.detected_type,
            mimetype=self.mimetype or "",
            pages=self.pages or None,
            signature_count=self.signature_count,
            signatures_valid={"valid": True, "invalid": False}.get(self.signatures_valid),
        )

    def _moh_revalidate_signatures(self):
        """Check the signed files again (on receipt: a certificate may have been revoked since)."""
        for document in self.filtered("signed"):
            dossier = document.dossier_id
            validate = self._moh_signature_callback(dossier.company_id)
            try:
                valid = validate(document.attachment_id.sudo().raw).all_valid
            except ValueError:
                valid = False
            document.sudo().signatures_valid = "valid" if valid else "invalid"
            self.env["moh.signature.validation"].sudo()._moh_validate(dossier.sudo(), document.attachment_id)

    @api.model
    def _moh_upload_limit(self):
        return int(self.env["ir.config_parameter"].sudo().get_param("moh_egov.upload_max_bytes", 20 * 1024 * 1024))

    @api.model
    def _moh_inflate_limit(self):
        """The most bytes checking one upload may decompress (PDF streams, image pixels)."""
        from moh_core.onestop import DEFAULT_MAX_INFLATED_BYTES  # noqa: PLC0415

        value = self.env["ir.config_parameter"].sudo().get_param("moh_egov.upload_max_inflated_bytes")
        try:
            return max(1, int(value)) if value else DEFAULT_MAX_INFLATED_BYTES
        except ValueError:
            return DEFAULT_MAX_INFLATED_BYTES

    @api.model
    def _moh_add(self, dossier, requirement, filename, data, supplement=False):
        """Check an uploaded file and, if it is acceptable, add it to the dossier.

        A rejected file raises a UserError saying why, in the user's language, and changes
        nothing: what the dossier already holds is kept.
        """
        result = self._moh_check_file(dossier.company_id, requirement, filename, data)
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": filename,
                    "raw": data,
                    "mimetype": result.mimetype,
                    "res_model": "moh.dossier",
                    "res_id": dossier.id,
                    "moh_role": "dossier_file",
                }
            )
        )
        document = self.sudo().create(
            {
                "dossier_id": dossier.id,
                "requirement_id": requirement.id,
                "name": filename,
                "attachment_id": attachment.id,
                "mimetype": result.mimetype,
                "file_size": result.size,
                "pages": result.pages or 0,
                "sha256": result.sha256,
                "detected_type": result.detected_type,
                "signature_count": result.signature_count,
                "signatures_valid": {True: "valid", False: "invalid"}.get(result.signatures_valid, False),
                "supplement": supplement,
            }
        )
        if result.signed:
            # Keep the per-signature verdict (signer, chain, coverage, revocation) for the officers.
            self.env["moh.signature.validation"].sudo()._moh_validate(dossier.sudo(), attachment)
        return document

    @api.model
    def _moh_check_file(self, company, requirement, filename, data):
        """The upload check of a file for ``requirement`` (moh_core.onestop.uploads), the same for a
        portal upload and a paper page scanned at the counter: its verdict, or a UserError
        saying why the file is refused, in the user's language."""
        from moh_core.onestop import check_upload  # noqa: PLC0415

        result = check_upload(
            data,
            filename,
            allowed=requirement._moh_allowed_types(),
            max_bytes=self._moh_upload_limit(),
            max_inflated_bytes=self._moh_inflate_limit(),
            validate_signatures=self._moh_signature_callback(company),
        )
        if not result.ok:
            raise UserError(self._moh_upload_message(filename, result))
        if requirement.signature_required and not result.signed:
            raise UserError(self.env._("%(file)s: this document must be digitally signed.", file=filename))
        # A file whose only signature a later revision removed counts no signature, but is no
        # more acceptable than one whose signature is broken.
        if result.signatures_valid is False:
            raise UserError(
                self.env._(
                    "%(file)s: its digital signature is not valid (changed after signing, or a certificate that is "
                    "not trusted, expired or revoked). Upload a correctly signed copy.",
                    file=filename,
                )
            )
        return result

    @api.model
    def _moh_signature_callback(self, company):
        """Validate a signed upload against the agency's trust roots (pyHanko, hard-fail; the
        revocation status fetched online where the agency's setting allows)."""
        from moh_core.signatures import validate_pdf_signatures  # noqa: PLC0415

        material = self.env["moh.trust.root"]._moh_validation_material(company)
        revocation = self.env["moh.trust.root"]._moh_revocation_policy(company)
        limit = self._moh_inflate_limit()
        return lambda data: validate_pdf_signatures(
            data, material=material, max_inflated_bytes=limit, revocation=revocation
        )

    def _moh_upload_message(self, filename, result):
        """The refusal of an uploaded file, in the user's language (the texts are moh_core's)."""
        return error_message(self.env, result.error())

    def _moh_download(self):
        self.ensure_one()
        return base64.b64decode(self.attachment_id.sudo().datas)
