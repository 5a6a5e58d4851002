from odoo import api, models


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @api.private
    def session_info(self):
        """The web client's home action: the user's own, else where their role's work is
        (res.users._moh_landing_action). Private: the web client's pages call it on the server,
        never over RPC."""
        info = super().session_info()
        if info.get("uid") and not info.get("home_action_id") and self.env.user._is_internal():
            info["home_action_id"] = self.env.user._moh_landing_action().id or False
        return info
