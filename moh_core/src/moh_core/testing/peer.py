"""A local exchange peer for tests: an HTTP endpoint that receives messages as another agency's
system or the national portal would, and keeps a journal of what it received.

It does what a well-behaved receiver does: it checks the bearer token, requires the message id
(``X-MOH-Message-Id``), accepts each id once and answers ``already_received`` to a copy. Every
delivery attempt is journaled (JSON lines, flushed and synced before answering), and the
accepted ids are read back from the journal when it starts, so a restarted peer still refuses
copies. Tests then count deliveries and acceptances per id. Standard library only; not for
production.

Run as a process: ``python -m moh_core.testing.peer --port 8995 --journal peer.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from .server import LocalServer


class PeerJournal:
    """Deliveries and acceptances, in memory and (optionally) in a JSON-lines file."""

    def __init__(self, path: str | os.PathLike[str] | None = None):
        self.path = Path(path) if path else None
        self.lock = threading.Lock()
        self.deliveries: list[dict[str, Any]] = []
        self.accepted: dict[str, dict[str, Any]] = {}
        if self.path and self.path.exists():
            for line in self.path.read_text().splitlines():
                if line.strip():
                    entry = json.loads(line)
                    self.deliveries.append(entry)
                    if entry.get("accepted"):
                        self.accepted[entry["message_id"]] = entry

    def record(self, message_id: str, kind: str, body: bytes) -> bool:
        """Journal one delivery; True when the id is new (accepted)."""
        with self.lock:
            new = message_id not in self.accepted
            entry = {
                "message_id": message_id,
                "kind": kind,
                "accepted": new,
                "size": len(body),
                "body": body.decode("utf-8", "replace") if kind == "portal_event" else None,
            }
            if self.path:
                with self.path.open("a") as out:
                    out.write(json.dumps(entry, ensure_ascii=False) + "\n")
                    out.flush()
                    os.fsync(out.fileno())
            self.deliveries.append(entry)
            if new:
                self.accepted[message_id] = entry
            return new


class _Handler(BaseHTTPRequestHandler):
    server: LocalPeer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet in tests
        pass

    def _answer(self, status: int, data: dict[str, Any]) -> None:
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.server.token and self.headers.get("Authorization") != f"Bearer {self.server.token}":
            return self._answer(401, {"error": "unauthorized"})
        if self.server.fail_status:
            return self._answer(self.server.fail_status, {"error": "failing on purpose"})
        message_id = self.headers.get("X-MOH-Message-Id")
        if not message_id:
            return self._answer(400, {"error": "no message id"})
        new = self.server.journal.record(message_id, self.headers.get("X-MOH-Message-Kind", ""), body)
        if self.server.delay:
            # Received and journaled, not answered yet: a sender that dies now has not seen the answer.
            time.sleep(self.server.delay)
        return self._answer(200, {"status": "received" if new else "already_received", "message_id": message_id})


class LocalPeer(LocalServer):
    """``with LocalPeer(port) as peer:`` serves in a thread until the block ends."""

    def __init__(
        self,
        port: int = 0,
        *,
        token: str | None = None,
        journal: str | os.PathLike[str] | None = None,
        delay: float = 0,
    ):
        super().__init__(("127.0.0.1", port), _Handler)
        self.token = token
        self.delay = delay
        self.fail_status: int | None = None
        self.journal = PeerJournal(journal)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--journal", required=True)
    parser.add_argument("--token")
    parser.add_argument("--delay", type=float, default=0, help="seconds between receiving a message and answering")
    args = parser.parse_args(argv)
    peer = LocalPeer(args.port, token=args.token, journal=args.journal, delay=args.delay)
    try:
        peer.serve_forever()
    finally:
        peer.server_close()


if __name__ == "__main__":
    main()
