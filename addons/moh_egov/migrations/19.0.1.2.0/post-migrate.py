"""Reconciliations with the national portal checked before they had a state are "Checked"."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("UPDATE moh_dvcqg_reconciliation SET state = 'done' WHERE checked_at IS NOT NULL AND state = 'draft'")
