import logging
from datetime import UTC, timedelta

from odoo import api, fields, models, modules
from odoo.exceptions import UserError
from odoo.fields import Domain

_logger = logging.getLogger(__name__)

#: The documents that may be state secrets (moh.state.secret.mixin).
SECRET_MODELS = ("moh.incoming.document", "moh.outgoing.document")

#: What a file is to the record it belongs to, set by the step that makes it (never read from
#: its name, which anyone who may edit the file can change).
ROLES = [
    ("draft_pdf", "Draft Version"),
    ("signing_pdf", "PDF Prepared for Signing"),
    ("signed_pdf", "Signed PDF"),
    ("issued_pdf", "Issued PDF"),
    ("edxml", "edXML Export"),
    ("copy_pdf", "Copy"),
]


class IrAttachment(models.Model):
    _name = "ir.attachment"
    _inherit = ["ir.attachment", "moh.workflow.guard"]
    # The role is set by the step that makes the file, in superuser mode: no user sets or
    # changes it (a file a user uploads, whatever its name, is never taken for a signed PDF).
    # The archival fields are the archive timestamp service's (_moh_archive_timestamp) alone.
    _moh_workflow_fields = (
        "moh_role",
        "moh_archival",
        "moh_archival_signed_size",
        "moh_archival_tsa_expiry",
        "moh_archival_algorithms",
        "moh_archival_checked_on",
    )

    moh_role = fields.Selection(
        ROLES,
        string="Role",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="What the file is to its record (a draft version, the PDF prepared for signing, the signed "
        "PDF, a slip...), set by the step that made it.",
    )

    moh_archival = fields.Boolean(
        string="Archival",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Kept for years with archive timestamps (PAdES B-LTA), renewed before the timestamp authority's "
        "certificate expires or an algorithm becomes weak.",
    )
    moh_archival_signed_size = fields.Integer(
        string="Signed Size (bytes)",
        readonly=True,
        copy=False,
        help="The size of the file as signed, before its first archive timestamp: the archive timestamps are "
        "appended after these bytes, which never change.",
    )
    moh_archival_tsa_expiry = fields.Datetime(string="Archive Timestamp Valid Until", readonly=True, copy=False)
    moh_archival_algorithms = fields.Char(string="Archive Timestamp Algorithms", readonly=True, copy=False)
    moh_archival_checked_on = fields.Datetime(string="Archive Timestamp Checked On", readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        attachments = super().create(vals_list)
        attachments._moh_check_state_secret()
        return attachments

    def write(self, vals):
        result = super().write(vals)
        if {"res_model", "res_id"} & set(vals):
            self._moh_check_state_secret()
        return result

    def _moh_check_state_secret(self):
        """No file of a state-secret document is stored on a networked deployment, whoever
        attaches it, the system included (Law 29/2018/QH14, Art. 5.5-5.6; Decree 26/2020/NĐ-CP,
        Art. 4.7): see moh.state.secret.mixin."""
        for model in SECRET_MODELS:
            ids = {a.res_id for a in self.sudo() if a.res_model == model and a.res_id}
            if not ids:
                continue
            for doc in self.env[model].sudo().browse(ids).exists():
                if doc.confidentiality != "normal" and doc.company_id._moh_secret_networked():
                    raise doc._moh_secret_refusal(self.env._("No file of it is stored on a networked deployment"))

    # -- archive timestamps (PAdES B-LTA) ----------------------------------------------------------

    @api.model
    def _moh_archival_param(self, key, default):
        value = self.env["ir.config_parameter"].sudo().get_param(key, "")
        try:
            number = int(value)
        except ValueError:
            return default
        return number if number > 0 else default

    @api.model
    def _moh_archival_weak_digests(self):
        """The digest algorithms an archive timestamp must not rely on (system parameter
        ``moh_documents.archival_weak_digests``, comma-separated; add sha256 the day it is retired)."""
        value = self.env["ir.config_parameter"].sudo().get_param("moh_documents.archival_weak_digests", "md5,sha1")
        return frozenset(name.strip().lower() for name in value.split(",") if name.strip())

    def _moh_archive_timestamp(self, reason="filing"):
        """Bring the signed PDFs among these files to PAdES B-LTA (``reason="filing"``, when the
        file they belong to is closed for keeping), or renew their archive timestamp
        (``"expiry"``, ``"algorithm"``). The new content is the old bytes with the archive
        timestamp appended (checked before it is written); on any failure the old bytes stay and
        the error is recorded. Files that are not signed PDFs, and files already archival when
        filing, are left alone. Returns the ``moh.archival.timestamp`` rows recorded, one per
        file handled.

        Private: its callers (the records module when it closes a file, the daily renewal)
        decide which files are kept; no user reaches it."""
        rows = self.env["moh.archival.timestamp"]
        for attachment in self.sudo():
            rows |= attachment._moh_archive_one(reason)
        return rows

    def _moh_archive_one(self, reason):
        from moh_core.signatures import InvalidPdfError  # noqa: PLC0415
        from moh_core.signatures.archival import (  # noqa: PLC0415
            ArchivalError,
            ArchivalProblem,
            archive_timestamp,
            archive_timestamps,
            renew_archive_timestamp,
            strong_digest,
        )

        self.ensure_one()
        Row = self.env["moh.archival.timestamp"].sudo()
        if reason == "filing" and self.moh_archival:
            return Row
        pdf = self.raw or b""
        if b"%PDF-" not in pdf[:1024]:
            return Row
        try:
            stamps = archive_timestamps(pdf)
        except InvalidPdfError:
            return Row
        company = self.company_id or self.env.company
        now = fields.Datetime.now()
        values = {
            "attachment_id": self.id,
            "res_model": self.res_model,
            "res_id": self.res_id,
            "company_id": company.id,
            "reason": reason,
            "size_before": len(pdf),
        }
        try:
            Trust = self.env["moh.trust.root"]
            options = {
                "timestamper": company._moh_archival_timestamper(),
                "material": Trust._moh_validation_material(company),
                "revocation": Trust._moh_revocation_policy(company),
                "md_algorithm": strong_digest(self._moh_archival_weak_digests()),
            }
            extended = renew_archive_timestamp(pdf, **options) if stamps else archive_timestamp(pdf, **options)
            if len(extended) <= len(pdf) or not extended.startswith(pdf):
                raise ArchivalError(ArchivalProblem.NOT_APPENDED)
            last = archive_timestamps(extended)[-1]
            with self.env.cr.savepoint():
                self.write(
                    {
                        "raw": extended,
                        "moh_archival": True,
                        "moh_archival_signed_size": self.moh_archival_signed_size or len(pdf),
                        "moh_archival_tsa_expiry": last.tsa_certificate_expiry.astimezone(UTC).replace(tzinfo=None),
                        "moh_archival_algorithms": ",{},".format(",".join(last.algorithms)),
                        "moh_archival_checked_on": now,
                    }
                )
        except ArchivalError as exc:
            if exc.code is ArchivalProblem.NOT_SIGNED:
                return Row
            return self._moh_archival_failed(values, exc.message_in(self.env.lang), now)
        except (UserError, ValueError, OSError) as exc:
            _logger.warning("Archive timestamp of attachment %s failed: %s", self.id, exc)
            return self._moh_archival_failed(values, str(exc), now)
        return Row.create(
            {
                **values,
                "outcome": "done",
                "timestamped_on": last.time.astimezone(UTC).replace(tzinfo=None),
                "tsa_name": last.tsa_name,
                "tsa_certificate_expiry": last.tsa_certificate_expiry.astimezone(UTC).replace(tzinfo=None),
                "digest_algorithm": last.digest_algorithm,
                "size_after": len(extended),
            }
        )

    def _moh_archival_failed(self, values, error, now):
        if self.moh_archival:
            self.write({"moh_archival_checked_on": now})
        return self.env["moh.archival.timestamp"].sudo().create({**values, "outcome": "failed", "error": error})

    @api.model
    def _cron_renew_archival_timestamps(self, limit=None, now=None):
        """Daily: renew the archive timestamps that are due (moh_core's ``renewal_due``: the
        authority's certificate expires within the margin, system parameter
        ``moh_documents.archival_renewal_margin_days``, default 180; or an algorithm is weak),
        at most ``limit`` files a run (``moh_documents.archival_renewal_batch``, default 100),
        the least recently tried first, each committed when done. ``now`` (naive UTC) is for
        tests. Returns how many were renewed."""
        from moh_core.signatures import InvalidPdfError  # noqa: PLC0415
        from moh_core.signatures.archival import RenewalReason, renewal_due  # noqa: PLC0415

        margin = timedelta(days=self._moh_archival_param("moh_documents.archival_renewal_margin_days", 180))
        limit = limit or self._moh_archival_param("moh_documents.archival_renewal_batch", 100)
        now = now or fields.Datetime.now()
        weak = self._moh_archival_weak_digests()
        due = Domain.OR(
            [
                [("moh_archival_tsa_expiry", "<=", now + margin)],
                *([("moh_archival_algorithms", "ilike", f",{name},")] for name in sorted(weak)),
            ]
        )
        candidates = self.sudo().search(
            Domain("moh_archival", "=", True) & due, order="moh_archival_checked_on asc, id", limit=limit
        )
        renewed = 0
        for attachment in candidates:
            try:
                state = renewal_due(
                    attachment.raw or b"", now=now.replace(tzinfo=UTC), margin=margin, weak_digests=weak
                )
            except InvalidPdfError:
                state = None
            if state is not None and state.due and state.reason is not RenewalReason.FILING:
                rows = attachment._moh_archive_timestamp(reason=state.reason.value)
                renewed += len(rows.filtered(lambda row: row.outcome == "done"))
            else:
                attachment.write({"moh_archival_checked_on": fields.Datetime.now()})
            self._moh_archival_commit()
        return renewed

    def _moh_archival_commit(self):
        # Each file is kept as soon as it is renewed, as the signing batches do; tests share one
        # transaction and never commit.
        if not modules.module.current_test:
            self.env.cr.commit()  # pylint: disable=invalid-commit
