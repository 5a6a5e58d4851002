from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    moh_abbreviation = fields.Char(
        string="Agency Abbreviation",
        help="Abbreviation of the issuing agency in document symbols, e.g. BYT for the Ministry of "
             "Health (Decree 30/2020/ND-CP).",
    )
    moh_agency_code = fields.Char(
        string="Agency Identification Code",
        help="Identification code of the agency (Decision 20/2020/QD-TTg), e.g. 000.00.00.G18.",
    )
    moh_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Statutory Working Calendar",
        help="Working days and public holidays used for every statutory deadline.",
    )

    def _moh_calendar(self):
        """The calendar deadlines are counted on: the agency's statutory calendar, else its
        default working hours."""
        self.ensure_one()
        return self.moh_calendar_id or self.resource_calendar_id
