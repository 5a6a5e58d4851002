"""Reconciling the product's dossier records with DVCQG's copies."""

import datetime as dt

from moh_core.dvcqg.reconcile import MISSING, Difference, differences, figures, record_item, status_counts
from moh_core.indicators import Period


def _record(code="H1", status="2", received="20260105090000", due="20260110170000", returned="", **extra):
    record = {"MaHoSo": code, "TrangThaiHoSo": status, "NgayTiepNhan": received, "NgayHenTra": due, "NgayTra": returned}
    record.update(extra)
    return record


def test_same_record_has_no_difference():
    assert differences(_record(), _record(ThongTinKhac="x")) == ()


def test_missing_copy():
    assert differences(_record(), None) == (Difference(MISSING, "H1", ""),)


def test_each_compared_field():
    product = _record(status="10", returned="20260108100000")
    portal = _record(status="4", received="20260105090001", due=None)
    del portal["NgayTra"]
    assert differences(product, portal) == (
        Difference("status", "10", "4"),
        Difference("received", "20260105090000", "20260105090001"),
        Difference("due", "20260110170000", ""),
        Difference("returned", "20260108100000", ""),
    )


def test_record_item():
    assert record_item(_record(received="", NgayNopHoSo="")) is None
    item = record_item(
        _record(
            returned="",
            NgayKetThucXuLy="20260109120000",
            KenhThucHien="2",
            DanhSachLePhi=[{"HinhThucThu": "2"}, "junk"],
            DanhSachGiayToKetQua=[{"GiayToId": "1"}],
            HoSoCoThanhPhanSoHoa="1",
        )
    )
    assert item.key == "H1"
    assert item.received_on == dt.date(2026, 1, 5)
    assert item.deadline == dt.date(2026, 1, 10)
    assert item.done_on == dt.date(2026, 1, 9)
    assert (item.online, item.paid_online, item.fee_paid, item.result_electronic, item.digitised) == (
        True,
        True,
        True,
        True,
        True,
    )
    malformed = record_item(_record(received="2026-01-05", NgayNopHoSo="20260104080000", due="soon"))
    assert (malformed.received_on, malformed.deadline) == (dt.date(2026, 1, 4), None)
    bare = record_item(_record(received="", NgayNopHoSo="20260104080000", due=""))
    assert bare.received_on == dt.date(2026, 1, 4)
    assert bare.deadline is None
    assert (bare.online, bare.paid_online, bare.fee_paid, bare.result_electronic, bare.digitised) == (
        None,
        None,
        False,
        False,
        None,
    )
    counter = record_item(_record(KenhThucHien="1", HoSoCoThanhPhanSoHoa="0", DanhSachLePhi=[{"HinhThucThu": "1"}]))
    assert (counter.online, counter.paid_online, counter.digitised) == (False, False, False)


def test_status_counts():
    records = [_record(status="10"), _record(status="2"), _record(status="2"), {"MaHoSo": "X", "TrangThaiHoSo": None}]
    assert status_counts(records) == {"": 1, "2": 2, "10": 1}
    assert list(status_counts(records)) == ["", "2", "10"]


def test_figures():
    period = Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    records = [
        _record("A", returned="20260108100000", KenhThucHien="2", DanhSachGiayToKetQua=[{"x": 1}]),  # on time
        _record("B", returned="20260112100000", KenhThucHien="1"),  # late
        _record("C", due="20260120170000", HoSoCoThanhPhanSoHoa="1"),  # open on time
        _record("D", received="", NgayNopHoSo=""),  # never received: left out
    ]
    counts = figures(records, period, dt.date(2026, 1, 15))
    assert counts["2.1"] == (2, 3)
    assert counts["3.3"] == (1, 2)
    assert counts["3.6"] == (0, 0)
    assert counts["4.1"] == (1, 2)
    assert counts["4.2"] == (1, 1)


# -- lookup_all -----------------------------------------------------------------------------------


def test_lookup_all_answers_each_code_once_with_calls_in_parallel():
    import threading
    import time

    from moh_core.dvcqg.reconcile import lookup_all

    lock = threading.Lock()
    state = {"running": 0, "most": 0, "calls": []}

    def lookup(code):
        with lock:
            state["running"] += 1
            state["most"] = max(state["most"], state["running"])
            state["calls"].append(code)
        time.sleep(0.02)
        with lock:
            state["running"] -= 1
        return None if code.endswith("9") else {"MaHoSo": code}

    codes = [f"G15-{n:02d}" for n in range(20)] + ["G15-00"]
    found = lookup_all(lookup, codes, workers=4)
    assert list(found) == [f"G15-{n:02d}" for n in range(20)]
    assert found["G15-03"] == {"MaHoSo": "G15-03"}
    assert found["G15-09"] is None
    assert sorted(state["calls"]) == sorted(set(codes))  # the repeated code is asked once
    assert 1 < state["most"] <= 4
    assert lookup_all(lookup, []) == {}


def test_lookup_all_raises_the_first_error_and_stops_asking():
    import pytest

    from moh_core.dvcqg import DvcqgError
    from moh_core.dvcqg.reconcile import lookup_all

    asked = []

    def lookup(code):
        asked.append(code)
        if code == "G15-02":
            raise DvcqgError("adapter down", retryable=True)
        return {}

    with pytest.raises(DvcqgError):
        lookup_all(lookup, [f"G15-{n:02d}" for n in range(200)], workers=1)
    assert asked == ["G15-00", "G15-01", "G15-02"]
