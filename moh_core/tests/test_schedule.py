"""The leaders' weekly work calendar (lịch công tác tuần), rendered as PDF and read back with
poppler's ``pdftotext``: what a reader of the printed calendar sees."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from moh_core.documents.schedule import (
    SCHEDULE_COLUMNS,
    SESSIONS,
    WEEKDAYS,
    ScheduleEntry,
    WorkWeek,
    format_day,
    format_time,
    render_work_schedule,
    session_of,
    week_title,
)
from moh_core.testing.fixtures import pdftotext

D = dt.date
T = dt.time
WEEK = WorkWeek(2026, 49)

needs_poppler = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdftotext", "pdfinfo", "pdffonts")),
    reason="poppler-utils (pdftotext, pdfinfo, pdffonts) is not installed",
)


def _entries() -> list[ScheduleEntry]:
    return [
        ScheduleEntry(
            day=D(2026, 12, 1),
            time=T(14, 0),
            content="Thứ trưởng làm việc với Cục Quản lý Dược về cung ứng thuốc cuối năm",
            presiding="Thứ trưởng Phạm Thị Mai Anh",
            participants="Lãnh đạo Cục Quản lý Dược; Vụ Kế hoạch - Tài chính",
            location="Phòng họp tầng 3, 138A Giảng Võ",
            preparing_unit="Cục Quản lý Dược",
        ),
        ScheduleEntry(
            day=D(2026, 11, 30),
            time=T(8, 0),
            content="Bộ trưởng chủ trì họp Ban Cán sự Đảng Bộ Y tế",
            presiding="Bộ trưởng Lê Quang Trung",
            participants="Các đồng chí Ủy viên Ban Cán sự Đảng",
            location="Phòng họp A",
            preparing_unit="Văn phòng Bộ",
        ),
        ScheduleEntry(
            day=D(2026, 12, 2),
            session="morning",
            content="Dự Hội nghị trực tuyến với Sở Y tế 63 tỉnh, thành phố",
            presiding="Bộ trưởng Lê Quang Trung",
            location="Điểm cầu Bộ Y tế",
            preparing_unit="Cục Quản lý Khám, chữa bệnh",
        ),
        ScheduleEntry(day=D(2026, 12, 6), time=T(19, 30), content="Dự chương trình giao lưu trực tuyến"),
    ]


def _render(tmp_path: Path, entries: list[ScheduleEntry], **kw: object) -> tuple[Path, str]:
    pdf = render_work_schedule(entries, week=WEEK, agency="Bộ Y tế", **kw)  # type: ignore[arg-type]
    path = tmp_path / "lich.pdf"
    path.write_bytes(pdf)
    return path, " ".join(pdftotext(path).split())


def _pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


# --- the week and its parts ---------------------------------------------------------------------


def test_iso_weeks_run_from_monday_to_sunday() -> None:
    assert (WEEK.monday, WEEK.sunday) == (D(2026, 11, 30), D(2026, 12, 6))
    assert WEEK.days[0] == WEEK.monday and WEEK.days[-1] == WEEK.sunday and len(WEEK.days) == 7
    assert WorkWeek.of(D(2026, 12, 3)) == WEEK
    # The first days of January may belong to the last week of the previous year.
    assert WorkWeek.of(D(2027, 1, 1)) == WorkWeek(2026, 53)
    assert D(2026, 12, 6) in WEEK and D(2026, 12, 7) not in WEEK and "2026-12-01" not in WEEK
    with pytest.raises(ValueError):
        WorkWeek(2027, 53)


def test_sessions_times_and_days_as_printed() -> None:
    assert [session_of(T(h)) for h in (7, 11, 12, 17, 18, 21)] == [
        "morning",
        "morning",
        "afternoon",
        "afternoon",
        "evening",
        "evening",
    ]
    assert (format_time(T(8, 5)), format_time(None)) == ("08h05", "")
    assert format_day(D(2026, 12, 6)) == "Chủ nhật (06/12/2026)"
    assert WEEKDAYS[D(2026, 11, 30).weekday()] == "Thứ Hai"
    assert week_title(WorkWeek(2027, 2)) == (
        "LỊCH CÔNG TÁC TUẦN 02 CỦA LÃNH ĐẠO BỘ",
        "(Từ ngày 11/01/2027 đến ngày 17/01/2027)",
    )
    assert abs(sum(width for _title, width in SCHEDULE_COLUMNS) - 257) < 0.5
    assert list(SESSIONS.values()) == ["Sáng", "Chiều", "Tối"]


def test_an_entry_needs_content_and_a_time_or_session() -> None:
    assert ScheduleEntry(day=D(2026, 12, 1), time=T(14), content="Họp").session == "afternoon"
    assert ScheduleEntry(day=D(2026, 12, 1), time=T(9), session="afternoon", content="Họp").session == "afternoon"
    with pytest.raises(ValueError, match="content"):
        ScheduleEntry(day=D(2026, 12, 1), time=T(9), content="  ")
    with pytest.raises(ValueError, match="time or a session"):
        ScheduleEntry(day=D(2026, 12, 1), content="Họp")
    with pytest.raises(ValueError, match="Unknown session"):
        ScheduleEntry(day=D(2026, 12, 1), session="night", content="Họp")


# --- the printed calendar ------------------------------------------------------------------------


@needs_poppler
def test_the_calendar_shows_the_header_the_week_and_the_entries_in_order(tmp_path: Path) -> None:
    path, text = _render(tmp_path, _entries())
    for words in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BỘ Y TẾ",
        "LỊCH CÔNG TÁC TUẦN 49 CỦA LÃNH ĐẠO BỘ",
        "(Từ ngày 30/11/2026 đến ngày 06/12/2026)",
        "Nội dung",
        "Đơn vị chuẩn bị",
        "Bộ trưởng chủ trì họp Ban Cán sự Đảng",
        "Sở Y tế 63 tỉnh",
        "08h00",
    ):
        assert words in text, words
    # Monday to Friday always, Sunday because something is planned on it, Saturday not.
    for day in ("Thứ Hai", "30/11/2026", "Thứ Năm", "03/12/2026", "Thứ Sáu", "04/12/2026", "Chủ nhật"):
        assert day in text, day
    assert text.index("Thứ Hai") < text.index("Thứ Ba") < text.index("Thứ Sáu") < text.index("Chủ nhật")
    assert "Thứ Bảy" not in text
    # Day by day, the morning before the afternoon.
    assert text.index("Ban Cán sự Đảng") < text.index("Thứ trưởng làm việc") < text.index("Sở Y tế 63")
    assert "Cập nhật" not in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    assert "LiberationSerif" in fonts and "Helvetica" not in fonts


@needs_poppler
def test_a_revision_is_marked_and_a_note_printed(tmp_path: Path) -> None:
    _path, text = _render(tmp_path, _entries(), revision=2, updated_on=D(2026, 12, 2), note="Lịch có thể thay đổi.")
    assert "(Cập nhật lần 2, ngày 02/12/2026)" in text
    assert "Lịch có thể thay đổi." in text
    _path, text = _render(tmp_path, _entries(), revision=1, parent_agency="Chính phủ")
    assert "(Cập nhật lần 1)" in text and "CHÍNH PHỦ" in text


@needs_poppler
def test_a_long_week_breaks_across_pages_with_the_heading_repeated(tmp_path: Path) -> None:
    long = [
        ScheduleEntry(
            day=WEEK.days[index % 5],
            time=T(7 + index % 12, 0),
            content=f"Cuộc họp số {index:02d} về kế hoạch phòng, chống dịch bệnh mùa đông xuân năm 2026-2027",
            presiding="Thứ trưởng Phạm Thị Mai Anh",
            participants="Lãnh đạo các Vụ, Cục liên quan",
            location="Phòng họp B",
            preparing_unit="Cục Phòng bệnh",
        )
        for index in range(45)
    ]
    path, text = _render(tmp_path, long)
    pages = _pages(path)
    assert pages >= 3
    for index in range(45):
        assert f"Cuộc họp số {index:02d}" in text
    last = pdftotext(path, first=pages, last=pages)
    assert "Thứ, ngày" in last and "Nội dung" in last and str(pages) in last


@needs_poppler
def test_an_empty_week_prints_its_working_days(tmp_path: Path) -> None:
    _path, text = _render(tmp_path, [])
    assert "Thứ Hai 30/11/2026" in text and "Thứ Sáu 04/12/2026" in text and "Chủ nhật" not in text
    assert "Thứ Bảy" not in text


def test_an_entry_outside_the_week_is_refused() -> None:
    with pytest.raises(ValueError, match="not in week 49"):
        render_work_schedule([ScheduleEntry(day=D(2026, 12, 7), time=T(8), content="Họp")], week=WEEK, agency="Bộ Y tế")
