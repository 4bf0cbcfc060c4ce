"""A misbehaving arXiv + Hugging Face on loopback: a real HTTP server that fails by script.

``FakeSite`` serves one synthetic set of papers four ways (arXiv API Atom pages, OAI-PMH
ListRecords pages with resumption tokens, an arXiv RSS feed, the HF daily_papers JSON).
``site.inject(path, page, fault, ...)`` queues faults for one page of one endpoint; each
request for that page takes the next queued fault, and once the queue is empty the page
is served healthy. Faults: ``Slow`` (answer after the client's timeout), ``Reset`` (RST
mid-response), ``Status`` (429/503 with Retry-After), ``Truncated`` (200 with the body cut:
announced length, so the parser sees it, or the full length, so the stream breaks),
``Raw`` (any body, e.g. an OAI error or an empty listing).

``redirecting_client`` is an ``httpx.Client`` whose transport sends every request to the
site (keeping the original Host header), so the production URLs paperfeed builds reach it.
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

import httpx

from paperfeed.records import Paper


@dataclass(frozen=True)
class Slow:
    """Answer only after ``seconds`` (longer than the client's read timeout)."""

    seconds: float = 1.5


@dataclass(frozen=True)
class Reset:
    """Send the headers and part of the body, then reset the connection."""


@dataclass(frozen=True)
class Status:
    """An error status, with ``Retry-After`` when given."""

    code: int
    retry_after: str | None = None


@dataclass(frozen=True)
class Truncated:
    """The healthy body cut to ``keep`` of its bytes; ``honest`` announces the cut length."""

    keep: float = 0.5
    honest: bool = True


@dataclass(frozen=True)
class Raw:
    """Serve this body with status 200 instead of the healthy page."""

    body: str
    content_type: str = "application/xml"


Fault = Slow | Reset | Status | Truncated | Raw
OAI_PAGE = 50
HF_SERVED = 40  # below the 100 that one HF call returns at most (paperfeed notes that case)


class FakeSite:
    """The endpoints and their fault queues; thread-safe counters of what happened."""

    def __init__(self, papers: list[Paper], day: str) -> None:
        self.papers = sorted(papers, key=lambda p: (p.date or "", p.id), reverse=True)
        self.day = day
        self._faults: dict[tuple[str, str], deque[Fault]] = defaultdict(deque)
        self._lock = threading.Lock()
        self.requests: dict[tuple[str, str], int] = defaultdict(int)
        self.faults_served = 0
        self.expired_tokens: set[str] = set()

    def inject(self, path: str, page: str, *faults: Fault) -> None:
        """Queue ``faults`` for ``page`` of ``path`` (see ``page_key`` for the keys)."""
        with self._lock:
            self._faults[(path, page)].extend(faults)

    def clear(self) -> None:
        """The site becomes healthy: every queued fault and expired token is dropped."""
        with self._lock:
            self._faults.clear()
            self.expired_tokens.clear()

    def next_fault(self, path: str, page: str) -> Fault | None:
        with self._lock:
            self.requests[(path, page)] += 1
            queue = self._faults.get((path, page))
            if not queue:
                return None
            self.faults_served += 1
            return queue.popleft()

    def healthy(self, path: str, query: dict[str, str]) -> tuple[int, str, str]:
        """Status, content type and body of the healthy answer."""
        if path == "/api/query":
            return 200, "application/atom+xml", self._atom(query)
        if path == "/oai":
            return self._oai(query)
        if path.startswith("/rss/"):
            return 200, "application/rss+xml", rss_feed(self.papers)
        if path == "/api/daily_papers":
            return 200, "application/json", hf_json(self.papers[:HF_SERVED])
        return 404, "text/plain", "not found"

    def _atom(self, query: dict[str, str]) -> str:
        start, size = int(query.get("start", 0)), int(query.get("max_results", 100))
        return atom_page(self.papers[start : start + size], total=len(self.papers))

    def _oai(self, query: dict[str, str]) -> tuple[int, str, str]:
        token = query.get("resumptionToken")
        if token in self.expired_tokens:
            return 200, "text/xml", oai_error("badResumptionToken", "token expired")
        page = int(token.removeprefix("t")) if token else 0
        records = self.papers[page * OAI_PAGE : (page + 1) * OAI_PAGE]
        more = (page + 1) * OAI_PAGE < len(self.papers)
        return 200, "text/xml", oai_page(records, f"t{page + 1}" if more else None)


def page_key(path: str, query: dict[str, str]) -> str:
    """Which page a request asks for: ``start`` (API), the token or ``first`` (OAI), else ''."""
    if path == "/api/query":
        return query.get("start", "0")
    if path == "/oai":
        return query.get("resumptionToken", "first")
    return ""


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        site = self.server.site
        fault = site.next_fault(parts.path, page_key(parts.path, query))
        status, ctype, body = site.healthy(parts.path, query)
        with contextlib.suppress(OSError):  # the client gave up (timeout), or we reset
            self._answer(fault, status, ctype, body.encode("utf-8"))

    def _answer(self, fault: Fault | None, status: int, ctype: str, body: bytes) -> None:
        if isinstance(fault, Slow):
            time.sleep(fault.seconds)
        elif isinstance(fault, Status):
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            self._send(fault.code, "text/plain", b"try later", headers)
            return
        elif isinstance(fault, Reset):
            self._reset(body)
            return
        elif isinstance(fault, Truncated):
            cut = body[: int(len(body) * fault.keep)]
            length = len(cut) if fault.honest else len(body)
            self._send(200, ctype, cut, {"Content-Length": str(length)})
            if not fault.honest:
                self.close_connection = True
            return
        elif isinstance(fault, Raw):
            self._send(200, fault.content_type, fault.body.encode("utf-8"))
            return
        self._send(status, ctype, body)

    def _send(
        self, status: int, ctype: str, body: bytes, headers: dict[str, str] | None = None
    ) -> None:
        headers = {"Content-Length": str(len(body)), **(headers or {})}
        self.send_response(status)
        self.send_header("Content-Type", f"{ctype}; charset=utf-8")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _reset(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 3])
        self.wfile.flush()
        # SO_LINGER with a zero timeout turns close() into a TCP RST.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: FakeSite


class Running:
    """A FakeSite served on 127.0.0.1 in a background thread (a context manager)."""

    def __init__(self, site: FakeSite) -> None:
        self.site = site
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.site = site
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Running:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class _ToLoopback(httpx.BaseTransport):
    """A real HTTP transport that sends every request to one loopback port."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(scheme="http", host="127.0.0.1", port=self.port)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def redirecting_client(port: int, timeout: float = 0.5) -> httpx.Client:
    """An httpx client whose requests, whatever their URL, reach the site on ``port``."""
    return httpx.Client(transport=_ToLoopback(port), timeout=httpx.Timeout(timeout))


# --- healthy documents ----------------------------------------------------------------


def atom_page(papers: list[Paper], total: int) -> str:
    """One arXiv API response."""
    entries = "".join(
        f"<entry><id>http://arxiv.org/abs/{p.id}v1</id><title>{escape(p.title)}</title>"
        f"<summary>{escape(p.abstract)}</summary><published>{p.date}T12:00:00Z</published>"
        + "".join(f"<author><name>{escape(a)}</name></author>" for a in p.authors)
        + f'<arxiv:primary_category term="{p.categories[0]}"/></entry>'
        for p in papers
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom">'
        f"<title>arXiv Query</title><opensearch:totalResults>{total}</opensearch:totalResults>"
        f"{entries}</feed>"
    )


def oai_page(papers: list[Paper], token: str | None) -> str:
    """One OAI-PMH ListRecords page in the arXiv metadata format."""
    records = "".join(
        f"<record><header><identifier>oai:arXiv.org:{p.id}</identifier></header><metadata>"
        f'<arXiv xmlns="http://arxiv.org/OAI/arXiv/"><id>{p.id}</id>'
        f"<created>{p.date}</created><authors>"
        + "".join(f"<author><keyname>{escape(a)}</keyname></author>" for a in p.authors)
        + f"</authors><title>{escape(p.title)}</title><categories>{' '.join(p.categories)}"
        f"</categories><abstract>{escape(p.abstract)}</abstract></arXiv></metadata></record>"
        for p in papers
    )
    resumption = f"<resumptionToken>{token}</resumptionToken>" if token else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        f"<responseDate>2026-06-30T00:00:00Z</responseDate><ListRecords>{records}"
        f"{resumption}</ListRecords></OAI-PMH>"
    )


def oai_error(code: str, message: str) -> str:
    """An OAI-PMH error response."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        f'<error code="{code}">{escape(message)}</error></OAI-PMH>'
    )


def rss_feed(papers: list[Paper]) -> str:
    """An arXiv RSS listing (announce type new)."""
    items = "".join(
        f"<item><title>{escape(p.title)}</title><link>https://arxiv.org/abs/{p.id}</link>"
        f"<description>arXiv:{p.id}v1 Announce Type: new Abstract: {escape(p.abstract)}"
        f"</description><guid>oai:arXiv.org:{p.id}v1</guid>"
        f"<pubDate>Tue, 30 Jun 2026 00:00:00 -0400</pubDate>"
        f"<dc:creator>{escape(', '.join(p.authors))}</dc:creator>"
        f"<arxiv:announce_type>new</arxiv:announce_type></item>"
        for p in papers
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom"><channel><title>cs.LG updates</title>'
        f"{items}</channel></rss>"
    )


def hf_json(papers: list[Paper]) -> str:
    """A Hugging Face daily_papers response."""
    return json.dumps(
        [
            {
                "paper": {
                    "id": p.id,
                    "title": p.title,
                    "summary": p.abstract,
                    "authors": [{"name": a} for a in p.authors],
                },
                "publishedAt": f"{p.date}T00:00:00.000Z",
                "title": p.title,
            }
            for p in papers
        ]
    )
