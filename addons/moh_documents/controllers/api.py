"""JSON API for partner systems: the status of our documents (and, with moh_egov, of dossiers).

Authentication: an Odoo API key (``res.users.apikeys``) of exactly the API's scope
(:data:`API_SCOPE`; a key without a scope, valid for RPC, is refused), belonging to a technical
user in the group *Partner System (API)*, sent as ``Authorization: Bearer <key>``. Such a user
holds no access right and no portal identity, cannot log in and gets no RPC (models/res_users.py,
models/res_users_apikeys.py): it is only ever told what this API serves.

What a partner is told is the API's own rule, applied here in sudo after the key and the
partner's scope were checked, never the partner's access rights:

- documents: issued outgoing documents that are not confidential (their number, type, abstract,
  and the delivery status to the agencies they were sent to), the same for every partner;
- dossiers (moh_egov): filed dossiers of the procedures the partner's user follows
  (``moh_api_procedure_ids`` on the user, set by an administrator; none by default), status and
  dates only, nothing about the applicant.

Anything else answers 404, exactly like what does not exist. The description is OpenAPI 3:
``GET /api/v1/openapi.json`` (kept in static/api/openapi.json).
"""

from pathlib import Path

from odoo import http
from odoo.http import request

from ..models.res_users_apikeys import MOH_API_SCOPE

API_SCOPE = MOH_API_SCOPE
OPENAPI_PATH = Path(__file__).resolve().parent.parent / "static" / "api" / "openapi.json"


class MohPartnerApi(http.Controller):
    @staticmethod
    def _moh_api_user():
        """The partner system's user the request's API key belongs to (in sudo), or None: the
        key must be of the API's scope and its user in the group Partner System (API)."""
        authorization = request.httprequest.headers.get("Authorization", "")
        key = authorization[7:].strip() if authorization.lower().startswith("bearer ") else ""
        if not key:
            return None
        uid = request.env["res.users.apikeys"].sudo()._check_credentials(scope=API_SCOPE, key=key)
        if not uid:
            return None
        user = request.env["res.users"].sudo().browse(uid)
        if not user._moh_is_api_partner() or user._is_internal() or user._is_portal():
            return None
        return user

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

    @staticmethod
    def _moh_api_documents(partner_user, number_symbol):
        """The issued, non-confidential document numbered ``number_symbol`` ("15/QĐ-BYT"), the
        latest such (numbers restart every year); read in sudo: the API's rule, not the partner
        user's rights, decides."""
        number, _sep, symbol = (number_symbol or "").strip().partition("/")
        Outgoing = request.env["moh.outgoing.document"].sudo()
        if not number.isdigit() or not symbol:
            return Outgoing
        return Outgoing.search(
            [
                ("number", "=", int(number)),
                ("symbol", "=", symbol),
                ("state", "=", "issued"),
                ("confidentiality", "=", "normal"),
            ],
            order="issue_date desc, id desc",
            limit=1,
        )

    @http.route(
        "/api/v1/documents/<path:number>", type="http", auth="public", methods=["GET"], csrf=False, save_session=False
    )
    def document_status(self, number):
        return self._moh_status(lambda user: self._moh_api_documents(user, number), "document")

    def _moh_status(self, find, what):
        """The JSON status of the record ``find(partner_user)`` returns: 401 without a valid key
        of the API's scope, 404 when the partner may see nothing by that reference."""
        user = self._moh_api_user()
        if user is None:
            return self._moh_unauthorized()
        record = find(user)
        if not record:
            return self._moh_not_found(what)
        return self._moh_json(record._moh_api_status())
