from odoo import api, fields, models


class MohWorkItem(models.Model):
    _inherit = "moh.work.item"

    kind = fields.Selection(selection_add=[("dossier", "Public Service Dossier")])
    step = fields.Selection(selection_add=[("appraise", "Appraise"), ("dossier_assign", "Assign a Specialist")])

    @api.model
    def _moh_work_sources(self):
        """Dossiers being handled: for their specialist, and, while none is assigned, for the
        head of their processing department."""
        return super()._moh_work_sources() + [
            """
            SELECT (d.id::bigint * 16 + 8) * 1000000 + d.specialist_id, 'dossier', 'appraise',
                   d.code, NULL::varchar, 'moh.dossier', d.id, d.specialist_id, d.department_id, d.company_id,
                   d.deadline
              FROM moh_dossier d
             WHERE d.state IN ('received', 'processing', 'approval') AND d.specialist_id IS NOT NULL
            """,
            """
            SELECT (d.id::bigint * 16 + 9) * 1000000 + e.user_id, 'dossier', 'dossier_assign',
                   d.code, NULL::varchar, 'moh.dossier', d.id, e.user_id, d.department_id, d.company_id, d.deadline
              FROM moh_dossier d
              JOIN hr_department dep ON dep.id = d.department_id
              JOIN hr_employee e ON e.id = dep.manager_id
             WHERE d.state IN ('received', 'processing') AND d.specialist_id IS NULL AND e.user_id IS NOT NULL
            """,
        ]
