"""The DVCQG IdP's identity claims (userinfo and id_token) as a typed identity.

The claim names and codes come from integrations seen in public code, not from a published
specification, so they are a setting (:class:`ClaimNames`), never constants: an operator who finds
another name on the real IdP changes the mapping, not the code.

The rule this module exists for: a **business** is proven only by an account of kind 2
(doanh nghiệp) whose claims carry a well-formed tax code (``MaSoThue``) or enterprise code
(``MaSoDoanhNghiep``). A citizen's account (kind 1) never proves a company, whatever its claims
say, and neither does an organisation's account (kind 3) nor a business account without a code.

The level of assurance the claims state (VNeID level 1: the person's data matched; level 2: face or
fingerprint checked, Decree 69/2024/ND-CP) is a threshold the portal may set, 0 meaning "not
checked": :func:`require_assurance` refuses a sign-in below it, :func:`business_at_assurance` takes
a business as proven only at or above its own threshold.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from moh_core.errors import MohError, ProblemCode, register_texts

__all__ = [
    "AccountKind",
    "BusinessIdentity",
    "ClaimNames",
    "IdentityProblem",
    "IdentityRefused",
    "NationalIdentity",
    "business_at_assurance",
    "map_claims",
    "meets_assurance",
    "normalise_tax_code",
    "require_assurance",
]

#: A Vietnamese tax code: 10 digits, a branch adds "-" and 3 digits.
_TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")
_DIGITS = re.compile(r"\d+")


class AccountKind(StrEnum):
    """``LoaiTaiKhoan``: who the national account belongs to."""

    CITIZEN = "citizen"
    BUSINESS = "business"
    ORGANISATION = "organisation"


class IdentityProblem(ProblemCode):
    NO_SUBJECT = "no_subject"
    NO_TECH_ID = "no_tech_id"
    UNKNOWN_KIND = "unknown_kind"
    SUBJECT_MISMATCH = "subject_mismatch"
    BAD_ID_TOKEN = "bad_id_token"
    LOW_ASSURANCE = "low_assurance"


register_texts(
    IdentityProblem,
    {
        IdentityProblem.NO_SUBJECT: "the national sign-in did not say who signed in (no subject)",
        IdentityProblem.NO_TECH_ID: "the national sign-in did not give the account's TechID",
        IdentityProblem.UNKNOWN_KIND: "the national account is of an unknown kind ({kind})",
        IdentityProblem.SUBJECT_MISMATCH: "the identity data do not belong to the account that signed in",
        IdentityProblem.BAD_ID_TOKEN: "the identity provider's answer could not be verified",
        IdentityProblem.LOW_ASSURANCE: "your account's level of assurance is {level}, and this portal requires "
        "level {required}; sign in with VNeID at level {required}",
    },
    {
        IdentityProblem.NO_SUBJECT: "đăng nhập quốc gia không cho biết ai đăng nhập (thiếu định danh)",
        IdentityProblem.NO_TECH_ID: "đăng nhập quốc gia không trả về TechID của tài khoản",
        IdentityProblem.UNKNOWN_KIND: "tài khoản quốc gia thuộc loại không xác định ({kind})",
        IdentityProblem.SUBJECT_MISMATCH: "thông tin định danh không thuộc tài khoản đã đăng nhập",
        IdentityProblem.BAD_ID_TOKEN: "không xác minh được phản hồi của hệ thống định danh",
        IdentityProblem.LOW_ASSURANCE: "tài khoản của bạn có mức độ đảm bảo định danh {level}, cổng này yêu cầu "
        "mức độ {required}; vui lòng đăng nhập bằng tài khoản định danh điện tử VNeID mức độ {required}",
    },
)


class IdentityRefused(MohError):
    """The claims do not make an identity the portal can sign in."""

    frame = "The national sign-in was refused: {reason}."
    frame_vi = "Đăng nhập quốc gia bị từ chối: {reason}."


@dataclasses.dataclass(frozen=True)
class ClaimNames:
    """Where each piece of the identity is in the claims, and what the codes mean: all *(verify)*
    against the real IdP, so all settable (:meth:`from_mapping`)."""

    subject: str = "sub"
    tech_id: str = "TechID"
    account_kind: str = "LoaiTaiKhoan"
    id_number: str = "SoDinhDanh"
    old_id_number: str = "SoCMND"
    name: str = "HoVaTen"
    birth_date: str = "NgayThangNamSinh"
    email: str = "ThuDienTu"
    phone: str = "SoDienThoai"
    tax_code: str = "MaSoThue"
    enterprise_code: str = "MaSoDoanhNghiep"
    business_name: str = "TenDoanhNghiep"
    levels_of_assurance: str = "loAs"
    identity_assurance: str = "IAL"
    login_idp: str = "loginIdp"
    #: ``LoaiTaiKhoan`` values.
    citizen_codes: tuple[str, ...] = ("1",)
    business_codes: tuple[str, ...] = ("2",)
    organisation_codes: tuple[str, ...] = ("3",)
    #: ``loginIdp`` values that mean the person signed in with VNeID (the Ministry of Public Security).
    vneid_idps: tuple[str, ...] = ("BCA",)
    birth_date_format: str = "%Y%m%d"

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None) -> ClaimNames:
        """The defaults overridden by ``values`` (an operator's setting, e.g. parsed JSON); a
        list is taken for the tuple fields, an unknown key is refused (a typo must not pass)."""
        known = {field.name: field for field in dataclasses.fields(cls)}
        changes: dict[str, Any] = {}
        for key, value in (values or {}).items():
            if key not in known:
                raise ValueError(f"unknown claim setting {key!r}; known: {', '.join(sorted(known))}")
            if isinstance(known[key].default, tuple):
                items = [value] if isinstance(value, str) else list(value)
                changes[key] = tuple(str(item) for item in items)
            else:
                changes[key] = str(value)
        return dataclasses.replace(cls(), **changes)


@dataclasses.dataclass(frozen=True)
class BusinessIdentity:
    """The business an account of kind 2 proves, by its tax code (or enterprise code)."""

    tax_code: str
    name: str
    enterprise_code: str = ""


@dataclasses.dataclass(frozen=True)
class NationalIdentity:
    """One signed-in national account."""

    subject: str
    tech_id: str
    kind: AccountKind
    name: str = ""
    id_number: str = ""
    birth_date: datetime.date | None = None
    email: str = ""
    phone: str = ""
    login_idp: str = ""
    via_vneid: bool = False
    #: The highest level of assurance the claims state (0: none stated).
    assurance_level: int = 0
    #: The business the claims prove; None for a citizen, an organisation, or an unproven claim.
    business: BusinessIdentity | None = None
    #: A tax code the claims mention without proving it (a citizen's account that carries one).
    unproven_tax_code: str = ""

    @property
    def business_proven(self) -> bool:
        return self.business is not None

    def may_act_for(self, tax_code: str | None) -> bool:
        """Whether this identity proves the company with ``tax_code``: only a proven business,
        and only its own code (a branch "-001" is another code)."""
        wanted = normalise_tax_code(tax_code)
        return bool(self.business and wanted and wanted == self.business.tax_code)


def normalise_tax_code(value: object) -> str:
    """The tax code without spaces and dots, or "" when it is not a well-formed one."""
    text = re.sub(r"[\s.]", "", str(value or ""))
    return text if _TAX_CODE.match(text) else ""


def meets_assurance(level: int | None, minimum: int | None) -> bool:
    """Whether an identity of assurance ``level`` (0 or None: none stated, or a password) reaches
    ``minimum``; a minimum of 0 (or None) is not checked."""
    return not minimum or minimum <= 0 or (level or 0) >= minimum


def require_assurance(identity: NationalIdentity, minimum: int | None) -> NationalIdentity:
    """``identity`` when its claims state at least ``minimum``; refused
    (:class:`IdentityRefused`, ``LOW_ASSURANCE``) below it."""
    if not meets_assurance(identity.assurance_level, minimum):
        raise IdentityRefused(IdentityProblem.LOW_ASSURANCE, {"level": identity.assurance_level, "required": minimum})
    return identity


def business_at_assurance(identity: NationalIdentity, minimum: int | None) -> NationalIdentity:
    """``identity`` as proof of its business only at or above ``minimum``: below it the business
    is dropped (its tax code kept as unproven), so the person acts in their own name only."""
    if identity.business is None or meets_assurance(identity.assurance_level, minimum):
        return identity
    return dataclasses.replace(identity, business=None, unproven_tax_code=identity.business.tax_code)


def _text(claims: Mapping[str, Any], name: str) -> str:
    value = claims.get(name)
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def _birth_date(value: str, fmt: str) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(value, fmt).date() if value else None
    except ValueError:
        return None


def _levels(values: Iterable[object]) -> int:
    """The highest number in values like "LoA2", "2", ["LoA1", "LoA3"], 2."""
    best = 0
    for value in values:
        items = value if isinstance(value, (list, tuple)) else [value]
        for item in items:
            for digits in _DIGITS.findall(str(item if item is not None else "")):
                best = max(best, int(digits))
    return best


def _kind(code: str, names: ClaimNames) -> AccountKind:
    if code in names.citizen_codes:
        return AccountKind.CITIZEN
    if code in names.business_codes:
        return AccountKind.BUSINESS
    if code in names.organisation_codes:
        return AccountKind.ORGANISATION
    raise IdentityRefused(IdentityProblem.UNKNOWN_KIND, {"kind": code or "-"})


def map_claims(
    id_token_claims: Mapping[str, Any],
    userinfo: Mapping[str, Any] | None = None,
    names: ClaimNames | None = None,
) -> NationalIdentity:
    """The identity in the verified id_token's claims and the userinfo answer (userinfo wins
    on a claim both give). The userinfo must belong to the id_token's subject (OpenID Connect
    Core 5.3.2); a missing subject, TechID or unknown account kind is refused
    (:class:`IdentityRefused`)."""
    names = names or ClaimNames()
    info = dict(userinfo or {})
    subject = _text(id_token_claims, names.subject)
    if not subject:
        raise IdentityRefused(IdentityProblem.NO_SUBJECT)
    info_subject = _text(info, names.subject)
    if info and info_subject != subject:
        raise IdentityRefused(IdentityProblem.SUBJECT_MISMATCH)
    claims = {**id_token_claims, **info}
    tech_id = _text(claims, names.tech_id)
    if not tech_id:
        raise IdentityRefused(IdentityProblem.NO_TECH_ID)
    kind = _kind(_text(claims, names.account_kind), names)
    tax_code = normalise_tax_code(_text(claims, names.tax_code))
    enterprise_code = normalise_tax_code(_text(claims, names.enterprise_code))
    code = tax_code or enterprise_code
    business = None
    if kind is AccountKind.BUSINESS and code:
        business = BusinessIdentity(
            tax_code=code, name=_text(claims, names.business_name), enterprise_code=enterprise_code
        )
    login_idp = _text(claims, names.login_idp)
    return NationalIdentity(
        subject=subject,
        tech_id=tech_id,
        kind=kind,
        name=_text(claims, names.name),
        id_number=_text(claims, names.id_number) or _text(claims, names.old_id_number),
        birth_date=_birth_date(_text(claims, names.birth_date), names.birth_date_format),
        email=_text(claims, names.email),
        phone=_text(claims, names.phone),
        login_idp=login_idp,
        via_vneid=login_idp in names.vneid_idps,
        assurance_level=_levels([claims.get(names.levels_of_assurance), claims.get(names.identity_assurance)]),
        business=business,
        unproven_tax_code="" if business else code,
    )
