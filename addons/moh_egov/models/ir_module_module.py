from odoo import api, models


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    @api.model
    def _load_module_terms(self, modules, langs, overwrite=False):
        # The indicators of Decision 766 are rows the module seeds in code, which no .po file
        # reaches: a language added later gets their texts here (as account does for its charts).
        result = super()._load_module_terms(modules, langs, overwrite=overwrite)
        if "moh_egov" in modules and "moh.service.indicator" in self.env:
            self.env["moh.service.indicator"]._moh_translate(langs)
        return result
