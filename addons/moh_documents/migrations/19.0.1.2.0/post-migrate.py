"""The department rules of incoming documents, their assignments and routing steps read the
documents' access keys (models/moh_access_keys.py) instead of walking the assignments. The rules
are ``noupdate`` data: a rule still written as this module wrote it before is rewritten, one an
administrator changed is left as it is (both read the same documents; the old one is slower)."""

ASSIGNMENT_OLD = (
    "['|', '|', ('document_id.assignment_ids.department_id', 'child_of', user.employee_ids.department_id.ids), "
    "('document_id.assignment_ids.user_ids', 'in', [user.id]), ('document_id.reader_ids', 'in', [user.id])]"
)
#: rule: (the domain this module wrote before, the domain it writes now)
RULES = {
    "rule_incoming_department": (
        "['|', '|', ('assignment_ids.department_id', 'child_of', user.employee_ids.department_id.ids), "
        "('assignment_ids.user_ids', 'in', [user.id]), ('reader_ids', 'in', [user.id])]",
        "[('routed_to_me', '=', True)]",
    ),
    "rule_assignment_department": (ASSIGNMENT_OLD, "[('document_id.routed_to_me', '=', True)]"),
    "rule_trace_department": (ASSIGNMENT_OLD, "[('document_id.routed_to_me', '=', True)]"),
}


def _normalized(domain):
    """The domain without its layout."""
    return "".join(domain.split())


def migrate(cr, version):
    if not version:
        return
    for name, (old, new) in RULES.items():
        cr.execute(
            """SELECT r.id, r.domain_force FROM ir_rule r
                 JOIN ir_model_data x ON x.model = 'ir.rule' AND x.res_id = r.id
                WHERE x.module = 'moh_documents' AND x.name = %s""",
            [name],
        )
        row = cr.fetchone()
        if row and _normalized(row[1] or "") == _normalized(old):
            cr.execute("UPDATE ir_rule SET domain_force = %s WHERE id = %s", [new, row[0]])
