"""JSON API for partner systems: the status of our documents (and, with moh_egov, of dossiers).

Authentication: an Odoo API key (``res.users.apikeys``) of a technical user in the group
*Partner System (API)*, sent as ``Authorization: Bearer <key>``; keys with no scope or with the
scope :data:`API_SCOPE` are accepted. Every lookup runs as that user, so its access rights and
record rules decide what it may see (issued, non-confidential documents; filed dossiers); what
it may not see answers 404, exactly like what does not exist. The description is OpenAPI 3:
``GET /api/v1/openapi.json`` (kept in static/api/openapi.json).
"""

from pathlib import Path

from odoo import http
from odoo.http import request

API_SCOPE = "moh_partner_api"
OPENAPI_PATH = Path(__file__).resolve().parent.parent / "static" / "api" / "openapi.json"


class MohPartnerApi(http.Controller):

    @staticmethod
    def _moh_api_env():
        """The environment of the partner user the request's API key belongs to, or None."""
        authorization = request.httprequest.headers.get("Authorization", "")
        key = authorization[7:].strip() if authorization.lower().startswith("bearer ") else ""
        if not key:
            return None
        uid = request.env["res.users.apikeys"].sudo()._check_credentials(scope=API_SCOPE, key=key)
        if not uid:
            return None
        user = request.env["res.users"].sudo().browse(uid)
        if not user.has_group("moh_documents.group_api_partner"):
            return None
        return request.env(user=uid, su=False)

    @staticmethod
    def _moh_json(data, status=200):
        return request.make_json_response(data, status=status)

    @classmethod
    def _moh_unauthorized(cls):
        response = cls._moh_json({"error": "unauthorized", "message": "A valid API key is required."}, status=401)
        response.headers["WWW-Authenticate"] = 'Bearer realm="moh"'
        return response

    @classmethod
    def _moh_not_found(cls, what):
        return cls._moh_json({"error": "not_found", "message": f"No {what} with this reference."}, status=404)

    @http.route("/api/v1/openapi.json", type="http", auth="none", methods=["GET"], csrf=False, save_session=False)
    def openapi(self):
        return request.make_response(OPENAPI_PATH.read_bytes(), headers=[("Content-Type", "application/json")])

    @http.route("/api/v1/documents/<path:number>", type="http", auth="public", methods=["GET"], csrf=False,
                save_session=False)
    def document_status(self, number):
        return self._moh_status(lambda env: env["moh.outgoing.document"]._moh_api_find(number), "document")

    def _moh_status(self, find, what):
        """The JSON status of the record ``find(env)`` returns in the partner's environment:
        401 without a valid key, 404 when the partner finds nothing."""
        env = self._moh_api_env()
        if env is None:
            return self._moh_unauthorized()
        record = find(env)
        if not record:
            return self._moh_not_found(what)
        return self._moh_json(record._moh_api_status())


