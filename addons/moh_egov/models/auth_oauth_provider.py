"""The national identity provider (DVCQG's, with VNeID behind it) as an OpenID Connect provider
of OCA's auth_oidc (authorization code flow): its settings the OIDC library lacks (userinfo,
issuer, end session, claim names, how the client authenticates at the token endpoint)."""

import json
import logging

import requests
from odoo import api, fields, models
from odoo.exceptions import AccessDenied, ValidationError

from moh_core.identity import ClaimNames

_logger = logging.getLogger(__name__)


class AuthOauthProvider(models.Model):
    _inherit = "auth.oauth.provider"

    moh_national = fields.Boolean(
        string="National Identity Provider (DVCQG / VNeID)",
        help="Sign-in through the National Public Service Portal's identity provider: the portal "
        "user is keyed on the account's TechID, and a business is linked only when the claims "
        "prove it (an account of kind 2 with its tax code).",
    )
    moh_issuer = fields.Char(
        string="Issuer",
        help="The id_token's expected issuer (iss). Empty: not checked. Test: "
        "https://testxacthuc.dichvucong.gov.vn/oauth2/token (to confirm with the portal's operator).",
    )
    moh_end_session_endpoint = fields.Char(
        string="End Session URL",
        help="Logging out of the portal also ends the national session here, with id_token_hint "
        "and post_logout_redirect_uri. Test: https://testxacthuc.dichvucong.gov.vn/oidc/logout "
        "(to confirm).",
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

    def _moh_userinfo(self, access_token):
        """The userinfo answer for ``access_token`` (Bearer); AccessDenied when it fails."""
        self.ensure_one()
        if not self.validation_endpoint:
            return {}
        try:
            response = requests.get(
                self.validation_endpoint, headers={"Authorization": f"Bearer {access_token}"}, timeout=10
            )
            response.raise_for_status()
            return response.json()
        except (requests.RequestException, ValueError) as error:
            _logger.warning("National sign-in: the userinfo call failed: %s", error)
            raise AccessDenied() from None
