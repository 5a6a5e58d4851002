import json
import logging

from odoo import api, fields, models
from odoo.exceptions import AccessDenied, UserError
from odoo.http import request

from moh_core.identity import (
    AccountKind,
    IdentityRefused,
    SigninSecrets,
    business_at_assurance,
    map_claims,
    meets_assurance,
    normalise_tax_code,
    require_assurance,
    verify_id_token,
)

_logger = logging.getLogger(__name__)

#: The session keys of a pending national sign-in (provider, state, nonce, PKCE verifier), and of
#: the signed-in session's id_token (for the single logout).
NATIONAL_SIGNIN_KEY = "moh_national_signin"
NATIONAL_LOGOUT_KEY = "moh_national_logout"
#: Why the last national sign-in of this browser was refused, for the login page to say.
NATIONAL_ERROR_KEY = "moh_national_error"
#: The user and the level of assurance the national sign-in of this browser session proved.
NATIONAL_LEVEL_KEY = "moh_national_level"

#: Levels of assurance of a national account (VNeID level 1: the person's data matched the
#: population database; level 2: face or fingerprint checked too; Decree 69/2024/ND-CP), as the
#: minimum a provider or a procedure requires ("0": none required).
ASSURANCE_LEVELS = [
    ("0", "Not Required"),
    ("1", "Level 1 (personal data matched)"),
    ("2", "Level 2 (face or fingerprint checked)"),
]


def national_refusal(message):
    """AccessDenied for the sign-in route, with ``message`` kept for the login page (auth_oauth's
    own message speaks of invitations and databases)."""
    if request:
        request.session[NATIONAL_ERROR_KEY] = message
    return AccessDenied()


def national_signin_secrets(provider_id):
    """Fresh secrets for one sign-in with ``provider_id``, kept in the browser's session."""
    secrets = SigninSecrets.new()
    request.session[NATIONAL_SIGNIN_KEY] = {"provider": provider_id, **secrets.as_dict()}
    return secrets


class ResUsers(models.Model):
    _inherit = "res.users"

    moh_api_procedure_ids = fields.Many2many(
        "moh.procedure",
        "moh_procedure_api_user_rel",
        "user_id",
        "procedure_id",
        string="Procedures Followed (Partner API)",
        groups="base.group_system",
        help="A partner system's user is told, through the partner API, the status of the filed "
        "dossiers of these procedures only (none when empty).",
    )
    # What the national sign-in proved (set only by the sign-in itself, never by the user).
    moh_national_kind = fields.Selection(
        [("citizen", "Citizen"), ("business", "Business"), ("organisation", "Organisation")],
        string="National Account Kind",
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="Set by the sign-in with the National Public Service Portal (DVCQG / VNeID).",
    )
    moh_national_id_number = fields.Char(
        string="Identification Number", readonly=True, copy=False, groups="base.group_system"
    )
    moh_national_tax_code = fields.Char(
        string="Proven Tax Code",
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="The tax code of the business the national account proves; the user files only in "
        "the name of the company with this tax code.",
    )
    moh_assurance_level = fields.Integer(
        string="Assurance Level", readonly=True, copy=False, groups="base.group_system"
    )
    moh_via_vneid = fields.Boolean(string="Signed in with VNeID", readonly=True, copy=False, groups="base.group_system")

    # -- landing ----------------------------------------------------------------------------------
    def _moh_landing_rules(self):
        """A one-stop officer lands on the dossier queue (after the ministry's leaders, before
        department heads, specialists and clerks)."""
        return [*super()._moh_landing_rules(), (20, "moh_egov.group_onestop", ("moh_egov.action_moh_dossier",))]

    # -- national sign-in (DVCQG / VNeID) ---------------------------------------------------------
    @api.model
    def auth_oauth(self, provider, params):
        """The OpenID Connect code flow for the national provider (auth_oauth's own flow otherwise):
        the callback must carry the state this browser's session holds; the code is exchanged with
        the session's PKCE verifier; the id_token is verified (keys, issuer, audience, expiry,
        nonce, at_hash); the identity claims come from userinfo."""
        oauth_provider = self.env["auth.oauth.provider"].browse(provider)
        if not oauth_provider.moh_national:
            return super().auth_oauth(provider, params)
        if not self.env.su:
            # Only auth_oauth's sign-in route (which runs it as the superuser), never over RPC.
            raise AccessDenied()
        secrets = self._moh_pending_signin(oauth_provider, params)
        redirect_uri = request.httprequest.url_root + "auth_oauth/signin"
        tokens = oauth_provider._moh_exchange_code(params.get("code"), secrets.code_verifier, redirect_uri)
        access_token, id_token = tokens.get("access_token"), tokens.get("id_token")
        if not access_token or not id_token:
            _logger.warning("National sign-in: the token answer has no access token or id_token")
            raise national_refusal(oauth_provider._moh_unavailable_message())
        try:
            validation = verify_id_token(
                id_token,
                oauth_provider._moh_jwks(),
                client_id=oauth_provider.client_id,
                nonce=secrets.nonce,
                issuer=oauth_provider.moh_issuer or None,
                access_token=access_token,
            )
        except IdentityRefused as error:
            _logger.warning("National sign-in refused: %s", error.detail)
            raise national_refusal(error.message_in(self.env.lang)) from None
        params.update(access_token=access_token, moh_id_token=id_token)
        login = self._auth_oauth_signin(provider, validation, params)
        if not login:
            raise AccessDenied()
        return (self.env.cr.dbname, login, access_token)

    @api.model
    def _moh_pending_signin(self, oauth_provider, params):
        """The secrets of the sign-in this browser started, once: a callback whose state was not
        made for this browser's session is refused (login CSRF, a stolen code)."""
        pending = request.session.pop(NATIONAL_SIGNIN_KEY, None) if request else None
        secrets = SigninSecrets.from_dict(pending)
        try:
            state = json.loads(params.get("state") or "{}")
        except ValueError:
            state = {}
        if not secrets or pending.get("provider") != oauth_provider.id or not secrets.state_matches(state.get("s")):
            _logger.warning("National sign-in: a callback without this session's state was refused")
            raise national_refusal(
                self.env._(
                    "The sign-in with the National Public Service Portal was not started from this "
                    "browser, or it has expired. Please sign in again."
                )
            )
        return secrets

    @api.model
    def _auth_oauth_signin(self, provider, validation, params):
        oauth_provider = self.env["auth.oauth.provider"].browse(provider)
        if not oauth_provider.moh_national:
            return super()._auth_oauth_signin(provider, validation, params)
        try:
            identity = map_claims(
                validation, oauth_provider._moh_userinfo(params["access_token"]), oauth_provider._moh_claims()
            )
            # Below the provider's minimum nothing is made or changed; below the business
            # minimum the business claims prove nothing (the person acts in their own name).
            identity = require_assurance(identity, int(oauth_provider.moh_min_assurance_level or 0))
            identity = business_at_assurance(identity, int(oauth_provider.moh_business_assurance_level or 0))
        except IdentityRefused as error:
            _logger.warning("National sign-in refused: %s", error.message)
            raise national_refusal(error.message_in(self.env.lang)) from None
        user = self.search([("oauth_uid", "=", identity.tech_id), ("oauth_provider_id", "=", provider)])
        if not user:
            if self.env.context.get("no_user_creation"):
                return None
            # What a portal sign-up does (the portal user template), keyed on the TechID; the
            # login is made from the TechID so that it never meets an existing account's.
            values = {
                "name": identity.name or identity.tech_id,
                "login": f"dvcqg-{identity.tech_id}".lower(),
                "email": identity.email or False,
                "oauth_provider_id": provider,
                "oauth_uid": identity.tech_id,
                "active": True,
            }
            state = json.loads(params["state"])
            login, _password = self.signup(values, state.get("t"))
            user = self.search([("login", "=", login)])
        user._moh_apply_national_identity(identity)
        user.sudo().oauth_access_token = params["access_token"]
        if request:
            request.session[NATIONAL_LOGOUT_KEY] = {"provider": provider, "id_token": params.get("moh_id_token")}
            request.session[NATIONAL_LEVEL_KEY] = {"uid": user.id, "level": identity.assurance_level}
        return user.login

    def _moh_apply_national_identity(self, identity):
        """Store what the national sign-in proved and link the business it proves (only then)."""
        self.ensure_one()
        user = self.sudo()
        business = identity.business
        user.write(
            {
                "moh_national_kind": identity.kind.value,
                "moh_national_id_number": identity.id_number or False,
                "moh_national_tax_code": business.tax_code if business else False,
                "moh_assurance_level": identity.assurance_level,
                "moh_via_vneid": identity.via_vneid,
            }
        )
        partner = user.partner_id
        updates = {"name": identity.name} if identity.name and identity.name != partner.name else {}
        if identity.email and not partner.email:
            updates["email"] = identity.email
        if identity.phone and not partner.phone:
            updates["phone"] = identity.phone
        if updates:
            partner.write(updates)
        if business and not partner.parent_id and identity.kind is AccountKind.BUSINESS:
            # A company already linked is never moved: a different tax code is refused when filing.
            Partner = self.env["res.partner"].sudo()
            company = Partner.search(
                [("is_company", "=", True), ("moh_is_business", "=", True), ("vat", "=", business.tax_code)], limit=1
            ) or Partner.create(
                {
                    "name": business.name or business.tax_code,
                    "vat": business.tax_code,
                    "is_company": True,
                    "moh_is_business": True,
                    "email": identity.email or False,
                }
            )
            partner.write({"parent_id": company.id})

    def _moh_files_in_own_name(self):
        """A national account that proves no business files in the person's own name."""
        self.ensure_one()
        user = self.sudo()
        return bool(user.moh_national_kind) and not user.moh_national_tax_code

    def _moh_assurance_level(self):
        """The level of assurance of this user's current sign-in: in the user's own browser
        session, what the session's national sign-in proved (0 for a session opened with a
        password, whatever an earlier national sign-in proved); elsewhere (demo data, the shell)
        the level stored by the last national sign-in."""
        self.ensure_one()
        if request and request.session.uid == self.id:
            signed_in = request.session.get(NATIONAL_LEVEL_KEY) or {}
            return int(signed_in.get("level") or 0) if signed_in.get("uid") == self.id else 0
        return self.sudo().moh_assurance_level

    def _moh_assurance_problem(self, procedure):
        """Why this user may not file ``procedure`` online for want of assurance ("" when it may)."""
        self.ensure_one()
        required = int(procedure.sudo().min_assurance_level or 0)
        level = self._moh_assurance_level()
        if meets_assurance(level, required):
            return ""
        return self.env._(
            "Filing %(procedure)s online requires signing in with VNeID at assurance level %(required)s "
            "(your current sign-in: level %(level)s). Log out, then sign in with the National Public "
            "Service Portal (VNeID) at level %(required)s.",
            procedure=procedure.sudo().name,
            required=required,
            level=level,
        )

    def _moh_check_assurance(self, procedure):
        """UserError unless this user's current sign-in reaches the procedure's minimum level of
        assurance for filing online."""
        problem = self._moh_assurance_problem(procedure)
        if problem:
            raise UserError(problem)

    def _moh_check_may_file(self):
        """UserError unless this user may file in the name of its applicant (see
        :meth:`_moh_may_file_problem`)."""
        problem = self._moh_may_file_problem()
        if problem:
            raise UserError(problem)

    def _moh_may_file_problem(self):
        """Why this user may not file in the name of its applicant ("" when it may): any applicant
        for an account made on the portal with a password (unchanged), and for a national account
        only the person itself or the company whose tax code the sign-in proved."""
        self.ensure_one()
        user = self.sudo()
        if not user.moh_national_kind:
            return ""
        applicant = user.partner_id.commercial_partner_id
        if applicant == user.partner_id and not applicant.is_company:
            return ""
        if user.moh_national_tax_code and normalise_tax_code(applicant.vat) == user.moh_national_tax_code:
            return ""
        required = int(user.oauth_provider_id.moh_business_assurance_level or 0)
        if user.moh_national_kind == "business" and not meets_assurance(user.moh_assurance_level, required):
            return self.env._(
                "Your national sign-in has assurance level %(level)s; acting for a business such as "
                "%(company)s (tax code %(vat)s) requires level %(required)s: you cannot apply in its "
                "name. Sign in with VNeID at level %(required)s.",
                level=user.moh_assurance_level,
                company=applicant.name,
                vat=applicant.vat or "-",
                required=required,
            )
        return self.env._(
            "Your national account does not prove that you act for %(company)s (tax code %(vat)s): "
            "you cannot apply in its name. Sign in with that business's own account on the "
            "National Public Service Portal.",
            company=applicant.name,
            vat=applicant.vat or "-",
        )
