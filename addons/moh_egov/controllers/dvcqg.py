"""The files of dossiers, downloaded by the national public service portal by the signed,
expiring links sent with each dossier (moh_core.dvcqg.links). No session: the link is the
credential; a forged, altered or expired link is refused (403)."""

from odoo import http
from odoo.http import request
from werkzeug.exceptions import Forbidden


class MohDvcqgFiles(http.Controller):
    @http.route(
        "/moh/dvcqg/file/<int:attachment_id>",
        type="http",
        auth="public",
        methods=["GET"],
        csrf=False,
        save_session=False,
    )
    def dvcqg_file(self, attachment_id, expires=None, signature=None, **kwargs):
        from moh_core.dvcqg import verify  # noqa: PLC0415

        if not expires or not signature or len(signature) > 128:
            raise Forbidden()
        peers = request.env["moh.exchange.peer"].sudo().search([("protocol", "=", "dvcqg")])
        if not any(
            peer.dvcqg_link_secret and verify(peer.dvcqg_link_secret, attachment_id, expires, signature)
            for peer in peers
        ):
            raise Forbidden()
        attachment = request.env["ir.attachment"].sudo().browse(attachment_id).exists()
        if not attachment or not request.env["moh.dossier"]._moh_dvcqg_file_allowed(attachment):
            raise Forbidden()
        return request.env["ir.binary"]._get_stream_from(attachment).get_response(as_attachment=True)
