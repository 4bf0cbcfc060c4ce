"""A real HTTP server on loopback that records every request and answers by a script.

Used for the LLM endpoint (recorded chat-completions responses, errors, slow answers) and
for chat webhooks (apprise's json:// and ntfy:// targets pointed at it). ``answer`` maps a
recorded request to a ``Reply``; the default answers 200 with an empty JSON object.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Seen:
    """One request as the server got it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Reply:
    """What to answer: status, body, headers, and seconds to wait first."""

    status: int = 200
    body: str = "{}"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        seen = Seen(self.command, self.path, dict(self.headers.items()), self.rfile.read(length))
        with self.server.lock:
            self.server.seen.append(seen)
        reply = self.server.answer(seen)
        if reply.delay:
            time.sleep(reply.delay)
        body = reply.body.encode("utf-8")
        with contextlib.suppress(OSError):  # the client may have given up (timeout)
            self.send_response(reply.status)
            headers = {"Content-Type": "application/json", **reply.headers}
            for name, value in {**headers, "Content-Length": str(len(body))}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    do_POST = do_GET = do_PUT = _serve


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    seen: list[Seen]
    lock: threading.Lock
    answer: Callable[[Seen], Reply]


class LocalServer:
    """A recording server on 127.0.0.1 (a context manager)."""

    def __init__(self, answer: Callable[[Seen], Reply] | None = None) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.seen, self._server.lock = [], threading.Lock()
        self._server.answer = answer or (lambda seen: Reply())
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def seen(self) -> list[Seen]:
        with self._server.lock:
            return list(self._server.seen)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
