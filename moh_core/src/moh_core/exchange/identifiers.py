"""How a document is identified between agencies: its ``DocumentId`` as the exchange SDK writes it
(QCVN 102:2016/BTTTT), and the normalised :class:`DocumentKey` that revocations, updates,
replacements and status messages are matched by (Decree 30/2020/NĐ-CP, Art. 18.3-18.4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from moh_core.exchange.conventions import DATE_FORMAT, YMD, nfc

__all__ = [
    "DocumentKey",
    "document_key",
    "make_document_id",
    "parse_document_id",
]


def make_document_id(organ_id: str, promulgation_date: date, number: str, notation: str) -> str:
    """``DocumentId`` as the SDK writes it: ``senderOrgId,yyyy/MM/dd,number/notation``."""
    return f"{organ_id},{promulgation_date.strftime(DATE_FORMAT)},{number}/{notation}"


@dataclass(frozen=True)
class DocumentKey:
    """What identifies a document between agencies: the issuing agency, the date of issue (with
    its year) and the number/notation, normalised so that two writings of one ``DocumentId``
    compare equal (QCVN 102:2016; Decree 30/2020/NĐ-CP, Art. 18.3-18.4: a revocation, update or
    replacement, and every status message, name the document this way).

    A number alone is no key: numbers restart every year (Decree 30, Art. 15) and every agency
    has its own. ``str(key)`` is the canonical ``DocumentId``, used as the stored matching key.
    """

    organ_id: str
    promulgation_date: date
    number: str
    notation: str

    def __str__(self) -> str:
        return make_document_id(self.organ_id, self.promulgation_date, self.number, self.notation)


def _key_part(text: str) -> str:
    return "".join(nfc(text).split()).upper()


def document_key(
    organ_id: str | None, promulgation_date: date | str | None, number_notation: str | None
) -> DocumentKey | None:
    """The :class:`DocumentKey` of a document, or None when a part is missing or unreadable.

    Normalised: spaces dropped, letters upper-cased (agency codes and notations are written in
    capitals; NFC for the Vietnamese letters), leading zeros of a numeric number dropped
    (``05`` and ``5`` are one number). The date is a :class:`~datetime.date` or text
    ``yyyy/MM/dd`` (also ``yyyy-MM-dd``); an impossible date (the SDK's ``2014/02/30``) gives None:
    such a key matches nothing. ``number_notation`` is ``number/notation``; the notation may
    itself contain ``/`` (``30/2020/NĐ-CP``).
    """
    organ = _key_part(organ_id or "")
    number, _sep, notation = (number_notation or "").partition("/")
    number, notation = _key_part(number), _key_part(notation)
    if number.isdigit():
        number = number.lstrip("0") or "0"
    if isinstance(promulgation_date, str):
        match = YMD.fullmatch(promulgation_date.strip())
        try:
            promulgation_date = date(*map(int, match.groups())) if match else None
        except ValueError:
            promulgation_date = None
    elif isinstance(promulgation_date, datetime):
        promulgation_date = promulgation_date.date()
    if not (organ and number and notation and isinstance(promulgation_date, date)):
        return None
    return DocumentKey(organ, promulgation_date, number, notation)


def parse_document_id(document_id: str | None) -> DocumentKey | None:
    """The :class:`DocumentKey` of a ``DocumentId`` ``senderOrgId,yyyy/MM/dd,number/notation``;
    None for anything else (a bare UUID, as some senders write, an impossible date)."""
    parts = (document_id or "").split(",", 2)
    if len(parts) != 3:
        return None
    return document_key(*parts)
