"""Partner API: the status of a dossier by its code (see moh_documents/controllers/api.py for
the authentication, the API's rules and static/api/openapi.json there for the description)."""

from odoo import http
from odoo.addons.moh_documents.controllers.api import MohPartnerApi
from odoo.http import request


class MohPartnerApiDossiers(MohPartnerApi):
    @staticmethod
    def _moh_api_dossier(partner_user, code):
        """The filed dossier ``code`` of a procedure the partner follows (read in sudo: the
        API's rule, not the partner user's rights, decides)."""
        procedures = partner_user.sudo().moh_api_procedure_ids
        Dossier = request.env["moh.dossier"].sudo()
        code = (code or "").strip()
        if not code or not procedures:
            return Dossier
        return Dossier.search(
            [("code", "=", code), ("state", "!=", "draft"), ("procedure_id", "in", procedures.ids)], limit=1
        )

    @http.route(
        "/api/v1/dossiers/<string:code>", type="http", auth="public", methods=["GET"], csrf=False, save_session=False
    )
    def dossier_status(self, code):
        return self._moh_status(lambda user: self._moh_api_dossier(user, code), "dossier")
