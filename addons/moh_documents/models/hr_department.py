from odoo import api, fields, models
from odoo.exceptions import AccessError


class HrDepartment(models.Model):
    _inherit = "hr.department"

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

    _moh_abbreviation_company_unique = models.Constraint(
        "UNIQUE(moh_abbreviation, company_id)",
        "Two departments of one agency cannot share an abbreviation.",
    )

    def _moh_check_moh_fields(self, vals_list):
        """The e-office's settings of a department are the e-office administrator's alone (other
        groups may have write access to hr.department for other reasons)."""
        if self.env.su or self.env.user.has_group("moh_documents.group_moh_admin"):
            return
        if any(name.startswith("moh_") for vals in vals_list for name in vals):
            raise AccessError(self.env._("Only the e-office administrator changes the e-office settings of %(model)s.",
                                         model=self._description))

    @api.model_create_multi
    def create(self, vals_list):
        self._moh_check_moh_fields(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._moh_check_moh_fields([vals])
        return super().write(vals)
