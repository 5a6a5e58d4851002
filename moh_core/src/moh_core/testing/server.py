"""The life of the local test servers (the exchange peer, the national portal's doubles): each
serves on a thread of the process that starts it, from ``start()`` (or ``with``) to ``stop()``."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer
from typing import Self


class LocalServer(ThreadingHTTPServer):
    """A ``ThreadingHTTPServer`` on 127.0.0.1 that starts and stops itself."""

    daemon_threads = True
    allow_reuse_address = True
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Its address, without a final slash."""
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> Self:
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
