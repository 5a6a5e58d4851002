"""Incoming official documents (văn bản đến), as Decree 30/2020/ND-CP, Art. 20-24 handles them.

The clerk registers a document in an incoming register (a yearly number), submits it to a
leader; the leader directs it to one lead department and any cooperating departments with a
deadline and instructions; department heads assign specialists; the lead department's
specialist completes it. Each step is a method that checks who may take it, records it in the
routing timeline and the chatter (with the person acted for, under a delegation), and moves the
mail activities to whoever must act next.

Who changes what (moh.workflow.guard): the workflow fields below change only inside the step
methods, which first check the caller's role and their relation to the document, then write in
superuser mode; ``create`` and ``write`` refuse them for everyone, administrators included.

* Always workflow fields: ``state``; the registration number and year (``number``, ``year``);
  the routing (``assignment_ids``, ``lead_department_id``, ``deadline``, ``instruction``,
  ``result``, ``done_date``, ``completed_late``); the routing timeline (``trace_ids``); who may
  read a confidential document (``reader_ids``: granted by the routing, never by hand); the
  signature checks (``signature_validation_ids``, ``signature_status``: computed from
  moh.signature.validation, which only ``action_validate_signatures`` writes).
* Metadata (sender, number and symbol, dates, type, abstract, urgency, files, the leader it will
  be submitted to): the records office (clerks) edits it while the routing has not started
  (draft or registered, record rule ``rule_incoming_clerk_write``); once registered, the register,
  the confidentiality (which chooses the register), the received date (which chooses the year)
  and the company no longer change, since the number belongs to them; once submitted to a
  leader, nothing changes but through the steps.
* Steps and who takes them: ``action_register``, ``action_submit``,
  ``action_register_and_submit``, ``action_quick_register``, ``register_incoming``,
  ``action_cancel`` (before submission): a clerk who may write the document;
  ``action_direct``, ``action_leader_return``: the leader it was submitted to, or their
  delegate (moh.delegation); ``action_recall``: a clerk before direction, the directing leader
  (or delegate) after; ``action_validate_signatures``, ``action_open_wizard``: an officer who
  may read it; the assignments' steps (moh.document.assignment): the department's head, its
  specialists; ``_moh_revoke``, ``_moh_amend``, ``_moh_mark_replaced`` (states *revoked* and
  *replaced*): the edXML import alone, when the sending agency revokes, updates or replaces the
  document it sent (Decree 30/2020/NĐ-CP, Art. 18.3-18.4; moh.edxml), which also writes the
  exchange fields (``exchange_peer_id``, ``exchange_document_id``, ``exchange_problem``,
  ``replaces_id``, ``replaced_by_id``).

State-secret documents (Mật, Tối mật, Tuyệt mật) go in the company's state-secret incoming
register, and only they do (Decree 30/2020/ND-CP, Art. 22.4; Decree 26/2020/NĐ-CP, Art. 4); each
hand-over along their routing is entered in the hand-over register (moh.secret.handover); what
a networked deployment keeps of them: moh.state.secret.mixin.
"""

from markupsafe import Markup
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain

from . import moh_access_keys as access_keys
from .moh_deadline_policy import CONFIDENTIALITY, URGENCY

STATES = [
    ("draft", "Draft"),
    ("registered", "Registered"),
    ("submitted", "Awaiting Direction"),
    ("in_progress", "In Progress"),
    ("done", "Completed"),
    ("cancelled", "Cancelled"),
    ("revoked", "Revoked by the Sender"),
    ("replaced", "Replaced"),
]
CHANNELS = [
    ("paper", "Paper (scanned)"),
    ("email", "E-mail"),
    ("edxml", "Document exchange (edXML)"),
    ("portal", "Public service portal"),
]


class MohIncomingDocument(models.Model):
    _name = "moh.incoming.document"
    _description = "Incoming Document"
    _inherit = [
        "moh.state.secret.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "moh.deadline.mixin",
        "moh.workflow.guard",
        "moh.records.item.mixin",
        "moh.search.mixin",
    ]
    _order = "received_date desc, id desc"
    _rec_names_search = ["name", "number_symbol", "abstract", "sender_name"]
    _moh_workflow_fields = (
        "state",
        "number",
        "year",
        "assignment_ids",
        "lead_department_id",
        "deadline",
        "instruction",
        "result",
        "done_date",
        "completed_late",
        "trace_ids",
        "reader_ids",
        "signature_validation_ids",
        "signature_status",
        "exchange_peer_id",
        "exchange_document_id",
        "exchange_key",
        "exchange_problem",
        "replaces_id",
        "replaced_by_id",
        "abstract_consent_user_id",
        "abstract_consent_date",
        "handover_ids",
        "content_text",
    )
    _moh_secret_content_fields = ("attachment_ids",)
    #: Searched by the search box's "Anything" (moh.search.mixin).
    _moh_search_fields = ("number_symbol", "abstract", "sender_name", "signer_name", "content_text")
    _moh_search_number_field = "number_symbol"
    _moh_search_access_column = access_keys.COLUMN
    #: Fixed by the registration: the number belongs to this register, year and company.
    _moh_registration_fields = ("register_id", "confidentiality", "received_date", "company_id")
    #: Written by the mail framework (chatter, followers, activities), whatever the state.
    _moh_mail_field_prefixes = ("message_", "activity_", "website_message_")

    name = fields.Char(string="Reference", compute="_compute_name", store=True)
    state = fields.Selection(STATES, default="draft", required=True, tracking=True, index=True, copy=False)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)

    # Registration (Decree 30, Art. 22)
    register_id = fields.Many2one(
        "moh.document.register",
        required=True,
        tracking=True,
        check_company=True,
        domain="[('direction', '=', 'incoming')]",
        default=lambda self: self._default_register(),
    )
    number = fields.Integer(string="Incoming Number", readonly=True, copy=False, aggregator=False)
    year = fields.Integer(readonly=True, copy=False, aggregator=False)
    # Indexed: the register's order, which a search finding many documents walks to its first page.
    received_date = fields.Datetime(
        string="Received On", required=True, default=fields.Datetime.now, tracking=True, index=True
    )
    channel = fields.Selection(CHANNELS, required=True, default="paper")
    exchange_peer_id = fields.Many2one(
        "moh.exchange.peer",
        string="Received From (Exchange)",
        readonly=True,
        index="btree_not_null",
        help="The agency that delivered this document through the document exchange (authenticated): "
        "the only one told what becomes of it.",
    )
    exchange_document_id = fields.Char(
        string="Exchange Document ID",
        readonly=True,
        copy=False,
        help="The DocumentId the sending agency gave the document in its edXML message (agency code, date, "
        "number/notation): the name by which it revokes, updates or replaces it and reads our statuses.",
    )
    exchange_key = fields.Char(
        string="Document Key",
        compute="_compute_exchange_key",
        store=True,
        index="btree_not_null",
        copy=False,
        help="Sender's agency code, date of issue with its year and number/notation, normalised: how a revocation, "
        "update or replacement received by edXML finds this document (never by its number alone).",
    )
    exchange_problem = fields.Text(
        readonly=True,
        copy=False,
        help="Why an edXML message received for this document could not be applied as it asked; the records "
        "office decides what to do with it.",
    )
    replaces_id = fields.Many2one("moh.incoming.document", readonly=True, copy=False, index="btree_not_null")
    replaced_by_id = fields.Many2one("moh.incoming.document", readonly=True, copy=False, index="btree_not_null")

    # The document as issued by its sender
    sender_partner_id = fields.Many2one("res.partner", string="Sender Organisation")
    sender_name = fields.Char(string="Sender", required=True, index="trigram")
    sender_code = fields.Char(string="Sender Agency Code", help="Agency identification code of the sender.")
    number_symbol = fields.Char(string="Number and Symbol", required=True, index="trigram", help="E.g. 123/UBND-VX")
    issue_date = fields.Date(required=True)
    document_type_id = fields.Many2one("moh.document.type", required=True)
    # Required but for a Tuyệt mật document without consent (moh.state.secret.mixin).
    abstract = fields.Text(index="trigram", help="Trích yếu: what the document is about.")
    signer_name = fields.Char(string="Signed By")
    urgency = fields.Selection(URGENCY, required=True, default="normal", tracking=True)
    confidentiality = fields.Selection(CONFIDENTIALITY, required=True, default="normal", tracking=True)
    page_count = fields.Integer(string="Pages")
    attachment_ids = fields.Many2many(
        "ir.attachment", "moh_incoming_document_attachment_rel", "document_id", "attachment_id", string="Files"
    )
    content_text = fields.Text(
        string="Text of the Files",
        readonly=True,
        copy=False,
        prefetch=False,
        groups="base.group_system",
        help="The text of the PDF files, extracted once when they are attached: searched, never shown.",
    )

    signature_validation_ids = fields.One2many(
        "moh.signature.validation", compute="_compute_signature_validations", string="Signature Checks"
    )
    signature_status = fields.Selection(
        [
            ("unsigned", "Not Signed"),
            ("valid", "Valid Signatures"),
            ("revocation_unchecked", "Revocation Not Checkable"),
            ("invalid", "Invalid Signature"),
        ],
        compute="_compute_signature_validations",
    )

    # Direction
    leader_id = fields.Many2one(
        "res.users",
        string="Directing Leader",
        tracking=True,
        domain=lambda self: [("group_ids", "in", self.env.ref("moh_documents.group_ministry_leader").id)],
    )
    instruction = fields.Text(string="Instructions", help="Ý kiến chỉ đạo of the leader.")
    assignment_ids = fields.One2many("moh.document.assignment", "document_id", string="Assignments")
    lead_department_id = fields.Many2one("hr.department", compute="_compute_lead", store=True, index=True)
    trace_ids = fields.One2many("moh.document.trace", "document_id", string="Routing Timeline")
    reader_ids = fields.Many2many(
        "res.users",
        "moh_incoming_document_reader_rel",
        "document_id",
        "user_id",
        string="Granted Readers",
        default=lambda self: [(6, 0, [self.env.uid])],
        help="Who may read a confidential document. The people it is routed to are added as it moves.",
    )
    result = fields.Text(readonly=True, copy=False)
    handover_ids = fields.One2many(
        "moh.secret.handover",
        "incoming_document_id",
        string="Hand-overs",
        help="State-secret documents: each hand-over, in the hand-over register.",
    )
    in_my_department = fields.Boolean(
        compute="_compute_in_my_department", search="_search_in_my_department", string="Routed to My Department"
    )
    routed_to_me = fields.Boolean(
        compute="_compute_routed_to_me",
        search="_search_routed_to_me",
        help="Routed to my department or one below it, or to me, or I was granted reading it.",
    )

    _number_unique = models.Constraint(
        "UNIQUE(register_id, year, number)", "This incoming number is already used in this register."
    )

    @api.private
    def init(self):
        added = access_keys.ensure_column(self.env.cr)  # before the search index that includes it
        result = super().init()
        access_keys.ensure_triggers(self.env.cr, rebuild=added)
        return result

    def _default_register(self):
        return self.env["moh.document.register"].search(
            [("direction", "=", "incoming"), ("confidential", "=", False), ("company_id", "=", self.env.company.id)],
            limit=1,
        )

    @api.depends("number", "year", "register_id.code", "number_symbol")
    def _compute_name(self):
        for doc in self:
            if doc.number:
                doc.name = f"{doc.number:02d}/{doc.year} - {doc.number_symbol or ''}".strip(" -")
            else:
                doc.name = doc.number_symbol or self.env._("New incoming document")

    @api.depends("sender_code", "issue_date", "number_symbol", "exchange_document_id")
    def _compute_exchange_key(self):
        """The sender's own DocumentId when it names the sender (the SDK's samples date it differently
        from the document), else the key of the sender code, the date of issue and the number/notation."""
        from moh_core.exchange import document_key, parse_document_id  # noqa: PLC0415

        for doc in self:
            own = document_key(doc.sender_code, doc.issue_date, doc.number_symbol)
            sent = parse_document_id(doc.exchange_document_id)
            key = sent if sent and own and sent.organ_id == own.organ_id else own
            doc.exchange_key = str(key) if key else False

    @api.depends("assignment_ids.role", "assignment_ids.state", "assignment_ids.department_id")
    def _compute_lead(self):
        for doc in self:
            lead = doc.assignment_ids.filtered(lambda a: a.role == "lead" and a.state != "cancelled")
            doc.lead_department_id = lead[:1].department_id

    def _compute_signature_validations(self):
        checks = (
            self.env["moh.signature.validation"].search([("res_model", "=", self._name), ("res_id", "in", self.ids)])
            if self.ids
            else self.env["moh.signature.validation"]
        )
        for doc in self:
            mine = checks.filtered(lambda c: c.res_id == doc.id and c.attachment_id in doc.attachment_ids)
            doc.signature_validation_ids = mine
            failed = mine.filtered(lambda c: not c.valid and (c.signed or c.problem_codes))
            if failed - failed.filtered("revocation_unreachable"):
                doc.signature_status = "invalid"
            elif failed:  # a warning: the certificate authority did not answer (Circular 15/2025)
                doc.signature_status = "revocation_unchecked"
            elif mine.filtered("signed"):
                doc.signature_status = "valid"
            else:
                doc.signature_status = "unsigned"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # A state-secret document goes in the state-secret register unless one is chosen.
            if vals.get("confidentiality", "normal") != "normal" and not vals.get("register_id"):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["register_id"] = self.env["moh.document.register"]._moh_secret_register("incoming", company).id
        documents = super().create(vals_list)
        for doc in documents.filtered("attachment_ids"):
            doc._moh_link_attachments()
            doc._moh_validate_signatures()
            doc._moh_extract_content()
        return documents

    def write(self, vals):
        result = super().write(vals)
        if "attachment_ids" in vals:
            for doc in self:
                doc._moh_link_attachments()
                doc._moh_validate_signatures()
                doc._moh_extract_content()
        return result

    def _moh_extract_content(self):
        """The text of the files, for the search (moh.search.mixin): when they are attached."""
        for doc in self:
            doc.sudo().content_text = self._moh_extract_text(doc.sudo().attachment_ids)

    def copy_data(self, default=None):
        """A copy starts as a new draft: without the original's workflow fields (which
        ``create`` would refuse), whoever copies it."""
        vals_list = super().copy_data(default)
        if self.env.su:
            return vals_list
        guarded = self._moh_guarded_fields() - set(default or ())
        return [{name: value for name, value in vals.items() if name not in guarded} for vals in vals_list]

    def _moh_check_content_update(self, vals):
        """The metadata changes while the routing has not started (draft, registered), and the
        registration's own fields only before it; the mail framework's fields at any time."""
        changed = {name for name in vals if not name.startswith(self._moh_mail_field_prefixes)}
        if not changed:
            return
        for doc in self:
            if doc.state not in ("draft", "registered"):
                raise AccessError(
                    self.env._(
                        "%(document)s is already with its leader or its departments: it changes only "
                        "through the steps of its routing.",
                        document=doc.display_name,
                    )
                )
            frozen = changed.intersection(self._moh_registration_fields)
            if doc.state != "draft" and frozen:
                labels = ", ".join(sorted(self._fields[name]._description_string(self.env) for name in frozen))
                raise AccessError(
                    self.env._(
                        "%(document)s is registered: %(fields)s no longer change (its number belongs to them).",
                        document=doc.display_name,
                        fields=labels,
                    )
                )

    # -- filing (moh.records.item.mixin) -------------------------------------------------------

    _moh_records_states = ("registered", "submitted", "in_progress", "done")
    _moh_records_department_field = "lead_department_id"
    _moh_records_document_type_field = "document_type_id"
    _moh_records_attachment_fields = ("attachment_ids",)

    def _moh_records_year(self):
        return self.year or self.received_date.year

    def action_add_to_file(self):
        """File the record in its suggested file (moh.records.item.mixin; the file's step checks
        the caller)."""
        return self._moh_records_add_to_file()

    def _moh_records_metadata(self):
        doc = self.sudo()
        return {
            "kind": "incoming",
            "incoming_number": doc.number,
            "year": doc.year,
            "received_date": doc.received_date,
            "number_symbol": doc.number_symbol,
            "issue_date": doc.issue_date,
            "document_type": doc.document_type_id.name,
            "sender": doc.sender_name,
            "signer": doc.signer_name or "",
            "abstract": doc.abstract or "",
            "confidentiality": doc.confidentiality,
            "page_count": doc.page_count,
            "language": "vi",
        }

    def message_post(self, **kwargs):
        """State secrets: no file and nobody outside the agency (moh.state.secret.mixin)."""
        self._moh_check_secret_post(kwargs)
        return super().message_post(**kwargs)

    def _moh_link_attachments(self):
        """Files uploaded on the form belong to the document (and follow its access rules).
        Only files the user may read themself can be attached: never someone else's file,
        which the document would then serve to its readers."""
        if not self.env.su:
            self.attachment_ids.check_access("read")
        self.attachment_ids.sudo().filtered(lambda a: not a.res_id).write({"res_model": self._name, "res_id": self.id})

    def action_validate_signatures(self):
        """Check the digital signatures of the document's PDF files (Decree 30: incoming
        electronic documents keep their signatures, which must be checked). Anyone who may read
        the document may check them again."""
        self._moh_check_officer()
        self.check_access("read")
        self._moh_validate_signatures()
        return True

    def _moh_validate_signatures(self):
        for doc in self:
            self.env["moh.signature.validation"]._moh_validate(doc, doc.attachment_ids)
        return True

    def _moh_my_departments(self):
        """The current user's departments and those below them."""
        departments = self.env.user.employee_ids.department_id
        return self.env["hr.department"].search([("id", "child_of", departments.ids)]) if departments else departments

    def _moh_access_sql(self, keys):
        """A condition on ``moh_access_keys`` (kept by PostgreSQL, moh_access_keys.py), flushing
        first what the keys are made of."""
        Assignment = self.env["moh.document.assignment"]
        to_flush = [
            self._fields["assignment_ids"],
            self._fields["reader_ids"],
            Assignment._fields["document_id"],
            Assignment._fields["department_id"],
            Assignment._fields["user_ids"],
        ]
        return Domain.custom(to_sql=lambda model, alias, query: access_keys.overlaps(alias, keys, to_flush))

    @api.depends_context("uid")
    def _compute_in_my_department(self):
        mine = self._moh_my_departments()
        for doc in self:
            doc.in_my_department = bool(doc.assignment_ids.department_id & mine)

    def _search_in_my_department(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        departments = self._moh_my_departments()
        domain = self._moh_access_sql(departments.ids) if departments else Domain.FALSE
        return domain if (operator == "=") == value else ~domain

    @api.depends_context("uid")
    def _compute_routed_to_me(self):
        mine = self._moh_my_departments()
        user = self.env.user
        for doc in self:
            doc.routed_to_me = bool(
                doc.assignment_ids.department_id & mine or user in doc.assignment_ids.user_ids or user in doc.reader_ids
            )

    def _search_routed_to_me(self, operator, value):
        """The record rule of departments and specialists (rule_incoming_department): a document
        one of whose assignments is to one of my departments (or below) or names me, or that I
        was granted reading. The same as ``['|', '|', ('assignment_ids.department_id',
        'child_of', my departments), ('assignment_ids.user_ids', 'in', [me]), ('reader_ids',
        'in', [me])]``, tested on the document's own keys."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        domain = self._moh_access_sql([*self._moh_my_departments().ids, -self.env.uid])
        return domain if (operator == "=") == value else ~domain

    @api.constrains("register_id", "confidentiality")
    def _check_confidential_register(self):
        """State-secret documents go in a state-secret register, and only they do (Decree
        30/2020/ND-CP, Art. 22.4; Decree 26/2020/NĐ-CP, Art. 4)."""
        for doc in self:
            if (doc.confidentiality != "normal") != doc.register_id.confidential:
                raise ValidationError(
                    self.env._(
                        "State-secret documents (Mật, Tối mật, Tuyệt mật) go in a state-secret register with its own "
                        "series, and only they do (Decree 30/2020/ND-CP, Art. 22.4; %(law)s).",
                        law=doc._moh_secret_legal_source(),
                    )
                )

    @api.constrains("confidentiality", "abstract", "abstract_consent", "attachment_ids")
    def _check_state_secret_content(self):
        self._moh_check_secret_content()

    # -- who acts -------------------------------------------------------------------------------

    def _moh_acting_for(self, users):
        """The user among ``users`` that the current user acts as: themself, or a leader who
        delegated to them today. Raises AccessError when they may act for none of them."""
        me = self.env.user
        if me in users:
            return me
        delegators = self.env["moh.delegation"]._moh_delegators_of(me) & users
        if delegators:
            return delegators[:1]
        raise AccessError(
            self.env._(
                "You cannot take this step on %(document)s: it is for %(people)s.",
                document=self.display_name,
                people=", ".join(users.mapped("name")) or "-",
            )
        )

    def _moh_record(self, action, note=None, acting_for=None, department=None, targets=None, assignment=None):
        """One routing step: a timeline record and a chatter message saying who did it and for whom."""
        self.ensure_one()
        me = self.env.user
        on_behalf = acting_for if acting_for and acting_for != me else self.env["res.users"]
        trace = (
            self.env["moh.document.trace"]
            .sudo()
            .create(
                {
                    "document_id": self.id,
                    "assignment_id": assignment.id if assignment else False,
                    "action": action,
                    "user_id": me.id,
                    "on_behalf_of_id": on_behalf.id,
                    "department_id": department.id if department else False,
                    "target_user_ids": [(6, 0, targets.ids)] if targets else [],
                    "note": note,
                }
            )
        )
        label = dict(trace._fields["action"]._description_selection(self.env))[action]
        parts = [Markup("<b>%s</b>") % label]
        if department:
            parts.append(Markup(" — %s") % department.display_name)
        if targets:
            parts.append(Markup(" → %s") % ", ".join(targets.mapped("name")))
        if on_behalf:
            parts.append(Markup("<br/><i>%s</i>") % self.env._("On behalf of %(leader)s", leader=on_behalf.name))
        if note:
            parts.append(Markup("<br/>%s") % note)
        self.sudo().message_post(body=Markup("").join(parts), author_id=me.partner_id.id, subtype_xmlid="mail.mt_note")
        return trace

    def _moh_grant(self, users):
        """People the document is routed to may read it, confidential or not; a state-secret
        document's hand-over to each is entered in the hand-over register (Decree 26/2020/NĐ-CP)."""
        new = users - self.reader_ids
        if new:
            self.sudo().reader_ids = [(4, user.id) for user in new]
            self.env["moh.secret.handover"]._moh_record(self, new)

    def _moh_check_state(self, *states):
        for doc in self:
            if doc.state not in states:
                raise UserError(
                    self.env._(
                        "%(document)s is %(state)s: this step is not possible now.",
                        document=doc.display_name,
                        state=dict(doc._fields["state"]._description_selection(self.env))[doc.state],
                    )
                )

    # -- steps ----------------------------------------------------------------------------------

    def action_register(self):
        """The clerk gives the document its incoming number (Decree 30, Art. 22)."""
        self._moh_check_clerk()
        self.check_access("write")
        self._moh_check_state("draft")
        for doc in self:
            doc._moh_grant(self.env.user)
            doc._moh_record("register")
            year = doc.company_id._moh_local_date(doc.received_date).year
            number = doc.register_id._moh_allocate_number(self._name, year)
            doc.sudo().write({"number": number, "year": year, "state": "registered"})
            self.env["moh.edxml"]._moh_send_status(doc, "03")
        return True

    def action_submit(self, leader=None):
        """The clerk sends the registered document to a leader for direction."""
        self._moh_check_clerk()
        self.check_access("write")
        self._moh_check_state("registered")
        leader = self._moh_browse("res.users", leader)
        for doc in self:
            leader = leader or doc.leader_id
            if not leader:
                raise UserError(
                    self.env._("Choose the leader who will direct %(document)s.", document=doc.display_name)
                )
            if (
                len(leader) != 1
                or not leader._is_internal()
                or not leader.has_group("moh_documents.group_ministry_leader")
            ):
                raise UserError(self.env._("%(user)s is not a ministry leader.", user=leader.name))
            doc.sudo().write({"leader_id": leader.id, "state": "submitted"})
            doc._moh_grant(leader)
            doc._moh_record("submit", targets=leader)
            deadline = doc._moh_default_deadline(fields.Date.context_today(doc))
            doc._moh_todo(leader, self.env._("Direct the document"), deadline=deadline)
        return True

    def action_register_and_submit(self, leader=None):
        """Both steps of the clerk at once (each checks its caller)."""
        self.action_register()
        return self.action_submit(leader)

    @api.model
    def register_incoming(self, vals_list):
        """Create and register documents in one call (one transaction): the entry point for
        integrations (document exchange, portal, partner systems). Returns their ids and numbers."""
        self._moh_check_clerk()
        if isinstance(vals_list, dict):
            vals_list = [vals_list]
        documents = self.create(vals_list)
        documents.action_register()
        return [{"id": doc.id, "number": doc.number, "year": doc.year} for doc in documents]

    @api.model
    def _moh_demo_route(self):
        """Demo data: move the demo documents through their steps, as their people would."""
        if self.env["res.lang"]._lang_get("vi_VN"):
            # The demo people work in Vietnamese: their chatter messages are written in it.
            self = self.with_context(lang="vi_VN")  # noqa: PLW0642 - the demo is written in Vietnamese
        ref = self.env.ref
        clerk, leader = ref("moh_documents.user_vanthu"), ref("moh_documents.user_botruong")
        docs = [ref(f"moh_documents.demo_incoming_{i}") for i in range(1, 6)]
        for doc in docs[:4]:
            doc.with_user(clerk).action_register()
        for doc in docs[:3]:
            doc.with_user(clerk).action_submit(leader)
        # The leader's day (Hà Nội), not the server's: between 17:00 and 24:00 UTC they differ.
        today = fields.Date.context_today(self.with_user(leader))
        # 1: directed with a deadline already past, in progress at the drug administration.
        late = (
            docs[0]
            .with_user(leader)
            .action_direct(
                ref("moh_documents.dep_drug"),
                ref("moh_documents.dep_legal"),
                deadline=today,
                instruction="Cục Quản lý Dược chủ trì, Vụ Pháp chế phối hợp, báo cáo Bộ trưởng.",
            )
        )
        docs[0].sudo().deadline = late.sudo().deadline = self.env.company._moh_calendar().moh_add_working_days(
            today, -2
        )
        late.filtered(lambda a: a.role == "lead").with_user(
            ref("moh_documents.user_cuctruong_qld")
        ).action_assign_specialists(ref("moh_documents.user_chuyenvien_qld"), "Khẩn trương tham mưu.")
        # 2: directed, due soon, completed by the medical services administration.
        done = docs[1].with_user(leader).action_direct(ref("moh_documents.dep_medical_services"))
        done.with_user(ref("moh_documents.user_cuctruong_kcb")).action_assign_specialists(
            ref("moh_documents.user_chuyenvien_kcb")
        )
        done.with_user(ref("moh_documents.user_chuyenvien_kcb")).action_complete(
            "Đã tổng hợp vào báo cáo chung của Bộ.", reply_reference="1520/BYT-KCB"
        )
        # 3 waits for the leader; 4 is registered; 5 is still a draft.
        self._moh_demo_unqueue_mail()
        return True

    @api.model
    def _moh_demo_unqueue_mail(self):
        """Demo data: the e-mails the demo's steps queued about the addons' records (to the demo
        people's example addresses) are cancelled rather than left in the outgoing queue, with
        their notifications: nobody could receive them, the mail cron would try to send them, and
        a run of Odoo's own mail tests on this database processes the whole queue while the
        addons' models are not loaded. The chatter messages stay. (Run by the demo's loading, as
        the system.)"""
        mails = self.env["mail.mail"].search([("state", "=", "outgoing"), ("model", "=like", "moh.%")])
        self.env["mail.notification"].search(
            [
                ("mail_mail_id", "in", mails.ids),
                ("notification_status", "=", "ready"),
            ]
        ).write({"notification_status": "canceled"})
        mails.write({"state": "cancel", "failure_reason": "Demo data: not sent."})

    def action_quick_register(self):
        """The quick registration form's button: number it, and submit it when a leader is chosen
        (the steps check the caller)."""
        self.ensure_one()
        if self.leader_id:
            self.action_register_and_submit()
        else:
            self.action_register()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    def _moh_check_clerk(self):
        if not self.env.su and not self.env.user.has_group("moh_documents.group_clerk"):
            raise AccessError(self.env._("Only the records office (clerks) registers and submits documents."))

    def _moh_check_officer(self):
        """The routing's steps are for the records office and the e-office's officers only."""
        user = self.env.user
        if not self.env.su and not (
            user.has_group("moh_documents.group_clerk") or user.has_group("moh_documents.group_specialist")
        ):
            raise AccessError(
                self.env._("Only the records office and the ministry's officers handle incoming documents.")
            )

    def _moh_browse(self, model, value):
        """``value`` as records of ``model``: the records themselves, or ids as a JSON-RPC
        client sends them."""
        if isinstance(value, models.BaseModel):
            if value._name != model:
                raise UserError(self.env._("Unexpected value for this step."))
            return value.with_env(self.env)
        if not value:
            return self.env[model]
        ids = [value] if isinstance(value, int) else value
        if not isinstance(ids, (list, tuple)) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            raise UserError(self.env._("Unexpected value for this step."))
        return self.env[model].browse(ids).exists()

    def _moh_default_deadline(self, start):
        self.ensure_one()
        days = self.env["moh.deadline.policy"]._moh_working_days_for(
            self.urgency, self.document_type_id, self.company_id
        )
        return self.company_id._moh_calendar().moh_add_working_days(start, days)

    def action_direct(self, lead_department, cooperating_departments=None, deadline=None, instruction=None):
        """The leader directs: one lead department, cooperating departments, deadline, instructions."""
        self.ensure_one()
        self._moh_check_officer()
        self._moh_check_state("submitted")
        acting_for = self._moh_acting_for(self.leader_id)
        lead_department = self._moh_browse("hr.department", lead_department)
        cooperating = self._moh_browse("hr.department", cooperating_departments) - lead_department
        if len(lead_department) != 1:
            raise UserError(self.env._("Choose the lead department."))
        deadline = self._moh_step_deadline(deadline)
        self.sudo().write({"deadline": deadline, "instruction": instruction, "state": "in_progress"})
        Assignment = self.env["moh.document.assignment"].sudo()
        assignments = Assignment.create(
            [
                {
                    "document_id": self.id,
                    "department_id": department.id,
                    "role": role,
                    "deadline": deadline,
                    "assigned_by_id": acting_for.id,
                }
                for department, role in [(lead_department, "lead")] + [(d, "cooperate") for d in cooperating]
            ]
        )
        self._moh_close_todos(acting_for)
        self._moh_record(
            "assign",
            note=instruction,
            acting_for=acting_for,
            department=lead_department,
            targets=assignments._moh_department_heads(),
        )
        for assignment in assignments:
            heads = assignment._moh_department_heads()
            self._moh_grant(heads)
            self._moh_todo(
                heads,
                self.env._("Assign specialists (%(role)s)", role=assignment._moh_role_label()),
                deadline=deadline,
                note=instruction,
            )
        self.env["moh.edxml"]._moh_send_status(self, "04", instruction)
        return assignments

    def action_leader_return(self, reason):
        """The leader sends the document back to the records office, with a reason."""
        self.ensure_one()
        self._moh_check_officer()
        self._moh_check_state("submitted")
        acting_for = self._moh_acting_for(self.leader_id)
        self._moh_require_reason(reason)
        self._moh_close_todos()
        self.sudo().state = "registered"
        self._moh_record("return", note=reason, acting_for=acting_for)
        clerks = self.trace_ids.filtered(lambda t: t.action == "register").user_id
        self._moh_todo(clerks, self.env._("Returned by the leader"), note=reason)
        self.env["moh.edxml"]._moh_send_status(self, "02", reason)
        return True

    def action_recall(self, reason):
        """The leader (or the clerk, before direction) takes the document back from the departments."""
        self.ensure_one()
        self._moh_check_officer()
        self._moh_check_state("submitted", "in_progress")
        self._moh_require_reason(reason)
        if self.state == "submitted":
            self._moh_check_clerk()
            acting_for, new_state = self.env.user, "registered"
        else:
            acting_for, new_state = self._moh_acting_for(self.leader_id), "submitted"
        open_assignments = self.assignment_ids.filtered(lambda a: a.state not in ("done", "cancelled"))
        open_assignments.sudo().write({"state": "cancelled"})
        self._moh_close_todos()
        self.sudo().state = new_state
        self._moh_record("recall", note=reason, acting_for=acting_for)
        if new_state == "submitted":
            self._moh_todo(self.leader_id, self.env._("Direct the document again"), note=reason)
        return True

    def action_cancel(self, reason):
        """The clerk cancels a document entered by mistake (a duplicate, not for this agency),
        before it is submitted; a registered one keeps its number (Decree 30: no gap)."""
        self.ensure_one()
        self._moh_check_clerk()
        self.check_access("write")
        self._moh_check_state("draft", "registered")
        self._moh_require_reason(reason)
        self._moh_close_todos()
        self.sudo().state = "cancelled"
        self._moh_record("cancel", note=reason)
        return True

    # -- what the sending agency does to a document it sent (Decree 30, Art. 18.3-18.4) ---------

    @api.model
    def _moh_find_by_key(self, key, company=None):
        """The document received from the agency ``key`` names, with its date and number/notation
        (a moh_core.exchange.identifiers.DocumentKey), in ``company``; never matched by number alone. Searched in
        superuser mode: a revocation reaches the document whoever may read it (confidential ones
        too), and its caller has checked who sent it (the key's agency is the sender)."""
        company = company or self.env.company
        if not key:
            return self.browse()
        found = self.sudo().search(
            [("exchange_key", "=", str(key)), ("company_id", "=", company.id), ("state", "!=", "draft")],
            order="id desc",
            limit=1,
        )
        return found.with_env(self.env)

    def _moh_people_involved(self):
        """Whoever read, led, directed or handled the document: those told it was withdrawn."""
        self.ensure_one()
        doc = self.sudo()
        assignments = doc.assignment_ids
        return (
            doc.reader_ids | doc.leader_id | assignments.user_ids | assignments._moh_department_heads()
        ) - self.env.user

    def _moh_withdraw(self, state, action, note, body):
        """Stop the routing of a document the sender withdrew: open assignments cancelled, to-dos
        closed, the new state, a step on the timeline, and everyone involved told (a message in
        their inbox). The document, its files and its history stay."""
        self.ensure_one()
        people = self._moh_people_involved()
        open_assignments = self.assignment_ids.filtered(lambda a: a.state in a._moh_open_states)
        open_assignments.sudo().write({"state": "cancelled"})
        self._moh_close_todos()
        self.sudo().state = state
        self._moh_record(action, note=note)
        self.sudo().message_post(
            body=body,
            partner_ids=people.partner_id.ids,
            subtype_xmlid="mail.mt_note",
            author_id=self.env.user.partner_id.id,
        )

    def _moh_revoke(self, reason, attachments=()):
        """The sender revoked the document (edXML BussinessDocType 1; Decree 30/2020/NĐ-CP, Art. 18.3-18.4):
        cancelled with its metadata, its routing stopped, the people it was routed to told; the
        revocation (reason, the sender's files) is kept on its timeline. Called by the edXML import."""
        self.ensure_one()
        body = Markup("%s") % self.env._(
            "%(sender)s revoked this document: it is withdrawn and its handling stops. Reason: %(reason)s",
            sender=self.sender_name,
            reason=reason or "-",
        )
        self._moh_withdraw("revoked", "revoke", reason, body)
        if attachments:
            self.sudo().message_post(
                body=self.env._("The revocation as received."), attachments=attachments, subtype_xmlid="mail.mt_note"
            )

    def _moh_mark_replaced(self, new, reason):
        """``new`` replaces the document (edXML BussinessDocType 3; Decree 30, Art. 18.3-18.4): linked both
        ways, its routing stopped, the people it was routed to told to work on ``new``."""
        self.ensure_one()
        self.sudo().replaced_by_id = new
        new.sudo().replaces_id = new.sudo().replaces_id or self
        body = Markup("%s") % self.env._(
            "%(sender)s replaced this document by %(new)s: work on the new one. Reason: %(reason)s",
            sender=self.sender_name,
            new=new.display_name,
            reason=reason or "-",
        )
        self._moh_withdraw("replaced", "replace", reason, body)
        new._moh_grant(self.sudo().reader_ids)

    def _moh_amend(self, vals, reason, attachments=()):
        """The sender updated the document (edXML BussinessDocType 2; Decree 30, Art. 18.3-18.4): the
        changed metadata written, the earlier values kept in the timeline and the chatter, new
        files added beside the earlier ones; the routing goes on. Returns the changed fields."""
        self.ensure_one()
        before = self.sudo()
        changes = []
        for name, value in vals.items():
            field = self._fields[name]
            old = before[name]
            old_value = old.id if field.type == "many2one" else old
            if (old_value or False) == (value or False):
                continue
            shown_old = old.display_name if field.type == "many2one" else old
            shown_new = self.env[field.comodel_name].browse(value).display_name if field.type == "many2one" else value
            if field.type == "selection":
                labels = dict(field._description_selection(self.env))
                shown_old, shown_new = labels.get(old, old), labels.get(value, value)
            changes.append((field._description_string(self.env), shown_old or "-", shown_new or "-"))
        write = dict(vals)
        if attachments:
            write["attachment_ids"] = [(0, 0, values) for values in attachments]
        self.sudo().write(write)
        lines = [
            self.env._("%(field)s: %(old)s → %(new)s", field=label, old=old, new=new) for label, old, new in changes
        ]
        if attachments:
            lines.append(self.env._("New files: %(files)s", files=", ".join(a["name"] for a in attachments)))
        note = "; ".join([self.env._("Reason: %(reason)s", reason=reason or "-"), *lines])
        self._moh_record("update", note=note)
        people = self._moh_people_involved()
        if people:
            self.sudo().message_post(
                body=self.env._("%(sender)s updated this document; its handling goes on.", sender=self.sender_name),
                partner_ids=people.partner_id.ids,
                subtype_xmlid="mail.mt_note",
                author_id=self.env.user.partner_id.id,
            )
        return changes

    def _moh_flag(self, problem):
        """Keep a message the exchange could not apply, and put it before the records office."""
        self.ensure_one()
        self.sudo().exchange_problem = problem
        self.sudo().message_post(body=problem, subtype_xmlid="mail.mt_note")
        self._moh_todo(
            self.env.user, self.env._("Check a message from %(sender)s", sender=self.sender_name), note=problem
        )

    def _moh_require_reason(self, reason):
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason."))

    def _moh_receive_internally(self, department):
        """A document the ministry itself issued to one of its departments: it goes straight to
        that department's head, with the default deadline, without a leader's direction."""
        self.ensure_one()
        deadline = self._moh_default_deadline(fields.Date.context_today(self))
        self.sudo().write({"state": "in_progress", "deadline": deadline})
        assignment = (
            self.env["moh.document.assignment"]
            .sudo()
            .create({"document_id": self.id, "department_id": department.id, "role": "lead", "deadline": deadline})
        )
        heads = assignment._moh_department_heads()
        self._moh_grant(heads)
        self._moh_record("assign", department=department, targets=heads, assignment=assignment)
        self._moh_todo(
            heads, self.env._("Assign specialists (%(role)s)", role=assignment._moh_role_label()), deadline=deadline
        )
        return assignment

    def _moh_check_completion(self):
        """The document is completed when its lead department has completed its assignment."""
        for doc in self.filtered(lambda d: d.state == "in_progress"):
            lead = doc.assignment_ids.filtered(lambda a: a.role == "lead" and a.state == "done")
            if lead:
                doc.sudo().write({"state": "done", "done_date": lead[:1].done_date, "result": lead[:1].result})
                self.env["moh.edxml"]._moh_send_status(doc, "06", lead[:1].result)

    # -- protection -----------------------------------------------------------------------------

    @api.ondelete(at_uninstall=False)
    def _unlink_except_numbered(self):
        if any(doc.number for doc in self):
            raise UserError(self.env._("A registered document keeps its number: cancel it instead of deleting it."))

    def action_open_wizard(self):
        """Open the step wizard for the step named in the context (buttons of the form)."""
        self.ensure_one()
        self._moh_check_officer()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "moh.incoming.step.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_document_id": self.id, "default_step": self.env.context.get("moh_step")},
        }
