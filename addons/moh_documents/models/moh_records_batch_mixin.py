"""What a batch of files of a unit (moh.records.handover, moh.records.disposal) shares: its name,
made of its kind, its unit and its day."""

from odoo import api, fields, models


class MohRecordsBatchMixin(models.AbstractModel):
    _name = "moh.records.batch.mixin"
    _description = "Batch of Files of a Unit"

    name = fields.Char(compute="_compute_name", store=True)

    @api.depends("department_id.name", "create_date")
    def _compute_name(self):
        for batch in self:
            batch.name = batch._moh_batch_name(
                batch.department_id.name or "",
                fields.Date.to_string((batch.create_date or fields.Datetime.now()).date()),
            )

    def _moh_batch_name(self, unit, day):
        """The batch's name, from the name of its unit and its day (the concrete models)."""
        raise NotImplementedError
