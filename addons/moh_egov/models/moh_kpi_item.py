from odoo import api, models
from odoo.addons.moh_documents.models.moh_kpi_item import ID_STRIDE


class MohKpiItem(models.Model):
    _inherit = "moh.kpi.item"

    @api.model
    def _moh_kpi_indexes(self):
        return super()._moh_kpi_indexes() + [("moh_dossier", "received_at")]

    @api.model
    def _moh_kpi_expression_indexes(self):
        """The completion date counts for completed dossiers only (the view's expression)."""
        tz = self._moh_tz_sql()
        return super()._moh_kpi_expression_indexes() + [
            (
                "moh_dossier",
                "kpi_done_date",
                (f"CASE WHEN state = 'done' THEN (done_date AT TIME ZONE 'UTC' AT TIME ZONE {tz})::date END"),
            )
        ]

    @api.model
    def _moh_kpi_open_indexes(self):
        return super()._moh_kpi_open_indexes() + [("moh_dossier", "state IN ('received', 'processing', 'approval')")]

    @api.model
    def _moh_kpi_sources(self):
        """Dossiers from their receipt (the complete dossier, Decree 118/2025/ND-CP Art. 17.3)."""
        tz = self._moh_tz_sql()
        return super()._moh_kpi_sources() + [
            (
                "moh_dossier",
                f"""
            SELECT d.id * {ID_STRIDE} + 1 AS id, 'dossier' AS kind, d.code AS name,
                   'moh.dossier' AS res_model, d.id AS res_id, d.company_id AS company_id,
                   d.department_id AS department_id, d.specialist_id AS user_id, FALSE AS cooperating,
                   (d.received_at AT TIME ZONE 'UTC' AT TIME ZONE {tz})::date AS received_date,
                   d.deadline AS deadline,
                   CASE WHEN d.state = 'done' THEN (d.done_date AT TIME ZONE 'UTC' AT TIME ZONE {tz})::date END AS done_date,
                   d.state IN ('received', 'processing', 'approval') AS is_open,
                   d.state IN ('received', 'processing', 'approval') AND d.deadline < CURRENT_DATE AS is_overdue,
                   COALESCE(d.completed_late, FALSE) AS completed_late,
                   d.channel IN ('online', 'national_portal') AS online,
                   d.payment_state = 'paid' AS fee_paid,
                   COALESCE(d.paid_online, FALSE) AS paid_online,
                   d.result_attachment_id IS NOT NULL AS result_electronic,
                   COALESCE(d.digitised, FALSE) AS digitised,
                   NULLIF(d.rating, '')::integer AS rating
              FROM {{source}} d
             WHERE d.received_at IS NOT NULL
        """,  # noqa: S608 - table and column names are the models' own, never input
            )
        ]
