"""The retention schedule (bảng thời hạn bảo quản hồ sơ, tài liệu): how long the files of each
kind of document are kept, in years or permanently (vĩnh viễn).

Law on Archives 2024 and Decree 30/2020/ND-CP, Art. 28 (the file list gives each file its
retention period): the values loaded with the module are indicative (data/moh_records_data.xml)
and the e-office administrator adjusts them to the agency's approved schedule.

A file whose retention is permanent or at least 5 years is handed over to the agency archive
(Decree 30/2020/ND-CP, Art. 30-31); a shorter one stays with its unit and is proposed for
disposal when its time has run (moh.records.disposal).
"""

from odoo import api, fields, models

#: Files kept this many years or more are handed over to the agency archive (Art. 31.1).
HANDOVER_MIN_YEARS = 5


class MohRecordsRetention(models.Model):
    _name = "moh.records.retention"
    _description = "Retention Period"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    document_type_ids = fields.Many2many(
        "moh.document.type",
        string="Document Types",
        help="The kinds of document whose files are kept this long (used to suggest the period).",
    )
    permanent = fields.Boolean(help="Kept permanently (vĩnh viễn).")
    years = fields.Integer(help="How many years the files are kept, when not permanent.")
    note = fields.Text(help="The basis of this period (the agency's approved schedule, a regulation ...).")
    handover_due = fields.Boolean(
        string="Handed Over to the Archive",
        compute="_compute_handover_due",
        store=True,
        help="Files kept 5 years or more (or permanently) are handed over to the agency archive "
        "(Decree 30/2020/ND-CP, Art. 31.1).",
    )

    _years_positive = models.Constraint(
        "CHECK(permanent OR years > 0)", "A retention period is permanent or a positive number of years."
    )

    @api.depends("permanent", "years")
    def _compute_handover_due(self):
        for retention in self:
            retention.handover_due = retention.permanent or retention.years >= HANDOVER_MIN_YEARS

    @api.depends("name", "permanent", "years")
    def _compute_display_name(self):
        for retention in self:
            period = (
                self.env._("permanent") if retention.permanent else self.env._("%(years)s years", years=retention.years)
            )
            retention.display_name = f"{retention.name} ({period})"
