"""Dossiers filed on the National Public Service Portal (DVCQG) entering the one-stop shop.

The national portal pushes each dossier a citizen or business filed there as one JSON object (or
the agency pulls a list of them, for links that work that way). Its fields, as far as public
sources show them (the published integration guide does not describe this service; the only
example found is one ministry's endpoint, so the path and the list of fields are to be
verified with the portal's operator):

* ``MaHoSo`` the dossier's code on the national portal, kept as the dossier's code here;
* ``MaTTHC`` the national code of the procedure (mapped to a local procedure by the caller);
* the applicant: ``ChuHoSo`` (name), ``LoaiDoiTuong`` (1 citizen, 2 business, 3 state body,
  4 organisation), ``SoGiayToChuHoSo`` (identity document number), ``MaSoThue`` (tax code),
  ``MaDoiTuong`` (the filer's TechID on the portal), ``Email``, ``SoDienThoai``, ``DiaChi``
  (text, or ``DiaChiDoanhNghiep {MaTinh, MaHuyen, MaXa}``);
* ``NgayNopHoSo`` when it was filed, ``yyyyMMddHHmmss`` in Vietnam's time (UTC+7);
* ``TrichYeuHoSo`` the dossier's abstract (optional);
* ``TaiLieuNop[]`` its files: ``TenTepDinhKem`` (name), ``MaThanhPhanHoSo`` (the national code
  of the document the procedure requires), and the content, either ``Base64`` or a link the
  agency downloads, ``DuongDanTaiTepTin``.

:func:`parse_dossier` turns the JSON into an :class:`InboundDossier` or raises an
:class:`InboundError` naming the field at fault (``TaiLieuNop[2].Base64``), in English and
Vietnamese. Sizes are checked before anything is decoded: a file larger than ``max_file_bytes``
and a dossier whose files together exceed ``max_dossier_bytes`` are refused from the length of
their base64 text. What is inside each file (type, PDF structure, signatures) is the portal
uploads' check (:func:`moh_core.onestop.check_upload`), run by the caller.

The answer to the portal is ``{"error_code": 0 | 1 | -1, "message": ...}``: 0 registered, 1 the
dossier code was already received (never registered twice), -1 refused (:func:`reply`).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from moh_core.errors import MohError, ProblemCode, register_texts

__all__ = [
    "ACCEPTED",
    "DEFAULT_MAX_DOSSIER_BYTES",
    "DEFAULT_MAX_FILES",
    "DEFAULT_MAX_FILE_BYTES",
    "DUPLICATE",
    "REFUSED",
    "ApplicantKind",
    "InboundApplicant",
    "InboundDossier",
    "InboundError",
    "InboundFile",
    "InboundProblem",
    "parse_dossier",
    "parse_dossier_list",
    "parse_filed_at",
    "reply",
]

#: The portal's answer codes.
ACCEPTED = 0
DUPLICATE = 1
REFUSED = -1

DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_DOSSIER_BYTES = 100 * 1024 * 1024
DEFAULT_MAX_FILES = 100

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-/]*$")
_DATE = re.compile(r"^\d{14}$")
_MAX_CODE = 100
_MAX_TEXT = 500
_MAX_SUMMARY = 2000


class ApplicantKind:
    """``LoaiDoiTuong``: 1 citizen, 2 business; 3 state body and 4 organisation are seen in one
    province's code only (to verify)."""

    CITIZEN = 1
    BUSINESS = 2
    STATE_BODY = 3
    ORGANISATION = 4
    ALL = (CITIZEN, BUSINESS, STATE_BODY, ORGANISATION)


class InboundProblem(ProblemCode):
    """Why a pushed dossier is refused; ``{field}`` names the JSON field at fault."""

    NOT_JSON = "not_json"
    NOT_OBJECT = "not_object"
    MISSING = "missing"
    NOT_TEXT = "not_text"
    TOO_LONG = "too_long"
    BAD_CODE = "bad_code"
    BAD_DATE = "bad_date"
    BAD_KIND = "bad_kind"
    NOT_LIST = "not_list"
    NO_FILES = "no_files"
    TOO_MANY_FILES = "too_many_files"
    NO_CONTENT = "no_content"
    TWO_CONTENTS = "two_contents"
    BAD_BASE64 = "bad_base64"
    FILE_TOO_LARGE = "file_too_large"
    DOSSIER_TOO_LARGE = "dossier_too_large"
    BAD_URL = "bad_url"
    TAX_CODE_REQUIRED = "tax_code_required"
    PEER_ERROR = "peer_error"


_TEXTS: dict[InboundProblem, str] = {
    InboundProblem.NOT_JSON: "the request is not valid JSON",
    InboundProblem.NOT_OBJECT: "a JSON object is expected",
    InboundProblem.MISSING: "the field is required",
    InboundProblem.NOT_TEXT: "a text value is expected",
    InboundProblem.TOO_LONG: "the value is longer than the {limit} characters allowed",
    InboundProblem.BAD_CODE: "the code may contain only letters, digits, '.', '-', '_' and '/'",
    InboundProblem.BAD_DATE: "a date and time of the form yyyyMMddHHmmss is expected",
    InboundProblem.BAD_KIND: "the applicant's kind must be 1 (citizen), 2 (business), 3 or 4",
    InboundProblem.NOT_LIST: "a list is expected",
    InboundProblem.NO_FILES: "the dossier has no file",
    InboundProblem.TOO_MANY_FILES: "the dossier has more than the {limit} files allowed",
    InboundProblem.NO_CONTENT: "the file has neither its content (Base64) nor a link (DuongDanTaiTepTin)",
    InboundProblem.TWO_CONTENTS: "the file has both its content (Base64) and a link (DuongDanTaiTepTin)",
    InboundProblem.BAD_BASE64: "the file's content is not valid base64",
    InboundProblem.FILE_TOO_LARGE: "the file is larger than the {limit_mb} MB allowed",
    InboundProblem.DOSSIER_TOO_LARGE: "the dossier's files together are larger than the {limit_mb} MB allowed",
    InboundProblem.BAD_URL: "the link must be an http or https address",
    InboundProblem.TAX_CODE_REQUIRED: "a business applicant's tax code (MaSoThue) is required",
    InboundProblem.PEER_ERROR: "the national portal answered error {code}: {message}",
}
_TEXTS_VI: dict[InboundProblem, str] = {
    InboundProblem.NOT_JSON: "yêu cầu không phải là JSON hợp lệ",
    InboundProblem.NOT_OBJECT: "cần một đối tượng JSON",
    InboundProblem.MISSING: "trường này là bắt buộc",
    InboundProblem.NOT_TEXT: "cần một giá trị dạng văn bản",
    InboundProblem.TOO_LONG: "giá trị dài hơn {limit} ký tự cho phép",
    InboundProblem.BAD_CODE: "mã chỉ được gồm chữ cái, chữ số, '.', '-', '_' và '/'",
    InboundProblem.BAD_DATE: "cần ngày giờ có dạng yyyyMMddHHmmss",
    InboundProblem.BAD_KIND: "loại đối tượng phải là 1 (công dân), 2 (doanh nghiệp), 3 hoặc 4",
    InboundProblem.NOT_LIST: "cần một danh sách",
    InboundProblem.NO_FILES: "hồ sơ không có tệp nào",
    InboundProblem.TOO_MANY_FILES: "hồ sơ có nhiều hơn {limit} tệp cho phép",
    InboundProblem.NO_CONTENT: "tệp không có nội dung (Base64) cũng không có đường dẫn (DuongDanTaiTepTin)",
    InboundProblem.TWO_CONTENTS: "tệp có cả nội dung (Base64) và đường dẫn (DuongDanTaiTepTin)",
    InboundProblem.BAD_BASE64: "nội dung tệp không phải là base64 hợp lệ",
    InboundProblem.FILE_TOO_LARGE: "tệp vượt quá dung lượng cho phép {limit_mb} MB",
    InboundProblem.DOSSIER_TOO_LARGE: "tổng dung lượng các tệp của hồ sơ vượt quá {limit_mb} MB cho phép",
    InboundProblem.BAD_URL: "đường dẫn phải là địa chỉ http hoặc https",
    InboundProblem.TAX_CODE_REQUIRED: "cần mã số thuế (MaSoThue) của doanh nghiệp nộp hồ sơ",
    InboundProblem.PEER_ERROR: "Cổng Dịch vụ công quốc gia trả lời lỗi {code}: {message}",
}
register_texts(InboundProblem, _TEXTS, _TEXTS_VI)


class InboundError(MohError, ValueError):
    """A pushed dossier refused: ``field`` is the JSON path at fault ("" for the whole request)."""

    frame = "{field}: {reason}."
    frame_vi = "{field}: {reason}."
    capitalise = False

    def __init__(self, code: InboundProblem, field: str = "", params: Mapping[str, object] | None = None) -> None:
        self.field = field
        super().__init__(code, {"field": field or "request", **(params or {})})


@dataclasses.dataclass(frozen=True)
class InboundFile:
    """One file of the dossier: its content, or the link to download it from."""

    name: str
    component_code: str
    """``MaThanhPhanHoSo``: the national code of the required document ("" when not given)."""
    data: bytes | None = dataclasses.field(default=None, repr=False)
    url: str | None = None
    index: int = 0
    """Its position in ``TaiLieuNop``, for messages."""

    @property
    def field(self) -> str:
        return f"TaiLieuNop[{self.index}]"


@dataclasses.dataclass(frozen=True)
class InboundApplicant:
    name: str
    kind: int
    id_number: str = ""
    tax_code: str = ""
    techid: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""

    @property
    def is_business(self) -> bool:
        return self.kind != ApplicantKind.CITIZEN


@dataclasses.dataclass(frozen=True)
class InboundDossier:
    code: str
    """``MaHoSo``."""
    procedure_code: str
    """``MaTTHC``."""
    applicant: InboundApplicant
    filed_at: dt.datetime
    """``NgayNopHoSo``, timezone-aware (Vietnam)."""
    files: tuple[InboundFile, ...]
    procedure_name: str = ""
    summary: str = ""

    @property
    def filed_at_utc(self) -> dt.datetime:
        """When it was filed, in UTC without time zone (as databases keep it)."""
        return self.filed_at.astimezone(dt.UTC).replace(tzinfo=None)


def reply(code: int, message: str = "") -> dict[str, Any]:
    """The answer to the portal: ``{"error_code": code, "message": message}``."""
    if code not in (ACCEPTED, DUPLICATE, REFUSED):
        raise ValueError(f"unknown answer code {code}")
    return {"error_code": code, "message": message}


def parse_filed_at(value: str, field: str = "NgayNopHoSo") -> dt.datetime:
    """``yyyyMMddHHmmss`` in Vietnam's time, as an aware datetime."""
    if not _DATE.match(value):
        raise InboundError(InboundProblem.BAD_DATE, field)
    try:
        naive = dt.datetime.strptime(value, "%Y%m%d%H%M%S")
    except ValueError:
        raise InboundError(InboundProblem.BAD_DATE, field) from None
    return naive.replace(tzinfo=VIETNAM)


def _load(payload: bytes | str | Mapping[str, Any] | Sequence[Any]) -> Any:
    if isinstance(payload, (bytes, bytearray, str)):
        try:
            return json.loads(payload)
        except (ValueError, UnicodeDecodeError):
            raise InboundError(InboundProblem.NOT_JSON) from None
    return payload


def _text(
    data: Mapping[str, Any], key: str, prefix: str = "", *, required: bool = False, limit: int = _MAX_TEXT
) -> str:
    field = f"{prefix}{key}"
    value = data.get(key)
    if value is None:
        value = ""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InboundError(InboundProblem.NOT_TEXT, field)
    text = str(value).strip()
    if required and not text:
        raise InboundError(InboundProblem.MISSING, field)
    if len(text) > limit:
        raise InboundError(InboundProblem.TOO_LONG, field, {"limit": limit})
    return text


def _code(data: Mapping[str, Any], key: str, prefix: str = "", *, required: bool = True) -> str:
    code = _text(data, key, prefix, required=required, limit=_MAX_CODE)
    if code and not _CODE.match(code):
        raise InboundError(InboundProblem.BAD_CODE, f"{prefix}{key}")
    return code


def _address(data: Mapping[str, Any]) -> str:
    value = data.get("DiaChi")
    if value is None and isinstance(data.get("DiaChiDoanhNghiep"), Mapping):
        parts = data["DiaChiDoanhNghiep"]
        return ", ".join(
            _text(parts, key, "DiaChiDoanhNghiep.")
            for key in ("DiaChiChiTiet", "MaXa", "MaHuyen", "MaTinh")
            if _text(parts, key, "DiaChiDoanhNghiep.")
        )
    return _text(data, "DiaChi")


def _applicant(data: Mapping[str, Any]) -> InboundApplicant:
    raw_kind = data.get("LoaiDoiTuong")
    if raw_kind is None or raw_kind == "":
        raise InboundError(InboundProblem.MISSING, "LoaiDoiTuong")
    try:
        kind = int(str(raw_kind).strip()) if not isinstance(raw_kind, bool) else 0
    except ValueError:
        kind = 0
    if kind not in ApplicantKind.ALL:
        raise InboundError(InboundProblem.BAD_KIND, "LoaiDoiTuong")
    tax_code = _code(data, "MaSoThue", required=False)
    if kind == ApplicantKind.BUSINESS and not tax_code:
        raise InboundError(InboundProblem.TAX_CODE_REQUIRED, "MaSoThue")
    return InboundApplicant(
        name=_text(data, "ChuHoSo", required=True),
        kind=kind,
        id_number=_code(data, "SoGiayToChuHoSo", required=False),
        tax_code=tax_code,
        techid=_text(data, "MaDoiTuong", limit=_MAX_CODE),
        email=_text(data, "Email", limit=254),
        phone=_text(data, "SoDienThoai", limit=50),
        address=_address(data),
    )


def _base64_size(text: str) -> int:
    """The decoded size of base64 ``text`` (without whitespace), from its length alone."""
    return len(text) * 3 // 4 - text[-2:].count("=")


def _file(entry: Any, index: int, max_file_bytes: int) -> tuple[InboundFile, int]:  # the file, its size (0 for a link)
    prefix = f"TaiLieuNop[{index}]."
    if not isinstance(entry, Mapping):
        raise InboundError(InboundProblem.NOT_OBJECT, f"TaiLieuNop[{index}]")
    name = _text(entry, "TenTepDinhKem", prefix, required=True, limit=255)
    component = _code(entry, "MaThanhPhanHoSo", prefix, required=False)
    content = entry.get("Base64")
    url = _text(entry, "DuongDanTaiTepTin", prefix, limit=2000)
    if content not in (None, "") and url:
        raise InboundError(InboundProblem.TWO_CONTENTS, f"TaiLieuNop[{index}]")
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InboundError(InboundProblem.BAD_URL, f"{prefix}DuongDanTaiTepTin")
        return InboundFile(name, component, url=url, index=index), 0
    if content in (None, ""):
        raise InboundError(InboundProblem.NO_CONTENT, f"TaiLieuNop[{index}]")
    if not isinstance(content, str):
        raise InboundError(InboundProblem.NOT_TEXT, f"{prefix}Base64")
    text = "".join(content.split())
    if text.startswith("data:") and "," in text:
        text = text.split(",", 1)[1]  # a data URI: its payload
    if _base64_size(text) > max_file_bytes:
        raise InboundError(
            InboundProblem.FILE_TOO_LARGE, f"{prefix}Base64", {"limit_mb": _mb(max_file_bytes), "file": name}
        )
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InboundError(InboundProblem.BAD_BASE64, f"{prefix}Base64") from None
    return InboundFile(name, component, data=data, index=index), len(data)


def _mb(limit: int) -> int | str:
    mib = 1024 * 1024
    return limit // mib if limit >= mib else f"{limit / mib:.2f}"


def parse_dossier(
    payload: bytes | str | Mapping[str, Any],
    *,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    max_dossier_bytes: int = DEFAULT_MAX_DOSSIER_BYTES,
    max_files: int = DEFAULT_MAX_FILES,
    require_files: bool = True,
) -> InboundDossier:
    """Parse and check one pushed dossier (the JSON text or its decoded object).

    :raises InboundError: the first problem found, naming its field.
    """
    data = _load(payload)
    if not isinstance(data, Mapping):
        raise InboundError(InboundProblem.NOT_OBJECT)
    code = _code(data, "MaHoSo")
    procedure_code = _code(data, "MaTTHC")
    filed_at = parse_filed_at(_text(data, "NgayNopHoSo", required=True, limit=20))
    applicant = _applicant(data)
    entries = data.get("TaiLieuNop")
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        raise InboundError(InboundProblem.NOT_LIST, "TaiLieuNop")
    if require_files and not entries:
        raise InboundError(InboundProblem.NO_FILES, "TaiLieuNop")
    if len(entries) > max_files:
        raise InboundError(InboundProblem.TOO_MANY_FILES, "TaiLieuNop", {"limit": max_files})
    files = []
    total = 0
    for index, entry in enumerate(entries):
        file, size = _file(entry, index, max_file_bytes)
        total += size
        if total > max_dossier_bytes:
            raise InboundError(InboundProblem.DOSSIER_TOO_LARGE, "TaiLieuNop", {"limit_mb": _mb(max_dossier_bytes)})
        files.append(file)
    return InboundDossier(
        code=code,
        procedure_code=procedure_code,
        procedure_name=_text(data, "TenTTHC"),
        applicant=applicant,
        filed_at=filed_at,
        summary=_text(data, "TrichYeuHoSo", limit=_MAX_SUMMARY),
        files=tuple(files),
    )


def parse_dossier_list(payload: bytes | str | Mapping[str, Any] | Sequence[Any]) -> list[Any]:
    """The dossiers of a pull's answer, each still to be parsed on its own (one bad dossier does
    not hide the others): a JSON list, or an object holding it as ``data`` or ``result``, after
    an ``error_code`` that, when present, must be 0."""
    data = _load(payload)
    if isinstance(data, Mapping):
        error_code = str(data.get("error_code", "0")).strip()
        if error_code not in ("0", "00"):
            raise InboundError(
                InboundProblem.PEER_ERROR, "error_code", {"code": error_code, "message": str(data.get("message", ""))}
            )
        data = data.get("data", data.get("result"))
    if data is None:
        return []
    if not isinstance(data, list):
        raise InboundError(InboundProblem.NOT_LIST, "data")
    return list(data)
