"""The records DVCQG's integration services take: the whole dossier (``DongBoHoSoMC``) and its
processing steps (``CapNhatTienDoHoSoMC``), built from plain dataclasses the Odoo side fills.

Every point the public contract leaves unconfirmed (the status codes, the applicant kinds, the
channels) is a mapping passed in, with the defaults below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import MohError
from .wire import day_at, format_date, scalar

# Product state → TrangThaiHoSo (1 Mới đăng ký … 10 Đã trả kết quả). "supplement" is 5 (asked
# for papers), "closed" 8 (stopped by the agency), "stopped" 7 (withdrawn by the applicant).
DEFAULT_STATUS_MAP: dict[str, str] = {
    "draft": "1",
    "submitted": "1",
    "received": "2",
    "refused": "3",
    "processing": "4",
    "approval": "4",
    "supplement": "5",
    "fee_pending": "6",
    "stopped": "7",
    "closed": "8",
    "result_ready": "9",
    "done": "10",
}
STATUS_CODES = tuple(str(code) for code in range(1, 11))
# Applicant kind → LoaiDoiTuong (1 công dân, 2 doanh nghiệp; 3 CQNN and 4 tổ chức unconfirmed).
DEFAULT_APPLICANT_KINDS: dict[str, str] = {"person": "1", "company": "2", "agency": "3", "organization": "4"}
# Channel → KenhThucHien (1 trực tiếp, 2 trực tuyến: on the ministry's portal or filed on DVCQG, 3 BCCI).
DEFAULT_CHANNELS: dict[str, str] = {"counter": "1", "online": "2", "national_portal": "2", "post": "3", "postal": "3"}
# Return by → HinhThuc (0 at the counter, 1 by post).
DEFAULT_RETURN_KINDS: dict[str, str] = {"counter": "0", "post": "1"}
MAX_SUMMARY = 1000
MAX_HANDLER = 50


class MappingError(MohError, ValueError):
    """A product value the mapping tables do not cover: a setting to complete, not a network fault.
    ``detail``: which value."""

    text = "a value of the dossier has no national code in the mapping tables"
    text_vi = "một giá trị của hồ sơ chưa có mã quốc gia trong bảng ánh xạ"

    def __init__(self, detail: str):
        super().__init__("dvcqg_mapping", detail=detail)


def map_value(table: Mapping[str, str], key: str | None, what: str, *, default: str | None = None) -> str:
    if key is None or key == "":
        if default is not None:
            return default
        raise MappingError(f"no {what} given")
    try:
        return table[key]
    except KeyError:
        if default is not None:
            return default
        raise MappingError(f"no {what} mapped for {key!r}") from None


def status_code(state: str, overrides: Mapping[str, str] | None = None) -> str:
    """TrangThaiHoSo of a product state: the overrides first, then :data:`DEFAULT_STATUS_MAP`."""
    table = {**DEFAULT_STATUS_MAP, **(overrides or {})}
    code = map_value(table, state, "status code")
    if code not in STATUS_CODES:
        raise MappingError(f"status code {code!r} of {state!r} is not 1-10")
    return code


@dataclass(frozen=True)
class FileRef:
    """A file of the dossier, downloadable by DVCQG at ``url`` (a signed, expiring link)."""

    file_id: str
    name: str
    url: str
    component_code: str = ""
    deleted: bool = False


@dataclass(frozen=True)
class Fee:
    name: str
    amount: int | float | str
    code: str = ""
    collection: str = ""
    kind: str = ""


@dataclass(frozen=True)
class Supplement:
    """One supplement round (DanhSachHoSoBoSung)."""

    round_id: str
    requested_by: str
    content: str
    requested_at: dt.datetime | None = None
    received_at: dt.datetime | None = None
    status: str = ""
    papers: tuple[str, ...] = ()
    previous_due: dt.date | None = None
    new_due: dt.date | None = None


@dataclass(frozen=True)
class ResultDoc:
    """A result document (DanhSachGiayToKetQua)."""

    doc_id: str
    name: str
    url: str
    component_code: str = ""
    code: str = ""


@dataclass(frozen=True)
class DossierSnapshot:
    """What the product knows of one dossier, in its own terms; :func:`dossier_record` maps it."""

    code: str
    procedure_code: str
    procedure_name: str
    field_code: str
    field_name: str
    state: str
    applicant_name: str
    applicant_kind: str = "person"
    applicant_techid: str = ""
    applicant_id_number: str = ""
    email: str = ""
    phone: str = ""
    summary: str = ""
    receipt_number: str = ""
    channel: str = "online"
    processing_unit: str = ""
    submitted_at: dt.datetime | None = None
    received_at: dt.datetime | None = None
    due_date: dt.date | None = None
    returned_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    refused_at: dt.datetime | None = None
    return_kind: str = ""
    return_info: str = ""
    note: str = ""
    paid_online: bool = False
    digitised: bool = False
    vneid_verified: bool = False
    files: tuple[FileRef, ...] = ()
    fees: tuple[Fee, ...] = ()
    supplements: tuple[Supplement, ...] = ()
    results: tuple[ResultDoc, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Mappings:
    """The tables an agency may override (all unconfirmed by the public contract)."""

    status: Mapping[str, str] = field(default_factory=dict)
    applicant_kinds: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_APPLICANT_KINDS))
    channels: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_CHANNELS))
    return_kinds: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_RETURN_KINDS))
    due_time: dt.time = dt.time(17, 0)


def dossier_record(snapshot: DossierSnapshot, mappings: Mappings | None = None) -> dict[str, Any]:
    """The ``DongBoHoSoMC`` record of one dossier, every value a string."""
    maps = mappings or Mappings()
    s = snapshot
    if not s.code:
        raise MappingError("the dossier has no code (MaHoSo)")
    if not s.procedure_code:
        raise MappingError(f"dossier {s.code}: no national procedure code (MaTTHC)")
    record: dict[str, Any] = {
        "MaHoSo": s.code,
        "MaTTHC": s.procedure_code,
        "TenTTHC": s.procedure_name,
        "MaLinhVuc": s.field_code,
        "TenLinhVuc": s.field_name,
        "SoBienNhan": s.receipt_number or s.code,
        "ChuHoSo": s.applicant_name,
        "LoaiDoiTuong": map_value(maps.applicant_kinds, s.applicant_kind, "applicant kind"),
        "MaDoiTuong": s.applicant_techid,
        "SoGiayToChuHoSo": s.applicant_id_number,
        "ThongTinKhac": "",
        "Email": s.email,
        "Fax": "",
        "SoDienThoai": s.phone,
        "TrichYeuHoSo": s.summary[:MAX_SUMMARY],
        "NgayNopHoSo": format_date(s.submitted_at),
        "NgayTiepNhan": format_date(s.received_at),
        "NgayHenTra": day_at(s.due_date, maps.due_time),
        "TrangThaiHoSo": status_code(s.state, maps.status),
        "NgayTra": format_date(s.returned_at),
        "ThongTinTra": s.return_info,
        "HinhThuc": map_value(maps.return_kinds, s.return_kind, "return kind", default="0"),
        "NgayKetThucXuLy": format_date(s.finished_at),
        "NgayTuChoi": format_date(s.refused_at),
        "DonViXuLy": s.processing_unit,
        "GhiChu": s.note,
        "KenhThucHien": map_value(maps.channels, s.channel, "channel"),
        "DuocThanhToanTrucTuyen": s.paid_online,
        "HoSoCoThanhPhanSoHoa": s.digitised,
        "TaiKhoanDuocXacThucVoiVNeID": s.vneid_verified,
        "TaiLieuNop": [
            {
                "TepDinhKemId": f.file_id,
                "TenTepDinhKem": f.name,
                "IsDeleted": f.deleted,
                "MaThanhPhanHoSo": f.component_code,
                "DuongDanTaiTepTin": f.url,
            }
            for f in s.files
        ],
        "DanhSachLePhi": [
            {
                "TenPhiLePhi": fee.name,
                "MaPhiLePhi": fee.code,
                "HinhThucThu": fee.collection,
                "Gia": _amount(fee.amount),
                "LoaiPhiLePhi": fee.kind,
            }
            for fee in s.fees
        ],
        "DanhSachTepDinhKemKhac": [],
        "DanhSachHoSoBoSung": [
            {
                "HoSoBoSungId": r.round_id,
                "NguoiYeuCauBoSung": r.requested_by,
                "NoiDungBoSung": r.content,
                "NgayBoSung": format_date(r.requested_at),
                "NgayTiepNhanBoSung": format_date(r.received_at),
                "TrangThaiBoSung": r.status,
                "DanhSachGiayToBoSung": list(r.papers),
                "NgayHenTraTruoc": day_at(r.previous_due, maps.due_time),
                "NgayHenTraMoi": day_at(r.new_due, maps.due_time),
            }
            for r in s.supplements
        ],
        "DanhSachGiayToKetQua": [
            {
                "TenGiayTo": r.name,
                "MaThanhPhanHoSo": r.component_code,
                "GiayToId": r.doc_id,
                "DuongDanTepTinKetQua": r.url,
                "MaGiayToKetQua": r.code,
            }
            for r in s.results
        ],
    }
    record.update(s.extra)
    return {key: scalar(value) for key, value in record.items()}


def _amount(value: int | float | str) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class Step:
    """One processing step (a hand-over) of a dossier: QuaTrinhXuLy."""

    dossier_code: str
    handler: str
    at: dt.datetime
    state: str
    content: str = ""
    title: str = ""
    department: str = ""
    started_at: dt.datetime | None = None
    due_date: dt.date | None = None


def step_record(step: Step, mappings: Mappings | None = None) -> dict[str, str]:
    """One ``CapNhatTienDoHoSoMC`` step, every value a string."""
    maps = mappings or Mappings()
    return {
        "MaHoSo": step.dossier_code,
        "NguoiXuLy": step.handler[:MAX_HANDLER],
        "ChucDanh": step.title,
        "ThoiDiemXuLy": format_date(step.at),
        "PhongBanXuLy": step.department,
        "NoiDungXuLy": step.content,
        "TrangThai": status_code(step.state, maps.status),
        "NgayBatDau": format_date(step.started_at or step.at),
        "NgayKetThucTheoQuyDinh": day_at(step.due_date, maps.due_time),
    }
