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
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import requests


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
        self._keys: dict[str, str] = {}
        self._keys_lock = threading.Lock()

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
        """A client of /json/2 as ``login``, with an API key the user made (one per user and server)."""
        with self._keys_lock:
            if login not in self._keys:
                self._keys[login] = new_api_key(self.url, self.db, login, password)
            key = self._keys[login]
        return Rpc(self.url, self.db, key)


def new_api_key(url: str, db: str, login: str, password: str) -> str:
    """An API key of ``login``, made as the user makes one in the web client (Preferences, Account
    Security, New API Key): signed in, a key described, the password confirmed. Odoo's default
    duration for the user's groups applies (a day)."""
    with requests.Session() as session:

        def web(route: str, params: dict):
            answer = session.post(
                f"{url}{route}", json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}, timeout=120
            ).json()
            if "error" in answer:
                raise PermissionError(f"{login}: {answer['error'].get('data', {}).get('message') or answer['error']}")
            return answer.get("result")

        def call_kw(model: str, method: str, args: list, context: dict | None = None):
            return web(
                f"/web/dataset/call_kw/{model}/{method}",
                {"model": model, "method": method, "args": args, "kwargs": {"context": context or {}}},
            )

        web("/web/session/authenticate", {"db": db, "login": login, "password": password})
        description = call_kw("res.users.apikeys.description", "create", [{"name": "End-to-end tests"}])
        action = call_kw("res.users.apikeys.description", "make_key", [[description]])
        if action.get("res_model") == "res.users.identitycheck":
            action = call_kw("res.users.identitycheck", "run_check", [[action["res_id"]]], {"password": password})
        return action["context"]["default_key"]


class Rpc:
    """Odoo's external API, /json/2, as a partner system or a script uses it: an API key as the
    bearer token, named arguments (``ids`` for the records a method is called on)."""

    def __init__(self, url: str, db: str, key: str):
        self.url, self.db = url, db
        self.headers = {"Authorization": f"Bearer {key}", "X-Odoo-Database": db}

    def call(self, model: str, method: str, ids=None, /, **kwargs):
        """``model.method(**kwargs)`` on the records ``ids`` (none for a model method); the
        method's result (records as their ids)."""
        body = {"ids": list(ids)} if ids is not None else {}
        response = requests.post(
            f"{self.url}/json/2/{model}/{method}", json={**body, **kwargs}, headers=self.headers, timeout=300
        )
        if response.status_code != 200:
            try:
                error = response.json()
                message = f"{error.get('message')}\n{error.get('debug', '')}"
            except ValueError:
                message = response.text[:2000]
            raise RuntimeError(f"{model}.{method}: HTTP {response.status_code}: {message}")
        return response.json()


@contextmanager
def running_server(db: str, **kwargs):
    server = OdooServer(db, **kwargs).start()
    try:
        yield server
    finally:
        server.stop()
