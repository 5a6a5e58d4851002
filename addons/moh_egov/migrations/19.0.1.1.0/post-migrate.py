"""Files stored before the roles existed get theirs, once: a dossier's slips from the names the
slip step gave them (``<code>-phieu-<kind>.pdf``), its files and its e-result from the records
that hold them. Only files without a role are touched; from now on the steps set the role and
nothing reads the names."""

#: The slips' file names (report/slips.py's FILE_SUFFIX, as it was) and their roles.
SLIP_NAMES = {
    "tiep-nhan": "receipt_slip",
    "bo-sung": "supplement_slip",
    "tu-choi": "refusal_slip",
    "tra-lai-ho-so": "appraisal_refusal_slip",
    "xin-loi": "apology_slip",
    "dung-giai-quyet": "stop_slip",
    "kiem-soat": "control_slip",
}


def migrate(cr, version):
    if not version:
        return
    for suffix, role in SLIP_NAMES.items():
        cr.execute(
            """
            UPDATE ir_attachment a
               SET moh_role = %s
              FROM moh_dossier_slip_rel r
             WHERE r.attachment_id = a.id AND a.res_model = 'moh.dossier' AND a.moh_role IS NULL
               AND a.name LIKE %s
        """,
            (role, f"%-phieu-{suffix}.pdf"),
        )
    cr.execute("""
        UPDATE ir_attachment a
           SET moh_role = 'dossier_file'
          FROM moh_dossier_document d
         WHERE d.attachment_id = a.id AND a.moh_role IS NULL
    """)
    cr.execute("""
        UPDATE ir_attachment a
           SET moh_role = 'result'
          FROM moh_dossier d
         WHERE d.result_attachment_id = a.id AND a.moh_role IS NULL
    """)
