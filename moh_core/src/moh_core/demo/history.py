"""A year of plausible history for the demo and the benchmarks: what a ministry receives, routes
and completes, planned without a database.

:func:`plan_history` turns a period, counts, the agency's departments and public services and
its working-day calendar into plain records (:class:`HistoryPlan`): incoming documents from real
kinds of senders (ministries, provincial health departments, hospitals, people's committees),
routed to a lead department and cooperating ones with a deadline in working days, completed after
a time drawn per department (some departments slower than others: the bottlenecks a dashboard
must show), a share late, the most recent ones still open and some of them overdue; outgoing
documents; public service dossiers with their statutory time limits and supplements; tasks given
by the leaders. The same seed gives the same plan. Writing the plan into a database is the
caller's business (the addons' history writer).

Items arrive on working days only, more on Mondays than on Fridays, more at the end of the year
and fewer around Tết. Times are the agency's local times (naive datetimes).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random
from collections.abc import Hashable, Sequence

from moh_core.calendar import WorkingCalendar

__all__ = [
    "DOCUMENT_TYPES",
    "SENDERS",
    "AssignmentPlan",
    "DepartmentSpec",
    "DossierPlan",
    "HistoryPlan",
    "HistorySpec",
    "IncomingPlan",
    "OutgoingPlan",
    "ProcedureSpec",
    "TaskPlan",
    "plan_history",
]

Key = Hashable

#: (name, symbol of the organisation, agency code of the document exchange)
SENDERS: tuple[tuple[str, str, str], ...] = (
    ("Văn phòng Chính phủ", "VPCP", "000.00.01.H01"),
    ("Bộ Tài chính", "BTC", "000.00.00.G12"),
    ("Bộ Nội vụ", "BNV", "000.00.00.G09"),
    ("Bộ Công Thương", "BCT", "000.00.00.G05"),
    ("Bộ Giáo dục và Đào tạo", "BGDĐT", "000.00.00.G06"),
    ("Bảo hiểm xã hội Việt Nam", "BHXH", "000.00.00.G15"),
    ("Sở Y tế Hà Nội", "SYT", "000.00.28.H26"),
    ("Sở Y tế Thành phố Hồ Chí Minh", "SYT", "000.00.28.H29"),
    ("Sở Y tế tỉnh Nghệ An", "SYT", "000.00.28.H40"),
    ("Sở Y tế thành phố Hải Phòng", "SYT", "000.00.28.H31"),
    ("Bệnh viện Bạch Mai", "BVBM", "000.01.15.G18"),
    ("Bệnh viện Chợ Rẫy", "BVCR", "000.02.15.G18"),
    ("Bệnh viện Trung ương Huế", "BVTWH", "000.03.15.G18"),
    ("Bệnh viện Nhi Trung ương", "BVNTW", "000.04.15.G18"),
    ("Viện Vệ sinh dịch tễ Trung ương", "VSDTTW", "000.05.15.G18"),
    ("Ủy ban nhân dân tỉnh Thanh Hóa", "UBND", "000.00.00.H56"),
    ("Ủy ban nhân dân tỉnh Quảng Ninh", "UBND", "000.00.00.H49"),
    ("Ủy ban nhân dân thành phố Đà Nẵng", "UBND", "000.00.00.H17"),
    ("Tổ chức Y tế Thế giới tại Việt Nam", "WHO", ""),
)

#: document type key (the addons' ``document_type_<key>``), its symbol, its share of the mail
DOCUMENT_TYPES: tuple[tuple[str, str, float], ...] = (
    ("cong_van", "", 0.55),
    ("quyet_dinh", "QĐ", 0.10),
    ("to_trinh", "TTr", 0.08),
    ("giay_moi", "GM", 0.12),
    ("bao_cao", "BC", 0.10),
    ("ke_hoach", "KH", 0.05),
)

#: (abstract template, department abbreviations that lead such a matter)
_TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("cấp giấy đăng ký lưu hành thuốc {drug}", ("QLD",)),
    ("tình hình cung ứng thuốc {drug} tại {place}", ("QLD",)),
    ("thu hồi lô thuốc {drug} không đạt tiêu chuẩn chất lượng", ("QLD",)),
    ("báo cáo tình hình dịch sốt xuất huyết tại {place}", ("DP",)),
    ("tăng cường phòng, chống dịch tay chân miệng tại {place}", ("DP", "BMTE")),
    ("triển khai tiêm chủng mở rộng năm {year}", ("DP", "BMTE")),
    ("dự toán ngân sách nhà nước năm {next_year}", ("KHTC",)),
    ("quyết toán kinh phí chương trình mục tiêu y tế năm {year}", ("KHTC",)),
    ("góp ý dự thảo Nghị định sửa đổi về {subject}", ("PC",)),
    ("rà soát văn bản quy phạm pháp luật về {subject}", ("PC",)),
    ("bảo đảm an toàn thực phẩm dịp {season}", ("ATTP",)),
    ("ngộ độc thực phẩm tại {place}", ("ATTP", "DP")),
    ("cấp phép hoạt động khám bệnh, chữa bệnh của {hospital}", ("KCB",)),
    ("nâng cao chất lượng khám bệnh, chữa bệnh tại {hospital}", ("KCB",)),
    ("thanh toán chi phí khám bệnh, chữa bệnh bảo hiểm y tế tại {place}", ("BH", "KHTC")),
    ("đầu tư trang thiết bị y tế cho {hospital}", ("TB-CT", "KHTC")),
    ("cử cán bộ tham dự hội nghị quốc tế về {subject}", ("HTQT", "TCCB")),
    ("tiếp nhận viện trợ của {donor}", ("HTQT", "KHTC")),
    ("bổ nhiệm lại cán bộ lãnh đạo {hospital}", ("TCCB",)),
    ("đào tạo chuyên khoa cho bác sĩ tuyến tỉnh năm {year}", ("K2ĐT", "KCB")),
    ("phát triển y dược cổ truyền tại {place}", ("YDCT",)),
    ("công tác dân số và phát triển năm {year}", ("DS",)),
    ("báo cáo kết quả thực hiện Đề án 06 tại {place}", ("VPB",)),
    ("chế độ báo cáo thống kê ngành y tế quý {quarter}", ("VPB", "KHTC")),
)

_WORDS: dict[str, tuple[str, ...]] = {
    "drug": (
        "Paracetamol 500 mg",
        "Amoxicillin 500 mg",
        "Insulin glargine",
        "Vắc xin sởi - rubella",
        "Oseltamivir 75 mg",
    ),
    "place": ("Hà Nội", "Thành phố Hồ Chí Minh", "tỉnh Nghệ An", "tỉnh Thanh Hóa", "thành phố Đà Nẵng", "tỉnh Gia Lai"),
    "subject": ("khám bệnh, chữa bệnh", "dược", "an toàn thực phẩm", "bảo hiểm y tế", "trang thiết bị y tế"),
    "season": ("Tết Nguyên đán", "Tết Trung thu", "mùa hè", "lễ hội xuân"),
    "hospital": ("Bệnh viện Bạch Mai", "Bệnh viện Chợ Rẫy", "Bệnh viện Trung ương Huế", "Bệnh viện K"),
    "donor": ("Tổ chức Y tế Thế giới", "UNICEF", "Quỹ Toàn cầu", "Ngân hàng Thế giới"),
}

_TASK_TITLES: tuple[str, ...] = (
    "Xây dựng báo cáo {subject} trình Chính phủ",
    "Tổng hợp ý kiến góp ý dự thảo về {subject}",
    "Kiểm tra công tác {subject} tại {place}",
    "Chuẩn bị nội dung làm việc với {hospital}",
    "Rà soát thủ tục hành chính lĩnh vực {subject}",
    "Đề xuất giải pháp bảo đảm cung ứng {drug}",
)

_OUTGOING_TOPICS: tuple[str, ...] = (
    "Trả lời {place} về {subject}",
    "Hướng dẫn thực hiện quy định về {subject}",
    "Đề nghị báo cáo tình hình {subject} tại {place}",
    "Phê duyệt kế hoạch {subject} năm {year}",
)

#: Working days allowed to handle an incoming document, by urgency (the addons' deadline policy)
_URGENCY_DAYS: tuple[tuple[str, int, float], ...] = (
    ("normal", 10, 0.78),
    ("urgent", 5, 0.15),
    ("very_urgent", 3, 0.05),
    ("flash", 1, 0.02),
)

#: Relative volume per weekday (Monday first) and per month (January first)
_WEEKDAY_WEIGHT = (1.3, 1.1, 1.0, 1.0, 0.8, 0.4, 0.4)
_MONTH_WEIGHT = (0.9, 0.6, 1.0, 1.0, 1.0, 1.0, 0.9, 0.9, 1.0, 1.1, 1.2, 1.4)


@dataclasses.dataclass(frozen=True)
class DepartmentSpec:
    """A department: its key (the caller's id), its abbreviation (as in document symbols) and how
    it works (``slowness`` above 1: it takes longer, near its deadlines: a bottleneck)."""

    key: Key
    abbreviation: str
    slowness: float = 1.0


@dataclasses.dataclass(frozen=True)
class ProcedureSpec:
    """A public service: its key, statutory time limit and the department that decides it."""

    key: Key
    processing_days: int
    department: Key
    calendar_days: bool = False
    fee: bool = True


@dataclasses.dataclass(frozen=True)
class HistorySpec:
    """What to plan: ``start``..``end`` (both included; ``end`` is "today" for what is still
    open), how many of each item, and the agency's departments, services, leaders and calendar."""

    start: dt.date
    end: dt.date
    departments: Sequence[DepartmentSpec]
    calendar: WorkingCalendar = dataclasses.field(default_factory=WorkingCalendar)
    documents: int = 0
    outgoing: int = 0
    dossiers: int = 0
    tasks: int = 0
    procedures: Sequence[ProcedureSpec] = ()
    leaders: Sequence[Key] = ()
    seed: int = 1
    #: share of the items that get stuck: open long after their deadline
    stuck_share: float = 0.03


@dataclasses.dataclass(frozen=True)
class AssignmentPlan:
    department: Key
    role: str  # lead | cooperate
    deadline: dt.date
    done_at: dt.datetime | None
    #: When the department's head gave the work to a specialist (None: nobody yet).
    specialist_at: dt.datetime | None = None

    @property
    def late(self) -> bool:
        return self.done_at is not None and self.done_at.date() > self.deadline


@dataclasses.dataclass(frozen=True)
class IncomingPlan:
    received_at: dt.datetime
    directed_at: dt.datetime
    sender: str
    sender_code: str
    number_symbol: str
    issue_date: dt.date
    document_type: str
    abstract: str
    urgency: str
    deadline: dt.date
    assignments: tuple[AssignmentPlan, ...]
    leader: Key | None

    @property
    def lead(self) -> AssignmentPlan:
        return self.assignments[0]

    @property
    def done_at(self) -> dt.datetime | None:
        return self.lead.done_at


@dataclasses.dataclass(frozen=True)
class OutgoingPlan:
    issued_on: dt.date
    document_type: str
    department: Key
    abstract: str
    signer: Key | None


@dataclasses.dataclass(frozen=True)
class DossierPlan:
    procedure: Key
    department: Key
    submitted_at: dt.datetime
    received_at: dt.datetime
    deadline: dt.date
    done_at: dt.datetime | None
    state: str  # received | processing | done
    online: bool
    paid_online: bool
    digitised: bool
    rating: int | None
    #: (requested at, supplements received at) when the one-stop shop asked for supplements
    supplement: tuple[dt.datetime, dt.datetime] | None

    @property
    def late(self) -> bool:
        return self.done_at is not None and self.done_at.date() > self.deadline


@dataclasses.dataclass(frozen=True)
class TaskPlan:
    name: str
    description: str
    assigner: Key | None
    department: Key
    cooperating: tuple[Key, ...]
    assigned_on: dt.date
    deadline: dt.date
    done_on: dt.date | None
    state: str  # assigned | in_progress | done
    progress: int


@dataclasses.dataclass(frozen=True)
class HistoryPlan:
    incoming: tuple[IncomingPlan, ...]
    outgoing: tuple[OutgoingPlan, ...]
    dossiers: tuple[DossierPlan, ...]
    tasks: tuple[TaskPlan, ...]


class _Planner:
    def __init__(self, spec: HistorySpec) -> None:
        if spec.end < spec.start:
            raise ValueError("The history ends before it starts.")
        if not spec.departments:
            raise ValueError("The history needs at least one department.")
        if spec.dossiers and not spec.procedures:
            raise ValueError("Dossiers need at least one public service procedure.")
        self.spec = spec
        self.cal = spec.calendar
        self.rng = random.Random(spec.seed)
        # The heads' hand-overs to specialists are drawn from a stream of their own, so that
        # the rest of a seed's history stays what it was before they were planned.
        self.step_rng = random.Random(f"{spec.seed}/specialists")
        self.by_abbreviation = {d.abbreviation: d for d in spec.departments}
        days = []
        weights = []
        day = spec.start
        while day <= spec.end:
            if self.cal.is_working_day(day):
                days.append(day)
                weights.append(_WEEKDAY_WEIGHT[day.weekday()] * _MONTH_WEIGHT[day.month - 1])
            day += dt.timedelta(days=1)
        if not days:
            raise ValueError("The history's period has no working day.")
        self.days = days
        self.cumulative = []
        total = 0.0
        for weight in weights:
            total += weight
            self.cumulative.append(total)

    # -- draws ------------------------------------------------------------------------------------

    def receipt_days(self, count: int) -> list[dt.date]:
        return sorted(self.rng.choices(self.days, cum_weights=self.cumulative, k=count))

    def at(self, day: dt.date, earliest: int = 8, latest: int = 16) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(self.rng.randint(earliest, latest), self.rng.randrange(0, 60, 5)))

    def words(self, template: str, day: dt.date) -> str:
        values = {name: self.rng.choice(options) for name, options in _WORDS.items()}
        quarter = (day.month - 1) // 3 + 1
        return template.format(year=day.year, next_year=day.year + 1, quarter=quarter, **values)

    def weighted(self, options: Sequence[tuple[str, float]]) -> str:
        return self.rng.choices([o for o, _w in options], weights=[w for _o, w in options])[0]

    def share_of_time(self, slowness: float) -> float:
        """Share of the allowed time a piece of work takes: about 0.6 at a normal department,
        more at a slow one; over 1 is late."""
        return self.rng.lognormvariate(math.log(0.6 * slowness), 0.45)

    def finish(
        self, start: dt.datetime, allowed: int, slowness: float, stuck: bool, calendar_days: bool = False
    ) -> dt.datetime | None:
        """When work started at ``start`` with ``allowed`` (working) days is done; None when it
        is still open at the end of the history."""
        if stuck:
            return None
        taken = max(0, round(allowed * self.share_of_time(slowness)))
        if calendar_days:
            day = start.date() + dt.timedelta(days=taken)
            while not self.cal.is_working_day(day):
                day += dt.timedelta(days=1)
        else:
            day = self.cal.add_working_days(start.date(), taken)
        done = self.at(day, earliest=8 if day > start.date() else min(start.hour, 16), latest=16)
        if done < start:
            done = start + dt.timedelta(minutes=30)
        return done if done.date() <= self.spec.end else None

    def specialist_assigned(
        self, received: dt.datetime, done: dt.datetime | None, slowness: float
    ) -> dt.datetime | None:
        """When the head of a department that received work at ``received`` gave it to a
        specialist: mostly that day or the next working day (Decree 30/2020's pace for
        presenting a document), later now and then, more often at a slow department; never
        after the work was done; None when it falls after the end of the history."""
        late = 0.05 * slowness
        days = self.step_rng.choices((0, 1, 2, 3), weights=(0.6, 0.35 - late, late * 0.6, late * 0.4))[0]
        day = self.cal.add_working_days(received.date(), days)
        moment = dt.datetime.combine(day, dt.time(self.step_rng.randint(8, 16), self.step_rng.randrange(0, 60, 5)))
        moment = max(moment, received + dt.timedelta(minutes=20))
        if done is not None:
            moment = min(moment, done)
        return moment if moment.date() <= self.spec.end else None

    def department(self, preferred: Sequence[str]) -> DepartmentSpec:
        candidates = [self.by_abbreviation[a] for a in preferred if a in self.by_abbreviation]
        if candidates and self.rng.random() < 0.85:
            return self.rng.choice(candidates)
        return self.rng.choice(list(self.spec.departments))

    def leader(self) -> Key | None:
        return self.rng.choice(list(self.spec.leaders)) if self.spec.leaders else None

    # -- items ------------------------------------------------------------------------------------

    def incoming(self) -> tuple[IncomingPlan, ...]:
        plans = []
        counters: dict[tuple[str, int], int] = {}
        for day in self.receipt_days(self.spec.documents):
            name, org, code = self.rng.choice(SENDERS)
            type_key, type_symbol, _share = self.rng.choices(DOCUMENT_TYPES, weights=[t[2] for t in DOCUMENT_TYPES])[0]
            issue_date = self.cal.add_working_days(day, -self.rng.randint(1, 4))
            counter_key = (org, issue_date.year)
            counters[counter_key] = counters.get(counter_key, self.rng.randint(20, 400)) + self.rng.randint(1, 30)
            template, preferred = self.rng.choice(_TOPICS)
            lead = self.department(preferred)
            unit = preferred[0] if self.rng.random() < 0.5 else "VP"
            symbol = f"{type_symbol}-{org}" if type_symbol else f"{org}-{unit}"
            subject = self.words(template, day)
            abstract = f"V/v {subject}" if not type_symbol else f"{subject[:1].upper()}{subject[1:]}"
            urgency = self.weighted([(u, w) for u, _d, w in _URGENCY_DAYS])
            allowed = {u: d for u, d, _w in _URGENCY_DAYS}[urgency]
            received_at = self.at(day)
            directed_day = self.cal.add_working_days(day, self.rng.choice((0, 0, 1, 1, 2)))
            directed_at = max(received_at + dt.timedelta(hours=1), self.at(directed_day))
            deadline = self.cal.add_working_days(directed_at.date(), allowed)
            stuck = self.rng.random() < self.spec.stuck_share
            done = self.finish(directed_at, allowed, lead.slowness, stuck)
            assignments = [
                AssignmentPlan(
                    lead.key, "lead", deadline, done, self.specialist_assigned(directed_at, done, lead.slowness)
                )
            ]
            others = [d for d in self.spec.departments if d.key != lead.key]
            extra = self.rng.choices((0, 1, 2), weights=(0.65, 0.28, 0.07))[0]
            for other in self.rng.sample(others, min(extra, len(others))):
                done = self.finish(directed_at, allowed, other.slowness * 0.8, stuck and self.rng.random() < 0.5)
                # A cooperating department still open has not started on it yet.
                specialist_at = self.specialist_assigned(directed_at, done, other.slowness) if done else None
                assignments.append(AssignmentPlan(other.key, "cooperate", deadline, done, specialist_at))
            plans.append(
                IncomingPlan(
                    received_at=received_at,
                    directed_at=directed_at,
                    sender=name,
                    sender_code=code,
                    number_symbol=f"{counters[counter_key]}/{symbol}",
                    issue_date=issue_date,
                    document_type=type_key,
                    abstract=abstract,
                    urgency=urgency,
                    deadline=deadline,
                    assignments=tuple(assignments),
                    leader=self.leader(),
                )
            )
        return tuple(plans)

    def outgoing(self) -> tuple[OutgoingPlan, ...]:
        return tuple(
            OutgoingPlan(
                issued_on=day,
                document_type=self.weighted([("cong_van", 0.7), ("quyet_dinh", 0.2), ("ke_hoach", 0.1)]),
                department=self.rng.choice(list(self.spec.departments)).key,
                abstract=self.words(self.rng.choice(_OUTGOING_TOPICS), day),
                signer=self.leader(),
            )
            for day in self.receipt_days(self.spec.outgoing)
        )

    def dossiers(self) -> tuple[DossierPlan, ...]:
        plans = []
        slowness = {d.key: d.slowness for d in self.spec.departments}
        for day in self.receipt_days(self.spec.dossiers):
            procedure = self.rng.choice(list(self.spec.procedures))
            online = self.rng.random() < 0.7
            submitted_at = self.at(day, earliest=7 if online else 8, latest=20 if online else 16)
            accept_day = self.cal.add_working_days(day, 0 if submitted_at.hour < 12 else 1)
            start = max(submitted_at, self.at(accept_day))
            supplement = None
            if self.rng.random() < 0.15:
                asked = start
                back_day = self.cal.add_working_days(asked.date(), self.rng.randint(2, 10))
                back = self.at(back_day)
                if back.date() <= self.spec.end:
                    supplement = (asked, back)
                    start = back  # the clock restarts from zero when the completed dossier arrives
            if procedure.calendar_days:
                # A time limit in calendar days that ends on a day off ends on the next working day.
                deadline = start.date() + dt.timedelta(days=procedure.processing_days)
                while not self.cal.is_working_day(deadline):
                    deadline += dt.timedelta(days=1)
            else:
                deadline = self.cal.add_working_days(start.date(), procedure.processing_days)
            stuck = self.rng.random() < self.spec.stuck_share
            department_slowness = slowness.get(procedure.department, 1.0)
            done_at = self.finish(
                start, procedure.processing_days, department_slowness, stuck, calendar_days=procedure.calendar_days
            )
            if done_at is not None:
                state = "done"
            else:
                state = self.rng.choice(("received", "processing", "processing"))
            plans.append(
                DossierPlan(
                    procedure=procedure.key,
                    department=procedure.department,
                    submitted_at=submitted_at,
                    received_at=start,
                    deadline=deadline,
                    done_at=done_at,
                    state=state,
                    online=online,
                    paid_online=online and procedure.fee and self.rng.random() < 0.8,
                    digitised=self.rng.random() < 0.9,
                    rating=self.rng.choices((3, 2, 1), weights=(0.6, 0.3, 0.1))[0]
                    if done_at is not None and self.rng.random() < 0.4
                    else None,
                    supplement=supplement,
                )
            )
        return tuple(plans)

    def tasks(self) -> tuple[TaskPlan, ...]:
        plans = []
        for day in self.receipt_days(self.spec.tasks):
            lead = self.rng.choice(list(self.spec.departments))
            others = [d for d in self.spec.departments if d.key != lead.key]
            cooperating = tuple(d.key for d in self.rng.sample(others, min(self.rng.choice((0, 0, 1, 2)), len(others))))
            allowed = self.rng.choice((5, 10, 15, 20, 30))
            deadline = self.cal.add_working_days(day, allowed)
            stuck = self.rng.random() < self.spec.stuck_share
            done = self.finish(self.at(day), allowed, lead.slowness, stuck)
            if done is not None:
                state, progress = "done", 100
            else:
                elapsed = self.cal.working_days_between(day, self.spec.end)
                progress = min(95, max(0, round(100 * elapsed / allowed * self.rng.uniform(0.3, 0.8)) // 5 * 5))
                state = "assigned" if progress == 0 else "in_progress"
            template = self.rng.choice(_TASK_TITLES)
            plans.append(
                TaskPlan(
                    name=self.words(template, day),
                    description=f"Giao {lead.abbreviation} chủ trì, báo cáo Lãnh đạo Bộ kết quả thực hiện.",
                    assigner=self.leader(),
                    department=lead.key,
                    cooperating=cooperating,
                    assigned_on=day,
                    deadline=deadline,
                    done_on=done.date() if done else None,
                    state=state,
                    progress=progress,
                )
            )
        return tuple(plans)


def plan_history(spec: HistorySpec) -> HistoryPlan:
    """The history ``spec`` asks for; the same spec (seed included) gives the same plan."""
    planner = _Planner(spec)
    return HistoryPlan(
        incoming=planner.incoming(),
        outgoing=planner.outgoing(),
        dossiers=planner.dossiers(),
        tasks=planner.tasks(),
    )
