"""Reconciling the product's dossiers with DVCQG's copies (``TraCuuHoSo``): which fields differ,
and the Decision 766 counts computed the same way from either side.

Both sides are DVCQG dossier records (``DongBoHoSoMC``'s ``data`` item): the product's is the
record it would send now (:func:`~moh_core.dvcqg.records.dossier_record`), DVCQG's is the copy
it holds. Comparing the records in the one format keeps the national codes and the date format
out of the comparison, and feeds the same indicator functions
(:func:`moh_core.indicators.service_indicators`) on both sides.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import Any, TypeVar

from moh_core.indicators import Item, Period
from moh_core.indicators.service_measures import service_indicators

from .wire import parse_date

__all__ = [
    "COMPARED",
    "LOOKUP_WORKERS",
    "MISSING",
    "Difference",
    "differences",
    "figures",
    "lookup_all",
    "record_item",
    "status_counts",
]

T = TypeVar("T")

#: How many ``TraCuuHoSo`` calls a reconciliation keeps in flight: the adapter answers one dossier
#: per call, so a month of dossiers asked one after the other waits on the network for each.
LOOKUP_WORKERS = 8

#: The compared fields: (DVCQG field, name of the difference).
COMPARED: tuple[tuple[str, str], ...] = (
    ("TrangThaiHoSo", "status"),
    ("NgayTiepNhan", "received"),
    ("NgayHenTra", "due"),
    ("NgayTra", "returned"),
)
#: The difference of a dossier DVCQG does not hold.
MISSING = "missing"
#: The indicators of Decision 766 both sides are scored on (code → share of
#: :func:`moh_core.indicators.service_indicators`); 2.1 is counted apart.
SHARES: Mapping[str, str] = {
    "3.3": "online_share",
    "3.6": "online_payment_share",
    "4.1": "electronic_result_share",
    "4.2": "digitised_share",
}
ONLINE_CHANNEL = "2"
PAID_ONLINE = "2"


@dataclasses.dataclass(frozen=True)
class Difference:
    """One field whose value differs: ``what`` (a name of :data:`COMPARED`, or :data:`MISSING`),
    the product's value and DVCQG's ("" when absent)."""

    what: str
    product: str = ""
    portal: str = ""


def _text(record: Mapping[str, Any], name: str) -> str:
    value = record.get(name)
    return "" if value is None else str(value).strip()


def differences(product: Mapping[str, Any], portal: Mapping[str, Any] | None) -> tuple[Difference, ...]:
    """The differences of DVCQG's copy ``portal`` (None: not found) from the product's record."""
    if portal is None:
        return (Difference(MISSING, _text(product, "MaHoSo"), ""),)
    found = []
    for name, what in COMPARED:
        mine, theirs = _text(product, name), _text(portal, name)
        if mine != theirs:
            found.append(Difference(what, mine, theirs))
    return tuple(found)


def lookup_all(  # noqa: UP047 - moh_core runs on Python 3.11 too
    lookup: Callable[[str], T], codes: Sequence[str], *, workers: int = LOOKUP_WORKERS
) -> dict[str, T]:
    """``{code: lookup(code)}`` for each of ``codes``, with up to ``workers`` calls at once.
    The first error a call raises is raised once the calls in flight have ended; the codes not
    yet asked are then not asked."""
    unique = list(dict.fromkeys(codes))
    if not unique:
        return {}
    failed = threading.Event()

    def ask(code: str) -> T | None:
        if failed.is_set():
            return None
        try:
            return lookup(code)
        except BaseException:
            failed.set()
            raise

    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(unique))), thread_name_prefix="dvcqg-lookup") as pool:
        futures = {pool.submit(ask, code): code for code in unique}
        done, _pending = wait(futures, return_when=FIRST_EXCEPTION)
        for future in done:
            error = future.exception()
            if error is not None:
                raise error
        return {futures[future]: future.result() for future in futures}  # type: ignore[misc]


def _day(record: Mapping[str, Any], *names: str) -> dt.date | None:
    """The first of ``names`` holding a date; a malformed one (in a copy another system keeps)
    counts as absent."""
    for name in names:
        try:
            value = parse_date(_text(record, name) or None)
        except ValueError:
            continue
        if value is not None:
            return value.date()
    return None


def record_item(record: Mapping[str, Any]) -> Item | None:
    """The indicators' :class:`~moh_core.indicators.Item` of a DVCQG dossier record; None when
    it was never received (no ``NgayTiepNhan`` nor ``NgayNopHoSo``). The rating is not part of
    the record: left unknown."""
    received = _day(record, "NgayTiepNhan", "NgayNopHoSo")
    if received is None:
        return None
    fees = [fee for fee in record.get("DanhSachLePhi") or () if isinstance(fee, Mapping)]
    digitised = _text(record, "HoSoCoThanhPhanSoHoa")
    channel = _text(record, "KenhThucHien")
    return Item(
        key=_text(record, "MaHoSo"),
        department=None,
        person=None,
        received_on=received,
        deadline=_day(record, "NgayHenTra"),
        done_on=_day(record, "NgayTra", "NgayKetThucXuLy"),
        online=(channel == ONLINE_CHANNEL) if channel else None,
        paid_online=any(_text(fee, "HinhThucThu") == PAID_ONLINE for fee in fees) if fees else None,
        fee_paid=bool(fees),
        result_electronic=bool(record.get("DanhSachGiayToKetQua")),
        digitised=(digitised == "1") if digitised else None,
    )


def status_counts(records: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """How many records hold each ``TrangThaiHoSo`` (sorted by code; "" when absent)."""
    counts = Counter(_text(record, "TrangThaiHoSo") for record in records)
    return dict(sorted(counts.items(), key=lambda pair: (len(pair[0]), pair[0])))


def figures(records: Iterable[Mapping[str, Any]], period: Period, today: dt.date) -> dict[str, tuple[int, int]]:
    """(numerator, denominator) of the Decision 766 indicators DVCQG's records allow: 2.1 (on
    time, as the dashboard counts it: completed on time and open on time, of completed and open)
    and :data:`SHARES`, by :func:`moh_core.indicators.service_indicators` over the records of
    the period (calendar days: the records carry no working calendar)."""
    items = [item for item in map(record_item, records) if item is not None]
    service = service_indicators(items, period, today, None)  # type: ignore[arg-type]
    ind = service.indicators
    counts = {
        "2.1": (
            ind.completed_on_time + ind.open_on_time,
            ind.completed + ind.open_on_time + ind.open_overdue,
        )
    }
    counts.update({code: service.counts[name] for code, name in SHARES.items()})
    return counts
