"""State-secret documents (Mật, Tối mật, Tuyệt mật): what a networked deployment may keep.

* Storage: state secrets are not drafted or stored on computers connected to a network (Law
  29/2018/QH14 on the Protection of State Secrets, Art. 5.5-5.6; Decree 26/2020/NĐ-CP, Art. 4.7;
  from 1 March 2026 Law 117/2025/QH15 and Decree 63/2026/NĐ-CP: the company's
  ``moh_secret_legal_source``). Unless the company declares its deployment isolated
  (``res.company.moh_secret_isolated``), a state-secret document keeps only its register entry
  (number, date, level, sender or author, recipients) and its hand-over trail: no text, no file,
  no PDF (``_moh_secret_content_fields``, and ir.attachment refuses files attached to it).
* The abstract (trích yếu) of a Tuyệt mật document is entered in the register only with the
  consent of who classified it (Decree 26/2020/NĐ-CP, Art. 4; Circular 24/2020/TT-BCA, forms):
  ``abstract_consent``, recorded with who ticked it and when; otherwise the abstract stays blank.
* Transmission: never by e-mail (no notification by e-mail, no message to a partner outside the
  agency, no file in the chatter), never over the document exchange or to the national portal
  (moh.exchange.message refuses them).
"""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class MohStateSecretMixin(models.AbstractModel):
    _name = "moh.state.secret.mixin"
    _description = "State-Secret Document"

    #: Fields holding the document's text or files: empty on a networked deployment.
    _moh_secret_content_fields = ()

    abstract_consent = fields.Boolean(
        string="Abstract Entered With Consent",
        copy=False,
        help="Tuyệt mật: the abstract is entered in the register only with the consent of who classified the "
        "document (Decree 26/2020/NĐ-CP, Art. 4). Recorded with who ticked it and when.",
    )
    abstract_consent_user_id = fields.Many2one("res.users", string="Consent Recorded By", readonly=True, copy=False)
    abstract_consent_date = fields.Datetime(string="Consent Recorded On", readonly=True, copy=False)

    def _moh_is_secret(self):
        return any(doc.confidentiality != "normal" for doc in self.sudo())

    def _moh_secret_legal_source(self):
        company = self[:1].sudo().company_id or self.env.company
        return company.sudo().moh_secret_legal_source or ""

    def _moh_secret_refusal(self, what):
        """A refusal naming the law (what: the action refused)."""
        return UserError(
            self.env._(
                "%(what)s: %(document)s is a state-secret document (%(level)s). %(law)s.",
                what=what,
                document=self[:1].sudo().display_name,
                level=dict(self._fields["confidentiality"]._description_selection(self.env)).get(
                    self[:1].sudo().confidentiality, ""
                ),
                law=self._moh_secret_legal_source(),
            )
        )

    def _moh_check_secret_content(self):
        """A state-secret document on a networked deployment holds no content; the abstract of a
        Tuyệt mật one only with recorded consent; every other document has an abstract."""
        for doc in self.sudo():
            networked = doc.company_id._moh_secret_networked()
            if doc.confidentiality != "normal" and networked:
                stored = [name for name in self._moh_secret_content_fields if doc[name]]
                if stored:
                    labels = ", ".join(self._fields[name]._description_string(self.env) for name in stored)
                    raise ValidationError(
                        self.env._(
                            "%(document)s is a state-secret document: on a networked deployment it keeps only its "
                            "register entry and hand-over trail, never %(fields)s (%(law)s). Keep its text and files "
                            "on the isolated computer of the records office.",
                            document=doc.display_name,
                            fields=labels,
                            law=doc._moh_secret_legal_source(),
                        )
                    )
            withheld = doc.confidentiality == "top_secret" and networked and not doc.abstract_consent
            if withheld and (doc.abstract or "").strip():
                raise ValidationError(
                    self.env._(
                        "The abstract of a Tuyệt mật document is entered only with the consent of who classified it: "
                        "tick the consent first, or leave the abstract blank (%(law)s).",
                        law=doc._moh_secret_legal_source(),
                    )
                )
            if not withheld and not (doc.abstract or "").strip():
                raise ValidationError(self.env._("Enter the abstract (trích yếu) of the document."))

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.filtered(lambda r: r.abstract_consent and not r.abstract_consent_user_id)._moh_record_consent()
        return records

    def write(self, vals):
        result = super().write(vals)
        if "abstract_consent" in vals:
            self._moh_record_consent()
        return result

    def _moh_record_consent(self):
        """Who ticked the consent, and when (or nobody, once it is withdrawn)."""
        for doc in self:
            doc.sudo().write(
                {
                    "abstract_consent_user_id": self.env.user.id if doc.abstract_consent else False,
                    "abstract_consent_date": fields.Datetime.now() if doc.abstract_consent else False,
                }
            )

    # -- never by e-mail -----------------------------------------------------------------------

    def _moh_check_secret_post(self, kwargs):
        """A state-secret document is discussed in its chatter among its readers only: no file
        (networked deployment), and nobody outside the agency's users (it would be e-mailed).
        Called by the documents' ``message_post`` with its keyword arguments."""
        if self._moh_is_secret():
            if (
                kwargs.get("attachments") or kwargs.get("attachment_ids")
            ) and self.sudo().company_id._moh_secret_networked():
                raise self._moh_secret_refusal(self.env._("No file is attached to it"))
            partners = self.env["res.partner"].sudo().browse(kwargs.get("partner_ids") or [])
            if partners.filtered(lambda p: not p.user_ids.filtered(lambda u: u._is_internal())):
                raise self._moh_secret_refusal(self.env._("It is not sent to anyone outside the agency"))

    def _notify_thread_by_email(self, message, recipients_data, **kwargs):
        """Never by e-mail: readers are notified in Odoo's inbox only."""
        if self._moh_is_secret():
            return True
        return super()._notify_thread_by_email(message, recipients_data, **kwargs)
