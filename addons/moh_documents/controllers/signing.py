"""JSON interface for signing on the signer's own token (a USB token the server cannot reach).

The signer's local signing software, logged in as the signer:

1. ``POST /moh/outgoing/<id>/sign/prepare`` with ``{"certificate": <DER, base64>, "chain": [...]}``
   → ``{"session", "digest", "digest_algorithm", "signed_attributes", "signature_algorithm",
   "pss_salt_length"}`` (bytes in base64). The certificate is checked first (validity, chain,
   revocation, key and algorithm per Circular 15/2025/TT-BKHCN); a refusal says why.
2. Signs ``digest`` (or ``signed_attributes``) on the token: RSASSA-PSS with SHA-256, MGF1-SHA-256
   and a 32-byte salt, or ECDSA with SHA-256.
3. ``POST /moh/outgoing/sign/finish`` with ``{"session", "signature": <base64>}`` →
   ``{"document", "state": "signed"}``. The value is verified against the certificate before it
   is embedded. Sessions expire after 15 minutes.

Several documents at once: ``POST /moh/outgoing/sign/prepare`` with ``{"documents": [<id>, ...],
"certificate", "chain"}`` → a list of the same items, each with its ``document`` and its own
``session``; then ``POST /moh/outgoing/sign/finish_many`` with ``{"signatures": [{"session",
"signature"}, ...]}`` → ``[{"document", "state"}, ...]``. Each call is all or nothing: if one
document may not be signed by the caller, or one value does not verify, nothing is prepared or
embedded.

The rules are those of signing on the server: the fields (and their locks) are prepared the same
way, the certificate gets the same check (validity, chain, revocation in hard-fail mode, key
usage, algorithm), and the level is the company's (B-LT embeds the revocation data).

All are JSON-RPC routes (``type="jsonrpc"``): the body is ``{"jsonrpc": "2.0", "params": {...}}``.
"""

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request


class MohSigningController(http.Controller):
    @http.route("/moh/outgoing/<int:document_id>/sign/prepare", type="jsonrpc", auth="user", methods=["POST"])
    def prepare(self, document_id, certificate, chain=()):
        document = request.env["moh.outgoing.document"].browse(document_id)
        document.check_access("read")
        return document.moh_sign_prepare(certificate, list(chain))

    @http.route("/moh/outgoing/sign/prepare", type="jsonrpc", auth="user", methods=["POST"])
    def prepare_many(self, documents, certificate, chain=()):
        if not isinstance(documents, list) or not all(isinstance(item, int) for item in documents):
            raise UserError(request.env._("Send the documents as a list of ids."))
        if len(set(documents)) != len(documents):
            raise UserError(request.env._("Each document is prepared once."))
        records = request.env["moh.outgoing.document"].browse(documents)
        if len(records.exists()) != len(records):
            raise UserError(request.env._("A document to sign does not exist."))
        return records.moh_sign_prepare_many(certificate, list(chain))

    @http.route("/moh/outgoing/sign/finish", type="jsonrpc", auth="user", methods=["POST"])
    def finish(self, session, signature):
        return request.env["moh.outgoing.document"].moh_sign_finish(session, signature)

    @http.route("/moh/outgoing/sign/finish_many", type="jsonrpc", auth="user", methods=["POST"])
    def finish_many(self, signatures):
        return request.env["moh.outgoing.document"].moh_sign_finish_many(signatures)
