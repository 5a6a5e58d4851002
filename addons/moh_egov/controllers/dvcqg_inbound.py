"""Dossiers filed on the national public service portal, pushed by the portal.

``POST /moh/dvcqg/dossiers`` with one dossier as a JSON object (moh_core.onestop.dvcqg_inbound)
and ``Authorization: Bearer <token>``, the inbound token of the agency's national portal peer
(moh.exchange.peer, renewed by an administrator). The answer is the portal's own format,
``{"error_code": 0 | 1 | -1, "message": ...}``: 0 registered, 1 already received (nothing
registered again), -1 refused with the reason, naming the field; HTTP 200 for all three, since
the portal reads ``error_code``. Without a valid token: 401; a body larger than the dossier
limit allows: 413 (both with ``error_code`` -1). Nothing is registered unless everything is.
"""

import logging

from odoo import SUPERUSER_ID, http
from odoo.http import request
from werkzeug.exceptions import RequestEntityTooLarge

_logger = logging.getLogger(__name__)


class MohDvcqgInboundController(http.Controller):
    @staticmethod
    def _moh_answer(code, message, status=200):
        return request.make_json_response({"error_code": code, "message": message}, status=status)

    @http.route("/moh/dvcqg/dossiers", type="http", auth="public", methods=["POST"], csrf=False, save_session=False)
    def dvcqg_receive_dossier(self, **_kwargs):
        authorization = request.httprequest.headers.get("Authorization", "")
        token = authorization[7:].strip() if authorization.lower().startswith("bearer ") else ""
        peer = request.env["moh.exchange.peer"]._moh_authenticate(token)
        if not peer or not peer.national_portal or not peer.active:
            return self._moh_answer(-1, "unauthorized", status=401)
        # The dossier is registered in the name of the peer's clerk, else of the system.
        request.update_env(user=peer.receiving_user_id.id or SUPERUSER_ID)
        Inbound = request.env["moh.dvcqg.inbound"].sudo()
        limit = Inbound._moh_max_body()
        too_large = f"the request is larger than the {limit} bytes allowed"
        length = request.httprequest.content_length
        if length is not None and length > limit:
            return self._moh_answer(-1, too_large, status=413)
        request.httprequest.max_content_length = limit
        try:
            data = request.httprequest.get_data(cache=False)
        except RequestEntityTooLarge:
            return self._moh_answer(-1, too_large, status=413)
        answer = Inbound._moh_register(peer, data)
        _logger.info("national portal dossier from %s: %s", peer.code, answer["error_code"])
        return request.make_json_response(answer)
