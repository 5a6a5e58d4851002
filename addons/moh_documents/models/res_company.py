import pytz
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from moh_core.exchange import AGENCY_CODE_EXAMPLE, is_agency_code

#: The state-secrets law in force, named in every refusal: configurable, since Law 117/2025/QH15
#: and its decree replace the 2018 law and Decree 26/2020 from 1 March 2026 (to verify).
SECRET_LEGAL_SOURCE = (
    "Law 29/2018/QH14 on the Protection of State Secrets (Art. 5.5-5.6) and Decree 26/2020/NĐ-CP (Art. 4); "
    "from 1 March 2026 Law 117/2025/QH15 and Decree 63/2026/NĐ-CP"
)


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "moh.settings.guard"]

    moh_abbreviation = fields.Char(
        string="Agency Abbreviation",
        help="Abbreviation of the issuing agency in document symbols, e.g. BYT for the Ministry of "
        "Health (Decree 30/2020/ND-CP).",
    )
    moh_agency_code = fields.Char(
        string="Agency Identification Code",
        help="Identification code of the agency (Decision 20/2020/QD-TTg), e.g. 000.00.00.G18.",
    )
    moh_head_position = fields.Char(
        string="Position of the Head",
        default="BỘ TRƯỞNG",
        help="The position of the head of the agency, written after TL. when a unit head signs by "
        "order (Decree 30/2020/ND-CP, Art. 13.4), e.g. BỘ TRƯỞNG.",
    )
    moh_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Statutory Working Calendar",
        help="Working days and public holidays used for every statutory deadline.",
    )

    moh_due_soon_days = fields.Integer(
        string="Due Soon Within (working days)",
        default=2,
        help="Open work whose deadline is at most this many working days away is shown as due soon "
        "and its people are reminded.",
    )

    moh_digest_enabled = fields.Boolean(
        string="Daily Digest to Leaders",
        default=True,
        help="Each morning, department heads receive their department's overdue and due-soon work, "
        "and ministry leaders what is escalated to them.",
    )
    moh_escalation_days = fields.Integer(
        string="Escalate to Ministry Leaders After (working days overdue)",
        default=3,
        help="Overdue work appears in the ministry leaders' digest once it is this many working days "
        "past its deadline (0: as soon as it is overdue).",
    )

    moh_signature_level = fields.Selection(
        [
            ("B-B", "PAdES B-B (signature)"),
            ("B-T", "PAdES B-T (with timestamp)"),
            ("B-LT", "PAdES B-LT (with timestamp and revocation data)"),
        ],
        string="Signature Level",
        default="B-LT",
        required=True,
        help="B-LT keeps the certificates and revocation data in the PDF, so the signature can be "
        "checked for years without the certificate authority (Circular 15/2025/TT-BKHCN).",
    )
    moh_tsa_url = fields.Char(string="Timestamp Authority URL", help="RFC 3161 service used for B-T and B-LT.")
    moh_revocation_live = fields.Boolean(
        string="Check Revocation Online",
        default=True,
        help="When the trusted authorities' revocation lists and a document's own revocation data do not "
        "settle whether a certificate is revoked, ask the certificate authority online: its OCSP responder, "
        "else its latest revocation list (Circular 15/2025/TT-BKHCN, Appendix II). Untick only for an "
        "installation without network access; signatures are then checked against the uploaded lists only.",
    )
    moh_revocation_timeout = fields.Float(
        string="Online Revocation Check Timeout (seconds)",
        default=3.0,
        help="How long one request to an OCSP responder or revocation list may take before the status is "
        "shown as not checkable.",
    )

    @api.constrains("moh_revocation_timeout")
    def _check_moh_revocation_timeout(self):
        for company in self:
            if company.moh_revocation_timeout <= 0 or company.moh_revocation_timeout > 60:
                raise ValidationError(self.env._("The online revocation check timeout is between 0 and 60 seconds."))

    def _moh_timestamper(self):
        """The time-stamping authority for the agency's signature level (None for B-B): its
        RFC 3161 service, or the demo's in-process one where the demo data configured it."""
        self.ensure_one()
        company = self.sudo()
        if company.moh_signature_level == "B-B":
            return None
        if not company.moh_tsa_url:
            raise UserError(
                self.env._("Set the timestamp authority for PAdES %(level)s.", level=company.moh_signature_level)
            )
        return company._moh_tsa_client()

    def _moh_archival_timestamper(self):
        """The time-stamping authority for archive timestamps (PAdES B-LTA), whatever the
        signature level: the one signing uses."""
        self.ensure_one()
        company = self.sudo()
        if not company.moh_tsa_url:
            raise UserError(self.env._("Set the timestamp authority: archive timestamps need one."))
        return company._moh_tsa_client()

    def _moh_tsa_client(self):
        """The configured RFC 3161 service, or the demo's in-process one where the demo data set it."""
        from moh_core.demo import DEMO_TSA_URL  # noqa: PLC0415

        if self.moh_tsa_url == DEMO_TSA_URL:
            return self.env["moh.signing.key"]._moh_demo_timestamper()
        from pyhanko.sign.timestamps import HTTPTimeStamper  # noqa: PLC0415

        return HTTPTimeStamper(self.moh_tsa_url)

    @api.constrains("moh_agency_code")
    def _check_moh_agency_code(self):
        for company in self:
            self._moh_check_agency_code(company.moh_agency_code, company.name)

    @api.model
    def _moh_check_agency_code(self, code, owner):
        """Refuse an agency identification code not of the form of Decision 20/2020/QĐ-TTg
        (``[A-Z0-9]{3}.[A-Z0-9]{2}.[A-Z0-9]{2}.[A-Z][0-9]{2}``). An empty code is allowed on
        entry; whatever needs the code refuses to go on without it (:meth:`_moh_agency_code`)."""
        if code and not is_agency_code(code):
            raise ValidationError(
                self.env._(
                    "%(owner)s: %(code)s is not an agency identification code. Decision 20/2020/QĐ-TTg "
                    "writes it as four groups of capital letters and digits separated by dots, the last "
                    "a letter and two digits, e.g. %(example)s.",
                    owner=owner,
                    code=code,
                    example=AGENCY_CODE_EXAMPLE,
                )
            )

    def _moh_agency_code(self, purpose):
        """The agency's identification code, needed for ``purpose`` (a translated phrase): a
        missing code is an error here, never replaced by another agency's or a made-up one."""
        self.ensure_one()
        code = self.moh_agency_code
        if not code:
            raise UserError(
                self.env._(
                    "%(company)s has no agency identification code (Decision 20/2020/QĐ-TTg), which is "
                    "needed %(purpose)s: an administrator enters it in the agency's settings.",
                    company=self.name,
                    purpose=purpose,
                )
            )
        return code

    moh_secret_isolated = fields.Boolean(
        string="Isolated Deployment (State-Secret Documents May Be Stored)",
        default=False,
        help="Tick only if this installation runs on computers that are not connected to any network, as the "
        "state-secrets law requires for drafting and storing state-secret documents (Law 29/2018/QH14, "
        "Art. 5.5-5.6; Decree 26/2020/NĐ-CP, Art. 4.7). Unticked (a networked deployment), a Mật, Tối mật "
        "or Tuyệt mật document keeps only its register entry and hand-over trail: no text, no file, and "
        "the abstract of a Tuyệt mật document only with recorded consent.",
    )
    moh_secret_legal_source = fields.Char(
        string="State-Secrets Law in Force",
        default=SECRET_LEGAL_SOURCE,
        help="The law and decree named when a state-secret document is refused (registers, storage, "
        "transmission). Update it when the law changes.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._moh_seed_secret_registers()
        return companies

    @api.model
    def _moh_seed_all_secret_registers(self):
        """Installation and update: the state-secret registers of every company."""
        return self.sudo().search([])._moh_seed_secret_registers()

    def _moh_seed_secret_registers(self):
        """Each agency keeps its state-secret registers, each with its own yearly series (Decree
        26/2020/NĐ-CP, Art. 4; forms of Circular 24/2020/TT-BCA): Sổ đăng ký bí mật nhà nước
        đến, đi, and Sổ chuyển giao bí mật nhà nước. Missing ones are created (installation, new
        company); existing ones are kept as they are."""
        Register = self.env["moh.document.register"].sudo().with_context(active_test=False)
        kinds = [
            ("incoming", "VBĐ-M", self.env._("State-Secret Incoming Documents")),
            ("outgoing", "VBĐi-M", self.env._("State-Secret Outgoing Documents")),
            ("handover", "CG-M", self.env._("State-Secret Hand-overs")),
        ]
        for company in self:
            for direction, code, name in kinds:
                if not Register.search_count(
                    [("company_id", "=", company.id), ("direction", "=", direction), ("confidential", "=", True)],
                    limit=1,
                ):
                    Register.create(
                        {
                            "name": name,
                            "code": code,
                            "direction": direction,
                            "confidential": True,
                            "company_id": company.id,
                            "sequence": 20,
                        }
                    )
        return True

    def _moh_secret_networked(self):
        """Whether state-secret documents may hold only their register entry here."""
        self.ensure_one()
        return not self.sudo().moh_secret_isolated

    def _moh_local_date(self, utc_datetime):
        """The agency's calendar date of a stored (UTC) datetime."""
        return pytz.utc.localize(utc_datetime).astimezone(self._moh_calendar()._moh_tz()).date()

    def _moh_local_context(self):
        """A context whose "today" is the agency's: scheduled jobs run as a user whose time zone
        may be the server's (UTC), which is the day before in Hà Nội from 17:00 UTC on."""
        self.ensure_one()
        return {"tz": self.sudo()._moh_calendar()._moh_tz().zone}

    def _moh_calendar(self):
        """The calendar deadlines are counted on: the agency's statutory calendar, else its
        default working hours."""
        self.ensure_one()
        return self.moh_calendar_id or self.resource_calendar_id
