"""The weekly work calendar of the ministry's leaders (lịch công tác tuần của Lãnh đạo Bộ).

The Ministry Office (Văn phòng Bộ) publishes, each week, the calendar of the Minister and the
Vice Ministers: one table by day (Thứ Hai ... Chủ nhật and the date), session (Sáng, Chiều,
Tối), time, content, presiding leader, participants, location and the unit preparing the
meeting. The working regulation of the ministry makes the Office responsible for it (the
ministries' working regulations under Decree 39/2022/NĐ-CP, the Government's working
regulation); its presentation is that of an administrative document of Decree 30/2020/NĐ-CP
(Appendix I): the national title and motto, the agency in capitals, the Times New
Roman-compatible embedded serif (:mod:`moh_core.fonts`), page numbers from page 2 on. The table
is wide, so it is printed on A4 landscape with 20 mm margins, as the registers are.

Weeks are ISO weeks (Monday to Sunday, :class:`WorkWeek`). Monday to Friday are always printed;
Saturday and Sunday only when something is planned on them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from moh_core.documents.pagekit import (
    MOTTO,
    NATIONAL_TITLE,
    Rule,
    agency_lines,
    draw_page_number,
    page_styles,
    page_template,
    paragraph_style,
    plain_table,
    text_markup,
)
from moh_core.fonts import FONT_BOLD, FONT_ITALIC, FONT_REGULAR, nfc

__all__ = [
    "SCHEDULE_COLUMNS",
    "SESSIONS",
    "WEEKDAYS",
    "ScheduleEntry",
    "WorkWeek",
    "format_day",
    "format_time",
    "render_work_schedule",
    "session_of",
    "week_title",
]

#: The days of the week as printed, Monday first (``date.weekday()`` indexes them).
WEEKDAYS: tuple[str, ...] = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
#: The sessions of a day, in order, and how they are printed.
SESSIONS: dict[str, str] = {"morning": "Sáng", "afternoon": "Chiều", "evening": "Tối"}
_SESSION_ORDER = {name: index for index, name in enumerate(SESSIONS)}
#: Where the afternoon and the evening begin (local time).
_AFTERNOON = dt.time(12, 0)
_EVENING = dt.time(18, 0)

#: The columns of the table and their widths (257 mm between the margins of A4 landscape).
SCHEDULE_COLUMNS: tuple[tuple[str, float], ...] = (
    ("Thứ, ngày", 22),
    ("Buổi", 14),
    ("Giờ", 15),
    ("Nội dung", 72),
    ("Chủ trì", 30),
    ("Thành phần", 40),
    ("Địa điểm", 34),
    ("Đơn vị chuẩn bị", 30),
)
_PAGE_SIZE = landscape(A4)
_MARGIN = 20 * mm
_TEXT_WIDTH = _PAGE_SIZE[0] - 2 * _MARGIN
_HEADER_LEFT = 95 * mm
_BODY_SIZE = 11
_TITLE_SIZE = 14
_TITLE = "LỊCH CÔNG TÁC TUẦN CỦA LÃNH ĐẠO BỘ"
#: The weekdays always printed (Monday to Friday), even when nothing is planned on them.
_WORKING_DAYS = 5


@dataclasses.dataclass(frozen=True)
class WorkWeek:
    """An ISO week (Monday to Sunday) of ``year``: ``WorkWeek(2026, 49)``."""

    year: int
    week: int

    def __post_init__(self) -> None:
        # Raises ValueError for a week the year does not have (53 in most years).
        dt.date.fromisocalendar(self.year, self.week, 1)

    @classmethod
    def of(cls, day: dt.date) -> WorkWeek:
        """The week ``day`` is in (its ISO year may differ from the calendar year)."""
        iso = day.isocalendar()
        return cls(iso[0], iso[1])

    @property
    def monday(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.week, 7)

    @property
    def days(self) -> tuple[dt.date, ...]:
        """Monday to Sunday."""
        return tuple(self.monday + dt.timedelta(days=offset) for offset in range(7))

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.monday <= day <= self.sunday


def session_of(time: dt.time) -> str:
    """The session a local time falls in: ``morning`` before noon, ``afternoon`` before 18:00,
    ``evening`` after."""
    if time < _AFTERNOON:
        return "morning"
    if time < _EVENING:
        return "afternoon"
    return "evening"


def format_time(time: dt.time | None) -> str:
    """A time as the calendar prints it, "08h00", "14h30"; empty without one."""
    return f"{time.hour:02d}h{time.minute:02d}" if time else ""


def format_day(day: dt.date) -> str:
    """The day column: the weekday and the date, "Thứ Hai (30/11/2026)"."""
    return f"{WEEKDAYS[day.weekday()]} ({day:%d/%m/%Y})"


def week_title(week: WorkWeek) -> tuple[str, str]:
    """The title and the line of dates under it: ("LỊCH CÔNG TÁC TUẦN 49 ...", "(Từ ngày
    30/11/2026 đến ngày 06/12/2026)")."""
    title = _TITLE.replace("TUẦN", f"TUẦN {week.week:02d}", 1)
    return title, f"(Từ ngày {week.monday:%d/%m/%Y} đến ngày {week.sunday:%d/%m/%Y})"


@dataclasses.dataclass(frozen=True, kw_only=True)
class ScheduleEntry:
    """One line of the calendar. ``session`` (a key of :data:`SESSIONS`) is the time's when
    left empty; an entry planned for a whole session has no ``time``."""

    day: dt.date
    content: str
    time: dt.time | None = None
    session: str = ""
    presiding: str = ""
    participants: str = ""
    location: str = ""
    preparing_unit: str = ""

    def __post_init__(self) -> None:
        if not self.content.strip():
            raise ValueError("An entry of the work calendar needs its content.")
        session = self.session
        if not session:
            if self.time is None:
                raise ValueError("An entry of the work calendar needs a time or a session.")
            session = session_of(self.time)
        if session not in SESSIONS:
            raise ValueError(f"Unknown session {session!r}; expected one of {', '.join(SESSIONS)}.")
        object.__setattr__(self, "session", session)

    @property
    def sort_key(self) -> tuple[dt.date, int, dt.time]:
        return (self.day, _SESSION_ORDER[self.session], self.time or dt.time.min)

    def cells(self) -> tuple[str, ...]:
        """Time, content, presiding, participants, location, preparing unit."""
        return (
            format_time(self.time),
            self.content,
            self.presiding,
            self.participants,
            self.location,
            self.preparing_unit,
        )


def _styles() -> dict[str, ParagraphStyle]:
    st = page_styles()
    st.update(
        {
            "title": paragraph_style("schedule_title", _TITLE_SIZE, FONT_BOLD, spaceBefore=5 * mm),
            "dates": paragraph_style("schedule_dates", 13, FONT_ITALIC),
            "revision": paragraph_style("schedule_revision", 12, FONT_ITALIC),
            "head": paragraph_style("schedule_head", _BODY_SIZE, FONT_BOLD),
            "cell": paragraph_style("schedule_cell", _BODY_SIZE, alignment=TA_LEFT),
            "cell_center": paragraph_style("schedule_cell_center", _BODY_SIZE),
            "day": paragraph_style("schedule_day", _BODY_SIZE, FONT_BOLD),
            "note": paragraph_style("schedule_note", _BODY_SIZE, FONT_ITALIC, alignment=TA_LEFT),
        }
    )
    return st


def _markup(text: str) -> str:
    """Paragraph markup keeping the line breaks of ``text``."""
    return "<br/>".join(text_markup(line) for line in nfc(text).splitlines() if line.strip())


def _header(agency: str, parent_agency: str, st: dict[str, ParagraphStyle]) -> Table:
    national: list[Flowable] = [
        Paragraph(escape(NATIONAL_TITLE), st["national"]),
        Paragraph(escape(MOTTO), st["motto"]),
        Rule(stringWidth(MOTTO, FONT_BOLD, 13)),
    ]
    left = agency_lines([parent_agency], agency, st)
    return plain_table([[left, national]], (_HEADER_LEFT, _TEXT_WIDTH - _HEADER_LEFT))


def _rows(
    week: WorkWeek, entries: Sequence[ScheduleEntry], st: dict[str, ParagraphStyle]
) -> tuple[list[list[Flowable]], list[tuple[int, int]]]:
    """The table's rows after the heading, and the (first, last) row of each day."""
    rows: list[list[Flowable]] = []
    spans: list[tuple[int, int]] = []
    for index, day in enumerate(week.days):
        todays = [entry for entry in entries if entry.day == day]
        if not todays and index >= _WORKING_DAYS:
            continue
        first = len(rows) + 1  # after the heading row
        day_cell = Paragraph(
            f"{escape(WEEKDAYS[day.weekday()])}<br/>{day:%d/%m/%Y}",
            st["day"],
        )
        if not todays:
            rows.append([day_cell, *[Paragraph("", st["cell"]) for _ in SCHEDULE_COLUMNS[1:]]])
        previous_session = ""
        for entry in todays:
            session = SESSIONS[entry.session] if entry.session != previous_session else ""
            previous_session = entry.session
            time, *texts = entry.cells()
            rows.append(
                [
                    day_cell if len(rows) + 1 == first else Paragraph("", st["cell"]),
                    Paragraph(escape(session), st["cell_center"]),
                    Paragraph(escape(time), st["cell_center"]),
                    *[Paragraph(_markup(text), st["cell"]) for text in texts],
                ]
            )
        spans.append((first, len(rows)))
    return rows, spans


def _table(week: WorkWeek, entries: Sequence[ScheduleEntry], st: dict[str, ParagraphStyle]) -> Table:
    heading = [Paragraph(escape(title), st["head"]) for title, _width in SCHEDULE_COLUMNS]
    rows, spans = _rows(week, entries, st)
    table = Table(
        [heading, *rows],
        colWidths=[width * mm for _title, width in SCHEDULE_COLUMNS],
        repeatRows=1,
        hAlign="CENTER",
    )
    style: list[tuple[object, ...]] = [
        # Tables select a cell font even around Paragraphs: keep it the embedded one.
        ("FONTNAME", (0, 0), (-1, -1), FONT_REGULAR),
        ("BOX", (0, 0), (-1, -1), 0.6, colors.black),
        ("INNERGRID", (1, 0), (-1, -1), 0.4, colors.black),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
        ("LINEAFTER", (0, 0), (0, -1), 0.4, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("VALIGN", (0, 1), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    # The days are separated by a rule across the whole table (the first column has no inner
    # rule within a day: its label stands on the day's first row).
    style += [("LINEABOVE", (0, first), (-1, first), 0.6, colors.black) for first, _last in spans]
    table.setStyle(TableStyle(style))
    return table


def render_work_schedule(
    entries: Iterable[ScheduleEntry],
    *,
    week: WorkWeek,
    agency: str,
    parent_agency: str = "",
    revision: int = 0,
    updated_on: dt.date | None = None,
    note: str = "",
) -> bytes:
    """Render the leaders' work calendar of ``week`` as PDF: the title block (``parent_agency``
    if any and ``agency`` on the left, the national title and motto on the right), the title
    with the week's number and dates, "Cập nhật lần N" with ``updated_on`` when ``revision``
    is above 0, then the table by day and session, entries in the order of their day, session
    and time; ``note`` (if any) below. The heading row is repeated on every page. The output is
    deterministic for a given input.

    :raises ValueError: when an entry falls outside ``week``.
    :raises moh_core.fonts.FontNotFoundError: when Liberation Serif is not installed.
    """
    ordered = sorted(entries, key=lambda entry: entry.sort_key)
    outside = [entry for entry in ordered if entry.day not in week]
    if outside:
        raise ValueError(
            f"{outside[0].day:%d/%m/%Y} is not in week {week.week} of {week.year} "
            f"({week.monday:%d/%m/%Y} - {week.sunday:%d/%m/%Y})."
        )
    st = _styles()
    title, dates = week_title(week)
    buffer = io.BytesIO()
    doc = page_template(
        buffer,
        title=nfc(f"{title} {dates}"),
        author=nfc(agency),
        subject=title,
        font_size=_BODY_SIZE,
        pagesize=_PAGE_SIZE,
        margin=_MARGIN,
    )
    story: list[Flowable] = [
        _header(agency, parent_agency, st),
        Paragraph(escape(title), st["title"]),
        Paragraph(escape(dates), st["dates"]),
    ]
    if revision > 0:
        when = f", ngày {updated_on:%d/%m/%Y}" if updated_on else ""
        story.append(Paragraph(escape(f"(Cập nhật lần {revision}{when})"), st["revision"]))
    story += [Spacer(0, 4 * mm), _table(week, ordered, st)]
    if note.strip():
        story += [Spacer(0, 3 * mm), Paragraph(_markup(note), st["note"])]
    doc.build(story, onLaterPages=draw_page_number)
    return buffer.getvalue()
