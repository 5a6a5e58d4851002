"""A local stand-in for the national portal's side of the inbound link, for tests: it serves
the dossiers filed there, in the pushed format (moh_core.onestop.dvcqg_inbound), to an agency
that pulls them, and the files their ``DuongDanTaiTepTin`` links point to.

``GET /dossiers`` with ``Authorization: Bearer <token>`` answers
``{"error_code": "0", "message": "", "data": [dossier, ...]}``, every dossier every time (the
agency must not register one twice); ``GET /files/<name>`` answers a file's bytes. Each request
is counted in ``requests``. ``fail_status`` makes every answer that HTTP status. Standard
library only; not for production.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler
from typing import Any

from .server import LocalServer


class _Handler(BaseHTTPRequestHandler):
    server: InboundPeer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet in tests
        pass

    def _answer(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        server = self.server
        with server.lock:
            server.requests.append(self.path)
        if server.fail_status:
            return self._answer(server.fail_status, b'{"error_code": "-1", "message": "failing on purpose"}')
        if self.path.startswith("/files/"):
            data = server.files.get(self.path[len("/files/") :])
            if data is None:
                return self._answer(404, b"")
            return self._answer(200, data, "application/octet-stream")
        if self.path.split("?")[0] != "/dossiers":
            return self._answer(404, b"")
        if server.token and self.headers.get("Authorization") != f"Bearer {server.token}":
            return self._answer(401, b'{"error_code": "-1", "message": "unauthorized"}')
        answer = {"error_code": "0", "message": "", "data": list(server.dossiers)}
        return self._answer(200, json.dumps(answer, ensure_ascii=False).encode())


class InboundPeer(LocalServer):
    """``with InboundPeer(dossiers, token="t") as peer:`` serves in a thread until the block ends."""

    def __init__(
        self,
        dossiers: list[dict[str, Any]] | None = None,
        *,
        token: str | None = None,
        files: dict[str, bytes] | None = None,
        port: int = 0,
    ):
        super().__init__(("127.0.0.1", port), _Handler)
        self.dossiers = list(dossiers or [])
        self.files = dict(files or {})
        self.token = token
        self.fail_status: int | None = None
        self.requests: list[str] = []
        self.lock = threading.Lock()
