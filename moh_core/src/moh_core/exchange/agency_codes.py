"""Agency identification codes (mã định danh cơ quan), Decision 20/2020/QĐ-TTg as amended.

Decision 20/2020/QĐ-TTg, Art. 4 and its Appendix: a code has four dot-separated groups,
``[A-Z0-9]{3}.[A-Z0-9]{2}.[A-Z0-9]{2}.[A-Z][0-9]{2}`` — levels 4, 3 and 2 of the unit, then the
level-1 agency (a letter and two digits). The Ministry of Health is ``000.00.00.G18``; its units
read e.g. ``000.00.04.G18``. The code names the agency in document exchange (edXML ``OrganId``,
QCVN 102:2016/BTTTT) and heads every one-stop dossier code (Decree 118/2025/NĐ-CP, Art. 28).
"""

from __future__ import annotations

import re

__all__ = ["AGENCY_CODE_PATTERN", "AGENCY_CODE_EXAMPLE", "is_agency_code"]

#: The shape of an agency identification code (Decision 20/2020/QĐ-TTg).
AGENCY_CODE_PATTERN = r"[A-Z0-9]{3}\.[A-Z0-9]{2}\.[A-Z0-9]{2}\.[A-Z][0-9]{2}"
#: The Ministry of Health's own code, shown in error messages as an example.
AGENCY_CODE_EXAMPLE = "000.00.00.G18"

_AGENCY_CODE = re.compile(AGENCY_CODE_PATTERN)


def is_agency_code(code: object) -> bool:
    """Whether ``code`` is an agency identification code exactly as Decision 20/2020 writes it
    (upper-case letters, no spaces)."""
    return isinstance(code, str) and _AGENCY_CODE.fullmatch(code) is not None
