"""A local exchange peer in its own process (moh_core.testing.peer), for end-to-end tests: started
and stopped like another agency's system, its journal read back from the file it keeps."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


class PeerProcess:
    def __init__(self, port: int, journal: Path, *, token: str | None = None, delay: float = 0):
        self.port, self.journal, self.token, self.delay = port, Path(journal), token, delay
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 20) -> PeerProcess:
        command = [
            sys.executable,
            "-m",
            "moh_core.testing.peer",
            "--port",
            str(self.port),
            "--journal",
            str(self.journal),
            "--delay",
            str(self.delay),
        ]
        if self.token:
            command += ["--token", self.token]
        self.process = subprocess.Popen(command, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=2)
            except urllib.error.HTTPError:
                return self  # it answers (GET is not supported): up
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the local peer did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(10)

    def kill(self) -> None:
        """Dies at once (SIGKILL), as a crashed system would: no answer to what it was holding."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def deliveries(self) -> list[dict]:
        if not self.journal.exists():
            return []
        return [json.loads(line) for line in self.journal.read_text().splitlines() if line.strip()]
