"""The ministry's name and emblem on the company: the portal's header, the web client and the
printed reports show the company's name and logo (Odoo's defaults are "My Company" and a
"Your logo" placeholder)."""

import base64

from odoo import api, models
from odoo.tools import file_open

DEFAULT_NAMES = ("My Company", "YourCompany", "Your Company")
MINISTRY_NAME = "Bộ Y tế"
LOGO_PATH = "moh_documents/static/img/moh_logo.png"


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model
    def _moh_set_ministry_identity(self):
        """Give the main company the ministry's name and emblem where they are still Odoo's
        defaults (installation and updates: a name or logo set by the agency is kept)."""
        company = self.env.ref("base.main_company", raise_if_not_found=False)
        if not company:
            return
        if company.name in DEFAULT_NAMES:
            company.name = MINISTRY_NAME
        if company.uses_default_logo or not company.logo:
            with file_open(LOGO_PATH, "rb") as logo:
                company.logo = base64.b64encode(logo.read())
