"""One-stop shop arithmetic (Decree 118/2025/NĐ-CP) around Tết 2027.

Tết 2027: the first lunar day is Saturday 6 February; the break runs Thursday 4 to Wednesday
10 February, so Wednesday 3 February is the last working day before it and Thursday 11 February
the first after it.
"""

import datetime as dt

import pytest

from moh_core.calendar import (
    WorkingCalendar,
    vietnam_compensatory_workdays,
    vietnam_public_holidays,
)
from moh_core.onestop import UploadCheck, UploadProblem
from moh_core.onestop.codes import format_dossier_code, parse_dossier_code
from moh_core.onestop.completeness import ItemStatus, ProvidedFile, Requirement, completeness
from moh_core.onestop.deadlines import (
    DayUnit,
    acceptance_deadline,
    apology_deadline,
    due_date,
    supplement_completion_deadline,
    supplement_request_deadline,
)
from moh_core.onestop.problems import OneStopError, OneStopProblem

D = dt.date
T = dt.datetime
P = OneStopProblem


@pytest.fixture(scope="module")
def cal():
    years = (2026, 2027)
    return WorkingCalendar.from_dates(vietnam_public_holidays(years), vietnam_compensatory_workdays(years))


def test_the_calendar_has_tet_2027(cal):
    assert cal.is_working_day(D(2027, 2, 3))
    assert not any(cal.is_working_day(D(2027, 2, day)) for day in range(4, 11))
    assert cal.is_working_day(D(2027, 2, 11))


# -- dossier code --------------------------------------------------------------------------------


def test_dossier_code_has_agency_date_and_sequence_of_the_day():
    assert format_dossier_code("000.00.04.G18", D(2020, 7, 27), 516) == "000.00.04.G18-200727-0516"
    assert format_dossier_code("000.00.04.G18", D(2027, 2, 11), 1) == "000.00.04.G18-270211-0001"
    # A datetime of receipt gives its date.
    assert format_dossier_code("G18", T(2027, 2, 11, 16, 45), 9999) == "G18-270211-9999"
    # Past 9999 dossiers in a day the sequence grows, it does not wrap.
    assert format_dossier_code("000.00.04.G18", D(2027, 2, 11), 12345) == "000.00.04.G18-270211-12345"


@pytest.mark.parametrize(
    "code",
    [
        "000.00.04.G18-200727-0516",
        "000.00.04.G18-270211-0001",
        "000.00.04.G18-270211-12345",
        "G18-991231-0042",
    ],
)
def test_dossier_code_round_trips(code):
    agency, received, sequence = parse_dossier_code(code)
    assert format_dossier_code(agency, received, sequence) == code


def test_parsed_dossier_code():
    assert parse_dossier_code("000.00.04.G18-200727-0516") == ("000.00.04.G18", D(2020, 7, 27), 516)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "000.00.04.G18",
        "000.00.04.G18-200727",
        "000.00.04.G18-200727-516",  # fewer than four digits
        "000.00.04.G18-200727-0000",  # sequences start at 1
        "000.00.04.G18-200727-05160",  # leading zero beyond four digits
        "000.00.04.G18-201327-0516",  # month 13
        "000.00.04.G18-200230-0516",  # 30 February
        "000.00.04.G18-20072-70516",
        "-200727-0516",
        "000..04.G18-200727-0516",
        " 000.00.04.G18-200727-0516",
        "000.00.04.G18-200727-0516\n",
    ],
)
def test_malformed_dossier_codes_are_refused(code):
    with pytest.raises(ValueError) as info:
        parse_dossier_code(code)
    assert info.value.code is P.MALFORMED_DOSSIER_CODE


def test_dossier_code_arguments_are_checked():
    with pytest.raises(OneStopError) as info:
        format_dossier_code("000.00 04", D(2027, 2, 11), 1)
    assert info.value.code is P.INVALID_AGENCY_CODE
    with pytest.raises(OneStopError) as info:
        format_dossier_code("000.00.04.G18", D(2027, 2, 11), 0)
    assert info.value.code is P.INVALID_SEQUENCE


# -- deadlines -----------------------------------------------------------------------------------


def test_online_dossier_is_accepted_within_8_working_hours_across_tet(cal):
    # Submitted Wednesday 3 Feb 2027 at 14:00: 3 hours that afternoon, nothing during Tết,
    # Thursday 11 Feb 08:00-12:00 (4 h) and 13:00-14:00 after lunch.
    submitted = T(2027, 2, 3, 14, 0)
    deadline = acceptance_deadline(cal, submitted)
    assert deadline == T(2027, 2, 11, 14, 0)
    assert cal.working_hours_between(submitted, deadline) == 8


def test_acceptance_crosses_the_weekend_and_the_lunch_break(cal):
    # Friday 29 Jan 2027 15:30: 1.5 h on Friday, Monday 08:00-12:00, then 13:00-15:30.
    assert acceptance_deadline(cal, T(2027, 1, 29, 15, 30)) == T(2027, 2, 1, 15, 30)
    # Monday 11:00: one hour before lunch, four after, three on Tuesday morning.
    assert acceptance_deadline(cal, T(2027, 2, 1, 11, 0)) == T(2027, 2, 2, 11, 0)
    # Submitted on Saturday night: the 8 hours start at Monday's opening.
    assert acceptance_deadline(cal, T(2027, 1, 30, 22, 0)) == T(2027, 2, 1, 17, 0)
    # Aware datetimes keep their time zone.
    ict = dt.timezone(dt.timedelta(hours=7))
    assert acceptance_deadline(cal, T(2027, 1, 29, 15, 30, tzinfo=ict)) == T(2027, 2, 1, 15, 30, tzinfo=ict)


def test_supplement_must_be_requested_within_3_working_days(cal):
    # Received Tuesday 2 Feb 2027: Wednesday 3, Thursday 11, Friday 12 February.
    assert supplement_request_deadline(cal, D(2027, 2, 2)) == D(2027, 2, 12)
    assert supplement_request_deadline(cal, T(2027, 2, 2, 16, 59)) == D(2027, 2, 12)


def test_supplement_completion_deadline_in_working_or_calendar_days(cal):
    # Requested Wednesday 3 Feb 2027: 15 working days are 11-12, 15-19, 22-26 Feb and 1-3 March.
    assert supplement_completion_deadline(cal, D(2027, 2, 3)) == D(2027, 3, 3)
    # 15 calendar days from Friday 22 Jan end on Saturday 6 Feb, in Tết: the next working day.
    assert supplement_completion_deadline(cal, D(2027, 1, 22), unit=DayUnit.CALENDAR) == D(2027, 2, 11)
    assert supplement_completion_deadline(cal, D(2027, 1, 4), unit="calendar") == D(2027, 1, 19)
    assert supplement_completion_deadline(cal, D(2027, 2, 3), days=10) == D(2027, 2, 24)


def test_due_date_does_not_count_the_day_of_receipt(cal):
    # Received Monday 1 Feb 2027, 5 working days: 2, 3, 11, 12 and Monday 15 February.
    assert due_date(cal, D(2027, 2, 1), 5) == D(2027, 2, 15)
    assert due_date(cal, D(2027, 2, 1), 0) == D(2027, 2, 1)  # "within the day"
    with pytest.raises(OneStopError) as info:
        due_date(cal, D(2027, 2, 1), -1)
    assert info.value.code is P.INVALID_DAYS


def test_apology_is_due_one_working_day_before_the_deadline(cal):
    assert apology_deadline(cal, D(2027, 2, 11)) == D(2027, 2, 3)  # before Tết
    assert apology_deadline(cal, D(2027, 2, 15)) == D(2027, 2, 12)  # Monday -> Friday


def test_problem_codes_have_descriptions():
    for problem in OneStopProblem:
        assert problem.description
    assert isinstance(OneStopError(P.SUPPLEMENT_TOO_LATE), ValueError)


# -- completeness --------------------------------------------------------------------------------


def upload(name, problem=None, signatures_valid=None):
    return UploadCheck(
        filename=name,
        size=100,
        sha256="0" * 64,
        detected_type="pdf",
        mimetype="application/pdf",
        problem=problem,
        pages=1,
        signature_count=0 if signatures_valid is None else 1,
        signatures_valid=signatures_valid,
    )


REQUIREMENTS = (
    Requirement("application", "Đơn đề nghị cấp giấy phép hành nghề", required=True),
    Requirement("diploma", "Bản sao văn bằng chuyên môn", required=True),
    Requirement("photo", "Ảnh chân dung 4x6", required=False),
)


def test_complete_dossier():
    report = completeness(
        REQUIREMENTS,
        [
            ProvidedFile("application", "don.pdf", upload("don.pdf", signatures_valid=True)),
            ProvidedFile("diploma", "bang.pdf", upload("bang.pdf")),
        ],
    )
    assert report.complete
    assert report.problems == ()
    assert report.status_of("application") is ItemStatus.OK
    assert report.status_of("photo") == "missing"  # optional: shown, not blocking


def test_missing_required_document_blocks():
    report = completeness(REQUIREMENTS, [ProvidedFile("application", "don.pdf", upload("don.pdf"))])
    assert not report.complete
    [problem] = report.problems
    assert (problem.requirement_key, problem.status) == ("diploma", ItemStatus.MISSING)


def test_unreadable_and_badly_signed_files_block():
    report = completeness(
        REQUIREMENTS,
        [
            ProvidedFile("application", "don.pdf", upload("don.pdf", signatures_valid=False)),
            ProvidedFile("diploma", "bang.pdf", upload("bang.pdf", UploadProblem.ENCRYPTED_PDF)),
        ],
    )
    assert not report.complete
    assert report.status_of("application") == "bad_signature"
    assert report.status_of("diploma") == "unreadable"
    by_key = {problem.requirement_key: problem for problem in report.problems}
    assert by_key["diploma"].upload_problem is UploadProblem.ENCRYPTED_PDF
    assert by_key["diploma"].filename == "bang.pdf"
    assert "protected by a password" in by_key["diploma"].description


def test_optional_document_provided_but_unreadable_blocks():
    report = completeness(
        REQUIREMENTS,
        [
            ProvidedFile("application", "don.pdf", upload("don.pdf")),
            ProvidedFile("diploma", "bang.pdf", None),  # scanned at the counter, not checked
            ProvidedFile("photo", "anh.png", upload("anh.png", UploadProblem.WRONG_TYPE)),
        ],
    )
    assert report.status_of("diploma") == "ok"
    assert report.status_of("photo") == "unreadable"
    assert not report.complete
    assert [p.requirement_key for p in report.problems] == ["photo"]


def test_the_worst_of_several_files_decides():
    report = completeness(
        REQUIREMENTS,
        [
            ProvidedFile("application", "don.pdf", upload("don.pdf")),
            ProvidedFile("diploma", "bang-1.pdf", upload("bang-1.pdf")),
            ProvidedFile("diploma", "bang-2.pdf", upload("bang-2.pdf", signatures_valid=False)),
            ProvidedFile("diploma", "bang-3.pdf", upload("bang-3.pdf", UploadProblem.UNREADABLE_PDF)),
            ProvidedFile("withdrawn", "cu.pdf", upload("cu.pdf")),
        ],
    )
    assert report.status_of("diploma") == "unreadable"
    assert [p.filename for p in report.problems] == ["bang-2.pdf", "bang-3.pdf"]
    assert [f.filename for f in report.unmatched_files] == ["cu.pdf"]


def test_duplicate_requirement_keys_are_refused():
    with pytest.raises(OneStopError) as info:
        completeness([Requirement("a", "A"), Requirement("a", "A again")], [])
    assert info.value.code is P.DUPLICATE_REQUIREMENT


# -- procedures counted in calendar days ---------------------------------------------------------


def test_due_date_in_calendar_days_counts_weekends_and_holidays(cal):
    # Received Friday 20 Nov 2026, 3 days: working days skip the weekend and Culture Day (Tue 24),
    # calendar days do not.
    assert due_date(cal, D(2026, 11, 20), 3) == D(2026, 11, 26)
    assert due_date(cal, D(2026, 11, 20), 3, DayUnit.CALENDAR) == D(2026, 11, 23)
    assert due_date(cal, D(2026, 11, 20), 0, "calendar") == D(2026, 11, 20)
    # Ending on a day off, the time limit ends on the next working day (Civil Code Art. 148.5):
    # 5 calendar days from Monday 1 Feb 2027 end on Saturday 6 Feb, in Tết -> Thursday 11 Feb.
    assert due_date(cal, D(2027, 2, 1), 5, DayUnit.CALENDAR) == D(2027, 2, 11)
    with pytest.raises(OneStopError):
        due_date(cal, D(2027, 2, 1), -1, DayUnit.CALENDAR)
