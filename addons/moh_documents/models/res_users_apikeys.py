"""API keys and the partner API's scope.

Odoo's keys without a scope are valid everywhere, RPC included (``/json/2``, XML-RPC). The partner
API accepts only keys made for it (scope :data:`MOH_API_SCOPE`, exactly), and a partner system's
key is never valid for anything else.
"""

from odoo import models

MOH_API_SCOPE = "moh_partner_api"


class ResUsersApikeys(models.Model):
    _inherit = "res.users.apikeys"

    def _check_credentials(self, *, scope, key):
        if scope == MOH_API_SCOPE:
            return self._moh_check_scoped_key(key)
        uid = super()._check_credentials(scope=scope, key=key)
        # Read as the key's user (sudo), not in the caller's environment: /json/2 checks the key
        # before the request has a user, and the groups read there on a worker whose caches are
        # cold fail without one (Access Denied on the first call a worker serves).
        if uid and self.env(user=uid)["res.users"].sudo().browse(uid)._moh_is_api_partner():
            return None
        return uid

    def _moh_check_scoped_key(self, key):
        """The user of ``key`` if it is a valid, unexpired key of exactly the partner API's
        scope (a key with no scope is refused), of an active user."""
        from odoo.addons.base.models.res_users import INDEX_SIZE, KEY_CRYPT_CONTEXT  # noqa: PLC0415

        if not key:
            return None
        self.env.cr.execute(
            f"""
            SELECT k.user_id, k.key
              FROM {self._table} k JOIN res_users u ON u.id = k.user_id
             WHERE u.active AND k.index = %s AND k.scope = %s
               AND (k.expiration_date IS NULL OR k.expiration_date >= now() at time zone 'utc')
        """,  # noqa: S608 - the table is the model's own; values are parameters
            [key[:INDEX_SIZE], MOH_API_SCOPE],
        )
        for user_id, hashed in self.env.cr.fetchall():
            if KEY_CRYPT_CONTEXT.verify(key, hashed):
                return user_id
        return None
