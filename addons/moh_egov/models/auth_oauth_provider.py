"""The national identity provider (DVCQG's, with VNeID behind it) as an OpenID Connect provider
on Odoo's auth_oauth: the settings of the authorization code flow that auth_oauth (implicit flow
only) lacks: token endpoint and client secret, the provider's keys (JWKS), issuer, end session,
how the client authenticates, the claim names."""

import json
import logging

import requests
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from moh_core.identity import ClaimNames

from .res_users import ASSURANCE_LEVELS, national_refusal

_logger = logging.getLogger(__name__)


class AuthOauthProvider(models.Model):
    _inherit = "auth.oauth.provider"

    moh_national = fields.Boolean(
        string="National Identity Provider (DVCQG / VNeID)",
        help="OpenID Connect code flow with the National Public Service Portal's identity "
        "provider: the portal user is keyed on the account's TechID, and a business is linked "
        "only when the claims prove it (an account of kind 2 with its tax code). The UserInfo URL "
        "is the provider's userinfo endpoint.",
    )
    moh_client_secret = fields.Char(string="Client Secret", groups="base.group_system", copy=False)
    moh_token_endpoint = fields.Char(
        string="Token URL", help="Test system: https://testxacthuc.dichvucong.gov.vn/oauth2/token"
    )
    moh_jwks_uri = fields.Char(
        string="JWKS URL",
        help="The provider's public keys, to check the id_token's signature. Test system: "
        "https://testxacthuc.dichvucong.gov.vn/oauth2/jwks (to confirm with the operator).",
    )
    moh_issuer = fields.Char(
        string="Issuer",
        help="The id_token's expected issuer (iss). Empty: not checked. Test system: "
        "https://testxacthuc.dichvucong.gov.vn/oauth2/token (to confirm with the operator).",
    )
    moh_end_session_endpoint = fields.Char(
        string="End Session URL",
        help="Logging out of the portal also ends the national session here, with id_token_hint "
        "and post_logout_redirect_uri. Test system: https://testxacthuc.dichvucong.gov.vn/oidc/logout "
        "(to confirm with the operator).",
    )
    moh_token_auth = fields.Selection(
        [("client_secret_post", "Secret in the Form (client_secret_post)"), ("client_secret_basic", "HTTP Basic")],
        string="Client Authentication",
        default="client_secret_post",
        help="How the client secret is sent to the token endpoint.",
    )
    moh_claim_names = fields.Text(
        string="Claim Names",
        help='JSON overriding the names of the identity claims, e.g. {"tech_id": "TechID", '
        '"business_codes": ["2"]}. Empty: the names seen in the DVCQG integrations.',
    )

    moh_min_assurance_level = fields.Selection(
        ASSURANCE_LEVELS,
        string="Minimum Assurance Level",
        default="0",
        required=True,
        help="A sign-in whose claims (loAs / IAL) state a lower level of assurance is refused, and "
        "nothing is made or changed for that account. VNeID level 1: personal data matched; level "
        "2: face or fingerprint checked. Not required by default: no public specification confirms "
        "that the portal sends the level (an account that states none is level 0).",
    )
    moh_business_assurance_level = fields.Selection(
        ASSURANCE_LEVELS,
        string="Minimum Assurance Level to Act for a Business",
        default="0",
        required=True,
        help="Below this level a business account's claims (its tax code) are not taken as proof: "
        "no company is linked, and the user cannot file in a company's name.",
    )

    @api.constrains("moh_claim_names")
    def _check_moh_claim_names(self):
        for provider in self:
            try:
                provider._moh_claims()
            except ValueError as error:
                raise ValidationError(self.env._("The claim names are not valid: %(error)s", error=error)) from None

    def _moh_claims(self):
        self.ensure_one()
        values = json.loads(self.moh_claim_names) if self.moh_claim_names else None
        if values is not None and not isinstance(values, dict):
            raise ValueError("a JSON object is expected")
        return ClaimNames.from_mapping(values)

    def _moh_get_json(self, url, **kwargs):
        """GET (or POST with ``data``) ``url`` and its JSON answer; AccessDenied when it fails."""
        self.ensure_one()
        try:
            if "data" in kwargs:
                response = requests.post(url, timeout=10, **kwargs)
            else:
                response = requests.get(url, timeout=10, **kwargs)
            response.raise_for_status()
            answer = response.json()
        except (requests.RequestException, ValueError) as error:
            _logger.warning("National sign-in: the call to %s failed: %s", url, error)
            raise national_refusal(self._moh_unavailable_message()) from None
        if not isinstance(answer, dict):
            raise national_refusal(self._moh_unavailable_message())
        return answer

    def _moh_unavailable_message(self):
        return self.env._("The National Public Service Portal did not answer as expected. Please try again later.")

    def _moh_exchange_code(self, code, code_verifier, redirect_uri):
        """The token endpoint's answer for an authorization code (server to server)."""
        self.ensure_one()
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "code_verifier": code_verifier,
            "redirect_uri": redirect_uri,
            "client_id": self.client_id,
        }
        secret = self.sudo().moh_client_secret or ""
        auth = None
        if self.moh_token_auth == "client_secret_basic":
            auth = (self.client_id, secret)
        else:
            data["client_secret"] = secret
        return self._moh_get_json(self.moh_token_endpoint, data=data, auth=auth)

    def _moh_jwks(self):
        return self._moh_get_json(self.moh_jwks_uri)

    def _moh_userinfo(self, access_token):
        return self._moh_get_json(self.validation_endpoint, headers={"Authorization": f"Bearer {access_token}"})
