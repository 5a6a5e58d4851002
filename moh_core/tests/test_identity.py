"""The DVCQG identity claims mapped to a typed identity, and what a business identity proves."""

import datetime

import pytest

from moh_core.identity import (
    AccountKind,
    ClaimNames,
    IdentityProblem,
    IdentityRefused,
    business_at_assurance,
    map_claims,
    meets_assurance,
    normalise_tax_code,
    require_assurance,
)

CITIZEN = {
    "sub": "citizen-1",
    "TechID": "TECH-C-1",
    "LoaiTaiKhoan": "1",
    "SoDinhDanh": "001090000001",
    "HoVaTen": "Nguyễn Văn An",
    "NgayThangNamSinh": "19900115",
    "ThuDienTu": "an@example.vn",
    "SoDienThoai": "0912345678",
    "loAs": "LoA2",
}
BUSINESS = {
    "sub": "biz-1",
    "TechID": "TECH-B-1",
    "LoaiTaiKhoan": "2",
    "HoVaTen": "Trần Thị Bình",
    "MaSoThue": "0101234567",
    "MaSoDoanhNghiep": "0101234567",
    "TenDoanhNghiep": "Công ty Dược An Bình",
    "loAs": ["LoA1", "LoA3"],
}


def test_citizen():
    identity = map_claims({"sub": "citizen-1"}, CITIZEN)
    assert identity.kind is AccountKind.CITIZEN
    assert identity.tech_id == "TECH-C-1"
    assert identity.name == "Nguyễn Văn An"
    assert identity.id_number == "001090000001"
    assert identity.birth_date == datetime.date(1990, 1, 15)
    assert identity.email == "an@example.vn"
    assert identity.phone == "0912345678"
    assert identity.assurance_level == 2
    assert not identity.via_vneid
    assert not identity.business_proven
    assert not identity.may_act_for("0101234567")


def test_business_proven_by_tax_code():
    identity = map_claims(BUSINESS)
    assert identity.kind is AccountKind.BUSINESS
    assert identity.business_proven
    assert identity.business.tax_code == "0101234567"
    assert identity.business.name == "Công ty Dược An Bình"
    assert identity.business.enterprise_code == "0101234567"
    assert identity.assurance_level == 3
    assert identity.may_act_for("0101 234 567")
    assert not identity.may_act_for("0109999999")
    assert not identity.may_act_for("0101234567-001")
    assert not identity.may_act_for(None)
    assert identity.unproven_tax_code == ""


def test_business_proven_by_enterprise_code_alone():
    claims = {**BUSINESS, "MaSoThue": "", "MaSoDoanhNghiep": "0101234567-002"}
    identity = map_claims(claims)
    assert identity.business.tax_code == "0101234567-002"


def test_business_account_without_a_code_proves_nothing():
    claims = {**BUSINESS, "MaSoThue": "not-a-code", "MaSoDoanhNghiep": None}
    identity = map_claims(claims)
    assert identity.kind is AccountKind.BUSINESS
    assert not identity.business_proven
    assert identity.unproven_tax_code == ""


def test_citizen_with_a_tax_code_never_proves_a_company():
    identity = map_claims({**CITIZEN, "MaSoThue": "0101234567", "TenDoanhNghiep": "X"})
    assert not identity.business_proven
    assert identity.unproven_tax_code == "0101234567"
    assert not identity.may_act_for("0101234567")


def test_organisation_proves_no_company():
    identity = map_claims({**BUSINESS, "LoaiTaiKhoan": "3"})
    assert identity.kind is AccountKind.ORGANISATION
    assert not identity.business_proven


def test_vneid_login():
    identity = map_claims({**CITIZEN, "loginIdp": "BCA", "loAs": None, "IAL": "2"})
    assert identity.via_vneid
    assert identity.login_idp == "BCA"
    assert identity.assurance_level == 2


def test_old_id_number_and_odd_values():
    claims = {
        **CITIZEN,
        "SoDinhDanh": "",
        "SoCMND": "123456789",
        "NgayThangNamSinh": "1990-01-15",
        "HoVaTen": {"not": "text"},
        "loAs": 2,
    }
    identity = map_claims(claims)
    assert identity.id_number == "123456789"
    assert identity.birth_date is None
    assert identity.name == ""
    assert identity.assurance_level == 2


def test_no_assurance_stated():
    claims = {key: value for key, value in CITIZEN.items() if key != "loAs"}
    assert map_claims(claims).assurance_level == 0
    assert map_claims({**claims, "NgayThangNamSinh": ""}).birth_date is None


@pytest.mark.parametrize(
    ("id_token", "userinfo", "problem"),
    [
        ({}, CITIZEN, IdentityProblem.NO_SUBJECT),
        ({"sub": "other"}, CITIZEN, IdentityProblem.SUBJECT_MISMATCH),
        ({"sub": "citizen-1"}, {**CITIZEN, "TechID": " "}, IdentityProblem.NO_TECH_ID),
        ({"sub": "citizen-1"}, {**CITIZEN, "LoaiTaiKhoan": "9"}, IdentityProblem.UNKNOWN_KIND),
        ({"sub": "citizen-1"}, {**CITIZEN, "LoaiTaiKhoan": None}, IdentityProblem.UNKNOWN_KIND),
    ],
)
def test_refused(id_token, userinfo, problem):
    with pytest.raises(IdentityRefused) as caught:
        map_claims(id_token, userinfo)
    assert caught.value.code is problem
    assert caught.value.message.startswith("The national sign-in was refused: ")
    assert caught.value.message_in("vi").startswith("Đăng nhập quốc gia bị từ chối: ")


@pytest.mark.parametrize(
    ("level", "minimum", "meets"),
    [(0, 0, True), (0, None, True), (None, 0, True), (1, 1, True), (2, 1, True), (1, 2, False), (0, 1, False)],
)
def test_meets_assurance(level, minimum, meets):
    assert meets_assurance(level, minimum) is meets


def test_sign_in_below_the_minimum_assurance_is_refused():
    identity = map_claims({**CITIZEN, "loAs": "LoA1"})
    assert require_assurance(identity, 0) is identity
    assert require_assurance(identity, 1) is identity
    with pytest.raises(IdentityRefused) as caught:
        require_assurance(identity, 2)
    assert caught.value.code is IdentityProblem.LOW_ASSURANCE
    assert "level of assurance is 1" in caught.value.message
    assert "sign in with VNeID at level 2" in caught.value.message
    assert caught.value.message_in("vi").startswith("Đăng nhập quốc gia bị từ chối: ")
    assert "VNeID mức độ 2" in caught.value.message_in("vi")
    # No level stated counts as 0.
    with pytest.raises(IdentityRefused):
        require_assurance(map_claims({key: value for key, value in CITIZEN.items() if key != "loAs"}), 1)


def test_business_proven_only_at_its_assurance_level():
    level_1 = map_claims({**BUSINESS, "loAs": "LoA1"})
    assert level_1.business_proven
    assert business_at_assurance(level_1, 0) is level_1
    assert business_at_assurance(level_1, 1) is level_1
    weak = business_at_assurance(level_1, 2)
    assert not weak.business_proven
    assert not weak.may_act_for("0101234567")
    assert weak.unproven_tax_code == "0101234567"
    assert weak.kind is AccountKind.BUSINESS
    assert weak.tech_id == level_1.tech_id
    assert business_at_assurance(map_claims(BUSINESS), 2).business_proven  # loAs LoA1 and LoA3: 3
    citizen = map_claims({**CITIZEN, "loAs": "LoA1"})
    assert business_at_assurance(citizen, 2) is citizen


def test_userinfo_wins_and_empty_userinfo_is_not_checked():
    identity = map_claims({**CITIZEN, "HoVaTen": "Old"}, {"sub": "citizen-1", "HoVaTen": "New"})
    assert identity.name == "New"
    assert map_claims(CITIZEN, {}).tech_id == "TECH-C-1"


def test_claim_names_are_a_setting():
    names = ClaimNames.from_mapping(
        {"tech_id": "technical_id", "business_codes": ["2", "DN"], "vneid_idps": "VNEID", "name": "ho_ten"}
    )
    assert names.business_codes == ("2", "DN")
    assert names.vneid_idps == ("VNEID",)
    claims = {
        "sub": "s",
        "technical_id": "T",
        "LoaiTaiKhoan": "DN",
        "MaSoThue": "0101234567",
        "ho_ten": "A",
        "loginIdp": "VNEID",
    }
    identity = map_claims(claims, names=names)
    assert identity.tech_id == "T"
    assert identity.business_proven
    assert identity.via_vneid
    assert identity.name == "A"
    assert ClaimNames.from_mapping(None) == ClaimNames()
    with pytest.raises(ValueError, match="unknown claim setting 'TechId'"):
        ClaimNames.from_mapping({"TechId": "x"})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0101234567", "0101234567"),
        (" 0101.234.567 ", "0101234567"),
        ("0101234567-001", "0101234567-001"),
        ("010123456", ""),
        (None, ""),
        ("0101234567-01", ""),
    ],
)
def test_normalise_tax_code(value, expected):
    assert normalise_tax_code(value) == expected
