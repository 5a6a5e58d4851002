"""Outgoing official documents (văn bản đi), Decree 30/2020/ND-CP, Art. 10-16.

A specialist drafts; the draft is rendered in Decree 30's layout and every rendering is kept as
a version; the draft goes through the review chain configured for its type and department (OCA
base_tier_validation: department head, legal department, vice minister, ...); once approved, the
competent person signs it, then the records office gives it the register's number and date and
applies the agency's signature (the seal), and issues it.

Trust model: the workflow fields (state, number, dates, PDFs, reviews, drafter...) change only
inside the step methods below, each of which first checks who calls it, on which documents and in
which state, then writes them in superuser mode. The content is frozen from the review request to
the issue: nobody edits a document under review, approved or signed; Back to Draft reopens it and
its review starts again. Reviews (tier.review) move only through the review steps, which check
that it is the caller's turn.

State-secret documents (Mật, Tối mật, Tuyệt mật) are numbered in the company's state-secret
outgoing register, and only they are (Decree 30/2020/ND-CP, Art. 15.2 and 16.3; Decree
26/2020/NĐ-CP, Art. 4). On a networked deployment they hold no text and no PDF
(moh.state.secret.mixin): the paper original, drafted and signed off-line, is entered by the
records office (``action_register_secret``). Internal recipients receive them as state-secret
incoming entries readable only by the recipient departments' heads, with the hand-over trail;
they never leave by edXML (moh.edxml refuses them).
"""

import base64
import dataclasses
import hashlib
import textwrap

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from moh_core.documents.layout import CONFIDENTIALITY_MARKS, TYPE_NAMES, URGENCY_MARKS
from moh_core.signatures import FieldBox, StampStyle, VisibleStamp

from ..tools.core_errors import error_reason, user_errors
from .moh_deadline_policy import CONFIDENTIALITY, URGENCY

STATES = [
    ("draft", "Draft"),
    ("to_sign", "Approved, to Sign"),
    ("signed", "Signed"),
    ("issued", "Issued"),
    ("cancelled", "Cancelled"),
    ("revoked", "Revoked"),
]
AUTHORITIES = [
    ("none", "Head (no mark)"),
    ("tm", "TM. (on behalf of the collective)"),
    ("kt", "KT. (deputy signing for the head)"),
    ("q", "Q. (acting head)"),
    ("tl", "TL. (by order)"),
    ("tuq", "TUQ. (by authorisation)"),
]


def _pem(der, label):
    body = "\n".join(textwrap.wrap(base64.b64encode(der).decode(), 64))
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n"


AUTHORITY_MARKS = {"none": "", "tm": "TM.", "kt": "KT.", "q": "Q.", "tl": "TL.", "tuq": "TUQ."}
#: Under "TL.", a unit's deputy signs "KT." and its acting head "Q." (Decree 30, Appendix I §II.7.b).
DEPUTY_AUTHORITIES = [
    ("none", "None"),
    ("kt", "KT. (deputy of the unit's head)"),
    ("q", "Q. (acting head of the unit)"),
]


class MohOutgoingDocument(models.Model):
    _name = "moh.outgoing.document"
    _description = "Outgoing Document"
    # The guard first: a workflow field is refused before the review chain's own write hooks run.
    _inherit = [
        "moh.workflow.guard",
        "moh.records.item.mixin",
        "moh.state.secret.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "tier.validation",
        "moh.search.mixin",
    ]
    _order = "id desc"
    #: Searched by the search box's "Anything" (moh.search.mixin): the text is the body itself.
    _moh_search_fields = ("name", "abstract", "addressees", "recipients", "signer_block", "body")
    _moh_search_number_field = "name"
    _state_from = ["draft"]
    _state_to = ["to_sign"]
    _cancel_state = "cancelled"
    _tier_validation_manual_config = False
    # Whoever may read a document may discuss it in its chatter (reviewers, signer, records
    # office), also once its text is frozen and nobody may write it.
    _mail_post_access = "read"

    #: Changed only by the step methods (in superuser mode, after their checks); extended by
    #: other modules (e.g. the dossier an e-result belongs to).
    _moh_workflow_fields = (
        "state",
        "number",
        "year",
        "issue_date",
        "pdf_id",
        "signed_checksum",
        "version_ids",
        "review_ids",
        "validation_status",
        "department_head_id",
        "legal_reviewer_id",
        "name",
        "symbol",
        "drafter_id",
        "exchange_message_ids",
        "signer_block",
        "exchange_key",
        "abstract_consent_user_id",
        "abstract_consent_date",
        "handover_ids",
        "verification_code",
    )
    _moh_secret_content_fields = ("body", "pdf_id")

    name = fields.Char(string="Reference", compute="_compute_name", store=True)
    state = fields.Selection(
        STATES, default="draft", required=True, readonly=True, tracking=True, index=True, copy=False
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    document_type_id = fields.Many2one(
        "moh.document.type", required=True, tracking=True, domain=[("copy_form", "=", False)]
    )
    department_id = fields.Many2one(
        "hr.department",
        string="Drafting Unit",
        required=True,
        tracking=True,
        default=lambda self: self.env.user.employee_id.department_id,
    )
    drafter_id = fields.Many2one("res.users", required=True, copy=False, default=lambda self: self.env.user)
    # Required but for a Tuyệt mật document without consent (moh.state.secret.mixin).
    abstract = fields.Text(tracking=True, help="Trích yếu: what the document is about.")
    body = fields.Text(help="The text of the document; paragraphs separated by a blank line.")
    addressees = fields.Text(string="Addressed To", help="Kính gửi (official letters), one per line.")
    recipients = fields.Text(help="Nơi nhận, one per line; the archive line last.")
    internal_department_ids = fields.Many2many(
        "hr.department",
        string="Internal Recipients",
        help="Departments of the ministry that receive the issued document as an incoming document.",
    )
    exchange_peer_ids = fields.Many2many(
        "moh.exchange.peer",
        string="Send by edXML To",
        domain=[("national_portal", "=", False)],
        help="Other agencies that receive the issued document as an edXML message, through the exchange queue.",
    )
    exchange_message_ids = fields.One2many(
        "moh.exchange.message",
        "res_id",
        string="Exchange Messages",
        domain=[("res_model", "=", "moh.outgoing.document")],
    )
    urgency = fields.Selection(URGENCY, required=True, default="normal")
    confidentiality = fields.Selection(CONFIDENTIALITY, required=True, default="normal")

    signer_id = fields.Many2one("res.users", tracking=True, help="The competent person who signs.")
    # The authority (Decree 30, Art. 13) is derived from who signs for whom when the signer is
    # chosen (_moh_derive_authority), may then be corrected within the rules (_check_signer_authority)
    # and is stored with the document: the PDF, the register and edXML SignerInfo read it here.
    signer_authority = fields.Selection(
        AUTHORITIES,
        string="Signing Authority",
        required=True,
        compute="_compute_signer_authority",
        store=True,
        readonly=False,
        precompute=True,
        help="Derived from who signs for whom: TUQ. under a written authorisation (delegation), TL. for a "
        "unit head signing by order of the head of the agency; KT., Q. and TM. are chosen.",
    )
    signer_authority_position = fields.Char(
        string="Position Signed For",
        help="E.g. BỘ TRƯỞNG after KT.",
        compute="_compute_signer_authority",
        store=True,
        readonly=False,
        precompute=True,
    )
    signer_deputy_authority = fields.Selection(
        DEPUTY_AUTHORITIES,
        string="Authority Within the Unit",
        required=True,
        compute="_compute_signer_authority",
        store=True,
        readonly=False,
        precompute=True,
        help="Under TL.: KT. when the unit's deputy signs, Q. when its acting head signs.",
    )
    signer_deputy_authority_position = fields.Char(
        string="Unit Position Signed For",
        help="E.g. CỤC TRƯỞNG in TL. BỘ TRƯỞNG / KT. CỤC TRƯỞNG.",
        compute="_compute_signer_authority",
        store=True,
        readonly=False,
        precompute=True,
    )
    signer_position = fields.Char(
        string="Signer's Position",
        help="E.g. THỨ TRƯỞNG",
        compute="_compute_signer_position",
        store=True,
        readonly=False,
        precompute=True,
    )
    signer_block = fields.Char(
        string="Signature Block",
        compute="_compute_signer_block",
        store=True,
        help="The lines printed above the signature, as in the PDF, the register and edXML.",
    )

    register_id = fields.Many2one(
        "moh.document.register",
        check_company=True,
        domain="[('direction', '=', 'outgoing')]",
        default=lambda self: self._default_register(),
    )
    number = fields.Integer(readonly=True, copy=False, aggregator=False)
    year = fields.Integer(readonly=True, copy=False, aggregator=False)
    symbol = fields.Char(compute="_compute_symbol", store=True, help="E.g. QĐ-BYT, or BYT-KHTC for an official letter.")
    issue_date = fields.Date(readonly=True, copy=False)
    exchange_key = fields.Char(
        string="Document Key",
        compute="_compute_exchange_key",
        store=True,
        index="btree_not_null",
        copy=False,
        help="Our agency code, the date of issue with its year and the number/notation, normalised: the DocumentId "
        "by which other agencies' edXML status messages name the document (never its number alone).",
    )

    version_ids = fields.One2many(
        "ir.attachment",
        "res_id",
        string="Versions",
        domain=[("res_model", "=", "moh.outgoing.document"), ("res_field", "=", False)],
        help="Every rendering of the draft, oldest first.",
    )
    pdf_id = fields.Many2one("ir.attachment", string="Current PDF", readonly=True, copy=False)
    signed_checksum = fields.Char(string="SHA-256 of the Issued PDF", readonly=True, copy=False)
    verification_code = fields.Char(
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Printed with a QR code at the foot of the first page of the signed PDF: anyone checks the issued "
        "document at <site>/verify/<code>. Drawn at random when the final PDF is prepared for signing; never "
        "for a state-secret document.",
    )
    signature_validation_ids = fields.One2many(
        "moh.signature.validation", compute="_compute_signature_validations", string="Signature Checks"
    )
    department_head_id = fields.Many2one(
        "res.users", compute="_compute_reviewers", store=True, string="Head of the Drafting Unit"
    )
    legal_reviewer_id = fields.Many2one(
        "res.users",
        compute="_compute_reviewers",
        store=True,
        help="Head of the legal department, who checks the legality of normative and typed documents.",
    )

    handover_ids = fields.One2many(
        "moh.secret.handover",
        "outgoing_document_id",
        string="Hand-overs",
        help="State-secret documents: each hand-over, in the hand-over register.",
    )

    # Written by the review steps only: read-only in every form (so never sent on save).
    review_ids = fields.One2many(readonly=True)

    _number_unique = models.Constraint(
        "UNIQUE(register_id, year, number)", "This number is already used in this register."
    )
    # The code opens the public verification page: unique, and only ever the 12 characters of
    # moh_core.documents.verification's alphabet (never a guessable value written by hand).
    _verification_code_unique = models.Constraint(
        "UNIQUE(verification_code)", "This verification code is already used by another document."
    )
    _verification_code_form = models.Constraint(
        "CHECK(verification_code IS NULL OR verification_code ~ '^[2-9A-HJ-NP-Z]{12}$')",
        "A verification code is 12 characters drawn by the system.",
    )

    @api.depends("signer_id")
    def _compute_signer_position(self):
        for doc in self:
            title = doc.signer_id.sudo().employee_id.job_title
            if title:
                doc.signer_position = " ".join(title.upper().split())

    @api.depends("signer_id", "department_id", "company_id")
    def _compute_signer_authority(self):
        for doc in self:
            if doc.signer_id:
                doc.update(doc._moh_derive_authority(doc.signer_id, doc.department_id, doc.company_id))
            else:
                doc.signer_authority = doc.signer_authority or "none"
                doc.signer_deputy_authority = doc.signer_deputy_authority or "none"

    @api.model
    def _moh_derive_authority(self, signer, department, company, day=None):
        """The authority of ``signer`` signing a document of ``department`` (Decree 30, Art. 13):

        * under a written authorisation valid on ``day`` (a delegation to the signer): TUQ. and
          the authoriser's position (13.3);
        * the head of a unit of the agency (``department`` or a unit above it) that does not issue
          in its own name: TL. and the position of the head of the agency (13.4), e.g.
          "TL. BỘ TRƯỞNG" / "CỤC TRƯỞNG CỤC QUẢN LÝ DƯỢC";
        * otherwise no mark: the head of the agency or of a unit with its own seal signs in their
          own name; KT., Q. and TM. are standing assignments the user chooses.
        """
        vals = {
            "signer_authority": "none",
            "signer_authority_position": False,
            "signer_deputy_authority": "none",
            "signer_deputy_authority_position": False,
        }
        signer = signer.sudo()
        delegators = self.env["moh.delegation"]._moh_delegators_of(signer, day) if signer else signer
        title = next((user.employee_id.job_title for user in delegators.sudo() if user.employee_id.job_title), False)
        if title:
            vals.update(signer_authority="tuq", signer_authority_position=" ".join(title.upper().split()))
            return vals
        unit = department.sudo()
        while unit:
            if unit.manager_id.user_id == signer:
                break
            unit = unit.parent_id
        head_position = company.sudo().moh_head_position
        if unit and not unit.moh_own_seal and head_position:
            vals.update(signer_authority="tl", signer_authority_position=" ".join(head_position.upper().split()))
        return vals

    @api.depends(
        "signer_id",
        "signer_authority",
        "signer_authority_position",
        "signer_deputy_authority",
        "signer_deputy_authority_position",
        "signer_position",
    )
    def _compute_signer_block(self):
        for doc in self:
            try:
                doc.signer_block = " / ".join(doc._moh_signer().lines) if doc.signer_id else False
            except ValueError:
                doc.signer_block = False

    @api.constrains("document_type_id")
    def _check_not_a_copy_form(self):
        """Sao y, trích sao and sao lục are made from an existing document and numbered in the
        copy series (Decree 30/2020/ND-CP, Art. 25; Appendix III), not drafted."""
        if any(doc.document_type_id.copy_form for doc in self):
            raise ValidationError(self.env._("A copy is made from the document it copies (Copies), not drafted."))

    @api.constrains(
        "signer_id",
        "signer_authority",
        "signer_authority_position",
        "signer_deputy_authority",
        "signer_deputy_authority_position",
    )
    def _check_signer_authority(self):
        """The user's choice of authority is kept within Decree 30's rules (Art. 13)."""
        for doc in self:
            mark = AUTHORITY_MARKS[doc.signer_authority]
            deputy = doc.signer_deputy_authority
            if mark and not (doc.signer_authority_position or "").strip():
                raise ValidationError(
                    self.env._(
                        "The signing authority %(mark)s needs the position it signs for, e.g. BỘ TRƯỞNG.", mark=mark
                    )
                )
            if deputy != "none" and doc.signer_authority != "tl":
                raise ValidationError(
                    self.env._("KT. or Q. within a unit is written under TL. only (TL. BỘ TRƯỞNG / KT. CỤC TRƯỞNG).")
                )
            if deputy != "none" and not (doc.signer_deputy_authority_position or "").strip():
                raise ValidationError(
                    self.env._(
                        "The signing authority %(mark)s needs the position it signs for, e.g. BỘ TRƯỞNG.",
                        mark=deputy.upper() + ".",
                    )
                )
            if (
                doc.signer_authority == "tuq"
                and doc.signer_id
                and doc.state in ("draft", "to_sign")
                and not self.env["moh.delegation"]._moh_delegators_of(doc.signer_id)
            ):
                raise ValidationError(
                    self.env._(
                        "%(signer)s signs TUQ. only under a written authorisation valid today: record the "
                        "delegation first.",
                        signer=doc.signer_id.name,
                    )
                )

    def _moh_signer(self):
        """The signature block as moh_core.documents.layout.Signer (boxes 7a/7b)."""
        from moh_core.documents import Signer  # noqa: PLC0415

        self.ensure_one()
        return Signer(
            authority=AUTHORITY_MARKS[self.signer_authority],
            authority_position=self.signer_authority_position or "",
            deputy_authority=AUTHORITY_MARKS.get(self.signer_deputy_authority, ""),
            deputy_authority_position=self.signer_deputy_authority_position or "",
            position=self.signer_position or "",
            name=self.signer_id.sudo().name or "",
        )

    def _default_register(self):
        return self.env["moh.document.register"].search(
            [("direction", "=", "outgoing"), ("confidential", "=", False), ("company_id", "=", self.env.company.id)],
            limit=1,
        )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # A state-secret document goes in the state-secret register unless one is chosen.
            if vals.get("confidentiality", "normal") != "normal" and not vals.get("register_id"):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["register_id"] = self.env["moh.document.register"]._moh_secret_register("outgoing", company).id
        return super().create(vals_list)

    def message_post(self, **kwargs):
        """State secrets: no file and nobody outside the agency (moh.state.secret.mixin)."""
        self._moh_check_secret_post(kwargs)
        return super().message_post(**kwargs)

    @api.onchange("confidentiality")
    def _onchange_confidentiality_register(self):
        if self.register_id and (self.confidentiality != "normal") != self.register_id.confidential:
            company = self.company_id or self.env.company
            self.register_id = (
                self.env["moh.document.register"]._moh_secret_register("outgoing", company)
                if self.confidentiality != "normal"
                else self._default_register()
            )

    @api.constrains("register_id", "confidentiality")
    def _check_confidential_register(self):
        """State-secret documents are numbered in a state-secret register, and only they are
        (Decree 30/2020/ND-CP, Art. 15.2 and 16.3; Decree 26/2020/NĐ-CP, Art. 4)."""
        for doc in self:
            if doc.register_id and (doc.confidentiality != "normal") != doc.register_id.confidential:
                raise ValidationError(
                    self.env._(
                        "State-secret documents (Mật, Tối mật, Tuyệt mật) go in a state-secret register with its own "
                        "series, and only they do (Decree 30/2020/ND-CP, Art. 15.2; %(law)s).",
                        law=doc._moh_secret_legal_source(),
                    )
                )

    @api.constrains("confidentiality", "abstract", "abstract_consent", "body", "pdf_id")
    def _check_state_secret_content(self):
        self._moh_check_secret_content()

    @api.depends("document_type_id.abbreviation", "company_id.moh_abbreviation", "department_id.moh_abbreviation")
    def _compute_symbol(self):
        for doc in self:
            agency = doc.company_id.moh_abbreviation or ""
            if doc.document_type_id.abbreviation:
                doc.symbol = f"{doc.document_type_id.abbreviation}-{agency}"
            else:
                doc.symbol = "-".join(part for part in (agency, doc.department_id.moh_abbreviation) if part)

    @api.onchange("document_type_id")
    def _onchange_document_type_template(self):
        """A new draft starts from its type's template."""
        if self.document_type_id.body_template and not self.body:
            self.body = self.document_type_id.body_template
        if self.document_type_id.recipients_template and not self.recipients:
            self.recipients = self.document_type_id.recipients_template

    @api.depends("department_id.manager_id.user_id")
    def _compute_reviewers(self):
        legal = self.env.ref("moh_documents.dep_legal", raise_if_not_found=False)
        legal_head = legal.sudo().manager_id.user_id if legal else self.env["res.users"]
        for doc in self:
            doc.department_head_id = doc.department_id.sudo().manager_id.user_id
            doc.legal_reviewer_id = legal_head

    @api.depends("company_id.moh_agency_code", "issue_date", "number", "symbol")
    def _compute_exchange_key(self):
        """The key of the DocumentId the document is sent under (moh.edxml._moh_export), QCVN 102:2016."""
        from moh_core.exchange import document_key  # noqa: PLC0415

        organization = self.env["moh.edxml"]._moh_organization
        for doc in self:
            key = doc.number and document_key(
                organization(doc.company_id).organ_id, doc.issue_date, f"{doc.number}/{doc.symbol or ''}"
            )
            doc.exchange_key = str(key) if key else False

    @api.depends("number", "symbol", "abstract")
    def _compute_name(self):
        for doc in self:
            if doc.number:
                doc.name = f"{doc.number:02d}/{doc.symbol}"
            else:
                doc.name = self.env._("Draft: %(abstract)s", abstract=(doc.abstract or "")[:60])

    @api.model
    def _get_under_validation_exceptions(self):
        # Reviewers only approve or reject; the chatter and activities stay writable.
        return super()._get_under_validation_exceptions() + ["pdf_id", "message_main_attachment_id"]

    # -- who may take each step ---------------------------------------------------------------

    def _moh_roles(self, user):
        """The parts ``user`` plays on this document: drafter, head (of the drafting unit),
        signer, reviewer (named on one of its reviews)."""
        self.ensure_one()
        doc = self.sudo()
        roles = set()
        if user == doc.drafter_id:
            roles.add("drafter")
        if user == doc.department_head_id:
            roles.add("head")
        if user == doc.signer_id:
            roles.add("signer")
        if user in doc.review_ids.reviewer_ids:
            roles.add("reviewer")
        return roles

    def _moh_step_label(self, step):
        return {
            "render": self.env._("Render"),
            "request_review": self.env._("Request review"),
            "approved": self.env._("Send to signer"),
            "back_to_draft": self.env._("Back to draft"),
            "restart_review": self.env._("Restart review"),
        }[step]

    def _moh_check_step(self, step, roles, states):
        """Refuse ``step`` unless the caller may read every document, plays one of ``roles`` on
        each and each is in one of ``states``. The system's own calls (superuser mode, made after
        their own checks) pass."""
        if self.env.su:
            return
        self.check_access("read")
        user = self.env.user
        step = self._moh_step_label(step)
        labels = {
            "drafter": self.env._("the drafter"),
            "head": self.env._("the head of the drafting unit"),
            "signer": self.env._("the signer"),
            "reviewer": self.env._("its reviewers"),
        }
        for doc in self:
            if not doc._moh_roles(user) & set(roles):
                raise AccessError(
                    self.env._(
                        "%(step)s: only %(who)s may do this on %(doc)s.",
                        step=step,
                        doc=doc.display_name,
                        who=", ".join(labels[role] for role in roles),
                    )
                )
            if doc.state not in states:
                raise UserError(
                    self.env._(
                        "%(step)s: not possible on %(doc)s in the stage %(state)s.",
                        step=step,
                        doc=doc.display_name,
                        state=dict(doc._fields["state"]._description_selection(self.env))[doc.state],
                    )
                )

    def _moh_frozen(self):
        """Whether the text is frozen: from the review request to the issue (and once cancelled)."""
        self.ensure_one()
        doc = self.sudo()
        return doc.state != "draft" or bool(doc.review_ids)

    def _moh_check_content_update(self, vals):
        """From the review request on, the document changes only through its steps: what the
        reviewers approved is what the signer signs and the records office issues."""
        self.check_access("read")  # who may not even read it learns nothing of its stage
        for doc in self:
            if not doc._moh_frozen():
                continue
            if doc.sudo().state == "issued":
                raise UserError(self.env._("An issued document cannot be changed."))
            if doc.sudo().state == "revoked":
                raise UserError(self.env._("A revoked document cannot be changed."))
            raise UserError(
                self.env._(
                    "The text of %(doc)s is frozen from its review request until it is issued. To change "
                    "it, send it back to draft (Back to Draft, or Restart Validation while under review): "
                    "its review then starts again.",
                    doc=doc.display_name,
                )
            )

    def _check_access(self, operation):
        """A document whose text is frozen is written by nobody but its steps: neither its fields
        nor its files (attachments are writable by whoever may write their document)."""
        result = super()._check_access(operation)
        if self.env.su or operation not in ("write", "unlink"):
            return result
        forbidden = result[0] if result else self.browse()
        frozen = self.browse([doc.id for doc in (self - forbidden) if isinstance(doc.id, int) and doc._moh_frozen()])
        if not frozen:
            return result

        def error():
            if result:
                return result[1]()
            return AccessError(
                self.env._(
                    "The text of %(doc)s is frozen from its review request until it is issued: only the "
                    "steps of its workflow change it or its files.",
                    doc=frozen[:1].sudo().display_name,
                )
            )

        return forbidden | frozen, error

    # -- drafting -------------------------------------------------------------------------------

    def _moh_type_title(self):
        """The title of the document (box 5a): the type's name of Decree 30, Appendix III, in
        capitals; a type of the agency's own takes its Vietnamese name (its name when Vietnamese is
        not installed). None for an official letter (công văn: no title, a "V/v" abstract)."""
        doc_type = self.document_type_id
        if not doc_type.abbreviation:
            return None
        name = TYPE_NAMES.get(doc_type.abbreviation)
        if not name:
            vietnamese = self.env["res.lang"]._lang_get("vi_VN")
            name = (doc_type.with_context(lang="vi_VN") if vietnamese else doc_type).name or ""
        return name.upper()

    def _moh_layout(self):
        """The document as moh_core.documents.layout renders it."""
        from moh_core.documents import OutgoingDocument  # noqa: PLC0415

        self.ensure_one()
        company = self.company_id
        return OutgoingDocument(
            agency_parent="",
            agency=company.name or "",
            number=self.number or None,
            symbol=self.symbol or "",
            place=company.city or "Hà Nội",
            date=self.issue_date or None,
            type_name=self._moh_type_title(),
            abstract=self.abstract or "",
            body=self.body or "",
            kinh_gui=[line.strip() for line in (self.addressees or "").splitlines() if line.strip()],
            signer=self._moh_signer(),
            recipients=[line.strip() for line in (self.recipients or "").splitlines() if line.strip()],
            urgency=URGENCY_MARKS.get(self.urgency),
            confidentiality=CONFIDENTIALITY_MARKS.get(self.confidentiality),
        )

    # -- filing (moh.records.item.mixin) -------------------------------------------------------

    _moh_records_states = ("issued",)
    _moh_records_department_field = "department_id"
    _moh_records_document_type_field = "document_type_id"
    _moh_records_attachment_fields = ("pdf_id",)  # the issued (signed) PDF, and the files attached to it
    _moh_records_own_files = True

    def _moh_records_year(self):
        return self.year or (self.issue_date or fields.Date.context_today(self)).year

    def action_add_to_file(self):
        """File the record in its suggested file (moh.records.item.mixin; the file's step checks
        the caller)."""
        return self._moh_records_add_to_file()

    def _moh_records_metadata(self):
        doc = self.sudo()
        return {
            "kind": "outgoing",
            "number": doc.number,
            "year": doc.year,
            "number_symbol": doc.name,
            "issue_date": doc.issue_date,
            "document_type": doc.document_type_id.name,
            "unit": doc.department_id.name,
            "signer": doc.signer_id.name or "",
            "abstract": doc.abstract or "",
            "confidentiality": doc.confidentiality,
            "signed_checksum": doc.signed_checksum or "",
            "language": "vi",
        }

    def action_render(self):
        """Render the draft in Decree 30's layout and keep it as a new version (the drafting unit
        and the reviewers of a draft)."""
        self._moh_check_step("render", ("drafter", "head", "reviewer"), ("draft",))
        self._moh_render()
        return True

    def _moh_render(self):
        """A new version rendered from the fields (the caller checked who and when)."""
        from moh_core.documents import render_outgoing_document  # noqa: PLC0415

        for doc in self:
            if doc.state != "draft":
                raise UserError(self.env._("Only a draft is rendered again; later versions are signed."))
            layout = doc._moh_layout()
            with user_errors(self.env):
                rendered = render_outgoing_document(layout)
            version = len(doc.sudo().version_ids) + 1
            attachment = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": f"{doc.symbol or 'du-thao'}-v{version}.pdf",
                        "raw": rendered.pdf,
                        "mimetype": "application/pdf",
                        "moh_role": "draft_pdf",
                        "res_model": doc._name,
                        "res_id": doc.id,
                    }
                )
            )
            doc.sudo().pdf_id = attachment
            doc.sudo().message_post(
                body=self.env._("Draft version %(version)s rendered.", version=version),
                attachment_ids=attachment.ids,
                author_id=self.env.user.partner_id.id,
            )

    def _moh_review_by_each(self, comment="Đồng ý"):
        """Demo data and tests: each reviewer of the draft's chain, in turn, approves it through
        their comment dialog, as they would in the form."""
        self.ensure_one()
        for _turn in range(6):
            if self.validation_status == "validated":
                break
            review = self.review_ids.filtered(lambda r: r.status in ("waiting", "pending"))[:1]
            reviewer = review.reviewer_ids[:1]
            action = self.with_user(reviewer).validate_tier()
            if action:  # the comment dialog
                wizard = (
                    self.env["comment.wizard"]
                    .with_user(reviewer)
                    .with_context(**action["context"])
                    .create({"comment": comment})
                )
                wizard.add_comment()

    def action_request_review(self):
        """Send the draft through its review chain (the drafter or the head of the drafting unit)."""
        self._moh_check_step("request_review", ("drafter", "head"), ("draft",))
        self.request_validation()
        return True

    def action_approved(self):
        """After the whole chain approved: ready for the signer."""
        self._moh_check_step("approved", ("drafter", "head", "signer"), ("draft",))
        # need_validation is computed without dependencies on the reviews: read it afresh.
        self.invalidate_recordset(["need_validation", "validation_status", "review_ids"])
        for doc in self:
            reviews = doc.sudo().review_ids
            if not reviews or any(review.status != "approved" for review in reviews):
                raise UserError(
                    self.env._(
                        "%(doc)s goes to its signer only once every reviewer of its chain approved it.",
                        doc=doc.display_name,
                    )
                )
            doc.sudo().write({"state": "to_sign"})
            if doc.confidentiality == "normal":
                # The final rendering with every field is made now, once: signing only signs.
                doc._moh_prepare_for_signing()
            if doc.signer_id:
                doc.sudo().activity_schedule(
                    "mail.mail_activity_data_todo", user_id=doc.signer_id.id, summary=self.env._("Sign the document")
                )
        return True

    def action_back_to_draft(self):
        """Reopen a document under review, or approved but unsigned, for editing (the drafting
        unit or the signer): its review starts again, and what was prepared for the signature
        is dropped."""
        self._moh_check_step("back_to_draft", ("drafter", "head", "signer"), ("draft", "to_sign"))
        for doc in self:
            system = doc.sudo()
            if doc.state == "to_sign":
                system.with_context(skip_validation_check=True).write({"state": "draft", "pdf_id": False})
                system.activity_ids.filtered(lambda a: a.user_id == doc.signer_id).unlink()
            system.restart_validation()
        return True

    # -- the review chain (OCA base_tier_validation) ------------------------------------------
    # Its public methods act on tier.review records, which nobody writes directly: each checks
    # here who calls it on which document, then runs in superuser mode (the user stays the
    # caller: the chain still checks that the caller is the reviewer whose turn it is).

    def request_validation(self):
        if not self.env.su:
            self._moh_check_step("request_review", ("drafter", "head"), ("draft",))
            for doc in self:
                if doc.sudo().review_ids:
                    raise UserError(
                        self.env._(
                            "%(doc)s is already under review: restart its review to ask again.", doc=doc.display_name
                        )
                    )
                doc._moh_check_signer_competent()
        # What the reviewers see is rendered from the fields they approve.
        self.sudo().filtered(lambda d: d.state == "draft" and d.need_validation)._moh_render()
        return super(MohOutgoingDocument, self.sudo()).request_validation()

    def _moh_check_signer_competent(self):
        """The signer is a competent person (Decree 30, Art. 13): a leader of a unit or of the
        ministry, never a specialist, who would otherwise approve his own draft in the signer's
        step of the chain and sign it."""
        signer = self.sudo().signer_id
        if signer and not signer.has_group("moh_documents.group_department_head"):
            raise UserError(
                self.env._(
                    "%(signer)s cannot sign %(doc)s: documents are signed by the leaders of a unit or of the ministry.",
                    signer=signer.name,
                    doc=self.display_name,
                )
            )

    def restart_validation(self):
        self._moh_check_step("restart_review", ("drafter", "head", "signer"), ("draft",))
        return super(MohOutgoingDocument, self.sudo()).restart_validation()

    def _moh_check_review_turn(self):
        """The caller is the reviewer whose turn it is on this document under review."""
        self.ensure_one()
        if self.env.su:
            return
        self.check_access("read")
        if self.state != "draft" or self.validation_status not in ("waiting", "pending") or not self.can_review:
            raise AccessError(self.env._("It is not your turn to review %(doc)s.", doc=self.display_name))

    def validate_tier(self):
        self._moh_check_review_turn()
        return super(MohOutgoingDocument, self.sudo()).validate_tier()

    def reject_tier(self):
        self._moh_check_review_turn()
        return super(MohOutgoingDocument, self.sudo()).reject_tier()

    def _moh_check_review_decision(self, decision, reviews):
        """The comment dialog (comment.wizard) approves or rejects ``reviews``: each must be the
        caller's own, open, of this document and at its turn in the chain."""
        self.ensure_one()
        if self.env.su:
            return
        self._moh_check_review_turn()
        user = self.env.user
        sequences = self.sudo()._get_sequences_to_approve(user)
        if (
            decision not in ("validate", "reject")
            or not reviews
            or any(
                review.model != self._name
                or review.res_id != self.id
                or review.status not in ("waiting", "pending")
                or user not in review.reviewer_ids
                or review.sequence not in sequences
                for review in reviews.sudo()
            )
        ):
            raise AccessError(self.env._("It is not your turn to review %(doc)s.", doc=self.display_name))

    @api.private
    def evaluate_tier(self, tier):
        return super().evaluate_tier(tier)

    def _search_reviewer_ids(self, operator, value):
        # The reviews' own read rule depends on the documents' (tier.review): search the reviews
        # of the chain in superuser mode, the documents' rules still apply to the result.
        return super(MohOutgoingDocument, self.sudo())._search_reviewer_ids(operator, value)

    def unlink(self):
        self.check_access("unlink")
        return super(MohOutgoingDocument, self.sudo()).unlink()

    # -- signing --------------------------------------------------------------------------------

    def _compute_signature_validations(self):
        checks = (
            self.env["moh.signature.validation"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_id", "in", self.ids)])
            if self.ids
            else self.env["moh.signature.validation"]
        )
        for doc in self:
            doc.signature_validation_ids = checks.filtered(
                lambda c: c.res_id == doc.id and c.attachment_id == doc.pdf_id
            )

    def _moh_validation_material(self):
        return self.env["moh.trust.root"]._moh_validation_material(self.company_id)

    def _moh_timestamper(self):
        return self.company_id._moh_timestamper()

    def _moh_revocation_policy(self):
        return self.env["moh.trust.root"]._moh_revocation_policy(self.company_id)

    def _moh_prepare_for_signing(self):
        """The final rendering, with every signature field created before the first signature."""
        from moh_core.documents import render_outgoing_document  # noqa: PLC0415
        from moh_core.signatures import prepare_fields  # noqa: PLC0415

        self.ensure_one()
        from moh_core.signatures import TextField  # noqa: PLC0415

        layout = dataclasses.replace(self._moh_layout(), verification=self._moh_verification_mark())
        with user_errors(self.env):
            rendered = render_outgoing_document(layout)
            # Every field (signer, seal, and the number and date the records office fills in after the
            # signature) exists before the first signature: adding one later weakens the signature.
            pdf = prepare_fields(
                rendered.pdf,
                [FieldBox(box.name, box.page, box.box) for box in rendered.signature_boxes],
                [
                    TextField(
                        name=box.name,
                        page=box.page,
                        box=box.box,
                        font_size=box.font_size,
                        italic=box.italic,
                        align=box.align,
                    )
                    for box in rendered.text_boxes
                ],
            )
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"{self.symbol or 'van-ban'}-ky.pdf",
                    "raw": pdf,
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": self.id,
                    "moh_role": "signing_pdf",
                }
            )
        )
        self.sudo().pdf_id = attachment
        return attachment

    def _moh_verification_mark(self):
        """The public verification mark of the final rendering (a
        ``moh_core.documents.VerificationMark``): the document's code, drawn at random the first
        time and kept (a later final rendering prints the same), with the site's base URL. None
        for a state-secret document: the public site neither confirms nor denies that one exists
        (docs/security.md)."""
        from moh_core.documents import VerificationMark, new_verification_code  # noqa: PLC0415

        self.ensure_one()
        doc = self.sudo()
        if doc.confidentiality != "normal":
            return None
        if not doc.verification_code:
            Outgoing = doc.with_context(active_test=False)
            code = new_verification_code()
            # 60 random bits: a collision is all but impossible, and the constraint refuses it.
            while Outgoing.search_count([("verification_code", "=", code)]):
                code = new_verification_code()  # pragma: no cover
            doc.verification_code = code
        return VerificationMark(doc.verification_code, doc.get_base_url())

    def _moh_store_signed(self, result, label, role):
        """Archive the signed bytes as they are (``role``: the signer's signed PDF or the issued
        one), with their checksum, the validation of every signature in them, and the evidence
        of the check made before this signature."""
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": label,
                    "raw": result.pdf,
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": self.id,
                    "moh_role": role,
                }
            )
        )
        checksum = hashlib.sha256(result.pdf).hexdigest()
        self.sudo().write({"pdf_id": attachment.id, "signed_checksum": checksum})
        checks = self.env["moh.signature.validation"]._moh_validate(self, attachment)
        crls = "".join(_pem(der, "X509 CRL") for der in result.check.revocation.crls)
        # The evidence of this signature: who signed here, with which certificate, which bytes.
        checks.filtered(lambda c: c.field_name == result.field_name).sudo().write(
            {
                "signing_check": result.check.summary,
                "signing_revocation_data": base64.b64encode(crls.encode()) if crls else False,
                "signed_by_id": self.env.user.id,
                "signed_sha256": checksum,
                "signing_certificate": base64.b64encode(result.certificate_der),
            }
        )
        return attachment

    def action_sign(self, password=None):
        """The competent person signs with their own key (visible signature: position, name,
        time). Several documents at once load the key once; a large selection is better signed
        in the background (moh.signing.batch)."""
        self._moh_check_may_sign()
        if not self:
            return True
        key = self.env["moh.signing.key"]._moh_personal(self.env.user)
        with key._moh_signer(password) as signer:
            self._moh_sign_with(key, signer)
        return True

    def _moh_check_may_sign(self):
        """Each document is approved (``to_sign``) and the caller is its named signer."""
        for doc in self:
            if doc.state != "to_sign":
                raise UserError(self.env._("Only an approved document is signed: %(doc)s.", doc=doc.display_name))
            if self.env.user != doc.signer_id:
                raise AccessError(self.env._("Only %(signer)s signs this document.", signer=doc.signer_id.name))

    def _moh_sign_with(self, key, signer, check=None):
        """Sign these documents (checked by the caller) with the opened ``signer`` of ``key``;
        returns the certificate check, reused for the next documents while it is fresh (the
        certificate is checked once per batch, not once per document).

        A remote key that signs several documents per approval (``signer.batch_size``) signs
        documents of one company together, so that the signer approves once per run on the
        service's app instead of once per document."""
        from moh_core.signatures import check_signer_certificate, sign, sign_many  # noqa: PLC0415

        picture = base64.b64decode(key.sudo().image) if key.sudo().image else None
        material = self[:1]._moh_validation_material()
        if check is None or not check.ok:
            with user_errors(self.env):
                check = check_signer_certificate(
                    signer, material=material, revocation=self[:1]._moh_revocation_policy()
                )
        for doc in self:
            if doc.pdf_id.moh_role != "signing_pdf":
                # Approved before its fields were prepared at approval time.
                doc._moh_prepare_for_signing()

        def options(doc):
            return {
                "field": "signer",
                "level": doc.company_id.moh_signature_level,
                "timestamper": doc._moh_timestamper(),
                "material": material,
                "check": check,
                "stamp": doc._moh_signer_stamp(picture),
            }

        if len(self) > 1 and len(self.company_id) == 1 and getattr(signer, "batch_size", 1) > 1:
            with user_errors(self.env):
                results = sign_many(
                    [doc.pdf_id.raw for doc in self],
                    signer,
                    revocation=self[:1]._moh_revocation_policy(),
                    **options(self[:1]),
                )
            for doc, result in zip(self, results, strict=True):
                doc._moh_after_signature(result)
            return results[-1].check
        for doc in self:
            with user_errors(self.env):
                result = sign(doc.pdf_id.raw, signer, **options(doc))
            doc._moh_after_signature(result)
            check = result.check
        return check

    def _moh_position(self):
        """The signature block's authority and position lines, e.g. "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG"."""
        self.ensure_one()
        return "\n".join(self._moh_signer().lines)

    def _moh_signer_stamp(self, picture=None):
        """The visible signature: the handwriting picture, the signer as their certificate names
        them and the signing time; the authority, position and name are printed in the block
        around it already (Decree 30, Appendix I: boxes 7a/7b are not repeated in 7c)."""
        return VisibleStamp(style=StampStyle.SIGNER, image_png=picture)

    def _moh_after_signature(self, result):
        """Archive the signer's signed PDF and hand the document to the records office."""
        self.ensure_one()
        self._moh_store_signed(result, f"{self.symbol or 'van-ban'}-da-ky.pdf", "signed_pdf")
        self.sudo().state = "signed"
        self.activity_ids.filtered(lambda a: a.user_id == self.env.user).action_feedback()
        self.sudo().message_post(
            body=self.env._("Signed by %(signer)s.", signer=self.env.user.name), author_id=self.env.user.partner_id.id
        )
        clerk = self.env.ref("moh_documents.group_clerk").sudo().all_user_ids.filtered(lambda u: not u.share)[:1]
        if clerk:
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo", user_id=clerk.id, summary=self.env._("Number, seal and issue")
            )

    def action_open_sign_wizard(self):
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "moh.outgoing.sign.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_document_ids": self.ids},
        }

    def action_issue(self):
        """The records office numbers and dates the signed document, applies the agency's
        signature (the seal) and issues it (Decree 30/2020/ND-CP, Art. 15-16): the signed PDF is
        archived with its checksum, internal recipients receive it as an incoming document."""
        from moh_core.documents import format_issue_date  # noqa: PLC0415
        from moh_core.signatures import fill_fields, make_seal_image, sign  # noqa: PLC0415

        if not self.env.user.has_group("moh_documents.group_clerk"):
            raise AccessError(self.env._("Only the records office numbers, seals and issues documents."))
        for doc in self:
            if doc.state != "signed":
                raise UserError(self.env._("Only a signed document is issued."))
            if not doc.register_id:
                raise UserError(self.env._("Choose the outgoing register."))
            doc._moh_check_signer_signature()
            seal = self.env["moh.signing.key"]._moh_seal(doc.company_id)
            today = fields.Date.context_today(doc)
            number = doc.register_id._moh_allocate_number(self._name, today.year)
            with user_errors(self.env):
                filled = fill_fields(doc.pdf_id.raw, {"number": f"{number:02d}", "date": format_issue_date(today)})
                with seal._moh_signer() as signer:
                    result = sign(
                        filled,
                        signer,
                        field="seal",
                        level=doc.company_id.moh_signature_level,
                        timestamper=doc._moh_timestamper(),
                        material=doc._moh_validation_material(),
                        revocation=doc._moh_revocation_policy(),
                        stamp=VisibleStamp(
                            style=StampStyle.SEAL,
                            image_png=base64.b64decode(seal.image)
                            if seal.image
                            else make_seal_image(doc.company_id.name),
                        ),
                    )
            doc.sudo().write({"number": number, "year": today.year, "issue_date": today, "state": "issued"})
            doc._moh_store_signed(result, f"{doc.name.replace('/', '_')}.pdf", "issued_pdf")
            doc._moh_deliver_internally()
            doc.sudo().message_post(
                body=self.env._("Issued as %(name)s.", name=doc.name), author_id=self.env.user.partner_id.id
            )
        return True

    def _moh_check_signer_signature(self):
        """Before the records office numbers and seals: the current PDF is exactly the one the
        signer named on the document signed in the system. pyHanko checks that its last
        signature is valid, covers the whole file and was made with a certificate recorded when
        that person signed this document (or of their signing key); the file's SHA-256 is the
        one recorded at that signature."""
        from moh_core.signatures import SignedByError, check_signed_by  # noqa: PLC0415

        self.ensure_one()
        _ = self.env._
        doc = self.sudo()
        signer = doc.signer_id
        if not signer or not doc.pdf_id:
            raise UserError(_("%(doc)s has no signer or no signed PDF: it cannot be issued.", doc=doc.display_name))
        pdf = doc.pdf_id.raw or b""
        checksum = hashlib.sha256(pdf).hexdigest()
        evidence = (
            self.env["moh.signature.validation"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", doc.id),
                    ("field_name", "=", "signer"),
                    ("signed_by_id", "=", signer.id),
                    ("signing_certificate", "!=", False),
                ]
            )
        )
        keys = (
            self.env["moh.signing.key"]
            .sudo()
            .with_context(active_test=False)
            .search([("usage", "=", "personal"), ("user_id", "=", signer.id), ("certificate", "!=", False)])
        )
        certificates = {
            base64.b64decode(c) for c in evidence.mapped("signing_certificate") + keys.mapped("certificate")
        }
        if not certificates:
            raise UserError(
                _(
                    "%(doc)s cannot be issued: %(signer)s has never signed it in the system.",
                    doc=doc.display_name,
                    signer=signer.name,
                )
            )
        try:
            check_signed_by(
                pdf,
                sorted(certificates),
                material=doc._moh_validation_material(),
                revocation=doc._moh_revocation_policy(),
            )
        except SignedByError as exc:
            raise UserError(
                _(
                    "%(doc)s cannot be issued: %(reason)s. Ask %(signer)s to sign it again.",
                    doc=doc.display_name,
                    reason=error_reason(self.env, exc),
                    signer=signer.name,
                )
            ) from exc
        if doc.signed_checksum != checksum or checksum not in evidence.mapped("signed_sha256"):
            raise UserError(
                _(
                    "%(doc)s cannot be issued: its PDF is not the file %(signer)s signed in the system. "
                    "Ask %(signer)s to sign it again.",
                    doc=doc.display_name,
                    signer=signer.name,
                )
            )
        return True

    def action_register_secret(self):
        """The records office enters a state-secret document in the state-secret outgoing
        register: its number and date (Decree 30/2020/ND-CP, Art. 15.2 and 16.3; Decree
        26/2020/NĐ-CP, Art. 4). The original was drafted and signed on paper or on an isolated
        computer; only the register entry is kept here. Internal recipients receive it as
        state-secret incoming entries (``_moh_deliver_internally``)."""
        if not self.env.user.has_group("moh_documents.group_clerk"):
            raise AccessError(self.env._("Only the records office numbers and issues documents."))
        self.check_access("read")
        for doc in self:
            if doc.confidentiality == "normal":
                raise UserError(
                    self.env._(
                        "%(doc)s is not a state-secret document: it is signed and issued in the system.",
                        doc=doc.display_name,
                    )
                )
            if doc.state != "draft" or doc.sudo().review_ids:
                raise UserError(
                    self.env._("%(doc)s is already on its way: it is not entered again.", doc=doc.display_name)
                )
            if not doc.register_id.confidential:
                raise UserError(self.env._("Choose the state-secret outgoing register."))
            today = fields.Date.context_today(doc)
            number = doc.register_id._moh_allocate_number(self._name, today.year)
            doc.sudo().write({"number": number, "year": today.year, "issue_date": today, "state": "issued"})
            doc._moh_deliver_internally()
            doc.sudo().message_post(
                body=self.env._(
                    "Entered in %(register)s as %(name)s.", register=doc.register_id.display_name, name=doc.name
                ),
                author_id=self.env.user.partner_id.id,
            )
        return True

    def action_export_edxml(self):
        """Download the issued document as an edXML message (QCVN 102:2016/BTTTT)."""
        self.ensure_one()
        self.check_access("read")
        if self.state != "issued":
            raise UserError(self.env._("Only an issued document is exported."))
        data = self.env["moh.edxml"]._moh_export(self)
        # The document is final (nobody writes it, nor adds files to it): the export is attached
        # by the system, readable by whoever may read the document.
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"{(self.name or 'van-ban').replace('/', '_')}.edxml",
                    "raw": data,
                    "mimetype": "application/xml",
                    "res_model": self._name,
                    "res_id": self.id,
                    "moh_role": "edxml",
                }
            )
        )
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}

    def action_send_edxml(self):
        """The records office sends the issued document to the chosen agencies (edXML, queued:
        delivered when each peer answers, retried when it does not)."""
        self.ensure_one()
        if not self.env.user.has_group("moh_documents.group_clerk"):
            raise AccessError(self.env._("Only the records office sends documents to other agencies."))
        self.check_access("read")
        if self.state != "issued":
            raise UserError(self.env._("Only an issued document is sent to other agencies."))
        if not self.exchange_peer_ids:
            raise UserError(self.env._("Choose the agencies to send the document to."))
        messages = self.env["moh.edxml"]._moh_send_document(self, self.exchange_peer_ids)
        self.sudo().message_post(
            body=self.env._(
                "Queued for sending by edXML to %(peers)s.", peers=", ".join(self.exchange_peer_ids.mapped("name"))
            )
        )
        return messages

    def action_revoke(self, reason=None):
        """The records office revokes an issued document (Decree 30/2020/NĐ-CP, Art. 18.3-18.4;
        QCVN 102:2016 BussinessDocType 1): each agency it was sent to by edXML gets the revocation
        (the document again, under its own DocumentId, with the reason), and the document is
        frozen: it is neither changed nor sent any more. The receivers answer 15 or 16, shown on
        its timeline."""
        from moh_core.exchange import ACTION_REASONS, Business, DocumentAction  # noqa: PLC0415

        self.ensure_one()
        if not self.env.user.has_group("moh_documents.group_clerk"):
            raise AccessError(self.env._("Only the records office revokes documents sent to other agencies."))
        self.check_access("read")
        if self.state != "issued":
            raise UserError(self.env._("Only an issued document is revoked."))
        reason = (reason or "").strip() or ACTION_REASONS[DocumentAction.REVOKE]
        sent = self.sudo().exchange_message_ids.filtered(lambda m: m.direction == "out" and m.kind == "edxml")
        messages = self.env["moh.edxml"]._moh_send_document(
            self, sent.peer_id, business=Business(DocumentAction.REVOKE, reason)
        )
        self.sudo().state = "revoked"
        self.sudo().message_post(
            body=self.env._(
                "Revoked (%(reason)s). The revocation was queued for %(peers)s.",
                reason=reason,
                peers=", ".join(sent.peer_id.mapped("name")) or "-",
            ),
            author_id=self.env.user.partner_id.id,
        )
        return messages

    # -- public verification (controllers/verification.py) --------------------------------------

    @api.model
    def _moh_find_verifiable(self, code):
        """The document the public verification page shows for ``code`` (as typed or scanned),
        in sudo: issued or revoked, not state-secret; empty otherwise (unknown code, a document
        not issued, a state-secret one: the page cannot tell these apart)."""
        from moh_core.documents import normalise_verification_code  # noqa: PLC0415

        code = normalise_verification_code(code)
        if not code:
            return self.browse()
        return self.sudo().search(
            [
                ("verification_code", "=", code),
                ("state", "in", ("issued", "revoked")),
                ("confidentiality", "=", "normal"),
            ],
            limit=1,
        )

    def _moh_public_verification(self):
        """What the public verification page shows of this issued document: its number, type,
        date, issuing agency and unit, signer and state, and the validation of its archived PDF
        now (the product's validator, the company's trust material), never its abstract, text or
        file. Called only on a document found by ``_moh_find_verifiable``."""
        from moh_core.signatures import InvalidPdfError, validate_pdf_signatures  # noqa: PLC0415

        self.ensure_one()
        doc = self.sudo()
        pdf = doc.pdf_id.raw or b""
        # An archival file is the issued bytes with archive timestamps appended after them.
        issued = pdf[: doc.pdf_id.moh_archival_signed_size] if doc.pdf_id.moh_archival else pdf
        report = None
        if pdf and hashlib.sha256(issued).hexdigest() == doc.signed_checksum:
            try:
                report = validate_pdf_signatures(pdf, material=doc._moh_validation_material())
            except InvalidPdfError:
                report = None
        return {
            "number": doc.name,
            "type": doc.document_type_id.name or "",
            "issue_date": doc.issue_date.strftime("%d/%m/%Y") if doc.issue_date else "",
            "agency": doc.company_id.name or "",
            "unit": doc.department_id.name or "",
            "signer": " ".join([*doc._moh_signer().lines, doc.signer_id.name or ""]) if doc.signer_id else "",
            "revoked": doc.state == "revoked",
            "archived": report is not None,
            "report": report,
        }

    # -- partner API (controllers/api.py) -------------------------------------------------------

    @api.model
    def _moh_api_find(self, number_symbol):
        """The document numbered ``number_symbol`` ("15/QĐ-BYT") that this user may read."""
        number, _sep, symbol = (number_symbol or "").strip().partition("/")
        if not number.isdigit() or not symbol:
            return self.browse()
        return self.search(
            [("number", "=", int(number)), ("symbol", "=", symbol), ("state", "=", "issued")],
            order="issue_date desc",
            limit=1,
        )

    def _moh_api_status(self):
        """What a partner system is told: the document's identity and state, and what the
        agencies it was sent to reported (edXML status messages)."""
        self.ensure_one()
        doc = self.sudo()
        sent = doc.exchange_message_ids.filtered(lambda m: m.direction == "out" and m.kind == "edxml")
        return {
            "number": f"{doc.number:02d}/{doc.symbol}",
            "state": doc.state,
            "state_name": dict(doc._fields["state"]._description_selection(self.env))[doc.state],
            "issue_date": doc.issue_date.isoformat() if doc.issue_date else None,
            "document_type": doc.document_type_id.name,
            "abstract": doc.abstract,
            "sent_to": [
                {
                    "agency_code": m.peer_id.code,
                    "agency": m.peer_id.name,
                    "delivery": m.state,
                    "sent_at": m.sent_at.isoformat() + "Z" if m.sent_at else None,
                }
                for m in sent
            ],
        }

    def _moh_deliver_internally(self):
        """Each internal recipient department receives the issued document as an incoming one,
        directed to it by the records office's usual route. A state-secret document arrives as
        a state-secret entry of the state-secret incoming register, readable only by its named
        readers (the records office, the recipient department's head), each hand-over in the
        hand-over register; on a networked deployment without its file (Decree 30/2020/ND-CP,
        Art. 22.4; Decree 26/2020/NĐ-CP, Art. 4)."""
        self.ensure_one()
        if not self.internal_department_ids:
            return self.env["moh.incoming.document"]
        Incoming = self.env["moh.incoming.document"].sudo()
        secret = self.confidentiality != "normal"
        register = (
            self.env["moh.document.register"]._moh_secret_register("incoming", self.company_id)
            if secret
            else Incoming._default_register()
        )
        with_file = self.pdf_id and not (secret and self.company_id._moh_secret_networked())
        documents = Incoming.create(
            [
                {
                    "register_id": register.id,
                    "company_id": self.company_id.id,
                    "confidentiality": self.confidentiality,
                    "abstract_consent": self.abstract_consent,
                    "abstract_consent_user_id": self.abstract_consent_user_id.id,
                    "abstract_consent_date": self.abstract_consent_date,
                    "channel": "edxml",
                    "sender_name": self.company_id.name,
                    "sender_code": self.company_id.moh_agency_code,
                    "number_symbol": self.name,
                    "issue_date": self.issue_date,
                    "document_type_id": self.document_type_id.id,
                    "abstract": self.abstract,
                    "signer_name": self.signer_id.name,
                    "urgency": self.urgency,
                    "attachment_ids": [
                        (0, 0, {"name": self.pdf_id.name, "raw": self.pdf_id.raw, "mimetype": "application/pdf"})
                    ]
                    if with_file
                    else [],
                }
                for _department in self.internal_department_ids
            ]
        )
        documents.action_register()
        for document, department in zip(documents, self.internal_department_ids):
            document._moh_receive_internally(department)
        return documents

    # -- signing on the signer's own token (interrupted signing) ---------------------------------

    def moh_sign_prepare(self, certificate, chain=()):
        """First half of a signature made on the signer's own token.

        :param certificate: the signer's certificate, DER in base64 (read from the token).
        :param chain: intermediate certificates from the token, DER in base64.
        :returns: ``session`` (to send back), ``digest`` (SHA-256 of ``signed_attributes``, for
            tokens that sign a hash), ``signed_attributes`` (DER, for APIs that hash themselves),
            ``signature_algorithm`` ("rsassa_pss" with SHA-256, MGF1-SHA-256 and
            ``pss_salt_length``, or "ecdsa"), all bytes in base64.
        """
        self.ensure_one()
        return self.moh_sign_prepare_many(certificate, chain)[0]

    def moh_sign_prepare_many(self, certificate, chain=()):
        """First half for several documents at once: one independent session per document, in
        the order given (each item as :meth:`moh_sign_prepare` returns, with ``document``).
        Every document is checked first; if one may not be signed by the caller, none is
        prepared. The certificate is checked as for signing on the server (validity, chain,
        revocation, key usage, algorithm), the fields are those of server-side signing, and
        the level is the company's."""
        from moh_core.signatures import prepare_interrupted  # noqa: PLC0415

        self._moh_check_signable()
        if not isinstance(certificate, str) or not all(isinstance(item, str) for item in chain or ()):
            raise UserError(self.env._("Send the certificate and its chain in base64."))
        signer_der = base64.b64decode(certificate)
        chain_der = [base64.b64decode(item) for item in chain or ()]
        prepared_all = []
        for doc in self:
            if doc.pdf_id.moh_role != "signing_pdf":
                doc._moh_prepare_for_signing()
            with user_errors(self.env):
                prepared = prepare_interrupted(
                    doc.pdf_id.raw,
                    field="signer",
                    signer_cert_der=signer_der,
                    chain_der=chain_der,
                    level=doc.company_id.moh_signature_level,
                    stamp=doc._moh_signer_stamp(),
                    material=doc._moh_validation_material(),
                )
            token = self.env["moh.signing.session"]._moh_open(doc, prepared.state)
            prepared_all.append(
                {
                    "document": doc.id,
                    "session": token,
                    "digest": base64.b64encode(prepared.digest).decode(),
                    "digest_algorithm": prepared.digest_algorithm,
                    "signed_attributes": base64.b64encode(prepared.signed_attrs).decode(),
                    "signature_algorithm": prepared.signature_algorithm,
                    "pss_salt_length": prepared.pss_salt_length,
                }
            )
        return prepared_all

    def _moh_check_signable(self):
        """The caller signs every one of these documents now: read access, named signer, approved."""
        if not self:
            raise UserError(self.env._("Choose the documents to sign."))
        self.check_access("read")
        for doc in self:
            if self.env.user != doc.signer_id:
                raise AccessError(self.env._("Only %(signer)s signs this document.", signer=doc.signer_id.name))
            if doc.state != "to_sign":
                raise UserError(self.env._("Only an approved document is signed: %(doc)s.", doc=doc.display_name))

    @api.model
    def moh_sign_finish(self, session, signature):
        """Second half: embed the token's signature value (base64) and record the signed PDF."""
        return self.moh_sign_finish_many([{"session": session, "signature": signature}])[0]

    @api.model
    def moh_sign_finish_many(self, signatures):
        """Second half for several sessions at once: ``signatures`` is a list of ``{"session",
        "signature"}``. Every session is checked first (the caller's, not expired, its document
        still the caller's to sign); if one fails, nothing is embedded. A signature value that
        does not verify refuses the whole call, and nothing is stored."""
        from moh_core.signatures import finish_interrupted  # noqa: PLC0415

        if not self.env.user.has_group("moh_documents.group_department_head"):
            raise AccessError(self.env._("Only the leaders who sign documents finish a signature."))
        if not isinstance(signatures, list) or not signatures:
            raise UserError(self.env._("Send the signatures to embed."))
        work = []
        for item in signatures:
            if not isinstance(item, dict) or not isinstance(item.get("signature"), str):
                raise UserError(self.env._("Send each signature with its session."))
            record = self.env["moh.signing.session"]._moh_find(item.get("session"))
            if not record:
                raise UserError(self.env._("Unknown or finished signing session."))
            state = record._moh_check_usable()
            doc = record.document_id.with_env(self.env)
            doc._moh_check_signable()
            work.append((record, doc, state, base64.b64decode(item["signature"])))
        if len({doc.id for _record, doc, _state, _value in work}) != len(work):
            raise UserError(self.env._("Each document is finished once."))
        finished = []
        for record, doc, state, value in work:
            with user_errors(self.env):
                result = finish_interrupted(state, value, timestamper=doc._moh_timestamper())
            record.unlink()
            doc._moh_after_signature(result)
            finished.append({"document": doc.id, "state": doc.state})
        return finished
