"""The businesses' side of the online public services.

Public pages: the procedure catalogue, each procedure's requirements and templates, and the
lookup of a dossier's status by its code and secret (status only: nothing about the applicant).
Logged-in businesses: apply, save a draft, upload documents (each checked on arrival), see the
completeness check, submit, pay the fee, follow the dossier, add supplements, download slips and
the signed e-result, rate the service, file a complaint or recommendation and judge its answer,
ask to stop.

Every /my/dossiers route first checks that the logged-in user is a business (portal) user and
that the dossier belongs to that user's company (its commercial partner), with the user's own
rights (record rules) as well: another business's dossier, an officer, or a missing dossier all
answer 404 (never 403: the answer must not tell whether the dossier exists). Only after that
check does the route read or write in sudo, and only what belongs to that dossier: a file of its
documents, one of its slips, its own issued e-result.
"""

import logging

from odoo import http
from odoo.addons.payment import utils as payment_utils
from odoo.addons.payment.controllers import portal as payment_portal
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.fields import Command
from odoo.http import content_disposition, request
from werkzeug.exceptions import NotFound

_logger = logging.getLogger(__name__)

DOSSIERS_PER_PAGE = 20


def moh_owned_dossier(dossier_id):
    """The dossier ``dossier_id`` in sudo, when the logged-in user is a business (portal) user of
    the dossier's company and may read it; NotFound otherwise, before anything is read in sudo."""
    user = request.env.user
    if user._is_public() or not user._is_portal():
        raise NotFound()
    dossier = request.env["moh.dossier"].browse(dossier_id)
    try:
        dossier.check_access("read")
    except (AccessError, MissingError):
        raise NotFound() from None
    dossier = dossier.sudo()  # readable by the user: now only the company check
    if not dossier.exists() or dossier.partner_id.commercial_partner_id != user.sudo().commercial_partner_id:
        raise NotFound()
    return dossier


class MohEgovPortal(CustomerPortal):
    # -- portal home ------------------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "dossier_count" in counters:
            Dossier = request.env["moh.dossier"]
            values["dossier_count"] = (
                Dossier.search_count([("partner_id", "child_of", request.env.user.commercial_partner_id.id)])
                if self._moh_is_business_user() and Dossier.has_access("read")
                else 0
            )
        return values

    # -- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _moh_is_business_user():
        user = request.env.user
        return not user._is_public() and user.has_group("base.group_portal")

    def _moh_render_dossier(self, dossier, errors=(), notice=None, template="moh_egov.portal_my_dossier"):
        values = self._prepare_portal_layout_values()
        lines, complete = dossier._moh_completeness_lines()
        slips = dossier.slip_ids.sorted("id")
        values.update(
            {
                "page_name": "dossier",
                "dossier": dossier,
                "completeness": lines,
                "complete": complete,
                "errors": list(errors),
                "notice": notice,
                "slips": slips,
                "form_values": dossier._moh_form_values() if dossier.state == "draft" else dossier.value_ids,
                "upload_limit_mb": request.env["moh.dossier.document"]._moh_upload_limit() // (1024 * 1024),
            }
        )
        if dossier.payment_state == "pending" and dossier.state not in ("draft", "refused", "closed", "stopped"):
            values.update(self._moh_payment_values(dossier))
        return request.render(template, values)

    # -- public pages -----------------------------------------------------------------------

    @http.route(
        ["/public-services", "/public-services/page/<int:page>"], type="http", auth="public", website=True, sitemap=True
    )
    def moh_procedures(self, page=1, search="", **kw):
        Procedure = request.env["moh.procedure"].sudo()
        domain = [("active", "=", True)]
        if search:
            domain += ["|", "|", ("name", "ilike", search), ("code", "ilike", search), ("field_name", "ilike", search)]
        total = Procedure.search_count(domain)
        pager = portal_pager(
            url="/public-services", url_args={"search": search}, total=total, page=page, step=DOSSIERS_PER_PAGE
        )
        procedures = Procedure.search(domain, limit=DOSSIERS_PER_PAGE, offset=pager["offset"])
        return request.render(
            "moh_egov.portal_procedures",
            {"procedures": procedures, "search": search, "pager": pager, "page_name": "procedures"},
        )

    @http.route("/public-services/<int:procedure_id>", type="http", auth="public", website=True)
    def moh_procedure(self, procedure_id, **kw):
        procedure = request.env["moh.procedure"].sudo().browse(procedure_id).exists()
        if not procedure or not procedure.active:
            raise NotFound()
        can_apply = self._moh_is_business_user()
        # A sign-in below the procedure's level of assurance is told so instead of the form.
        # So is a national sign-in that does not prove the business the user is linked to.
        user = request.env.user
        problems = [user._moh_assurance_problem(procedure), user._moh_may_file_problem()] if can_apply else []
        problems = [problem for problem in problems if problem]
        return request.render(
            "moh_egov.portal_procedure",
            {
                "procedure": procedure,
                "page_name": "procedure",
                "can_apply": can_apply and not problems,
                "moh_own_name": can_apply and user._moh_files_in_own_name(),
                "errors": problems,
            },
        )

    @http.route("/public-services/template/<int:requirement_id>", type="http", auth="public")
    def moh_requirement_template(self, requirement_id, **kw):
        requirement = request.env["moh.procedure.requirement"].sudo().browse(requirement_id).exists()
        if not requirement or not requirement.template or not requirement.procedure_id.active:
            raise NotFound()
        data = requirement.with_context(bin_size=False).template
        import base64  # noqa: PLC0415

        raw = base64.b64decode(data)
        filename = requirement.template_filename or f"{requirement.name}.pdf"
        return request.make_response(
            raw,
            headers=[
                ("Content-Type", "application/octet-stream"),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )

    @http.route("/dossier-lookup", type="http", auth="public", website=True, methods=["GET", "POST"])
    def moh_lookup(self, code="", secret="", **kw):
        status = None
        not_found = False
        if request.httprequest.method == "POST":
            dossier = request.env["moh.dossier"]._moh_lookup(code, secret)
            if dossier:
                status = dossier._moh_public_status()
            else:
                not_found = True
        return request.render(
            "moh_egov.portal_lookup", {"code": code, "status": status, "not_found": not_found, "page_name": "lookup"}
        )

    # -- applying ---------------------------------------------------------------------------

    @http.route("/public-services/<int:procedure_id>/apply", type="http", auth="user", website=True, methods=["POST"])
    def moh_apply(self, procedure_id, business_name="", vat="", **kw):
        if not self._moh_is_business_user():
            raise NotFound()
        procedure = request.env["moh.procedure"].sudo().browse(procedure_id).exists()
        if not procedure or not procedure.active or procedure.online_level != "full":
            raise NotFound()
        user = request.env.user
        partner = user.partner_id.sudo()
        own_name = user._moh_files_in_own_name()
        assurance_problem = user._moh_assurance_problem(procedure)
        if assurance_problem:
            # Before anything is made from the form (also checked again when the draft is made).
            return request.render(
                "moh_egov.portal_procedure",
                {"procedure": procedure, "page_name": "procedure", "can_apply": False, "errors": [assurance_problem]},
            )
        if not partner.parent_id and not partner.is_company and not own_name:
            # A business signing up alone: its company record is made from the form.
            if not business_name.strip():
                return request.render(
                    "moh_egov.portal_procedure",
                    {
                        "procedure": procedure,
                        "page_name": "procedure",
                        "can_apply": True,
                        "errors": [request.env._("Give the name of your business.")],
                    },
                )
            company = partner.create(
                {
                    "name": business_name.strip(),
                    "vat": vat.strip() or False,
                    "is_company": True,
                    "moh_is_business": True,
                    "email": partner.email,
                }
            )
            partner.write({"parent_id": company.id})
        try:
            # A national sign-in files only in the name it proves (the person, or its business).
            user._moh_check_may_file()
            dossier = request.env["moh.dossier"]._moh_new_for_user(procedure, user)
        except UserError as error:
            return request.render(
                "moh_egov.portal_procedure",
                {
                    "procedure": procedure,
                    "page_name": "procedure",
                    "can_apply": False,
                    "moh_own_name": own_name,
                    "errors": [error.args[0]],
                },
            )
        return request.redirect(f"/my/dossiers/{dossier.id}")

    @http.route("/my/dossiers/<int:dossier_id>/save", type="http", auth="user", website=True, methods=["POST"])
    def moh_save(self, dossier_id, submit=None, **post):
        """Save the form and the files of a draft (or of the supplements); submit if asked."""
        dossier = moh_owned_dossier(dossier_id)
        errors = []
        if dossier.state == "draft":
            for value in dossier._moh_form_values():
                key = f"field_{value.field_id.key}"
                if key in post:
                    value.sudo().write({"value": (post.get(key) or "").strip()})
        elif dossier.state != "supplement":
            return self._moh_render_dossier(dossier, errors=[request.env._("This dossier can no longer be changed.")])
        errors += self._moh_store_files(dossier, supplement=dossier.state == "supplement")
        if submit and not errors:
            try:
                if dossier.state == "draft":
                    dossier.with_user(request.env.user).action_submit()
                    return self._moh_render_dossier(
                        dossier,
                        notice=request.env._(
                            "Dossier %(code)s was submitted. Keep its code and the lookup secret %(secret)s.",
                            code=dossier.code,
                            secret=dossier.sudo().lookup_secret,
                        ),
                    )
                dossier.with_user(request.env.user).action_supplement_done()
                return self._moh_render_dossier(
                    dossier, notice=request.env._("The supplements were sent to the one-stop shop.")
                )
            except (UserError, ValidationError) as exc:
                errors.append(exc.args[0])
        notice = None if errors else request.env._("Saved.")
        return self._moh_render_dossier(dossier, errors=errors, notice=notice)

    def _moh_store_files(self, dossier, supplement=False):
        """Check and keep each uploaded file; a rejected file is reported and changes nothing."""
        errors = []
        Document = request.env["moh.dossier.document"].sudo()
        limit = Document._moh_upload_limit()
        for requirement in dossier.procedure_id.requirement_ids:
            for upload in request.httprequest.files.getlist(f"file_{requirement.id}"):
                if not upload or not upload.filename:
                    continue
                data = upload.read(limit + 1)
                try:
                    with request.env.cr.savepoint():
                        Document._moh_add(dossier, requirement, upload.filename, data, supplement=supplement)
                except UserError as exc:
                    errors.append(exc.args[0])
        return errors

    @http.route(
        "/my/dossiers/<int:dossier_id>/document/<int:document_id>/delete",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def moh_delete_document(self, dossier_id, document_id, **kw):
        dossier = moh_owned_dossier(dossier_id)
        document = dossier.document_ids.filtered(lambda d: d.id == document_id)
        if not document:
            raise NotFound()
        if dossier.state != "draft" and not (dossier.state == "supplement" and document.supplement):
            return self._moh_render_dossier(dossier, errors=[request.env._("Submitted documents cannot be removed.")])
        attachment = document.attachment_id
        document.sudo().unlink()
        attachment.sudo().unlink()
        return request.redirect(f"/my/dossiers/{dossier.id}")

    # -- following ----------------------------------------------------------------------------

    @http.route(["/my/dossiers", "/my/dossiers/page/<int:page>"], type="http", auth="user", website=True)
    def moh_my_dossiers(self, page=1, **kw):
        Dossier = request.env["moh.dossier"]
        if not self._moh_is_business_user() or not Dossier.has_access("read"):
            raise NotFound()
        domain = [("partner_id", "child_of", request.env.user.commercial_partner_id.id)]
        total = Dossier.search_count(domain)
        pager = portal_pager(url="/my/dossiers", total=total, page=page, step=DOSSIERS_PER_PAGE)
        dossiers = Dossier.search(domain, limit=DOSSIERS_PER_PAGE, offset=pager["offset"], order="id desc")
        values = self._prepare_portal_layout_values()
        values.update({"dossiers": dossiers, "pager": pager, "page_name": "dossiers", "default_url": "/my/dossiers"})
        return request.render("moh_egov.portal_my_dossiers", values)

    @http.route("/my/dossiers/<int:dossier_id>", type="http", auth="user", website=True)
    def moh_my_dossier(self, dossier_id, **kw):
        return self._moh_render_dossier(moh_owned_dossier(dossier_id))

    @http.route("/my/dossiers/<int:dossier_id>/file/<int:document_id>", type="http", auth="user")
    def moh_download_document(self, dossier_id, document_id, **kw):
        dossier = moh_owned_dossier(dossier_id)
        document = dossier.document_ids.filtered(lambda d: d.id == document_id)
        if not document:
            raise NotFound()
        return self._moh_file(document.attachment_id)

    @http.route("/my/dossiers/<int:dossier_id>/slip/<int:attachment_id>", type="http", auth="user")
    def moh_download_slip(self, dossier_id, attachment_id, **kw):
        dossier = moh_owned_dossier(dossier_id)
        # One of the slips issued for this dossier (never any other attachment of it).
        attachment = dossier.slip_ids.filtered(lambda a: a.id == attachment_id)
        if not attachment or attachment.res_model != "moh.dossier" or attachment.res_id != dossier.id:
            raise NotFound()
        return self._moh_file(attachment)

    @http.route("/my/dossiers/<int:dossier_id>/result", type="http", auth="user")
    def moh_download_result(self, dossier_id, **kw):
        dossier = moh_owned_dossier(dossier_id)
        attachment = dossier.result_attachment_id
        result = dossier.result_document_id
        # Only the dossier's own e-result: the copy, kept on the dossier, of the PDF its result
        # document was issued with (same content), never whatever attachment the field names.
        if (
            dossier.state != "done"
            or not attachment
            or not result
            or result.dossier_id != dossier
            or result.state != "issued"
            or not result.pdf_id
            or attachment.res_model != "moh.dossier"
            or attachment.res_id != dossier.id
            or attachment.checksum != result.pdf_id.checksum
        ):
            raise NotFound()
        return self._moh_file(attachment)

    @staticmethod
    def _moh_file(attachment):
        attachment = attachment.sudo()
        return request.make_response(
            attachment.raw,
            headers=[
                ("Content-Type", attachment.mimetype or "application/octet-stream"),
                ("Content-Disposition", content_disposition(attachment.name)),
                ("X-Content-Type-Options", "nosniff"),
            ],
        )

    @http.route("/my/dossiers/<int:dossier_id>/rate", type="http", auth="user", website=True, methods=["POST"])
    def moh_rate(self, dossier_id, rating="", comment="", **kw):
        dossier = moh_owned_dossier(dossier_id)
        try:
            dossier._moh_rate(rating, comment)
        except UserError as exc:
            return self._moh_render_dossier(dossier, errors=[exc.args[0]])
        return self._moh_render_dossier(dossier, notice=request.env._("Thank you for your rating."))

    @http.route("/my/dossiers/<int:dossier_id>/complaint", type="http", auth="user", website=True, methods=["POST"])
    def moh_complaint(self, dossier_id, kind="complaint", description="", **kw):
        dossier = moh_owned_dossier(dossier_id)
        try:
            request.env["moh.dossier.complaint"]._moh_file(dossier, kind, description)
        except UserError as exc:
            return self._moh_render_dossier(dossier, errors=[exc.args[0]])
        return self._moh_render_dossier(
            dossier,
            notice=request.env._("Your complaint or recommendation was received; the answer is due by the date shown."),
        )

    @http.route(
        "/my/dossiers/<int:dossier_id>/complaint/<int:complaint_id>/outcome",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def moh_complaint_outcome(self, dossier_id, complaint_id, outcome="", **kw):
        dossier = moh_owned_dossier(dossier_id)
        complaint = dossier.complaint_ids.filtered(lambda c: c.id == complaint_id)
        if not complaint:
            raise NotFound()
        try:
            complaint.with_env(request.env)._moh_set_outcome(outcome)
        except UserError as exc:
            return self._moh_render_dossier(dossier, errors=[exc.args[0]])
        return self._moh_render_dossier(
            dossier, notice=request.env._("Thank you: your view of the answer was recorded.")
        )

    @http.route("/my/dossiers/<int:dossier_id>/stop", type="http", auth="user", website=True, methods=["POST"])
    def moh_stop(self, dossier_id, reason="", **kw):
        dossier = moh_owned_dossier(dossier_id)
        try:
            dossier.with_user(request.env.user).action_request_stop(reason)
        except UserError as exc:
            return self._moh_render_dossier(dossier, errors=[exc.args[0]])
        return self._moh_render_dossier(dossier, notice=request.env._("Your request to stop the dossier was sent."))

    # -- paying the fee -------------------------------------------------------------------------

    def _moh_payment_values(self, dossier):
        """The payment form's context (as the sale portal builds it for an order)."""
        partner = request.env.user.partner_id
        company = dossier.company_id
        currency = dossier.currency_id
        amount = dossier.fee_amount
        providers = (
            request.env["payment.provider"]
            .sudo()
            ._get_compatible_providers(company.id, partner.id, amount, currency_id=currency.id)
        )
        methods = (
            request.env["payment.method"]
            .sudo()
            ._get_compatible_payment_methods(providers.ids, partner.id, currency_id=currency.id)
        )
        tokens = request.env["payment.token"].sudo()._get_available_tokens(providers.ids, partner.id)
        return {
            "amount": amount,
            "currency": currency,
            "partner_id": partner.id,
            "providers_sudo": providers,
            "payment_methods_sudo": methods,
            "tokens_sudo": tokens,
            "availability_report": {},
            "transaction_route": f"/my/dossiers/{dossier.id}/transaction",
            "landing_route": f"/my/dossiers/{dossier.id}",
            "access_token": payment_utils.generate_access_token(partner.id, amount, currency.id),
            "show_tokenize_input_mapping": payment_portal.PaymentPortal._compute_show_tokenize_input_mapping(providers),
            "reference_prefix": dossier.code,
        }


class MohEgovPayment(payment_portal.PaymentPortal):
    @http.route("/my/dossiers/<int:dossier_id>/transaction", type="jsonrpc", auth="user")
    def moh_dossier_transaction(self, dossier_id, access_token, **kwargs):
        """Create the fee's transaction for a dossier of the user's business (the amount is the
        dossier's, whatever the browser sends)."""
        dossier = moh_owned_dossier(dossier_id)
        if dossier.payment_state != "pending":
            raise ValidationError(request.env._("Nothing is due on this dossier."))
        partner = request.env.user.partner_id
        if not payment_utils.check_access_token(access_token, partner.id, dossier.fee_amount, dossier.currency_id.id):
            raise ValidationError(request.env._("The payment link is no longer valid; reload the page."))
        self._validate_transaction_kwargs(kwargs)
        kwargs.update(
            {
                "partner_id": partner.id,
                "currency_id": dossier.currency_id.id,
                "amount": dossier.fee_amount,
                "reference_prefix": dossier.code,
            }
        )
        transaction = self._create_transaction(
            custom_create_values={"moh_dossier_ids": [Command.set([dossier.id])]}, **kwargs
        )
        return transaction._get_processing_values()
