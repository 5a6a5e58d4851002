from functools import wraps

from odoo import api, models
from odoo.addons.base.models.res_users import check_identity
from odoo.exceptions import AccessDenied, AccessError, UserError, ValidationError

from .res_users_apikeys import MOH_API_SCOPE


def _system_administrators_only(method):
    """Refuse anyone but a system administrator before anything else (outside Odoo's identity
    check, which would otherwise first ask any caller for their own password)."""

    @wraps(method)
    def wrapped(self, *args, **kwargs):
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(self.env._("Only an administrator gives a partner system its API key."))
        return method(self, *args, **kwargs)

    return wrapped


class ResUsers(models.Model):
    _inherit = "res.users"

    def _moh_set_demo_language(self):
        """Demo users work in Vietnamese, when it is installed (run and test scripts load it)."""
        if self.env["res.lang"]._lang_get("vi_VN"):
            self.write({"lang": "vi_VN"})

    # -- partner systems (the JSON API) ------------------------------------------------------------
    # A partner system's technical user (group Partner System (API)) is neither an employee nor a
    # portal user: it holds no access right, cannot log in (no password, no session), and its API
    # keys work only on the partner API (their scope, MOH_API_SCOPE), never for RPC
    # (/web/dataset/call_kw, /json/2, XML-RPC).

    def _moh_is_api_partner(self):
        self.ensure_one()
        return self.sudo().has_group("moh_documents.group_api_partner")

    @api.constrains("group_ids")
    def _check_moh_api_partner_alone(self):
        partner_group = self.env.ref("moh_documents.group_api_partner", raise_if_not_found=False)
        identities = self.env.ref("base.group_user") | self.env.ref("base.group_portal")
        for user in self.sudo():
            groups = user.all_group_ids
            if partner_group in groups and groups & identities:
                raise ValidationError(
                    self.env._(
                        "%(user)s is a partner system's user: it cannot also be an employee or a portal user.",
                        user=user.name,
                    )
                )

    def _check_credentials(self, credential, env):
        """A partner system's user authenticates nowhere but on the partner API (by its key)."""
        if self.env.user._moh_is_api_partner():
            raise AccessDenied()
        return super()._check_credentials(credential, env)

    @_system_administrators_only
    @check_identity
    def action_moh_new_partner_api_key(self):
        """Give a partner system's user a new API key of the partner API's scope (shown once).
        Administrators only: the partner's user cannot log in to make one itself."""
        self.ensure_one()
        if not self._moh_is_api_partner():
            raise UserError(self.env._("%(user)s is not a partner system's user.", user=self.name))
        key = (
            self.env["res.users.apikeys"]
            .with_user(self)
            .sudo()
            ._generate(MOH_API_SCOPE, self.env._("Partner API key of %(user)s", user=self.name), None)
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.users.apikeys.show",
            "name": self.env._("API Key Ready"),
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_key": key},
        }

    # The reviews a user is named on (base_tier_validation) share their table with the reviews'
    # reviewers: naming oneself, or anyone, a reviewer through the user is a review written
    # outside the review steps.
    def _moh_check_reviews_untouched(self, vals):
        if "review_ids" in vals and not self.env.su:
            raise AccessError(
                self.env._(
                    "Reviews change only through the review steps of their document (request, approve, "
                    "reject, restart), never directly."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._moh_check_reviews_untouched(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._moh_check_reviews_untouched(vals)
        return super().write(vals)

    # -- landing: where each role's first screen is ---------------------------------------------
    # Odoo opens the user's home action (``action_id``) when the address names no action, else
    # the first application. A user who chose a home action keeps it; otherwise the home action
    # (ir.http.session_info) is the first one the user's roles give, a user with several roles
    # landing on the highest: 1. administrator and ministry leader: the leadership dashboard;
    # 2. one-stop officer (moh_egov): the dossier queue; 3. department head and specialist:
    # "my work"; 4. clerk: the incoming documents register. Nothing is written on the user: the
    # landing follows the roles as they change.

    def _moh_landing_rules(self):
        """(precedence, group xml id, action xml ids, the first that exists is used); lower
        precedence first. Modules add theirs."""
        return [
            (10, "moh_documents.group_ministry_leader", ("moh_documents.action_moh_leadership_dashboard",)),
            (
                30,
                "moh_documents.group_specialist",
                ("moh_documents.action_moh_work_item_my", "moh_documents.action_moh_document_assignment"),
            ),
            (40, "moh_documents.group_clerk", ("moh_documents.action_moh_incoming_document",)),
        ]

    def _moh_landing_action(self):
        """The home action of this user: the one they chose, else their roles' (or none)."""
        self.ensure_one()
        if self.action_id:
            return self.action_id
        for _precedence, group, xmlids in sorted(self._moh_landing_rules(), key=lambda rule: rule[0]):
            if not self.has_group(group):
                continue
            for xmlid in xmlids:
                action = self.env.ref(xmlid, raise_if_not_found=False)
                if action:
                    return action
        return self.action_id
