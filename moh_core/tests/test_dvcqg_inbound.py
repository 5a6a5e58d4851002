"""Dossiers pushed by the national public service portal: parsing, checks, the answer."""

import base64
import datetime as dt
import json

import pytest

from moh_core.onestop.dvcqg_inbound import (
    ACCEPTED,
    DUPLICATE,
    REFUSED,
    ApplicantKind,
    InboundError,
    InboundProblem,
    parse_dossier,
    parse_dossier_list,
    parse_filed_at,
    reply,
)

PDF = b"%PDF-1.4 not really checked here"


def dossier(**changes):
    data = {
        "MaHoSo": "G22.99-251204-00012",
        "MaTTHC": "1.002088",
        "TenTTHC": "Cấp giấy phép",
        "ChuHoSo": "Công ty TNHH Dược An Khang",
        "LoaiDoiTuong": "2",
        "MaSoThue": "0312345678",
        "SoGiayToChuHoSo": "079123456789",
        "MaDoiTuong": "tech-1",
        "Email": "ak@example.com",
        "SoDienThoai": "0901234567",
        "DiaChi": "12 Lê Lợi, Quận 1",
        "NgayNopHoSo": "20251204093000",
        "TrichYeuHoSo": "Xin cấp phép",
        "TaiLieuNop": [
            {"TenTepDinhKem": "don.pdf", "MaThanhPhanHoSo": "TP1", "Base64": base64.b64encode(PDF).decode()}
        ],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not ...}


def refused(data, **kwargs):
    with pytest.raises(InboundError) as caught:
        parse_dossier(data, **kwargs)
    return caught.value


def test_parse_complete_dossier_from_json_text():
    parsed = parse_dossier(json.dumps(dossier()).encode())
    assert parsed.code == "G22.99-251204-00012"
    assert parsed.procedure_code == "1.002088"
    assert parsed.procedure_name == "Cấp giấy phép"
    assert parsed.summary == "Xin cấp phép"
    assert parsed.applicant.name == "Công ty TNHH Dược An Khang"
    assert parsed.applicant.kind == ApplicantKind.BUSINESS and parsed.applicant.is_business
    assert parsed.applicant.tax_code == "0312345678"
    assert parsed.applicant.id_number == "079123456789"
    assert parsed.applicant.techid == "tech-1"
    assert parsed.applicant.email == "ak@example.com"
    assert parsed.applicant.phone == "0901234567"
    assert parsed.applicant.address == "12 Lê Lợi, Quận 1"
    assert parsed.filed_at.utcoffset() == dt.timedelta(hours=7)
    assert parsed.filed_at_utc == dt.datetime(2025, 12, 4, 2, 30)
    (file,) = parsed.files
    assert (file.name, file.component_code, file.data, file.url, file.field) == (
        "don.pdf",
        "TP1",
        PDF,
        None,
        "TaiLieuNop[0]",
    )


def test_citizen_without_tax_code_and_numbers_as_scalars():
    parsed = parse_dossier(dossier(LoaiDoiTuong=1, MaSoThue=..., ChuHoSo="Nguyễn Văn A", SoDienThoai=901234567))
    assert parsed.applicant.kind == ApplicantKind.CITIZEN and not parsed.applicant.is_business
    assert parsed.applicant.tax_code == ""
    assert parsed.applicant.phone == "901234567"


def test_business_address_from_codes():
    parsed = parse_dossier(dossier(DiaChi=..., DiaChiDoanhNghiep={"MaTinh": "79", "MaHuyen": "760", "MaXa": ""}))
    assert parsed.applicant.address == "760, 79"


def test_file_by_link_and_base64_with_whitespace_and_data_uri():
    encoded = base64.b64encode(PDF).decode()
    parsed = parse_dossier(
        dossier(
            TaiLieuNop=[
                {"TenTepDinhKem": "a.pdf", "DuongDanTaiTepTin": "https://dvc.example/f/1"},
                {"TenTepDinhKem": "b.pdf", "Base64": encoded[:8] + "\n " + encoded[8:]},
                {"TenTepDinhKem": "c.pdf", "Base64": "data:application/pdf;base64," + encoded},
            ]
        )
    )
    assert parsed.files[0].url == "https://dvc.example/f/1" and parsed.files[0].data is None
    assert parsed.files[0].component_code == ""
    assert parsed.files[1].data == PDF and parsed.files[2].data == PDF
    assert parsed.files[2].index == 2


def test_no_files_allowed_when_not_required():
    assert parse_dossier(dossier(TaiLieuNop=...), require_files=False).files == ()
    assert refused(dossier(TaiLieuNop=[])).code == InboundProblem.NO_FILES


@pytest.mark.parametrize(
    ("payload", "problem", "field"),
    [
        (b"{not json", InboundProblem.NOT_JSON, ""),
        (b"\xff\xfe", InboundProblem.NOT_JSON, ""),
        ("[1, 2]", InboundProblem.NOT_OBJECT, ""),
        (dossier(MaHoSo=...), InboundProblem.MISSING, "MaHoSo"),
        (dossier(MaHoSo="  "), InboundProblem.MISSING, "MaHoSo"),
        (dossier(MaHoSo="a b"), InboundProblem.BAD_CODE, "MaHoSo"),
        (dossier(MaHoSo="x" * 101), InboundProblem.TOO_LONG, "MaHoSo"),
        (dossier(MaHoSo={"a": 1}), InboundProblem.NOT_TEXT, "MaHoSo"),
        (dossier(MaHoSo=True), InboundProblem.NOT_TEXT, "MaHoSo"),
        (dossier(MaTTHC=...), InboundProblem.MISSING, "MaTTHC"),
        (dossier(NgayNopHoSo=...), InboundProblem.MISSING, "NgayNopHoSo"),
        (dossier(NgayNopHoSo="2025-12-04"), InboundProblem.BAD_DATE, "NgayNopHoSo"),
        (dossier(NgayNopHoSo="20251304093000"), InboundProblem.BAD_DATE, "NgayNopHoSo"),
        (dossier(LoaiDoiTuong=...), InboundProblem.MISSING, "LoaiDoiTuong"),
        (dossier(LoaiDoiTuong="x"), InboundProblem.BAD_KIND, "LoaiDoiTuong"),
        (dossier(LoaiDoiTuong="7"), InboundProblem.BAD_KIND, "LoaiDoiTuong"),
        (dossier(LoaiDoiTuong=True), InboundProblem.BAD_KIND, "LoaiDoiTuong"),
        (dossier(MaSoThue=""), InboundProblem.TAX_CODE_REQUIRED, "MaSoThue"),
        (dossier(ChuHoSo=""), InboundProblem.MISSING, "ChuHoSo"),
        (dossier(TaiLieuNop={"a": 1}), InboundProblem.NOT_LIST, "TaiLieuNop"),
        (dossier(TaiLieuNop=["x"]), InboundProblem.NOT_OBJECT, "TaiLieuNop[0]"),
        (dossier(TaiLieuNop=[{"TenTepDinhKem": "a.pdf"}]), InboundProblem.NO_CONTENT, "TaiLieuNop[0]"),
        (dossier(TaiLieuNop=[{"Base64": "QQ=="}]), InboundProblem.MISSING, "TaiLieuNop[0].TenTepDinhKem"),
        (
            dossier(TaiLieuNop=[{"TenTepDinhKem": "a.pdf", "Base64": "QQ==", "DuongDanTaiTepTin": "https://x/y"}]),
            InboundProblem.TWO_CONTENTS,
            "TaiLieuNop[0]",
        ),
        (
            dossier(TaiLieuNop=[{"TenTepDinhKem": "a.pdf", "DuongDanTaiTepTin": "file:///etc/passwd"}]),
            InboundProblem.BAD_URL,
            "TaiLieuNop[0].DuongDanTaiTepTin",
        ),
        (
            dossier(TaiLieuNop=[{"TenTepDinhKem": "a.pdf", "DuongDanTaiTepTin": "https://"}]),
            InboundProblem.BAD_URL,
            "TaiLieuNop[0].DuongDanTaiTepTin",
        ),
        (
            dossier(TaiLieuNop=[{"TenTepDinhKem": "a.pdf", "Base64": "not base64!"}]),
            InboundProblem.BAD_BASE64,
            "TaiLieuNop[0].Base64",
        ),
        (
            dossier(TaiLieuNop=[{"TenTepDinhKem": "a.pdf", "Base64": "QQ="}]),
            InboundProblem.BAD_BASE64,
            "TaiLieuNop[0].Base64",
        ),
        (
            dossier(TaiLieuNop=[{"TenTepDinhKem": "a.pdf", "Base64": 12}]),
            InboundProblem.NOT_TEXT,
            "TaiLieuNop[0].Base64",
        ),
        (
            dossier(TaiLieuNop=[{"TenTepDinhKem": "a.pdf", "Base64": "QQ==", "MaThanhPhanHoSo": "a b"}]),
            InboundProblem.BAD_CODE,
            "TaiLieuNop[0].MaThanhPhanHoSo",
        ),
    ],
)
def test_refusals_name_the_field(payload, problem, field):
    error = refused(payload)
    assert error.code == problem
    assert error.field == field
    assert error.message.startswith(f"{field or 'request'}: ")
    assert error.message_in("vi").startswith(f"{field or 'request'}: ")
    assert error.message_in("vi") != error.message


def test_size_limits_per_file_and_per_dossier_before_decoding():
    big = base64.b64encode(b"x" * 2000).decode()
    error = refused(dossier(TaiLieuNop=[{"TenTepDinhKem": "a.pdf", "Base64": big}]), max_file_bytes=1999)
    assert error.code == InboundProblem.FILE_TOO_LARGE
    assert "0.00 MB" in error.message
    assert parse_dossier(dossier(TaiLieuNop=[{"TenTepDinhKem": "a.pdf", "Base64": big}]), max_file_bytes=2000)
    two = [{"TenTepDinhKem": f"{n}.pdf", "Base64": big} for n in range(2)]
    error = refused(dossier(TaiLieuNop=two), max_dossier_bytes=3999)
    assert error.code == InboundProblem.DOSSIER_TOO_LARGE
    assert error.field == "TaiLieuNop"
    error = refused(dossier(TaiLieuNop=two), max_files=1)
    assert error.code == InboundProblem.TOO_MANY_FILES and "1 files" in error.message
    huge = base64.b64encode(b"x" * (3 * 1024 * 1024)).decode()
    error = refused(dossier(TaiLieuNop=[{"TenTepDinhKem": "a.pdf", "Base64": huge}]), max_file_bytes=2 * 1024 * 1024)
    assert "2 MB" in error.message


def test_parse_filed_at():
    moment = parse_filed_at("20250101000000")
    assert moment.astimezone(dt.UTC) == dt.datetime(2024, 12, 31, 17, tzinfo=dt.UTC)
    with pytest.raises(InboundError) as caught:
        parse_filed_at("2025", "X")
    assert caught.value.field == "X"


def test_reply():
    assert reply(ACCEPTED, "ok") == {"error_code": 0, "message": "ok"}
    assert reply(DUPLICATE)["error_code"] == 1
    assert reply(REFUSED, "bad")["error_code"] == -1
    with pytest.raises(ValueError, match="unknown"):
        reply(3)


def test_parse_dossier_list():
    assert parse_dossier_list(json.dumps([dossier()])) == [dossier()]
    assert parse_dossier_list({"error_code": "0", "data": [1]}) == [1]
    assert parse_dossier_list({"error_code": 0, "result": [2]}) == [2]
    assert parse_dossier_list({"error_code": "00"}) == []
    assert parse_dossier_list(b"null") == []
    with pytest.raises(InboundError) as caught:
        parse_dossier_list({"error_code": "-1", "message": "phiên hết hạn"})
    assert caught.value.code == InboundProblem.PEER_ERROR
    assert "-1: phiên hết hạn" in caught.value.message
    with pytest.raises(InboundError) as caught:
        parse_dossier_list({"data": {"a": 1}})
    assert caught.value.code == InboundProblem.NOT_LIST
    with pytest.raises(InboundError):
        parse_dossier_list(b"[")


def test_inbound_peer_serves_dossiers_and_files():
    import urllib.error
    import urllib.request

    from moh_core.testing.dvcqg_inbound_peer import InboundPeer

    with InboundPeer([dossier()], token="t", files={"a.pdf": PDF}) as peer:

        def get(path, token="t"):
            request = urllib.request.Request(peer.url + path, headers={"Authorization": f"Bearer {token}"})
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.read()

        assert parse_dossier_list(get("/dossiers?since=0")) == [dossier()]
        assert get("/files/a.pdf") == PDF
        for path, token, status in (("/dossiers", "bad", 401), ("/files/x", "t", 404), ("/other", "t", 404)):
            with pytest.raises(urllib.error.HTTPError) as caught:
                get(path, token)
            assert caught.value.code == status
        peer.fail_status = 503
        with pytest.raises(urllib.error.HTTPError) as caught:
            get("/dossiers")
        assert caught.value.code == 503
        assert len(peer.requests) == 6
