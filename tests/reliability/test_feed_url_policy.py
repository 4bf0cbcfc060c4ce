"""Security: the feed URLs users add may only be public http(s) addresses.

``sources.http.check_feed_url`` refuses other schemes and every host that resolves to a
loopback, private, link-local or reserved address (in any spelling: decimal, hex,
IPv4-mapped IPv6, a name), unless the operator allows private feeds. ``feed_url_hook``
applies the rule to every request of a client, so a public feed cannot redirect it to an
internal address: shown against a real redirecting server on loopback.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from paperfeed.errors import InputError
from paperfeed.sources.http import check_feed_url, feed_url_hook

from .ledger import record

PUBLIC_IP = "93.184.216.34"
REFUSED = [
    "file:///etc/passwd",
    "ftp://example.org/feed",
    "javascript:alert(1)",
    "gopher://x/",
    "data:text/xml,<rss/>",
    "http:///no-host",
    "feed://example.org/rss",
    "http://127.0.0.1/",
    "http://127.1.2.3:8080/feed",
    "http://localhost/",
    "http://2130706433/",
    "http://0x7f.0.0.1/",
    "http://0177.0.0.1/",
    "http://0.0.0.0/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://169.254.169.254/latest",
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://[fc00::1]/",
    "http://[fe80::1]/",
    "http://224.0.0.1/",
    "http://240.0.0.1/",
    "http://198.18.0.1/",
    "http://192.0.2.1/",
]
ACCEPTED = [
    f"http://{PUBLIC_IP}/feed.xml",
    f"https://{PUBLIC_IP}:8443/rss",
    "https://[2606:2800:220:1:248:1893:25c8:1946]/atom",
]


@pytest.mark.parametrize("url", REFUSED)
def test_non_public_or_non_http_urls_are_refused(url: str) -> None:
    with pytest.raises(InputError) as caught:
        check_feed_url(url)
    assert str(caught.value).startswith(url.strip()) or "not a URL" in str(caught.value)
    record("security: feed URL policy", inputs=1, faults=1)


@pytest.mark.parametrize("url", ACCEPTED)
def test_public_http_urls_are_accepted(url: str) -> None:
    assert check_feed_url(url).startswith(url.split("/")[0])
    record("security: feed URL policy", inputs=1)


def test_names_are_judged_by_every_address_they_resolve_to() -> None:
    table = {
        "feeds.example": [PUBLIC_IP],
        "rebind.example": [PUBLIC_IP, "127.0.0.1"],
        "intranet.example": ["10.1.2.3"],
    }
    assert check_feed_url("https://feeds.example/rss", resolve=table.__getitem__)
    for host in ("rebind.example", "intranet.example"):
        with pytest.raises(InputError, match="allow_private_feeds"):
            check_feed_url(f"https://{host}/rss", resolve=table.__getitem__)
    with pytest.raises(InputError, match="resolve"):
        check_feed_url("https://no-such-host.invalid/rss")
    record("security: feed URL policy", inputs=4, faults=3)


def test_the_operator_may_allow_private_feeds_but_not_other_schemes() -> None:
    assert check_feed_url("http://127.0.0.1:8080/feed", allow_private=True)
    assert check_feed_url("http://10.0.0.1/feed", allow_private=True)
    with pytest.raises(InputError):
        check_feed_url("file:///etc/passwd", allow_private=True)
    record("security: feed URL policy", inputs=3, faults=1)


class _Redirect(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/feed":
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{self.server.server_address[1]}/meta")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.server.reached_internal = True  # type: ignore[attr-defined]
        body = b"internal secrets"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def redirecting_server() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Redirect)
    server.reached_internal = False  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


class _PublicNameToLoopback(httpx.HTTPTransport):
    """Connects 'feeds.example' to the local server; other hosts as they are."""

    def __init__(self, port: int) -> None:
        super().__init__()
        self.port = port

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "feeds.example":
            request.url = request.url.copy_with(host="127.0.0.1", port=self.port)
        return super().handle_request(request)


def test_a_public_feed_cannot_redirect_the_fetcher_inside() -> None:
    resolve = {"feeds.example": [PUBLIC_IP], "127.0.0.1": ["127.0.0.1"]}.__getitem__
    with redirecting_server() as server:
        port = server.server_address[1]
        hook = feed_url_hook(resolve=resolve)
        with (
            httpx.Client(
                transport=_PublicNameToLoopback(port),
                follow_redirects=True,
                event_hooks={"request": [hook]},
            ) as client,
            pytest.raises(InputError, match=r"127\.0\.0\.1"),
        ):
            client.get("http://feeds.example/feed")
        assert server.reached_internal is False  # type: ignore[attr-defined]
    record("security: feed URL policy", inputs=1, faults=1)
