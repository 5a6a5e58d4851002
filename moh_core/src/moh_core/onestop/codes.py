"""Dossier codes of the one-stop shop (Decree 118/2025/NĐ-CP, Art. 28).

A dossier code is the competent agency's identification code, the date of receipt as
``yymmdd`` and the sequence number of the dossier that day, e.g. ``000.00.04.G18-200727-0516``
(:func:`format_dossier_code`, :func:`parse_dossier_code`). The sequence has four digits, more
only past 9999 dossiers a day.
"""

from __future__ import annotations

import datetime as dt
import re

from moh_core.onestop.problems import OneStopError, OneStopProblem

__all__ = ["format_dossier_code", "parse_dossier_code"]

#: An agency identification code: groups of digits and letters separated by dots.
_AGENCY_CODE = r"[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*"
_DOSSIER_CODE = re.compile(
    rf"(?P<agency>{_AGENCY_CODE})-(?P<date>[0-9]{{6}})-(?P<sequence>[0-9]{{4}}|[1-9][0-9]{{4,}})"
)


def format_dossier_code(agency_code: str, received: dt.date, sequence: int) -> str:
    """The dossier code: ``<agency code>-<yymmdd>-<sequence of the day, 4 digits or more>``.

    :raises OneStopError: ``INVALID_AGENCY_CODE`` or ``INVALID_SEQUENCE`` (below 1).
    """
    if not re.fullmatch(_AGENCY_CODE, agency_code or ""):
        raise OneStopError(
            OneStopProblem.INVALID_AGENCY_CODE,
            f"agency code {agency_code!r}",
        )
    if isinstance(received, dt.datetime):
        received = received.date()
    if sequence < 1:
        raise OneStopError(OneStopProblem.INVALID_SEQUENCE)
    return f"{agency_code}-{received:%y%m%d}-{sequence:04d}"


def parse_dossier_code(code: str) -> tuple[str, dt.date, int]:
    """``(agency code, date of receipt, sequence)`` of a code made by :func:`format_dossier_code`.

    Two-digit years are read as 20yy. Only the canonical form is accepted (no spaces, no
    sequence ``0000``, no leading zero beyond four digits), so that parsing and formatting
    round-trip.

    :raises OneStopError: ``MALFORMED_DOSSIER_CODE`` (a :class:`ValueError`).
    """
    match = _DOSSIER_CODE.fullmatch(code) if isinstance(code, str) else None
    if match is None or int(match["sequence"]) < 1:
        raise OneStopError(
            OneStopProblem.MALFORMED_DOSSIER_CODE,
            f"dossier code {code!r}",
        )
    digits = match["date"]
    try:
        received = dt.date(2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:]))
    except ValueError as exc:
        raise OneStopError(
            OneStopProblem.MALFORMED_DOSSIER_CODE,
            f"dossier code {code!r}: {digits} is not a date",
        ) from exc
    return match["agency"], received, int(match["sequence"])
