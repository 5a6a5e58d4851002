"""The public verification page of issued documents (no login).

Every PDF the records office issues carries, at the foot of its first page, a short code and a QR
code of ``<web.base.url>/verify/<code>`` (moh_core.documents.verification, drawn when the final
PDF is prepared for signing). Anyone who holds the document, on paper or as a file, can:

* open ``/verify/<code>`` (or type the code at ``/verify``): the document's number, type, date,
  issuing agency and unit, signer and state (issued, or revoked by the agency), and the
  validation of the PDF the agency archived, made now with the agency's trusted authorities. Never
  its abstract, text or file. An unknown code, a document not issued and a state-secret document
  all give the same "not found" page (404): the page never tells whether such a document exists;
* upload a PDF to ``/verify`` (a form, POST with CSRF token): the product's validator's verdict
  on every signature, with its reasons. The file is checked in memory and kept nowhere: no
  attachment, no record, nothing of it in the logs.

Anyone may do this, so the work is bounded: the declared size of the upload is refused before
its body is read (the route's ``max_content_length``); then the file's size, type, decompressed
size, pages, signatures and revisions (moh_core.verification.check_submitted_pdf); and each
client (by a hash of its address, never kept) may look up or upload only so many times a minute
(moh_core.verification.RateLimiter, in each server process's memory). Every refusal is shown on
the page in the visitor's language: Vietnamese when it is installed.
"""

import hashlib
import logging

import werkzeug.exceptions
from odoo import http
from odoo.http import request

from moh_core.documents import normalise_verification_code
from moh_core.onestop import UploadProblem
from moh_core.verification import (
    RateLimiter,
    SubmissionLimits,
    SubmissionRefused,
    VerificationProblem,
    check_submitted_pdf,
)

from ..tools.core_errors import error_message

_logger = logging.getLogger(__name__)

MIB = 1024 * 1024
#: The multipart form around the file: the declared body may exceed the file's limit by this much.
FORM_OVERHEAD = 64 * 1024
#: Attempts per client and minute unless the system parameters say otherwise.
DEFAULT_UPLOADS_PER_MINUTE = 5
DEFAULT_LOOKUPS_PER_MINUTE = 30
#: One limiter per server process (see the module's docstring).
LIMITER = RateLimiter(window=60)


def _param(name, default):
    value = request.env["ir.config_parameter"].sudo().get_param(f"moh_documents.{name}")
    try:
        return max(int(value), 1) if value else default
    except ValueError:
        return default


def _submission_limits():
    return SubmissionLimits(max_bytes=_param("verify_max_bytes", 20 * MIB))


def _upload_body_limit(controller):
    """The route's ``max_content_length``: a body declared larger than the file's limit (and its
    form) is refused here, before it is read, with the page that says so."""
    limit = _submission_limits().max_bytes
    declared = request.httprequest.content_length
    if request.httprequest.method == "POST" and declared is not None and declared > limit + FORM_OVERHEAD:
        refusal = SubmissionRefused(UploadProblem.TOO_LARGE, {"limit_mb": limit // MIB})
        response = controller._moh_page({"error": refusal}, status=413)
        response.flatten()
        werkzeug.exceptions.abort(response)
    return limit + FORM_OVERHEAD


class MohVerification(http.Controller):
    # -- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _moh_speak_vietnamese():
        """The page speaks Vietnamese, the language of the documents it verifies, when installed."""
        if request.env["res.lang"]._get_code("vi_VN"):
            request.update_context(lang="vi_VN")

    def _moh_page(self, values, status=200):
        self._moh_speak_vietnamese()
        error = values.get("error")
        values = {
            "document": None,
            "verdict": None,
            "not_found": False,
            "uploaded": False,
            "code": "",
            "limit_mb": _submission_limits().max_bytes // MIB,
            **values,
            "error": error_message(request.env, error) if error is not None else None,
        }
        return request.render("moh_documents.verification_page", values, status=status)

    @staticmethod
    def _moh_throttled(kind, default):
        """A refusal when this client made too many attempts of ``kind`` in the last minute."""
        address = request.httprequest.remote_addr or ""
        key = hashlib.sha256(f"{kind}:{address}".encode()).hexdigest()
        wait = LIMITER.hit(key, _param(f"verify_{kind}_per_minute", default))
        if wait is None:
            return None
        return SubmissionRefused(VerificationProblem.TOO_MANY_REQUESTS, {"seconds": max(int(wait + 0.999), 1)})

    def _moh_verdict(self, report, company):
        """The validation report as the page shows it: one row per signature, with its reasons."""
        checks = request.env["moh.signature.validation"]
        labels = checks._problem_labels()
        roles = {"signer": request.env._("Signer"), "seal": request.env._("Agency (seal)")}
        tz = company._moh_calendar()._moh_tz()
        rows = []
        for signature in report.signatures:
            moment = signature.timestamp_time or signature.signing_time
            rows.append(
                {
                    "role": roles.get(signature.field_name, signature.field_name),
                    "name": (signature.signer.common_name or signature.signer.subject) if signature.signer else "",
                    "organisation": (signature.signer.organisation or "") if signature.signer else "",
                    "time": moment.astimezone(tz).strftime("%d/%m/%Y %H:%M") if moment else "",
                    "valid": signature.valid,
                    "reasons": [checks._problem_label(labels, problem) for problem in signature.problems],
                }
            )
        return {"signed": report.signed, "valid": report.all_valid, "signatures": rows}

    # -- routes -----------------------------------------------------------------------------

    @http.route("/verify/<string:code>", type="http", auth="public", website=True, sitemap=False, methods=["GET"])
    def moh_verify_code(self, code, **kw):
        refusal = self._moh_throttled("lookups", DEFAULT_LOOKUPS_PER_MINUTE)
        if refusal:
            return self._moh_page({"error": refusal, "code": code}, status=429)
        document = request.env["moh.outgoing.document"]._moh_find_verifiable(code)
        if not document:
            return self._moh_page({"not_found": True, "code": code}, status=404)
        shown = document._moh_public_verification()
        verdict = self._moh_verdict(shown["report"], document.company_id) if shown["report"] else None
        return self._moh_page({"document": shown, "verdict": verdict, "code": code})

    @http.route(
        "/verify",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
        methods=["GET", "POST"],
        max_content_length=_upload_body_limit,
    )
    def moh_verify(self, code="", file=None, **kw):
        if request.httprequest.method == "GET":
            if not code:
                return self._moh_page({})
            normalised = normalise_verification_code(code)
            if not normalised:
                return self._moh_page({"not_found": True, "code": code}, status=404)
            return request.redirect(f"/verify/{normalised}")
        refusal = self._moh_throttled("uploads", DEFAULT_UPLOADS_PER_MINUTE)
        if refusal:
            return self._moh_page({"error": refusal}, status=429)
        limits = _submission_limits()
        if not hasattr(file, "read"):
            return self._moh_page({"error": SubmissionRefused(UploadProblem.EMPTY)}, status=400)
        # At most one byte more than allowed is read: enough to know it is too large.
        data = file.read(limits.max_bytes + 1)
        company = request.env.company.sudo()
        try:
            report = check_submitted_pdf(
                data,
                file.filename or "",
                material=request.env["moh.trust.root"]._moh_validation_material(company),
                limits=limits,
            )
        except SubmissionRefused as refused:
            _logger.info("Public verification refused a file (%s)", refused.code)
            return self._moh_page({"error": refused}, status=400)
        _logger.info(
            "Public verification of a file: %s signatures, all valid: %s", len(report.signatures), report.all_valid
        )
        return self._moh_page({"verdict": self._moh_verdict(report, company), "uploaded": True})
