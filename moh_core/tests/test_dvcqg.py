"""moh_core.dvcqg: wire conventions, records, catalogue readers, signed links, and the client
against the local double (moh_core.testing.dvcqg) over real HTTP."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from moh_core import dvcqg
from moh_core.dvcqg import catalogue, links, records, wire
from moh_core.dvcqg.client import Client, Settings
from moh_core.testing.dvcqg import LocalDvcqg, main

VN = wire.VIETNAM


# -- wire --------------------------------------------------------------------------------------
def test_format_date_naive_is_utc_and_shown_in_vietnam_time():
    assert wire.format_date(dt.datetime(2026, 3, 1, 17, 30, 5)) == "20260302003005"
    assert wire.format_date(dt.datetime(2026, 3, 1, 8, 0, tzinfo=VN)) == "20260301080000"
    assert wire.format_date(dt.date(2026, 3, 1)) == "20260301000000"
    assert wire.format_date(None) == ""


def test_day_at_and_parse_date():
    assert wire.day_at(dt.date(2026, 3, 1)) == "20260301170000"
    assert wire.day_at(dt.date(2026, 3, 1), dt.time(23, 59, 59)) == "20260301235959"
    assert wire.day_at(None) == ""
    assert wire.parse_date("20260301080000") == dt.datetime(2026, 3, 1, 8, tzinfo=VN)
    assert wire.parse_date("") is None
    for bad in ("2026-03-01", "2026030108000x"):
        with pytest.raises(ValueError):
            wire.parse_date(bad)


def test_scalar_makes_strings_all_the_way_down():
    value = {"a": 1, "b": True, "c": False, "d": None, "e": [1.5, {"f": 2}], "g": dt.date(2026, 1, 2), "h": "x"}
    assert wire.scalar(value) == {
        "a": "1",
        "b": "True",
        "c": "False",
        "d": "",
        "e": ["1.5", {"f": "2"}],
        "g": "20260102000000",
        "h": "x",
    }
    assert wire.scalar((1, 2)) == ["1", "2"]


@pytest.mark.parametrize(
    ("data", "ok", "duplicate", "auth"),
    [
        ({"error_code": 0}, True, False, False),
        ({"error_code": "00", "message": "ok"}, True, False, False),
        ({"error_code": -1, "message": "Lỗi"}, False, False, False),
        ({"error_code": "3", "message": "x"}, False, True, False),
        ({"error_code": "-3", "message": "x"}, False, True, False),
        ({"error_code": "-1", "message": "Hồ sơ ĐÃ TỒN TẠI"}, False, True, False),
        ({"error_code": "-1", "message": "Phiên đã hết hạn"}, False, False, True),
        ({"error_code": "-1", "error_message": "invalid session"}, False, False, True),
    ],
)
def test_parse_reply_classifies(data, ok, duplicate, auth):
    reply = wire.parse_reply(data)
    assert (reply.ok, reply.duplicate, reply.auth_failure) == (ok, duplicate, auth)
    assert not reply.retryable


def test_reply_retryable_codes_and_error():
    reply = wire.parse_reply({"error_code": "-99", "message": "busy"}, retryable_codes=["-99"])
    assert reply.retryable
    error = reply.error("X")
    assert error.retryable and error.reply is reply and "busy" in str(error)
    assert "no message" in str(wire.parse_reply({"error_code": "-1"}).error("X"))
    for bad in ([], {"message": "x"}, "text"):
        with pytest.raises(wire.DvcqgError) as caught:
            wire.parse_reply(bad)
        assert caught.value.retryable


# -- records -----------------------------------------------------------------------------------
def snapshot(**overrides):
    values = {
        "code": "G15-260301-00001",
        "procedure_code": "1.002088",
        "procedure_name": "Cấp giấy phép hoạt động",
        "field_code": "G15-YT05",
        "field_name": "Khám bệnh, chữa bệnh",
        "state": "received",
        "applicant_name": "Công ty A",
        "applicant_kind": "company",
        "email": "a@example.com",
        "phone": "0912345678",
        "summary": "x" * 1200,
        "submitted_at": dt.datetime(2026, 3, 1, 1, 0),
        "received_at": dt.datetime(2026, 3, 1, 2, 0),
        "due_date": dt.date(2026, 3, 20),
        "paid_online": True,
        "files": (records.FileRef("7", "don.pdf", "http://x/7", "TP1"),),
        "fees": (records.Fee("Phí thẩm định", 1500000.0, "P1", "1", "1"), records.Fee("Lệ phí", "200000.5")),
        "supplements": (
            records.Supplement(
                "1",
                "Nguyễn B",
                "Bổ sung bản sao",
                dt.datetime(2026, 3, 3),
                None,
                "1",
                ("Bản sao",),
                None,
                dt.date(2026, 3, 25),
            ),
        ),
        "results": (records.ResultDoc("9", "Giấy phép", "http://x/9", "KQ1", "GP-1"),),
    }
    values.update(overrides)
    return records.DossierSnapshot(**values)


def test_dossier_record_maps_every_field_to_strings():
    record = records.dossier_record(snapshot(extra={"NoiNopHoSo": "Bộ phận một cửa"}))
    assert record["MaHoSo"] == "G15-260301-00001"
    assert record["SoBienNhan"] == "G15-260301-00001"
    assert record["LoaiDoiTuong"] == "2"
    assert record["TrangThaiHoSo"] == "2"
    assert record["KenhThucHien"] == "2"
    assert record["HinhThuc"] == "0"
    assert record["NgayNopHoSo"] == "20260301080000"
    assert record["NgayHenTra"] == "20260320170000"
    assert record["NgayTra"] == ""
    assert record["DuocThanhToanTrucTuyen"] == "True"
    assert record["HoSoCoThanhPhanSoHoa"] == "False"
    assert len(record["TrichYeuHoSo"]) == 1000
    assert record["TaiLieuNop"] == [
        {
            "TepDinhKemId": "7",
            "TenTepDinhKem": "don.pdf",
            "IsDeleted": "False",
            "MaThanhPhanHoSo": "TP1",
            "DuongDanTaiTepTin": "http://x/7",
        }
    ]
    assert [fee["Gia"] for fee in record["DanhSachLePhi"]] == ["1500000", "200000.5"]
    assert record["DanhSachHoSoBoSung"][0]["NgayHenTraMoi"] == "20260325170000"
    assert record["DanhSachHoSoBoSung"][0]["DanhSachGiayToBoSung"] == ["Bản sao"]
    assert record["DanhSachGiayToKetQua"][0]["DuongDanTepTinKetQua"] == "http://x/9"
    assert record["NoiNopHoSo"] == "Bộ phận một cửa"
    assert json.loads(json.dumps(record)) == record


def test_dossier_record_mappings_override_defaults():
    maps = records.Mappings(status={"received": "4"}, return_kinds={"post": "1"}, due_time=dt.time(23, 59))
    record = records.dossier_record(snapshot(return_kind="post", receipt_number="BN-1"), maps)
    assert (record["TrangThaiHoSo"], record["HinhThuc"], record["SoBienNhan"]) == ("4", "1", "BN-1")
    assert record["NgayHenTra"] == "20260320235900"
    assert records.dossier_record(snapshot(return_kind="unknown"))["HinhThuc"] == "0"


def test_dossier_record_refuses_what_it_cannot_map():
    with pytest.raises(records.MappingError, match="no code"):
        records.dossier_record(snapshot(code=""))
    with pytest.raises(records.MappingError, match="MaTTHC"):
        records.dossier_record(snapshot(procedure_code=""))
    with pytest.raises(records.MappingError, match="applicant kind"):
        records.dossier_record(snapshot(applicant_kind="alien"))
    with pytest.raises(records.MappingError, match="no channel given"):
        records.dossier_record(snapshot(channel=""))
    with pytest.raises(records.MappingError, match="not 1-10"):
        records.status_code("received", {"received": "11"})
    with pytest.raises(records.MappingError, match="status code"):
        records.status_code("nowhere")


def test_status_defaults_cover_the_product_states():
    expected = {
        "submitted": "1",
        "received": "2",
        "refused": "3",
        "processing": "4",
        "approval": "4",
        "supplement": "5",
        "stopped": "7",
        "closed": "8",
        "done": "10",
    }
    assert {state: records.status_code(state) for state in expected} == expected


def test_step_record():
    step = records.Step(
        "G15-1",
        "Nguyễn Văn Một " * 5,
        dt.datetime(2026, 3, 2, 3, 0),
        "processing",
        "Thẩm định",
        "Chuyên viên",
        "Phòng A",
        None,
        dt.date(2026, 3, 20),
    )
    record = records.step_record(step)
    assert len(record["NguoiXuLy"]) == 50
    assert record["ThoiDiemXuLy"] == record["NgayBatDau"] == "20260302100000"
    assert record["TrangThai"] == "4"
    assert record["NgayKetThucTheoQuyDinh"] == "20260320170000"
    assert all(isinstance(value, str) for value in record.values())


# -- catalogue ---------------------------------------------------------------------------------
def test_parse_procedures_and_catalogues():
    rows = [
        {
            "MATTHC": "1.1",
            "TENTTHC": "A",
            "LINHVUCTHUCHIEN": [{"MALINHVUC": ""}, {"malinhvuc": "F1", "TenLinhVuc": "Field"}],
        },
        {"MaTTHC": "1.2", "TenTTHC": "B", "MALINHVUC": "F2", "TENLINHVUC": "Two"},
        {"TENTTHC": "no code"},
    ]
    assert catalogue.parse_procedures(rows) == [
        catalogue.Procedure("1.1", "A", "F1", "Field"),
        catalogue.Procedure("1.2", "B", "F2", "Two"),
    ]
    assert catalogue.parse_procedures({"MATTHC": "1.3", "TENTTHC": "C"}) == [catalogue.Procedure("1.3", "C")]
    assert catalogue.parse_procedures(None) == catalogue.parse_procedures("") == []
    assert catalogue.parse_fields([{"MALINHVUC": "F", "TENLINHVUC": "N", "MANGANH": "G"}, {}]) == [
        catalogue.Field("F", "N", "G")
    ]
    assert catalogue.parse_agencies([{"MADONVI": 15, "TENDONVI": "Bộ", "CAPDONVI": 1}, {"x": 1}]) == [
        catalogue.Agency("15", "Bộ", "1")
    ]
    with pytest.raises(wire.DvcqgError):
        catalogue.parse_fields(["x"])
    with pytest.raises(wire.DvcqgError):
        catalogue.parse_fields(3)


def test_parse_lookup():
    assert catalogue.parse_lookup([]) is None
    found = catalogue.parse_lookup([{"MaHoSo": "X", "TrangThaiHoSo": "4"}])
    assert (found.code, found.status, found.raw["MaHoSo"]) == ("X", "4", "X")


# -- links -------------------------------------------------------------------------------------
def test_signed_links():
    url = links.signed_url("https://moh/dvcqg/file/", "s3cret", 42, ttl=60, now=1000)
    assert url.startswith("https://moh/dvcqg/file/42?expires=1060&signature=")
    signature = url.rsplit("=", 1)[1]
    assert links.verify("s3cret", 42, "1060", signature, now=1059)
    assert links.verify(b"s3cret", "42", 1060, signature, now=1060)
    assert not links.verify("s3cret", 42, 1060, signature, now=1061)  # expired
    assert not links.verify("s3cret", 43, 1060, signature, now=1000)  # another file
    assert not links.verify("s3cret", 42, 2000, signature, now=1000)  # expiry moved
    assert not links.verify("other", 42, 1060, signature, now=1000)
    assert not links.verify("", 42, 1060, signature, now=1000)
    assert not links.verify("s3cret", 42, "soon", signature, now=1000)
    assert not links.verify("s3cret", 42, None, signature, now=1000)
    assert not links.verify("s3cret", 42, 1060, "", now=1000)
    assert links.verify(
        "s3cret",
        7,
        links.signed_url("b", "s3cret", 7, ttl=60).split("expires=")[1].split("&")[0],
        links.signed_url("b", "s3cret", 7, ttl=60).rsplit("=", 1)[1],
    )
    with pytest.raises(ValueError):
        links.sign("", 1, 1)


# -- client against the double -----------------------------------------------------------------
class FileServer(ThreadingHTTPServer):
    """Serves /ok/* (a small file) and anything else as 404: the ministry's side of file links."""

    daemon_threads = True

    def __init__(self):
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path.startswith("/ok/"):
                    body = b"%PDF-1.7 file"
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                else:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture(scope="module")
def files():
    server = FileServer()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def double(tmp_path):
    with LocalDvcqg(journal=tmp_path / "dvcqg.jsonl") as server:
        yield server


def settings_for(server, **overrides):
    values = {
        "adapter_url": server.url + "/",
        "dstcode": "G15",
        "madonvi": "G15",
        "username": "moh",
        "password": "secret",
        "timeout": 5,
    }
    values.update(overrides)
    return Settings(**values)


def record_for(files, code="G15-260301-00001", **overrides):
    snap = snapshot(
        code=code,
        files=(records.FileRef("7", "don.pdf", f"{files.url}/ok/7"),),
        results=(records.ResultDoc("9", "Giấy phép", f"{files.url}/ok/9"),),
        **overrides,
    )
    return records.dossier_record(snap)


def test_client_login_is_cached_and_catalogues_read(double):
    client = Client(settings_for(double))
    procedures = client.procedures()
    assert [p.code for p in procedures] == ["1.002088", "1.001234", "2.000987"]
    assert procedures[0].field_code == "G15-YT05"
    assert client.procedure("1.001234").name == "Cấp chứng chỉ hành nghề dược"
    assert client.procedure("9.999") is None
    assert [f.code for f in client.fields()] == ["G15-YT05", "G15-YT02", "G15-YT07"]
    assert client.agencies()[0] == catalogue.Agency("G15", "Bộ Y tế", "1")
    assert client.logins == 1
    assert [c["path"] for c in double.state.calls("LayDanhSachTTHC")] == ["/share"]
    assert double.state.calls("login")[0]["body"]["password"] == "***"


def test_client_upsert_insert_update_and_duplicate(double, files):
    client = Client(settings_for(double))
    record = record_for(files)
    assert client.lookup_dossier(record["MaHoSo"]) is None
    assert client.upsert_dossier(record) == "inserted"
    assert client.lookup_dossier(record["MaHoSo"]).status == "2"
    record = record_for(files, state="processing")
    assert client.upsert_dossier(record) == "updated"
    # told "not known" (a lost lookup): the insert answers "đã tồn tại", resent as an update
    assert client.upsert_dossier(record_for(files, state="done"), known=False) == "updated"
    assert double.state.dossiers[record["MaHoSo"]]["TrangThaiHoSo"] == "10"
    dup = double.state.calls("DongBoHoSoMC", ok=False)
    assert [(c["error_code"], "đã tồn tại" in c["message"]) for c in dup] == [("-3", True)]
    assert all(d["ok"] for d in double.state.downloads) and len(double.state.downloads) == 6
    steps = [
        records.step_record(records.Step(record["MaHoSo"], f"Cán bộ {i}", dt.datetime(2026, 3, 2, i), "processing"))
        for i in range(12)
    ]
    assert client.update_progress(steps) == 12
    assert [len(c["body"]["data"]) for c in double.state.calls("CapNhatTienDoHoSoMC")] == [10, 2]
    assert len(double.state.steps[record["MaHoSo"]]) == 12


def test_client_relogs_once_when_the_session_expires(double):
    client = Client(settings_for(double))
    client.fields()
    double.expire_sessions()
    client.fields()
    assert client.logins == 2
    # a session refused twice: the second refusal is raised
    double.session_ttl = -1
    client.session = None
    with pytest.raises(wire.DvcqgError, match="session"):
        client.fields()


def test_client_bad_credentials_and_dstcode(double):
    with pytest.raises(wire.DvcqgAuthError, match="login refused"):
        Client(settings_for(double, password="wrong")).fields()
    with pytest.raises(wire.DvcqgAuthError, match="dstcode"):
        Client(settings_for(double, dstcode="X")).fields()


def test_client_transport_faults_are_retryable(double):
    client = Client(settings_for(double))
    double.down_for(1)
    with pytest.raises(wire.DvcqgError) as caught:
        client.fields()
    assert caught.value.retryable and caught.value.status == 503
    assert client.fields()
    dead = Client(settings_for(double, adapter_url="http://127.0.0.1:1"))
    with pytest.raises(wire.DvcqgError) as caught:
        dead.fields()
    assert caught.value.retryable


def test_client_error_answers(double, files):
    client = Client(settings_for(double))
    double.fail_next(1)
    with pytest.raises(wire.DvcqgError) as caught:
        client.fields()
    assert not caught.value.retryable
    double.fail_next(1, {"error_code": "-99", "message": "bận"})
    with pytest.raises(wire.DvcqgError) as caught:
        Client(settings_for(double, retryable_codes=("-99",))).fields()
    assert caught.value.retryable
    with pytest.raises(wire.DvcqgError, match="không được hỗ trợ"):
        client.call("KhongCo")
    with pytest.raises(wire.DvcqgError, match="chưa được đồng bộ"):
        client.update_progress([records.step_record(records.Step("NONE", "A", dt.datetime(2026, 1, 1), "received"))])
    with pytest.raises(wire.DvcqgError, match="Mã đơn vị"):
        Client(settings_for(double, madonvi="X")).fields()
    # an update that answers "exists" again, and an insert whose resend is a duplicate too
    record = record_for(files, code="G15-DUP")
    client.upsert_dossier(record)
    double.fail_next(1, {"error_code": "-3", "message": "đã tồn tại"})
    with pytest.raises(wire.DvcqgError):
        client.upsert_dossier(record, known=True)
    double.fail_next(2, {"error_code": "-3", "message": "đã tồn tại"})
    with pytest.raises(wire.DvcqgError):
        client.upsert_dossier(record, known=False)


class _Canned(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, status, body, content_type="application/json"):
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.mark.parametrize(
    ("status", "body", "retryable"),
    [(200, b"<html>", False), (502, b"<html>", True), (500, b"<html>", True), (200, b"[]", True)],
)
def test_client_odd_answers(status, body, retryable):
    server = _Canned(status, body)
    try:
        client = Client(settings_for(server))
        client.session = "given"
        with pytest.raises(wire.DvcqgError) as caught:
            client.fields()
        assert caught.value.retryable is retryable
    finally:
        server.shutdown()
        server.server_close()


def test_client_http_401_relogs_then_fails():
    server = _Canned(401, b"")
    try:
        client = Client(settings_for(server))
        client.session = "given"
        with pytest.raises(wire.DvcqgAuthError):
            client.fields()
    finally:
        server.shutdown()
        server.server_close()


# -- the double's own checks -------------------------------------------------------------------
def post(server, path, body, dstcode="G15"):
    response = requests.post(server.url + path, data=json.dumps(body), headers={"dstcode": dstcode}, timeout=5)
    return response.status_code, response.json()


def test_double_checks_dossier_records(double, files):
    client = Client(settings_for(double))
    session = client.login()

    def sync(record, updating="False"):
        return post(
            double,
            "/integration",
            {"session": session, "madonvi": "G15", "service": "DongBoHoSoMC", "isUpdating": updating, "data": [record]},
        )[1]

    good = record_for(files, code="G15-C1")
    assert sync(good)["error_code"] == "0"
    cases = [
        ({**good, "MaHoSo": "G15-C2", "ChuHoSo": ""}, "Thiếu trường"),
        ({**good, "MaHoSo": "G15-C2", "TrangThaiHoSo": 2}, "chuỗi"),
        ({**good, "MaHoSo": "G15-C2", "NgayTiepNhan": "2026-03-01"}, "NgayTiepNhan"),
        ({**good, "MaHoSo": "G15-C2", "TrangThaiHoSo": "11"}, "TrangThaiHoSo"),
        ({**good, "MaHoSo": "G15-C2", "MaTTHC": "9.9"}, "CSDL TTHC"),
        ({**good, "MaHoSo": "G15-C2", "LoaiDoiTuong": "7"}, "LoaiDoiTuong"),
        ({**good, "MaHoSo": "G15-C2", "TaiLieuNop": [{"DuongDanTaiTepTin": f"{files.url}/missing"}]}, "không tải được"),
        ({**good, "MaHoSo": "G15-C2", "TaiLieuNop": [{"DuongDanTaiTepTin": "nope://x"}]}, "không tải được"),
        ("text", "không hợp lệ"),
    ]
    for record, message in cases:
        answer = sync(record)
        assert answer["error_code"] == "-1" and message in answer["message"], (record, answer)
    assert sync({**good, "MaHoSo": "G15-C3"}, "True")["message"].endswith("không thể cập nhật")
    assert "isUpdating" in sync(good, "yes")["message"]
    assert (
        "Không có dữ liệu"
        in post(
            double,
            "/integration",
            {"session": session, "madonvi": "G15", "service": "DongBoHoSoMC", "isUpdating": "False", "data": []},
        )[1]["message"]
    )
    assert [d["ok"] for d in double.state.downloads].count(False) == 2


def test_double_checks_progress(double, files):
    client = Client(settings_for(double))
    session = client.login()
    client.upsert_dossier(record_for(files, code="G15-P1"))
    step = records.step_record(records.Step("G15-P1", "A", dt.datetime(2026, 1, 1), "received"))

    def progress(data):
        return post(
            double,
            "/integration",
            {"session": session, "madonvi": "G15", "service": "CapNhatTienDoHoSoMC", "data": data},
        )[1]

    assert progress([step])["error_code"] == "0"
    assert "Không có dữ liệu" in progress([])["message"]
    assert "Thiếu" in progress([{**step, "NguoiXuLy": ""}])["message"]
    assert "Thiếu" in progress(["x"])["message"]
    assert "chuỗi" in progress([{**step, "Extra": 1}])["message"]
    assert "Trạng thái" in progress([{**step, "TrangThai": "0"}])["message"]
    assert "định dạng" in progress([{**step, "NgayBatDau": "1/1/2026"}])["message"]


def test_double_http_edges(double):
    assert (
        requests.post(double.url + "/integration", data=b"\xff", headers={"dstcode": "G15"}, timeout=5).status_code
        == 400
    )
    assert (
        requests.post(double.url + "/integration", data=b"[1]", headers={"dstcode": "G15"}, timeout=5).status_code
        == 400
    )
    assert post(double, "/elsewhere", {})[0] == 404
    assert post(double, "/integration", {"service": "X"}, dstcode="bad")[1]["message"] == "Sai dstcode"


def test_double_restart_keeps_or_drops_state(tmp_path, files):
    server = LocalDvcqg(journal=tmp_path / "j.jsonl").start()
    try:
        Client(settings_for(server)).upsert_dossier(record_for(files, code="G15-R1"))
        client = Client(settings_for(server))
        client.login()
        server = server.restart(keep_state=True)
        # sessions are lost with the process; the dossier is not
        assert client.lookup_dossier("G15-R1") is not None
        assert client.logins == 2
        assert len(server.state.calls("DongBoHoSoMC", ok=True)) == 1
        server = server.restart(keep_state=False)
        assert Client(settings_for(server)).lookup_dossier("G15-R1") is None
    finally:
        server.stop()
    memory = LocalDvcqg(fetch_files=False).start()
    try:
        Client(settings_for(memory)).upsert_dossier(record_for(files, code="G15-R2"))
        memory = memory.restart()
        assert Client(settings_for(memory)).lookup_dossier("G15-R2") is not None
        assert memory.state.downloads == []
        memory = memory.restart(keep_state=False)
        assert memory.state.dossiers == {}
    finally:
        memory.stop()


def test_double_main_runs_a_server(tmp_path, monkeypatch):
    started = {}

    def serve_forever(self):
        started["port"] = self.port
        started["dstcode"] = self.dstcode

    monkeypatch.setattr(LocalDvcqg, "serve_forever", serve_forever)
    main(["--port", "0", "--journal", str(tmp_path / "j.jsonl"), "--dstcode", "X"])
    assert started["dstcode"] == "X"


def test_package_exports():
    assert set(dvcqg.__all__) <= set(dir(dvcqg))
