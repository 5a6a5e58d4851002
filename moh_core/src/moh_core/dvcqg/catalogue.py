"""Readers of DVCQG's sharing services: the procedure catalogue (``LayDanhSachTTHC``,
``LayThuTuc``), the fields (``LayDanhMucLinhVuc``), the agencies (``LayDanhMucCoQuan``) and the
dossier lookup (``TraCuuHoSo``). Key names are matched without regard to case (the adapters
answer ``MATTHC`` or ``MaTTHC``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .wire import DvcqgError


@dataclass(frozen=True)
class Procedure:
    code: str
    name: str
    field_code: str = ""
    field_name: str = ""


@dataclass(frozen=True)
class Field:
    code: str
    name: str
    sector_code: str = ""


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    level: str = ""


@dataclass(frozen=True)
class Lookup:
    """DVCQG's copy of one dossier (TraCuuHoSo)."""

    code: str
    status: str
    raw: Mapping[str, Any]


def _get(item: Mapping[str, Any], *names: str) -> str:
    folded = {str(key).casefold(): value for key, value in item.items()}
    for name in names:
        value = folded.get(name.casefold())
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _rows(result: Any) -> list[Mapping[str, Any]]:
    if result in (None, "", []):
        return []
    if isinstance(result, Mapping):
        result = [result]
    if not isinstance(result, list) or not all(isinstance(row, Mapping) for row in result):
        raise DvcqgError(f"unexpected catalogue result: {str(result)[:200]!r}", retryable=False)
    return list(result)


def parse_procedures(result: Any) -> list[Procedure]:
    """Procedures of ``LayDanhSachTTHC`` or ``LayThuTuc``; the first field of
    ``LINHVUCTHUCHIEN`` is the procedure's; rows without a code are skipped."""
    procedures = []
    for row in _rows(result):
        code = _get(row, "MATTHC", "MaThuTuc")
        if not code:
            continue
        field_code = _get(row, "MALINHVUC")
        field_name = _get(row, "TENLINHVUC")
        fields = [f for f in _rows(_raw(row, "LINHVUCTHUCHIEN")) if _get(f, "MALINHVUC")]
        if fields and not field_code:
            field_code, field_name = _get(fields[0], "MALINHVUC"), _get(fields[0], "TENLINHVUC")
        procedures.append(Procedure(code, _get(row, "TENTTHC", "TenThuTuc"), field_code, field_name))
    return procedures


def _raw(row: Mapping[str, Any], name: str) -> Any:
    for key, value in row.items():
        if str(key).casefold() == name.casefold():
            return value
    return None


def parse_fields(result: Any) -> list[Field]:
    return [
        Field(_get(row, "MALINHVUC"), _get(row, "TENLINHVUC"), _get(row, "MANGANH"))
        for row in _rows(result)
        if _get(row, "MALINHVUC")
    ]


def parse_agencies(result: Any) -> list[Agency]:
    return [
        Agency(_get(row, "MADONVI"), _get(row, "TENDONVI"), _get(row, "CAPDONVI"))
        for row in _rows(result)
        if _get(row, "MADONVI")
    ]


def parse_lookup(result: Any) -> Lookup | None:
    """DVCQG's copy of a dossier, or None when it has none (an empty result: not synced yet)."""
    rows = _rows(result)
    if not rows:
        return None
    row = rows[0]
    return Lookup(_get(row, "MaHoSo"), _get(row, "TrangThaiHoSo"), dict(row))
