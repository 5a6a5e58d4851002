"""Archive packages of closed records files (hồ sơ) that an archive can ingest without this
product: E-ARK SIP 2.1.0 on E-ARK CSIP 2.1.0 (METS 1.12, PREMIS 3.0, Dublin Core), signed PDFs
byte for byte with the signature validation report frozen at filing time, unsigned PDFs the
e-office produced as PDF/A-2b. docs/archive-packages.md describes the layout.

* :func:`build_package` / :func:`write_package`: the package as a ZIP / a folder;
* :func:`read_package`: read one back without trusting it, with a :class:`PackageCheck`;
* :func:`validation_report_dict`: a :class:`~moh_core.signatures.PdfValidationReport` as the
  ``validation_report`` a signed :class:`PackageContent` carries.

Needs metsrw, pikepdf[pdfa] and lxml (requirements.txt).
"""

from moh_core.archive.building import (
    CSIP_VERSION,
    PREMIS_VERSION,
    SIP_PROFILE,
    SIP_VERSION,
    build_package,
    package_files,
    write_package,
)
from moh_core.archive.errors import ArchiveError, ArchiveProblem
from moh_core.archive.model import (
    ContentCheck,
    ItemRole,
    PackageCheck,
    PackageContent,
    PackageFile,
    PackageItem,
)
from moh_core.archive.reading import SignatureChecker, SignatureVerdict, read_package
from moh_core.archive.reports import validation_report_dict

__all__ = [
    "CSIP_VERSION",
    "PREMIS_VERSION",
    "SIP_PROFILE",
    "SIP_VERSION",
    "ArchiveError",
    "ArchiveProblem",
    "ContentCheck",
    "ItemRole",
    "PackageCheck",
    "PackageContent",
    "PackageFile",
    "PackageItem",
    "SignatureChecker",
    "SignatureVerdict",
    "build_package",
    "package_files",
    "read_package",
    "validation_report_dict",
    "write_package",
]
