"""The indicators of Decision 766/QĐ-TTg (service quality of public services, five groups, 100
points) as the e-office scores them: the table moh_core.indicators.service_quality.INDICATORS, seeded once,
whose points, full-points rate, source and "verified" flag the e-office administrator corrects
from the Decision's Appendix (the points of groups 1 — except 1.2 — and 4 were not found: the
seeded ones are placeholders, flagged unverified). The code, formula and what is counted belong to
the product's computation and change only with it."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

BELOW = [("scaled", "Proportional Below It"), ("zero", "None Below It")]


#: The table's texts that have a Vietnamese by default (moh_core.indicators.service_quality_vi), by
#: field, with the name of the Indicator attribute they hold.
TEXTS = {
    "name": "label",
    "formula": "formula",
    "numerator": "numerator",
    "denominator": "denominator",
    "product_measure": "product_measure",
    "source": "source",
}


def _groups(model):
    """The five groups, named in the user's language (Odoo translates only a fixed list of choices,
    so this one, built from moh_core, names them itself)."""
    from moh_core.indicators import GROUPS, group_label  # noqa: PLC0415

    lang = model.env.lang
    return [(group.code, f"{group.code}. {group_label(group, lang)} ({group.points:g})") for group in GROUPS]


class MohServiceIndicator(models.Model):
    _name = "moh.service.indicator"
    _description = "Service Quality Indicator (Decision 766/QĐ-TTg)"
    _inherit = ["moh.workflow.guard"]
    _order = "sequence, id"
    _moh_workflow_fields = (
        "code",
        "sequence",
        "group",
        "name",
        "formula",
        "numerator",
        "denominator",
        "product_measure",
        "measured_here",
        "unit",
    )

    code = fields.Char(required=True, readonly=True)
    sequence = fields.Integer(readonly=True)
    group = fields.Selection(_groups, required=True, readonly=True)
    name = fields.Char(string="Indicator", required=True, readonly=True, translate=True)
    max_points = fields.Float(string="Points", digits=(5, 2), help="Points at full marks (0: shown without points).")
    full_at = fields.Float(
        string="Full Points From (%)",
        digits=(5, 1),
        default=100.0,
        help="The rate from which the indicator earns its full points.",
    )
    below = fields.Selection(
        BELOW,
        string="Below That Rate",
        required=True,
        default="scaled",
        help="Proportional: points × rate / full-points rate.",
    )
    formula = fields.Text(readonly=True, translate=True)
    numerator = fields.Text(string="Counted", readonly=True, translate=True)
    denominator = fields.Text(string="Out Of", readonly=True, translate=True)
    product_measure = fields.Text(
        readonly=True,
        translate=True,
        help="Where the product counts something close to the Decision's terms: what it counts.",
    )
    measured_here = fields.Boolean(readonly=True, help="The product holds the data of this indicator.")
    unit = fields.Selection(
        [("share", "Share"), ("days", "Working Days")], required=True, default="share", readonly=True
    )
    source = fields.Text(required=True, translate=True)
    verified = fields.Boolean(help="The points and formula were checked against the Decision's text.")

    _code_unique = models.Constraint("UNIQUE(code)", "Each indicator appears once.")

    @api.model
    def _moh_seed(self):
        """Create the indicators missing from the table with the product's defaults."""
        from moh_core.indicators import INDICATORS  # noqa: PLC0415

        present = set(self.sudo().search([]).mapped("code"))
        self.sudo().create(
            [
                {
                    "code": indicator.code,
                    "sequence": position,
                    "group": indicator.group,
                    "name": indicator.label,
                    "max_points": indicator.max_points or 0.0,
                    "full_at": 100.0 * indicator.full_at,
                    "below": indicator.below,
                    "formula": indicator.formula,
                    "numerator": indicator.numerator,
                    "denominator": indicator.denominator,
                    "product_measure": indicator.product_measure,
                    "measured_here": indicator.measured_here,
                    "unit": indicator.unit,
                    "source": indicator.source,
                    "verified": indicator.verified,
                }
                for position, indicator in enumerate(INDICATORS)
                if indicator.code not in present
            ]
        )
        self._moh_translate([code for code, _name in self.env["res.lang"].get_installed()])

    @api.model
    def _moh_translate(self, langs):
        """Give the table's texts their Vietnamese (moh_core.indicators.service_quality_vi) in each
        Vietnamese language of ``langs``, at installation and when such a language is added
        (ir.module.module._load_module_terms). Only a text still equal to the product's English
        default and not yet translated is given one: what the e-office wrote, in any language,
        is kept."""
        from moh_core.indicators import localized  # noqa: PLC0415
        from moh_core.indicators.service_quality import INDICATOR_BY_CODE  # noqa: PLC0415

        langs = [lang for lang in langs if lang.lower().startswith("vi")]
        if not langs:
            return
        rows = self.sudo().with_context(lang="en_US").search([])
        for lang in langs:
            for row in rows:
                default = INDICATOR_BY_CODE.get(row.code)
                if default is None:
                    continue
                vietnamese = localized(default, lang)
                in_lang = row.with_context(lang=lang)
                for name, attribute in TEXTS.items():
                    english, target = getattr(default, attribute), getattr(vietnamese, attribute)
                    if target and target != english and row[name] == english and in_lang[name] == english:
                        row.update_field_translations(name, {lang: target})

    @api.model
    def _moh_indicators(self):
        """The table as moh_core.indicators.service_quality.Indicator values, texts in the user's
        language (the rows' translations; for any missing row, the product's default)."""
        from moh_core.indicators import INDICATORS, Indicator, localized  # noqa: PLC0415

        rows = {row.code: row for row in self.sudo().search([])}
        result = []
        for default in INDICATORS:
            row = rows.get(default.code)
            if not row:
                result.append(localized(default, self.env.lang))
                continue
            result.append(
                Indicator(
                    code=row.code,
                    label=row.name,
                    max_points=row.max_points,
                    formula=row.formula or "",
                    numerator=row.numerator or "",
                    denominator=row.denominator or "",
                    source=row.source,
                    verified=row.verified,
                    full_at=row.full_at / 100.0,
                    below=row.below,
                    measured_here=default.measured_here,
                    product_measure=row.product_measure or "",
                    unit=default.unit,
                )
            )
        return tuple(result)

    @api.constrains("max_points", "full_at", "below")
    def _check_points(self):
        from moh_core.indicators import check_indicators  # noqa: PLC0415

        for row in self:
            if row.max_points < 0:
                raise ValidationError(self.env._("Indicator %(code)s: points cannot be negative.", code=row.code))
            if not 0 < row.full_at <= 100:
                raise ValidationError(
                    self.env._(
                        "Indicator %(code)s: the full-points rate is above 0 %% and at most 100 %%.", code=row.code
                    )
                )
        try:
            problems = check_indicators(self._moh_indicators())
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        if problems:
            raise ValidationError(
                self.env._("The points do not fit Decision 766's groups: %(problems)s", problems=" ".join(problems))
            )
