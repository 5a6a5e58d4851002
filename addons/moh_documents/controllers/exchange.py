"""Receiving edXML messages (documents and status messages) from peers.

``POST /moh/exchange/edxml`` with the message as the body, ``Authorization: Bearer <token>``
(the peer's inbound token) and ``X-MOH-Message-Id: <id>``. Answers (JSON):

* 200 ``{"status": "received", ...}``: imported (a registered incoming document, or a status
  noted on our outgoing document);
* 200 ``{"status": "already_received"}``: this message id was received before; nothing is
  imported again (a sender that did not see our first answer sends again: that is expected);
* 400 without a message id, 401 without a valid token, 422 when the message is refused (the
  reason in ``error``; nothing imported), 413 when it is larger than the exchange allows.

The sender is the peer the token authenticates: a message whose ``From`` names another agency
is refused (422, logged), and a status message is attached only to a document sent to that peer
by edXML (matched by its whole DocumentId); any other status is kept, attached to nothing, and
put before the peer's clerk (moh.edxml).
"""

import logging

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request
from werkzeug.exceptions import RequestEntityTooLarge

_logger = logging.getLogger(__name__)


class MohExchangeController(http.Controller):
    @http.route("/moh/exchange/edxml", type="http", auth="public", methods=["POST"], csrf=False, save_session=False)
    def receive_edxml(self, **_kwargs):
        from moh_core.exchange import DEFAULT_MAX_BYTES  # noqa: PLC0415

        authorization = request.httprequest.headers.get("Authorization", "")
        token = authorization[7:].strip() if authorization.lower().startswith("bearer ") else ""
        peer = request.env["moh.exchange.peer"]._moh_authenticate(token)
        if not peer:
            return request.make_json_response({"error": "unauthorized"}, status=401)
        message_id = (request.httprequest.headers.get("X-MOH-Message-Id") or "").strip()
        if not message_id or len(message_id) > 200:
            return request.make_json_response({"error": "the X-MOH-Message-Id header is required"}, status=400)
        too_large = {"error": f"the message is too large: at most {DEFAULT_MAX_BYTES} bytes"}
        length = request.httprequest.content_length
        if length is not None and length > DEFAULT_MAX_BYTES:
            return request.make_json_response(too_large, status=413)
        # Werkzeug stops reading a body past this limit; a body sent without its length
        # (chunked) is in any case refused by moh_core.exchange.parse_message's size check before parsing.
        request.httprequest.max_content_length = DEFAULT_MAX_BYTES
        try:
            data = request.httprequest.get_data(cache=False)
        except RequestEntityTooLarge:
            return request.make_json_response(too_large, status=413)
        if peer.receiving_user_id:
            # What the peer sends is registered in the name of its clerk, for the whole request.
            request.update_env(user=peer.receiving_user_id.id)
        Message = request.env["moh.exchange.message"].sudo()
        try:
            with request.env.cr.savepoint():
                message, already = Message._moh_receive(
                    peer, message_id, "edxml", data, request.httprequest.content_type
                )
        except (UserError, AccessError) as exc:
            _logger.info("edXML message %s from %s refused: %s", message_id, peer.code, exc)
            return request.make_json_response({"error": str(exc.args[0] if exc.args else exc)}, status=422)
        if already:
            return request.make_json_response({"status": "already_received", "message_id": message_id})
        return request.make_json_response(
            {"status": "received", "message_id": message_id, "record": message.res_model, "id": message.res_id}
        )
