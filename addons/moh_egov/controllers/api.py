"""Partner API: the status of a dossier by its code (see moh_documents/controllers/api.py for
the authentication and static/api/openapi.json there for the description)."""

from odoo import http

from odoo.addons.moh_documents.controllers.api import MohPartnerApi


class MohPartnerApiDossiers(MohPartnerApi):

    @http.route("/api/v1/dossiers/<string:code>", type="http", auth="public", methods=["GET"], csrf=False,
                save_session=False)
    def dossier_status(self, code):
        return self._moh_status(
            lambda env: env["moh.dossier"].search([("code", "=", code.strip()), ("state", "!=", "draft")], limit=1),
            "dossier")
