"""How edXML messages are written (QCVN 102:2016/BTTTT, in the layout of the government's exchange
SDK): the namespaces, the date and timestamp formats, Vietnam's time, text in Unicode NFC.

Times: timestamps in messages carry no time zone and are Vietnam's local time; they are read as
aware datetimes in :data:`VIETNAM_TZ`, and the builders refuse naive datetimes (Odoo's are UTC,
Python's local: either guess would be wrong somewhere).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta, timezone

__all__ = [
    "DATE_FORMAT",
    "DS",
    "NAMESPACE",
    "NS",
    "TIMESTAMP_FORMAT",
    "VIETNAM_TZ",
    "XMLDSIG_NAMESPACE",
    "YMD",
    "E",
    "nfc",
    "vietnam_time",
]

#: The edXML namespace of QCVN 102:2016/BTTTT.
NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
XMLDSIG_NAMESPACE = "http://www.w3.org/2000/09/xmldsig#"
#: Vietnam's time (UTC+7, no daylight saving): the time of every edXML timestamp.
VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")

#: Clark-notation prefixes of the two namespaces, and the edXML namespace for ``find`` paths.
E = f"{{{NAMESPACE}}}"
DS = f"{{{XMLDSIG_NAMESPACE}}}"
NS = {"e": NAMESPACE}
DATE_FORMAT = "%Y/%m/%d"
TIMESTAMP_FORMAT = "%Y/%m/%d %H:%M:%S"
#: A date ``yyyy/MM/dd`` (also ``yyyy-MM-dd``).
YMD = re.compile(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def vietnam_time(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("edXML times must be timezone-aware datetimes.")
    return value.astimezone(VIETNAM_TZ).replace(microsecond=0)
