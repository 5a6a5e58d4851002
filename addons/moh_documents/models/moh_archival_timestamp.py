"""The log of archive timestamps (PAdES B-LTA) added to the signed files kept for years.

A record kept five years or more outlives the certificate of the time-stamping authority that
timestamped its signatures, and the algorithms it used. When such a file is closed for keeping,
its signed PDFs get an archive timestamp (``ir.attachment._moh_archive_timestamp``); a daily job
renews it before the authority's certificate expires or when an algorithm is declared weak
(``ir.attachment._cron_renew_archival_timestamps``). Each attempt leaves one row here: when, by
which authority, until when its certificate is valid, with which algorithm, why, and whether it
worked (with the error when it did not; the file is then unchanged).

Rows are written by that service only (no user has write access) and read by the e-office's
administrators and ministry leaders.
"""

from odoo import fields, models

REASONS = [
    ("filing", "Filing"),
    ("expiry", "Authority Certificate Expiry"),
    ("algorithm", "Weak Algorithm"),
]


class MohArchivalTimestamp(models.Model):
    _name = "moh.archival.timestamp"
    _description = "Archive Timestamp"
    _order = "timestamped_on desc, id desc"
    _rec_name = "attachment_id"

    attachment_id = fields.Many2one("ir.attachment", string="File", ondelete="set null", index=True, readonly=True)
    res_model = fields.Char(string="Document Model", readonly=True, index=True)
    res_id = fields.Many2oneReference(string="Document", model_field="res_model", readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, default=lambda self: self.env.company)
    timestamped_on = fields.Datetime(string="When", required=True, readonly=True, default=fields.Datetime.now)
    reason = fields.Selection(REASONS, required=True, readonly=True)
    outcome = fields.Selection([("done", "Done"), ("failed", "Failed")], required=True, readonly=True)
    error = fields.Text(readonly=True)
    tsa_name = fields.Char(string="Timestamp Authority", readonly=True)
    tsa_certificate_expiry = fields.Datetime(string="Authority Certificate Expiry", readonly=True)
    digest_algorithm = fields.Char(string="Algorithm", readonly=True)
    size_before = fields.Integer(string="Size Before (bytes)", readonly=True)
    size_after = fields.Integer(string="Size After (bytes)", readonly=True)
