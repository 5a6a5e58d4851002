from odoo import fields, models


class MohDocumentType(models.Model):
    """A type of administrative document and its abbreviation (Decree 30/2020/ND-CP, Art. 7 and
    Appendix III: 27 typed documents, công văn and thư công, and the copy forms SY, TrS, SL).

    The abbreviation is the middle part of a typed document's symbol ("15/QĐ-BYT"); a công văn
    has none and its symbol names the drafting unit instead ("15/BYT-KHTC").
    """

    _name = "moh.document.type"
    _description = "Document Type"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    abbreviation = fields.Char(help="E.g. QĐ for a decision; empty for an official letter (công văn).")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    body_template = fields.Text(
        string="Template",
        help="The skeleton a new draft of this type starts from (its customary parts, "
        "e.g. the legal bases and articles of a decision).",
    )
    recipients_template = fields.Text(help="The usual Nơi nhận lines of this type.")
    copy_form = fields.Selection(
        [
            ("sao_y", "Sao y (certified copy)"),
            ("trich_sao", "Trích sao (extract copy)"),
            ("sao_luc", "Sao lục (copy of a sao y)"),
        ],
        string="Form of Copy",
        help="Set on the three forms of copy (Decree 30/2020/ND-CP, Art. 25), which are "
        "numbered in the agency's one yearly copy series, not drafted as documents.",
    )

    _name_unique = models.Constraint("UNIQUE(name)", "A document type with this name already exists.")
