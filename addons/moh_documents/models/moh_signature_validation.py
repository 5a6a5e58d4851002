"""The result of checking the digital signatures of a PDF in the system, kept with the document.

Circular 15/2025/TT-BKHCN asks signing software to check the signer, the certificate's
validity, its chain to a trusted root and its revocation status, and to show the result in
Vietnamese. The check itself is moh_core.signatures.validation (pyHanko's full validation, with its
difference analysis of later revisions and hard-fail revocation checking); this model stores
its verdict per signature, and says why in the user's language.

A check is read by those who may read the record it belongs to (as ir.attachment's access
follows its res_model/res_id): a confidential document's checks are not shown to others. Checks
are written by the validation code only (no user has write access).
"""

import base64
import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.fields import Domain

from moh_core.errors import is_vietnamese
from moh_core.signatures import EncryptedPdfError, InvalidPdfError, SignatureProblem, validate_pdf_signatures

_logger = logging.getLogger(__name__)


class MohSignatureValidation(models.Model):
    _name = "moh.signature.validation"
    _description = "Signature Validation"
    _order = "attachment_id, sequence, id"

    res_model = fields.Char(required=True, index=True)
    res_id = fields.Many2oneReference(model_field="res_model", required=True, index=True)
    attachment_id = fields.Many2one("ir.attachment", string="File", required=True, ondelete="cascade")
    incoming_document_id = fields.Many2one(
        "moh.incoming.document",
        ondelete="cascade",
        index="btree_not_null",
        help="Set for incoming documents, so that the confidentiality rules reach the checks.",
    )
    sequence = fields.Integer()
    field_name = fields.Char(string="Signature Field")
    signed = fields.Boolean(help="False when the file carries no signature, or could not be read.")
    signer_name = fields.Char(string="Signer")
    signer_organisation = fields.Char(string="Organisation")
    certificate_subject = fields.Char()
    certificate_issuer = fields.Char(string="Issuer")
    certificate_serial = fields.Char(string="Serial Number")
    certificate = fields.Binary(attachment=False, help="The signer's certificate (DER), kept with the check.")
    signing_time = fields.Datetime()
    timestamp_time = fields.Datetime(string="Timestamp")
    validated_as_of = fields.Datetime(
        help="The time the signature was validated at: the time its trusted timestamp proves when it no longer "
        "validates at the time of the check (certificate expired, revocation data out of date: long-term "
        "validation), else the time of the check.",
    )
    valid = fields.Boolean()
    intact = fields.Boolean(string="Integrity")
    trusted = fields.Boolean(string="Trusted Chain")
    revoked = fields.Boolean()
    revocation_checked = fields.Boolean()
    coverage = fields.Selection(
        [
            ("entire_file", "Whole file"),
            ("entire_revision", "Whole revision"),
            ("partial", "Part of the file"),
        ]
    )
    modification_level = fields.Char(string="Changes After Signing")
    problem_codes = fields.Char()
    explanation = fields.Text(compute="_compute_explanation")
    revocation_unreachable = fields.Boolean(
        string="Revocation Not Checkable",
        compute="_compute_revocation_unreachable",
        help="A warning: the certificate authority's OCSP responder and revocation list did not answer, so "
        "whether the certificate is revoked could not be checked (Circular 15/2025/TT-BKHCN, Appendix II).",
    )
    validated_on = fields.Datetime(required=True, default=fields.Datetime.now)
    # Evidence of a signature made here (Circular 15/2025/TT-BKHCN: keep the certificate, the
    # revocation data in force at signing time and the result of the check with the signature).
    signing_check = fields.Text(string="Check Before Signing", readonly=True)
    signing_revocation_data = fields.Binary(
        string="Revocation Data at Signing",
        attachment=True,
        readonly=True,
        help="The CRLs (PEM) the signer's certificate was checked against when signing.",
    )
    signed_by_id = fields.Many2one(
        "res.users", string="Signed Here By", readonly=True, help="The person who made this signature in the system."
    )
    signed_sha256 = fields.Char(
        string="SHA-256 at Signing", readonly=True, help="Checksum of the file as this signature made it."
    )
    signing_certificate = fields.Binary(
        attachment=False,
        readonly=True,
        help="The certificate (DER) the signature was made with, as the signing code used it.",
    )

    # -- access: the record's readers only ------------------------------------------------------

    @api.model
    def _moh_readable_domain(self):
        """Checks of records the current user may read (each model's own rules apply)."""
        self.env.cr.execute(f'SELECT DISTINCT res_model FROM "{self._table}"')  # noqa: S608 - table and column names are the models' own, never input
        domain = Domain.FALSE
        for (name,) in self.env.cr.fetchall():
            comodel = self.env.get(name)
            if comodel is None or not comodel.has_access("read"):
                continue
            domain |= Domain("res_model", "=", name) & Domain(
                "res_id", "in", comodel.with_context(active_test=False)._search([])
            )
        return domain

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, *, active_test=True, bypass_access=False):
        if not (self.env.su or bypass_access):
            domain = Domain(domain) & self._moh_readable_domain()
        return super()._search(domain, offset, limit, order, active_test=active_test, bypass_access=bypass_access)

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if self.env.su or (result and result[0] == self) or not self:
            return result
        forbidden = result[0] if result else self.browse()
        targets = defaultdict(set)
        for check in (self - forbidden).sudo():
            targets[check.res_model].add(check.res_id)
        denied = set()
        for name, ids in targets.items():
            comodel = self.env.get(name)
            if comodel is None:
                denied.update((name, res_id) for res_id in ids)
                continue
            records = comodel.browse(ids).exists()
            readable = set(records._filtered_access("read").ids) if comodel.has_access("read") else set()
            denied.update((name, res_id) for res_id in ids if res_id not in readable)
        if denied:
            forbidden |= (self - forbidden).sudo().filtered(lambda c: (c.res_model, c.res_id) in denied).sudo(False)
        if not forbidden:
            return None
        return forbidden, lambda: AccessError(
            self.env._("You may not read these signature checks: they belong to a record you may not read.")
        )

    def _problem_labels(self):
        _ = self.env._
        return {
            SignatureProblem.MALFORMED: _("The file is not a readable PDF."),
            SignatureProblem.UNSUPPORTED_FORMAT: _("The signature's format is not supported."),
            SignatureProblem.TAMPERED: _("The signed content was altered after signing."),
            SignatureProblem.SIGNATURE_INVALID: _("The cryptographic signature does not verify."),
            SignatureProblem.UNTRUSTED: _("The signer's certificate does not chain to a trusted authority."),
            SignatureProblem.REVOKED: _("The signer's certificate is revoked."),
            SignatureProblem.REVOCATION_UNKNOWN: _("The certificate's revocation status could not be established."),
            SignatureProblem.REVOCATION_UNREACHABLE: _(
                "Warning: the certificate's revocation status could not be checked, because the certificate "
                "authority's OCSP responder and revocation list did not answer. Check again later."
            ),
            SignatureProblem.EXPIRED: _("The signer's certificate had expired."),
            SignatureProblem.NOT_YET_VALID: _("The signer's certificate was not yet valid."),
            SignatureProblem.CERTIFICATE_INVALID: _("The signer's certificate is not valid for signing."),
            SignatureProblem.TIMESTAMP_INVALID: _("The timestamp is not valid."),
            SignatureProblem.PARTIAL_COVERAGE: _("The signature covers only part of the file."),
            SignatureProblem.MODIFIED_AFTER_SIGNING: _("The document was changed after it was signed."),
            SignatureProblem.SEED_VALUE_VIOLATION: _("The signature breaks the constraints of its field."),
            SignatureProblem.VALIDATION_FAILED: _("The signature could not be validated."),
            SignatureProblem.NO_TIMESTAMP: _("No trusted timestamp: the signing time is the signer's own claim."),
            SignatureProblem.NOT_COVERING_WHOLE_FILE: _(
                "Later revisions follow this signature (allowed ones, e.g. further signatures)."
            ),
        }

    @api.depends("problem_codes")
    def _compute_revocation_unreachable(self):
        for check in self:
            codes = (check.problem_codes or "").split(",")
            check.revocation_unreachable = SignatureProblem.REVOCATION_UNREACHABLE.value in codes

    def _problem_label(self, labels, problem):
        """The addon's own sentence for ``problem``, else moh_core's text of it in the user's
        language (the reasons added since, e.g. a signature removed or a weak algorithm)."""
        if problem in labels:
            return labels[problem]
        text = problem.description_vi if is_vietnamese(self.env.lang) else problem.description
        return text[:1].upper() + text[1:] + "."

    @api.depends("problem_codes", "valid", "signed")
    @api.depends_context("lang")
    def _compute_explanation(self):
        labels = self._problem_labels()
        for check in self:
            codes = [c for c in (check.problem_codes or "").split(",") if c]
            lines = [
                self._problem_label(labels, SignatureProblem(code))
                for code in codes
                if code in SignatureProblem._value2member_map_
            ]
            if check.signed and check.valid:
                lines.insert(0, self.env._("Valid signature."))
            elif not check.signed and not codes:
                lines.insert(0, self.env._("The file is not signed."))
            check.explanation = "\n".join(lines)

    @api.model
    def _moh_validate(self, record, attachments):
        """Check every PDF of ``attachments`` belonging to ``record``; replace earlier results."""
        # By the type ir.attachment found for the file when it was stored, never by its name.
        attachments = attachments.filtered(lambda a: a.mimetype == "application/pdf")
        Validation = self.sudo()
        Validation.search(
            [("res_model", "=", record._name), ("res_id", "=", record.id), ("attachment_id", "in", attachments.ids)]
        ).unlink()
        material = self.env["moh.trust.root"]._moh_validation_material(record.company_id)
        revocation = self.env["moh.trust.root"]._moh_revocation_policy(record.company_id)
        values = []
        for attachment in attachments.sudo():
            base = {
                "res_model": record._name,
                "res_id": record.id,
                "attachment_id": attachment.id,
                "incoming_document_id": record.id if record._name == "moh.incoming.document" else False,
            }
            try:
                report = validate_pdf_signatures(attachment.raw or b"", material=material, revocation=revocation)
            except InvalidPdfError as exc:
                _logger.info("Attachment %s is not a readable PDF: %s", attachment.id, exc)
                problem = (
                    SignatureProblem.ENCRYPTED if isinstance(exc, EncryptedPdfError) else SignatureProblem.MALFORMED
                )
                values.append({**base, "signed": False, "valid": False, "problem_codes": problem.value})
                continue
            if not report.signatures:
                values.append({**base, "signed": False, "valid": False})
            for index, signature in enumerate(report.signatures):
                signer = signature.signer
                values.append(
                    {
                        **base,
                        "sequence": index,
                        "signed": True,
                        "field_name": signature.field_name,
                        "signer_name": signer.common_name if signer else False,
                        "signer_organisation": signer.organisation if signer else False,
                        "certificate_subject": signer.subject if signer else False,
                        "certificate_issuer": signer.issuer if signer else False,
                        "certificate_serial": format(signer.serial_number, "X") if signer else False,
                        "certificate": base64.b64encode(signer.der) if signer else False,
                        "signing_time": signature.signing_time.replace(tzinfo=None)
                        if signature.signing_time
                        else False,
                        "timestamp_time": signature.timestamp_time.replace(tzinfo=None)
                        if signature.timestamp_time
                        else False,
                        "validated_as_of": signature.validated_at.replace(tzinfo=None)
                        if signature.validated_at
                        else False,
                        "valid": signature.valid,
                        "intact": signature.intact,
                        "trusted": signature.trusted,
                        "revoked": signature.revoked,
                        "revocation_checked": signature.revocation_checked,
                        "coverage": signature.coverage.value if signature.coverage else False,
                        "modification_level": signature.modification_level,
                        "problem_codes": ",".join(problem.value for problem in signature.problems),
                    }
                )
        return Validation.create(values)
