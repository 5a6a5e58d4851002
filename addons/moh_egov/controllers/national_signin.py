"""Sign-in with the National Public Service Portal's identity provider (DVCQG, VNeID behind it).

Odoo's auth_oauth only knows the implicit flow; for the national provider the login button starts
the OpenID Connect authorization code flow instead, bound to the browser that started it: a state
key, a nonce and a PKCE verifier made per sign-in and kept in the session. The callback
(auth_oauth's ``/auth_oauth/signin``) is checked against them (res.users ``auth_oauth``). Logging out of the portal
also ends the national session (single logout): the browser is sent to the provider's end-session
URL with the id_token as ``id_token_hint`` and the site's root as ``post_logout_redirect_uri``.
"""

import json
from urllib.parse import parse_qsl, urlencode

from odoo import http
from odoo.addons.auth_oauth.controllers.main import OAuthLogin
from odoo.addons.web.controllers.session import Session
from odoo.http import request

from ..models.res_users import NATIONAL_ERROR_KEY, NATIONAL_LOGOUT_KEY, national_signin_secrets


class MohNationalSignin(OAuthLogin):
    @http.route()
    def web_login(self, *args, **kw):
        """The login page after a refused national sign-in says why (auth_oauth's own message
        speaks of invitations and databases)."""
        response = super().web_login(*args, **kw)
        message = request.session.pop(NATIONAL_ERROR_KEY, None)
        if message and getattr(response, "is_qweb", False) and request.params.get("oauth_error"):
            response.qcontext["error"] = message
        return response

    def list_providers(self):
        providers = super().list_providers()
        for provider in providers:
            if not provider.get("moh_national"):
                continue
            secrets = national_signin_secrets(provider["id"])
            # Extra parameters may be written in the authorization URL itself (acr_values=LoA1).
            endpoint, _sep, extra = provider["auth_endpoint"].partition("?")
            params = {**dict(parse_qsl(extra)), **dict(parse_qsl(provider["auth_link"].rsplit("?", 1)[-1]))}
            state = json.loads(params.get("state") or "{}")
            state["s"] = secrets.state
            params.update(
                response_type="code",
                state=json.dumps(state),
                nonce=secrets.nonce,
                code_challenge=secrets.code_challenge,
                code_challenge_method="S256",
            )
            provider["auth_link"] = f"{endpoint}?{urlencode(params)}"
        return providers


class MohNationalLogout(Session):
    @http.route("/web/session/logout", type="http", auth="none", readonly=True)
    def logout(self, redirect="/odoo"):
        signed_in = request.session.get(NATIONAL_LOGOUT_KEY) or {}
        response = super().logout(redirect=redirect)
        provider = request.env["auth.oauth.provider"].sudo().browse(signed_in.get("provider") or []).exists()
        if not signed_in.get("id_token") or not provider.moh_end_session_endpoint:
            return response
        query = urlencode(
            {"id_token_hint": signed_in["id_token"], "post_logout_redirect_uri": request.httprequest.url_root}
        )
        separator = "&" if "?" in provider.moh_end_session_endpoint else "?"
        return request.redirect(f"{provider.moh_end_session_endpoint}{separator}{query}", 303, local=False)
