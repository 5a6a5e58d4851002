"""PDF/A-2b copies of the PDFs the e-office produced itself (unsigned), for the archive package.

Conformance claimed: **PDF/A-2b** (ISO 19005-2, level B: visual appearance). How it is made and
checked: the PDF (reportlab's output, fonts already embedded) is opened with pikepdf (qpdf),
:func:`pikepdf.pdfa.prepare` writes the XMP metadata with the PDF/A identification
(``pdfaid:part=2``, ``pdfaid:conformance=B``), the DocInfo entries agreeing with it, and an sRGB
OutputIntent (the ICC profile pikepdf ships); then :func:`pikepdf.pdfa.save` writes the file and
re-validates the written bytes with pikepdf's PDF/A allowlist validator, built from the veraPDF
validation profiles' rules, which approves a file only if every construct in it is known to
conform: anything it does not recognise is a refusal (:class:`~moh_core.archive.ArchiveError`
``PDFA_FAILED``), never a silent pass. Ghostscript's ``pdfwrite`` was not used: it is not
installed on the servers and re-renders the page content, where pikepdf only adds metadata.

Two structural edits precede it, neither changing what a page shows: the page transition
entry ``/Trans`` reportlab writes (a presentation effect the validator does not accept) is
removed, and ``xmp:MetadataDate`` is set to the packaging time so that the same input gives
the same bytes. Signed PDFs never come here: any change would break their signatures.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pikepdf
from pikepdf import pdfa

from moh_core.archive.errors import ArchiveError, ArchiveProblem

__all__ = ["PDFA_FLAVOUR", "is_pdfa_2b", "to_pdfa_2b"]

PDFA_FLAVOUR = "2b"


def to_pdfa_2b(data: bytes, *, name: str, moment: dt.datetime) -> bytes:
    """The PDF ``data`` as a validated PDF/A-2b file (same pages), deterministic for a given
    ``moment`` (timezone-aware; recorded as the XMP metadata date).

    :raises ArchiveError: ``PDFA_FAILED`` if the bytes are not a readable PDF or the result
        does not pass the PDF/A-2b validation.
    """
    try:
        with pikepdf.open(BytesIO(data)) as pdf:
            for page in pdf.pages:
                if "/Trans" in page.obj:
                    del page.obj["/Trans"]
            pdfa.prepare(pdf, PDFA_FLAVOUR)
            with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
                meta["xmp:MetadataDate"] = moment.isoformat()
            out = BytesIO()
            pdfa.save(pdf, out, PDFA_FLAVOUR, repair=False, deterministic_id=True)
    except (pikepdf.PdfError, pdfa.PdfaError, ValueError) as exc:
        raise ArchiveError(ArchiveProblem.PDFA_FAILED, str(exc), name=name) from exc
    return out.getvalue()


def is_pdfa_2b(data: bytes) -> bool:
    """Whether pikepdf's PDF/A allowlist validator approves ``data`` as PDF/A-2b."""
    return bool(pdfa.validate_written(BytesIO(data), PDFA_FLAVOUR).passed)
