"""Start and stop a real Odoo server for end-to-end tests and benchmarks, and talk to it.

The command line comes from scripts/test.sh (MOH_ODOO_BIN, MOH_ODOO_ARGS, MOH_TEST_DB): the same
Odoo, addons and PostgreSQL as the rest of the run. Servers listen on loopback only.
"""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import time
import urllib.request
import xmlrpc.client
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OdooServer:
    def __init__(self, db: str, *, workers: int = 4, log_path: Path | None = None, extra: tuple[str, ...] = ()):
        self.db = db
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path or Path(os.environ.get("MOH_CACHE", ".cache")) / f"odoo-server-{self.port}.log"
        self.command = [
            *shlex.split(os.environ["MOH_ODOO_BIN"]),
            *shlex.split(os.environ["MOH_ODOO_ARGS"]),
            "-d",
            db,
            f"--db-filter=^{db}$",
            "--http-interface=127.0.0.1",
            f"--http-port={self.port}",
            f"--gevent-port={free_port()}",
            f"--workers={workers}",
            "--max-cron-threads=0",
            "--limit-time-real=300",
            "--limit-time-cpu=300",
            "--log-level=warn",
            *extra,
        ]
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 120) -> OdooServer:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Odoo exited with {self.process.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.url}/web/login", timeout=5) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"Odoo did not answer within {timeout} s; see {self.log_path}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def rpc(self, login: str, password: str) -> Rpc:
        return Rpc(self.url, self.db, login, password)


class Rpc:
    """XML-RPC as a partner system or a script uses it: one connection per client."""

    def __init__(self, url: str, db: str, login: str, password: str):
        self.db, self.password = db, password
        self.uid = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").authenticate(db, login, password, {})
        if not self.uid:
            raise PermissionError(f"login {login} refused")
        self.models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def call(self, model: str, method: str, *args, **kwargs):
        return self.models.execute_kw(self.db, self.uid, self.password, model, method, list(args), kwargs)


@contextmanager
def running_server(db: str, **kwargs):
    server = OdooServer(db, **kwargs).start()
    try:
        yield server
    finally:
        server.stop()
