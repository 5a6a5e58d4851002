"""A local double of the national public service portal's (DVCQG) adapter, for tests and the
demo: an HTTP server speaking the contract of ``moh_core.dvcqg`` (session login with the
``dstcode`` header, the integration and sharing services) and keeping a journal of what it
received.

It checks what the real adapter is known to check and a little more: credentials and session
expiry; ``DongBoHoSoMC`` records (required fields, every scalar a string, dates
``yyyyMMddHHmmss``, status 1-10, ``MaTTHC`` in its catalogue, an insert of a known code answered
"đã tồn tại", an update of an unknown one refused, ``isUpdating`` "True"/"False"), downloads
every file URL it is given (a link that does not download refuses the record); progress steps
need a known ``MaHoSo``. Fault knobs: down for the next N requests (HTTP 503), error answers for
the next N calls, sessions expired at will; a restart on the same port keeps the state (the
accepted dossiers and steps are read back from the journal file) or not. Standard library only;
not for production.

Run as a process: ``python -m moh_core.testing.dvcqg --port 8996 --journal dvcqg.jsonl``.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import os
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from .server import LocalServer

AUTH_PATH = "/auth"
INTEGRATION_PATH = "/integration"
SHARE_PATH = "/share"

CATALOGUE: list[dict[str, Any]] = [
    {
        "MATTHC": "1.002088",
        "TENTTHC": "Cấp giấy phép hoạt động đối với cơ sở khám bệnh, chữa bệnh",
        "LINHVUCTHUCHIEN": [{"MALINHVUC": "G15-YT05", "TENLINHVUC": "Khám bệnh, chữa bệnh"}],
    },
    {
        "MATTHC": "1.001234",
        "TENTTHC": "Cấp chứng chỉ hành nghề dược",
        "LINHVUCTHUCHIEN": [{"MALINHVUC": "G15-YT02", "TENLINHVUC": "Dược phẩm"}],
    },
    {
        "MATTHC": "2.000987",
        "TENTTHC": "Công bố đủ điều kiện sản xuất trang thiết bị y tế",
        "LINHVUCTHUCHIEN": [{"MALINHVUC": "G15-YT07", "TENLINHVUC": "Trang thiết bị y tế"}],
    },
]
FIELDS = [
    {"MALINHVUC": "G15-YT05", "TENLINHVUC": "Khám bệnh, chữa bệnh", "MANGANH": "G15"},
    {"MALINHVUC": "G15-YT02", "TENLINHVUC": "Dược phẩm", "MANGANH": "G15"},
    {"MALINHVUC": "G15-YT07", "TENLINHVUC": "Trang thiết bị y tế", "MANGANH": "G15"},
]
AGENCIES = [
    {"MADONVI": "G15", "TENDONVI": "Bộ Y tế", "CAPDONVI": "1"},
    {"MADONVI": "G15.01", "TENDONVI": "Cục Quản lý Khám, chữa bệnh", "CAPDONVI": "2"},
]
REQUIRED = ("MaHoSo", "MaTTHC", "TenTTHC", "ChuHoSo", "LoaiDoiTuong", "TrangThaiHoSo", "KenhThucHien")
STEP_REQUIRED = ("MaHoSo", "NguoiXuLy", "ThoiDiemXuLy", "TrangThai")
STATUSES = {str(code) for code in range(1, 11)}
URL_KEYS = ("DuongDanTaiTepTin", "DuongDanTepTinKetQua")
#: The journal's name for a dossier filed on the portal itself (not a service of the contract):
#: its copy is kept, so that ``TraCuuHoSo`` finds it (``moh_core.testing.dvcqg_portal``).
FILED = "filed"


class DvcqgState:
    """The double's memory: dossiers, steps, the journal; with a path, every request is written
    as a JSON line (flushed and synced before the answer) and read back by a new instance."""

    def __init__(self, path: str | os.PathLike[str] | None = None):
        self.path = Path(path) if path else None
        self.lock = threading.Lock()
        self.journal: list[dict[str, Any]] = []
        self.dossiers: dict[str, dict[str, Any]] = {}
        self.steps: dict[str, list[dict[str, Any]]] = {}
        self.downloads: list[dict[str, Any]] = []
        if self.path and self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    self._apply(json.loads(line))

    def _apply(self, entry: dict[str, Any]) -> None:
        self.journal.append(entry)
        if entry.get("error_code") != "0":
            return
        body = entry.get("body") or {}
        if entry.get("service") == "DongBoHoSoMC":
            for record in body.get("data", []):
                self.dossiers[record["MaHoSo"]] = record
        elif entry.get("service") == "CapNhatTienDoHoSoMC":
            for step in body.get("data", []):
                self.steps.setdefault(step["MaHoSo"], []).append(step)
        elif entry.get("service") == FILED:
            self.dossiers[body["MaHoSo"]] = body

    def record(self, path: str, service: str, body: Any, answer: Mapping[str, Any]) -> None:
        if service == "login" and isinstance(body, dict):
            body = {**body, "password": "***"}
        entry = {
            "at": dt.datetime.now(dt.UTC).isoformat(),
            "path": path,
            "service": service,
            "error_code": str(answer.get("error_code")),
            "message": answer.get("message", ""),
            "body": body,
        }
        with self.lock:
            if self.path:
                with self.path.open("a", encoding="utf-8") as out:
                    out.write(json.dumps(entry, ensure_ascii=False) + "\n")
                    out.flush()
                    os.fsync(out.fileno())
            self._apply(entry)

    def calls(self, service: str | None = None, *, ok: bool | None = None) -> list[dict[str, Any]]:
        """Journal entries, of one service and/or by outcome."""
        return [
            entry
            for entry in self.journal
            if (service is None or entry["service"] == service) and (ok is None or (entry["error_code"] == "0") == ok)
        ]


def _ok(result: Any = None, **extra: Any) -> dict[str, Any]:
    answer: dict[str, Any] = {"error_code": "0", "message": "Thành công"}
    if result is not None:
        answer["result"] = result
    answer.update(extra)
    return answer


def _error(message: str, code: str = "-1") -> dict[str, Any]:
    return {"error_code": code, "message": message}


def _bad_date(value: Any) -> bool:
    if value == "":
        return False
    try:
        dt.datetime.strptime(value, "%Y%m%d%H%M%S")
    except (TypeError, ValueError):
        return True
    return len(value) != 14


def _not_strings(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_not_strings(item) for item in value.values())
    if isinstance(value, list):
        return any(_not_strings(item) for item in value)
    return not isinstance(value, str)


class _Handler(BaseHTTPRequestHandler):
    server: LocalDvcqg

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet in tests
        pass

    def _answer(self, status: int, data: dict[str, Any]) -> None:
        body = json.dumps(data, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        server = self.server
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if server.take_down():
            return self._answer(503, {"error": "down on purpose"})
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return self._answer(400, _error("JSON không hợp lệ"))
        if not isinstance(body, dict):
            return self._answer(400, _error("JSON không hợp lệ"))
        if self.headers.get("dstcode") != server.dstcode:
            answer = _error("Sai dstcode")
            server.state.record(self.path, str(body.get("service") or "login"), body, answer)
            return self._answer(200, answer)
        if self.path == server.auth_path:
            answer = server.login(body)
            server.state.record(self.path, "login", body, answer)
            return self._answer(200, answer)
        if self.path not in (server.integration_path, server.share_path):
            return self._answer(404, {"error": "no such path"})
        service = str(body.get("service") or "")
        answer = server.serve(self.path, service, body)
        server.state.record(self.path, service, body, answer)
        return self._answer(200, answer)


class LocalDvcqg(LocalServer):
    """``with LocalDvcqg() as dvcqg:`` serves in a thread until the block ends."""

    def __init__(
        self,
        port: int = 0,
        *,
        username: str = "moh",
        password: str = "secret",
        dstcode: str = "G15",
        madonvi: str = "G15",
        journal: str | os.PathLike[str] | None = None,
        state: DvcqgState | None = None,
        session_ttl: float = 3600,
        catalogue: list[dict[str, Any]] | None = None,
        fields: list[dict[str, Any]] | None = None,
        agencies: list[dict[str, Any]] | None = None,
        fetch_files: bool = True,
        auth_path: str = AUTH_PATH,
        integration_path: str = INTEGRATION_PATH,
        share_path: str = SHARE_PATH,
    ):
        super().__init__(("127.0.0.1", port), _Handler)
        self.username = username
        self.password = password
        self.dstcode = dstcode
        self.madonvi = madonvi
        self.session_ttl = session_ttl
        self.catalogue = copy.deepcopy(CATALOGUE if catalogue is None else catalogue)
        self.fields = copy.deepcopy(FIELDS if fields is None else fields)
        self.agencies = copy.deepcopy(AGENCIES if agencies is None else agencies)
        self.fetch_files = fetch_files
        self.auth_path = auth_path
        self.integration_path = integration_path
        self.share_path = share_path
        self.state = state if state is not None else DvcqgState(journal)
        self.sessions: dict[str, float] = {}
        self._down = 0
        self._errors: list[dict[str, Any]] = []
        self._knobs = threading.Lock()

    # -- knobs -------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def down_for(self, requests: int) -> None:
        """Answer the next ``requests`` requests with HTTP 503."""
        with self._knobs:
            self._down = requests

    def fail_next(self, times: int = 1, answer: Mapping[str, Any] | None = None) -> None:
        """Answer the next ``times`` service calls (not logins) with ``answer`` (an error)."""
        with self._knobs:
            self._errors.extend([dict(answer or _error("Lỗi hệ thống"))] * times)

    def expire_sessions(self) -> None:
        with self._knobs:
            self.sessions.clear()

    def take_down(self) -> bool:
        with self._knobs:
            if self._down > 0:
                self._down -= 1
                return True
            return False

    def _take_error(self) -> dict[str, Any] | None:
        with self._knobs:
            return self._errors.pop(0) if self._errors else None

    # -- contract ----------------------------------------------------------------------------
    def login(self, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("username") != self.username or body.get("password") != self.password:
            return _error("Sai tên đăng nhập hoặc mật khẩu")
        session = secrets.token_urlsafe(16)
        with self._knobs:
            self.sessions[session] = time.monotonic() + self.session_ttl
        return _ok(session=session)

    def _session_valid(self, session: Any) -> bool:
        with self._knobs:
            expires = self.sessions.get(str(session))
            return expires is not None and expires > time.monotonic()

    def serve(self, path: str, service: str, body: dict[str, Any]) -> dict[str, Any]:
        if not self._session_valid(body.get("session")):
            return _error("Phiên làm việc (session) không hợp lệ hoặc đã hết hạn")
        if body.get("madonvi") != self.madonvi:
            return _error("Mã đơn vị không hợp lệ")
        injected = self._take_error()
        if injected is not None:
            return injected
        integration: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "DongBoHoSoMC": self._sync_dossiers,
            "CapNhatTienDoHoSoMC": self._progress,
        }
        share: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "LayDanhSachTTHC": lambda b: _ok(self.catalogue),
            "LayThuTuc": self._procedure,
            "LayDanhMucLinhVuc": lambda b: _ok(self.fields),
            "LayDanhMucCoQuan": lambda b: _ok(self.agencies),
            "TraCuuHoSo": self._lookup,
        }
        handlers = integration if path == self.integration_path else share
        handler = handlers.get(service)
        if handler is None:
            return _error(f"Dịch vụ không được hỗ trợ: {service}")
        return handler(body)

    def _procedure(self, body: dict[str, Any]) -> dict[str, Any]:
        code = body.get("maTTHC")
        return _ok([row for row in self.catalogue if row["MATTHC"] == code])

    def _lookup(self, body: dict[str, Any]) -> dict[str, Any]:
        record = self.state.dossiers.get(str(body.get("mahoso")))
        return _ok([record] if record else [])

    def _check_record(self, record: Any, updating: bool) -> str | None:
        if not isinstance(record, dict):
            return "Bản ghi hồ sơ không hợp lệ"
        missing = [name for name in REQUIRED if not record.get(name)]
        if missing:
            return f"Thiếu trường bắt buộc: {', '.join(missing)}"
        if _not_strings(record):
            return f"Hồ sơ {record['MaHoSo']}: mọi giá trị phải là chuỗi"
        for key, value in record.items():
            if (key.startswith(("Ngay", "ThoiDiem"))) and _bad_date(value):
                return f"Hồ sơ {record['MaHoSo']}: {key} sai định dạng yyyyMMddHHmmss"
        if record["TrangThaiHoSo"] not in STATUSES:
            return f"Hồ sơ {record['MaHoSo']}: TrangThaiHoSo {record['TrangThaiHoSo']} không hợp lệ"
        if record["MaTTHC"] not in {row["MATTHC"] for row in self.catalogue}:
            return f"Hồ sơ {record['MaHoSo']}: MaTTHC {record['MaTTHC']} không có trong CSDL TTHC"
        if record["LoaiDoiTuong"] not in {"1", "2", "3", "4"}:
            return f"Hồ sơ {record['MaHoSo']}: LoaiDoiTuong không hợp lệ"
        known = record["MaHoSo"] in self.state.dossiers
        if not updating and known:
            return "duplicate"
        if updating and not known:
            return f"Hồ sơ {record['MaHoSo']} không tồn tại, không thể cập nhật"
        if self.fetch_files:
            return self._download(record)
        return None

    def _download(self, record: dict[str, Any]) -> str | None:
        for item in [*record.get("TaiLieuNop", []), *record.get("DanhSachGiayToKetQua", [])]:
            for key in URL_KEYS:
                url = item.get(key)
                if not url:
                    continue
                try:
                    with urllib.request.urlopen(url, timeout=30) as response:
                        size = len(response.read())
                except (urllib.error.URLError, ValueError, OSError) as exc:
                    self.state.downloads.append({"url": url, "ok": False, "error": str(exc)})
                    return f"Hồ sơ {record['MaHoSo']}: không tải được tệp {url}"
                self.state.downloads.append({"url": url, "ok": True, "size": size})
        return None

    def _sync_dossiers(self, body: dict[str, Any]) -> dict[str, Any]:
        updating = body.get("isUpdating")
        if updating not in ("True", "False"):
            return _error('isUpdating phải là "True" hoặc "False"')
        data = body.get("data")
        if not isinstance(data, list) or not data:
            return _error("Không có dữ liệu hồ sơ")
        for record in data:
            problem = self._check_record(record, updating == "True")
            if problem == "duplicate":
                return _error(f"Hồ sơ {record['MaHoSo']} đã tồn tại trên hệ thống", "-3")
            if problem:
                return _error(problem)
        return _ok()

    def _progress(self, body: dict[str, Any]) -> dict[str, Any]:
        data = body.get("data")
        if not isinstance(data, list) or not data:
            return _error("Không có dữ liệu tiến độ")
        for step in data:
            if not isinstance(step, dict) or any(not step.get(name) for name in STEP_REQUIRED):
                return _error(f"Thiếu trường bắt buộc của tiến độ: {', '.join(STEP_REQUIRED)}")
            if _not_strings(step):
                return _error("Mọi giá trị của tiến độ phải là chuỗi")
            if step["MaHoSo"] not in self.state.dossiers:
                return _error(f"Hồ sơ {step['MaHoSo']} chưa được đồng bộ")
            if step["TrangThai"] not in STATUSES:
                return _error(f"Trạng thái {step['TrangThai']} không hợp lệ")
            if any(_bad_date(step.get(key, "")) for key in step if key.startswith(("Ngay", "ThoiDiem"))):
                return _error("Ngày của tiến độ sai định dạng yyyyMMddHHmmss")
        return _ok()

    # -- life --------------------------------------------------------------------------------

    def restart(self, *, keep_state: bool = True) -> LocalDvcqg:
        """Stop, and serve again on the same port as a new process would: sessions are lost; the
        dossiers and journal are kept (read back from the journal file when there is one) or not."""
        self.stop()
        if keep_state:
            state = DvcqgState(self.state.path) if self.state.path else self.state
        else:
            if self.state.path and self.state.path.exists():
                self.state.path.unlink()
            state = DvcqgState(self.state.path)
        return LocalDvcqg(
            self.port,
            username=self.username,
            password=self.password,
            dstcode=self.dstcode,
            madonvi=self.madonvi,
            state=state,
            session_ttl=self.session_ttl,
            catalogue=self.catalogue,
            fields=self.fields,
            agencies=self.agencies,
            fetch_files=self.fetch_files,
            auth_path=self.auth_path,
            integration_path=self.integration_path,
            share_path=self.share_path,
        ).start()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--journal", required=True)
    parser.add_argument("--username", default="moh")
    parser.add_argument("--password", default="secret")
    parser.add_argument("--dstcode", default="G15")
    parser.add_argument("--madonvi", default="G15")
    args = parser.parse_args(argv)
    server = LocalDvcqg(
        args.port,
        username=args.username,
        password=args.password,
        dstcode=args.dstcode,
        madonvi=args.madonvi,
        journal=args.journal,
    )
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
