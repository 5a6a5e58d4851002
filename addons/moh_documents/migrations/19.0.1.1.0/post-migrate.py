"""Files stored before the roles existed get theirs, once. The document's current PDF by its
state: issued or signed, or, awaiting its signature, the PDF prepared for signing when the step
named it so (``-ky.pdf``, as the signing step used to tell); a copy's PDF; and by the names the
steps gave them, the files whose role grants nothing (draft versions ``-v<n>.pdf``, edXML exports).
A file a user could have named is never made a signed PDF or the PDF to sign from its name alone.
Only files without a role are touched; from now on the steps set the role and nothing reads the
names.

Files received by edXML were stored with the detected kind ("pdf", "png", ...) as their MIME type;
they get the MIME type of that kind, so that they are validated and served as what they are."""

from moh_core.exchange.file_types import FILE_TYPES


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE ir_attachment a
           SET moh_role = CASE d.state WHEN 'issued' THEN 'issued_pdf' WHEN 'signed' THEN 'signed_pdf'
                                       ELSE 'signing_pdf' END
          FROM moh_outgoing_document d
         WHERE d.pdf_id = a.id AND a.moh_role IS NULL
           AND (d.state IN ('signed', 'issued') OR (d.state = 'to_sign' AND a.name LIKE %s))
    """,
        ("%-ky.pdf",),
    )
    cr.execute(
        """
        UPDATE ir_attachment
           SET moh_role = CASE WHEN name LIKE %(edxml)s THEN 'edxml' ELSE 'draft_pdf' END
         WHERE res_model = 'moh.outgoing.document' AND res_field IS NULL AND moh_role IS NULL
           AND (name ~ %(draft)s OR name LIKE %(edxml)s)
    """,
        {"draft": r"-v[0-9]+\.pdf$", "edxml": "%.edxml"},
    )
    cr.execute("""
        UPDATE ir_attachment a
           SET moh_role = 'copy_pdf'
          FROM moh_document_copy c
         WHERE c.pdf_id = a.id AND a.moh_role IS NULL
    """)
    for kind, mimetype in FILE_TYPES.items():
        cr.execute(
            "UPDATE ir_attachment SET mimetype = %s WHERE res_model = 'moh.incoming.document' AND mimetype = %s",
            (mimetype, kind),
        )
