from odoo import api, fields, models


class HrDepartment(models.Model):
    _name = "hr.department"
    _inherit = ["hr.department", "moh.settings.guard"]

    moh_abbreviation = fields.Char(
        string="Abbreviation",
        help="The unit's abbreviation in document symbols (Decree 30/2020/ND-CP, Appendix III), "
        "e.g. KHTC in 'No. 15/BYT-KHTC'.",
    )
    moh_agency_code = fields.Char(
        string="Agency Identification Code",
        help="Code of the unit in the national list of agency identification codes "
        "(Decision 20/2020/QD-TTg), used in document exchange and dossier codes.",
    )
    moh_own_seal = fields.Boolean(
        string="Issues in Its Own Name",
        help="The unit has its own seal and signs in its own name: its head signs without "
        "TL. (Decree 30/2020/ND-CP, Art. 13). Otherwise its head signs by order of the head of "
        "the agency, e.g. TL. BỘ TRƯỞNG.",
    )

    @api.constrains("moh_agency_code")
    def _check_moh_agency_code(self):
        for department in self:
            self.env["res.company"]._moh_check_agency_code(department.moh_agency_code, department.name)

    _moh_abbreviation_company_unique = models.Constraint(
        "UNIQUE(moh_abbreviation, company_id)",
        "Two departments of one agency cannot share an abbreviation.",
    )
