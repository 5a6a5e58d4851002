"""moh_core.testing.dvcqg_portal: the four doubles of the national portal started together, over
real HTTP; a filed dossier kept as the portal's copy (found by TraCuuHoSo), offered to the pull
and pushed to the ministry."""

import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from moh_core.dvcqg.client import Client, Settings
from moh_core.testing import dvcqg_portal
from moh_core.testing.dvcqg import DvcqgState
from moh_core.testing.dvcqg_portal import (
    PUSH_PATH,
    LocalNationalPortal,
    describe,
    loopback_aliases,
    main,
    with_procedures,
    write_settings,
)

FILED = {
    "MaHoSo": "G22.99-261125-00001",
    "MaTTHC": "1.002088",
    "TenTTHC": "Cấp giấy phép hoạt động",
    "ChuHoSo": "Công ty TNHH Dược phẩm Sao Mai",
    "LoaiDoiTuong": "2",
    "MaSoThue": "0319998887",
    "MaDoiTuong": "TECH-DN-0002",
    "NgayNopHoSo": "20261125090000",
    "TaiLieuNop": [
        {"TenTepDinhKem": "don.pdf", "MaThanhPhanHoSo": "TP1", "Base64": "JVBERi0="},
        "not a file",
    ],
}


class _Ministry(ThreadingHTTPServer):
    """The ministry's push endpoint: answers ``status`` with ``body``; keeps what it received."""

    daemon_threads = True

    def __init__(self, status=200, body=b'{"error_code": 0, "message": "ok"}'):
        super().__init__(("127.0.0.1", 0), _MinistryHandler)
        self.status, self.body, self.received = status, body, []

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


class _MinistryHandler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.server.received.append(
            {
                "path": self.path,
                "authorization": self.headers.get("Authorization"),
                "body": json.loads(self.rfile.read(length)),
            }
        )
        self.send_response(self.server.status)
        self.send_header("Content-Length", str(len(self.server.body)))
        self.end_headers()
        self.wfile.write(self.server.body)


@pytest.fixture
def portal():
    with LocalNationalPortal(pull_token="pull", payment_token="pay") as started:
        yield started


def _client(portal):
    peer = portal.settings()["peer"]
    return Client(
        Settings(
            adapter_url=peer["Endpoint URL"],
            username=peer["Username"],
            password=peer["Password"],
            dstcode=peer["dstcode"],
            madonvi=peer["Unit Code (madonvi)"],
        )
    )


def test_settings_name_four_live_servers(portal):
    settings = portal.settings()
    assert set(settings) == {"peer", "oauth", "payment"}
    ports = {portal.sync.port, portal.idp.server_address[1], portal.payment.server_address[1]}
    ports.add(portal.inbound.server_address[1])
    assert len(ports) == 4
    # the adapter: a login over HTTP with the settings given
    assert _client(portal).login()
    # the identity provider: its discovery names the URLs given
    oauth = settings["oauth"]
    discovery = requests.get(f"{oauth['Issuer']}/.well-known/openid-configuration", timeout=10).json()
    assert discovery["token_endpoint"] == oauth["Token URL"]
    assert discovery["end_session_endpoint"] == oauth["End Session URL"]
    assert oauth["Authorization URL"].endswith("/oauth2/authorize")
    assert oauth["UserInfo URL"].endswith("/oauth2/userinfo")
    assert oauth["JWKS URL"].endswith("/oauth2/jwks")
    assert (oauth["Client ID"], oauth["Client Secret"]) == ("moh-portal", "moh-portal-secret")
    # the payment platform
    payment = settings["payment"]
    assert payment == {
        "Partner Code": "MOH",
        "Shared Secret": "secret",
        "Platform URL": portal.payment.url,
        "Bearer Token": "pay",
    }
    assert requests.post(payment["Platform URL"], data=b"{}", timeout=10).status_code in (400, 401)
    # the pull
    pull = settings["peer"]["Pull URL (moh_egov.dvcqg_inbound_pull_url)"]
    assert settings["peer"]["Outgoing Token (pull)"] == "pull"
    answer = requests.get(pull, headers={"Authorization": "Bearer pull"}, timeout=10).json()
    assert answer == {"error_code": "0", "message": "", "data": []}


def test_a_filed_dossier_is_found_by_lookup_and_offered_to_the_pull(portal):
    copy = portal.file_dossier(FILED)
    assert copy["TrangThaiHoSo"] == "1"
    assert copy["KenhThucHien"] == "2"
    assert copy["TaiLieuNop"] == [{"TenTepDinhKem": "don.pdf", "MaThanhPhanHoSo": "TP1"}]
    found = _client(portal).lookup_dossier(FILED["MaHoSo"])
    assert found is not None
    # an insert of it is answered "exists": the agency's sync updates the portal's copy
    client = _client(portal)
    record = {**{k: v for k, v in copy.items() if k != "TaiLieuNop"}, "TrangThaiHoSo": "2", "MaSoThue": "0319998887"}
    assert client.upsert_dossier(record) == "updated"
    assert portal.sync.state.dossiers[FILED["MaHoSo"]]["TrangThaiHoSo"] == "2"
    # filing it again keeps the portal's updated copy and replaces it in the pull, never twice
    assert portal.file_dossier(FILED)["TrangThaiHoSo"] == "2"
    pull = requests.get(f"{portal.inbound.url}/dossiers", headers={"Authorization": "Bearer pull"}, timeout=10)
    assert [d["MaHoSo"] for d in pull.json()["data"]] == [FILED["MaHoSo"]]
    assert pull.json()["data"][0]["TaiLieuNop"][0]["Base64"] == "JVBERi0="


def test_a_filed_dossier_without_files_keeps_status_given(portal):
    copy = portal.file_dossier({"MaHoSo": "X-1", "TrangThaiHoSo": "3"})
    assert copy == {"MaHoSo": "X-1", "TrangThaiHoSo": "3", "KenhThucHien": "2", "TaiLieuNop": []}


def test_the_filed_copy_survives_a_restart_with_a_journal(tmp_path):
    journal = tmp_path / "dvcqg.jsonl"
    with LocalNationalPortal(journal=journal) as portal:
        portal.file_dossier(FILED)
    assert FILED["MaHoSo"] in DvcqgState(journal).dossiers
    assert "Base64" not in journal.read_text(encoding="utf-8")


def test_push_sends_the_dossier_with_the_token_and_returns_the_answer(portal):
    with _Ministry() as ministry:
        answer = portal.push_dossier(ministry.url + "/", "tok", FILED)
        assert answer == {"error_code": 0, "message": "ok"}
        portal.push_dossier(ministry.url + PUSH_PATH, "tok", FILED)  # the full URL is kept
    assert [r["path"] for r in ministry.received] == [PUSH_PATH, PUSH_PATH]
    assert ministry.received[0]["authorization"] == "Bearer tok"
    assert ministry.received[0]["body"] == FILED
    assert FILED["MaHoSo"] in portal.sync.state.dossiers
    assert [p["status"] for p in portal.pushes] == [200, 200]


@pytest.mark.parametrize(
    ("status", "body"),
    [(401, b'{"error": "unauthorized"}'), (200, b"not json"), (200, b"[1]"), (200, b"\xff")],
)
def test_push_without_an_answer_says_so(portal, status, body):
    with _Ministry(status, body) as ministry:
        answer = portal.push_dossier(ministry.url, "tok", FILED)
    assert answer["error_code"] is None
    assert answer["status"] == status


def test_push_to_a_closed_port(portal):
    closed = _Ministry()
    url = closed.url
    closed.server_close()
    answer = portal.push_dossier(url, "tok", FILED, timeout=5)
    assert answer["error_code"] is None
    assert answer["status"] is None


def test_describe_lists_every_setting_and_the_product_urls():
    text = describe({"peer": {"dstcode": "G15"}, "other": {"a": "b"}}, "http://odoo:8069/")
    assert "Document Exchange > Peers" in text
    assert "  dstcode: G15" in text
    assert "other\n  a: b" in text
    assert f"http://odoo:8069{PUSH_PATH}" in text
    assert "http://odoo:8069/payment/dvcqg/notify" in text
    assert "push of filed" not in describe({"peer": {}})


def test_main_prints_the_settings_and_pushes_a_file(tmp_path):
    dossier = {k: v for k, v in FILED.items() if k != "NgayNopHoSo"}
    path = tmp_path / "dossier.json"
    path.write_text(json.dumps(dossier, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    with _Ministry() as ministry:
        ports = ["--sync-port", "0", "--idp-port", "0", "--payment-port", "0", "--inbound-port", "0"]
        portal = main(
            ["--odoo-url", ministry.url, *ports, "--push", str(path), "--push-token", "t", "--sign-in-as", "business"],
            serve=False,
            out=out,
        )
        portal.stop()
    text = out.getvalue()
    assert "Endpoint URL: http://127.0.0.1:" in text
    assert f"push {FILED['MaHoSo']}: " in text
    assert portal.idp.current == "business"
    [received] = ministry.received
    assert received["authorization"] == "Bearer t"
    assert len(received["body"]["NgayNopHoSo"]) == 14
    port = ministry.server_address[1]
    assert portal.idp.client.redirect_uris == [
        f"http://127.0.0.1:{port}/auth_oauth/signin",
        f"http://localhost:{port}/auth_oauth/signin",
    ]


def test_main_serves_until_interrupted(monkeypatch):
    class Interrupted:
        def wait(self):
            raise KeyboardInterrupt

    monkeypatch.setattr(dvcqg_portal, "_forever", Interrupted())
    out = io.StringIO()
    ports = ["--sync-port", "0", "--idp-port", "0", "--payment-port", "0", "--inbound-port", "0"]
    portal = main(ports, out=out)
    assert "Token URL" in out.getvalue()
    with pytest.raises(OSError):
        portal.sync.socket.getsockname()  # closed


def test_settings_json_catalogue_and_once(tmp_path):
    catalogue = tmp_path / "catalogue.json"
    rows = [
        {"MATTHC": "1.002088", "TENTTHC": "Công bố mỹ phẩm nhập khẩu", "LINHVUCTHUCHIEN": []},
        {"MATTHC": "1.004585", "TENTTHC": "Cấp giấy phép quảng cáo thuốc", "LINHVUCTHUCHIEN": []},
    ]
    catalogue.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    target = tmp_path / "state" / "settings.json"
    ports = ["--sync-port", "0", "--idp-port", "0", "--payment-port", "0", "--inbound-port", "0"]
    out = io.StringIO()
    portal = main([*ports, "--catalogue", str(catalogue), "--settings-json", str(target), "--once"], out=out)
    # --once: stopped without waiting to be interrupted
    with pytest.raises(OSError):
        portal.sync.socket.getsockname()
    written = json.loads(target.read_text(encoding="utf-8"))
    assert written == portal.settings()
    assert written["peer"]["Endpoint URL"] == portal.sync.url
    assert target.stat().st_mode & 0o777 == 0o600  # it holds the secrets
    assert not list(target.parent.glob("*.tmp"))
    assert "Endpoint URL" in out.getvalue()
    # the procedures given come first and replace the fixture's of the same code; the others stay
    codes = [row["MATTHC"] for row in portal.sync.catalogue]
    assert codes[:2] == ["1.002088", "1.004585"]
    assert portal.sync.catalogue[0]["TENTTHC"] == "Công bố mỹ phẩm nhập khẩu"
    assert codes.count("1.002088") == 1
    assert {"1.001234", "2.000987"} <= set(codes)


def test_a_catalogue_without_codes_is_refused(tmp_path):
    catalogue = tmp_path / "catalogue.json"
    catalogue.write_text(json.dumps([{"TENTTHC": "no code"}]), encoding="utf-8")
    with pytest.raises(SystemExit, match="MATTHC"):
        main(["--sync-port", "0", "--catalogue", str(catalogue)], serve=False, out=io.StringIO())


def test_with_procedures_keeps_the_fixture():
    assert [row["MATTHC"] for row in with_procedures([])] == ["1.002088", "1.001234", "2.000987"]


def test_loopback_aliases():
    assert loopback_aliases("http://localhost:8069/") == ["http://localhost:8069", "http://127.0.0.1:8069"]
    assert loopback_aliases("http://127.0.0.1") == ["http://127.0.0.1", "http://localhost"]
    assert loopback_aliases("https://dichvucong.moh.gov.vn") == ["https://dichvucong.moh.gov.vn"]


def test_write_settings_replaces_an_older_file(tmp_path):
    target = tmp_path / "settings.json"
    target.write_text("old", encoding="utf-8")
    write_settings({"peer": {"dstcode": "G15"}}, target)
    assert json.loads(target.read_text(encoding="utf-8")) == {"peer": {"dstcode": "G15"}}
