"""The polite GET every network source shares: retries, back-off and a pause per host.

``PoliteFetcher`` wraps an injected ``httpx.Client``: timeouts come from the client,
connect errors, timeouts, 429 and 5xx are retried a bounded number of times with
exponential back-off and jitter, ``Retry-After`` is honoured (seconds or an HTTP date,
capped), and calls to one host keep a minimum pause between them (arXiv asks for 3 s; each source of
the registry declares its hosts' pauses, ``pace``), and a ``Backoff`` header (Zotero's)
holds further calls to that host for the seconds it asks.
``sleep``, ``clock`` and ``now`` are injectable so tests never really wait. Reuse one
fetcher for a whole run so the pause holds across fetches. A body is streamed and refused
past ``max_bytes`` (counted after decoding gzip/deflate), so a huge or bomb-compressed
response costs at most that much memory.

``check_feed_url`` is the policy for feed URLs that users add: http(s) only, and (unless
the operator sets ``sources.allow_private_feeds``) no loopback, private, link-local or
reserved address; ``feed_url_hook`` applies it to every request of a client, redirects too.
"""

from __future__ import annotations

import ipaddress
import random
import socket
import time
from collections.abc import Callable, Mapping
from datetime import UTC
from email.utils import parsedate_to_datetime

import httpx

from paperfeed.config import MIB
from paperfeed.errors import InputError, SourceError

USER_AGENT = "paperfeed/0.1 (personalized research-paper feed; python-httpx)"
MAX_BODY_BYTES = 64 * MIB
_DROPPED_HEADERS = ("content-encoding", "content-length", "transfer-encoding")
Params = Mapping[str, str | int]


def make_client(
    timeout: float = 30.0, user_agent: str = USER_AGENT, *, allow_private: bool = False
) -> httpx.Client:
    """An ``httpx.Client`` for production: timeouts, a descriptive User-Agent, redirects.

    Every request, redirects included, passes ``check_feed_url``, so a public feed cannot
    bounce the fetcher to a loopback or private address unless ``allow_private``.
    """
    return httpx.Client(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        headers={"User-Agent": user_agent},
        follow_redirects=True,
        event_hooks={"request": [feed_url_hook(allow_private)]},
    )


def is_retryable(status: int) -> bool:
    """Whether an HTTP status is worth another try: rate limits, timeouts, server errors."""
    return status in (408, 429) or status >= 500


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """The wait a ``Retry-After`` header asks for (delta seconds or HTTP date), else None."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


class PoliteFetcher:
    """GET with bounded retries, back-off, Retry-After and a minimum pause per host."""

    def __init__(
        self,
        client: httpx.Client,
        *,
        min_interval: float = 3.0,
        retries: int = 4,
        backoff: float = 2.0,
        max_backoff: float = 60.0,
        max_retry_after: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], float] = time.time,
        jitter: Callable[[], float] = random.random,
        max_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        self.client = client
        self.max_bytes = max_bytes
        self.min_interval = min_interval
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self._sleep = sleep
        self._clock = clock
        self._now = now
        self._jitter = jitter
        self._last_call: dict[str, float] = {}
        self._not_before: dict[str, float] = {}
        self.host_intervals: dict[str, float] = {}

    def pace(self, intervals: Mapping[str, float]) -> None:
        """Minimum pauses between calls per host (a host already paced keeps its pause)."""
        for host, seconds in intervals.items():
            self.host_intervals.setdefault(host, seconds)

    def get_text(self, url: str, params: Params | None = None) -> str:
        """The body of a successful GET as text."""
        return self.get(url, params).text

    def get(
        self, url: str, params: Params | None = None, headers: Mapping[str, str] | None = None
    ) -> httpx.Response:
        """GET ``url``; retry what can pass; SourceError naming the URL when it will not.

        Any status below 400 is returned (a 304 Not Modified too)."""
        target = full_url(url, params)
        last_problem = "no attempt made"
        for attempt in range(self.retries + 1):
            self._wait_turn(target.host)
            try:
                response = self._fetch(target, headers)
            except httpx.UnsupportedProtocol as exc:
                raise SourceError(f"GET {target}: {exc}") from exc
            except httpx.TransportError as exc:  # connect errors, timeouts, broken streams
                last_problem = f"{type(exc).__name__}: {exc}"
                delay = self._backoff_delay(attempt)
            else:
                self._hold(target.host, response)
                if response.status_code < 400:
                    return response
                _raise_unless_retryable(target, response)
                last_problem = f"HTTP {response.status_code}"
                delay = self._retry_delay(response, attempt)
            if attempt < self.retries:
                self._sleep(delay)
        raise SourceError(
            f"GET {target} failed after {self.retries + 1} attempts; last: {last_problem}"
        )

    def _fetch(self, target: httpx.URL, headers: Mapping[str, str] | None) -> httpx.Response:
        """GET ``target`` reading at most ``max_bytes`` of (decoded) body."""
        with self.client.stream("GET", target, headers=headers) as streamed:
            parts, size = [], 0
            for chunk in streamed.iter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise SourceError(
                        f"GET {target}: the response is larger than {self.max_bytes:,} bytes "
                        "(the limit, limits.feed_bytes); nothing was stored"
                    )
                parts.append(chunk)
            kept = [
                (key, value)
                for key, value in streamed.headers.multi_items()
                if key.lower() not in _DROPPED_HEADERS
            ]
            return httpx.Response(
                streamed.status_code,
                headers=kept,
                content=b"".join(parts),
                request=streamed.request,
            )

    def _wait_turn(self, host: str) -> None:
        """Sleep until the minimum pause since the last call to ``host`` has passed (and
        any ``Backoff`` the host asked for)."""
        last = self._last_call.get(host)
        interval = self.host_intervals.get(host, self.min_interval)
        ready = max(last + interval if last is not None else 0.0, self._not_before.get(host, 0.0))
        wait = ready - self._clock()
        if wait > 0:
            self._sleep(wait)
        self._last_call[host] = self._clock()

    def _hold(self, host: str, response: httpx.Response) -> None:
        """Honour a ``Backoff: SECONDS`` header (capped) for the next calls to ``host``."""
        asked = retry_after_seconds(response.headers.get("Backoff"), self._now())
        if asked:
            self._not_before[host] = self._clock() + min(asked, self.max_retry_after)

    def _backoff_delay(self, attempt: int) -> float:
        """Exponential back-off with equal jitter: half fixed, half random."""
        base = min(self.max_backoff, self.backoff * 2**attempt)
        return base / 2 + self._jitter() * base / 2

    def _retry_delay(self, response: httpx.Response, attempt: int) -> float:
        """The server's Retry-After (capped) when it gives one, else the back-off."""
        asked = retry_after_seconds(response.headers.get("Retry-After"), self._now())
        if asked is None:
            return self._backoff_delay(attempt)
        return min(asked, self.max_retry_after)


def as_fetcher(
    client: httpx.Client | PoliteFetcher,
    min_interval: float = 3.0,
    max_bytes: int = MAX_BODY_BYTES,
) -> PoliteFetcher:
    """Use a given PoliteFetcher as is, or wrap a bare client in one."""
    if isinstance(client, PoliteFetcher):
        return client
    return PoliteFetcher(client, min_interval=min_interval, max_bytes=max_bytes)


def full_url(url: str, params: Params | None = None) -> httpx.URL:
    """``url`` with ``params`` merged into its query: what a GET asks for, and its origin."""
    base = httpx.URL(url)
    return base.copy_merge_params(dict(params)) if params else base


def _raise_unless_retryable(target: httpx.URL, response: httpx.Response) -> None:
    if is_retryable(response.status_code):
        return
    snippet = " ".join(response.text.split())[:200]
    detail = f": {snippet}" if snippet else ""
    raise SourceError(f"GET {target}: HTTP {response.status_code}{detail}")


# --- the feed URL policy --------------------------------------------------------------

Resolver = Callable[[str], list[str]]


def check_feed_url(
    url: str, allow_private: bool = False, *, resolve: Resolver | None = None
) -> str:
    """``url`` if a user may add it as a feed, else InputError naming the URL and the reason.

    Only http(s) with a host; every address the host resolves to must be public unless
    ``allow_private`` (the operator's ``sources.allow_private_feeds``). ``resolve`` maps a
    host to its addresses (default: the system resolver).
    """
    try:
        target = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError) as exc:
        raise InputError(url, f"not a URL: {exc}", field="url") from exc
    if target.scheme not in ("http", "https"):
        raise InputError(url, "a feed URL must start with http:// or https://", field="url")
    if not target.host:
        raise InputError(url, "the feed URL names no host", field="url")
    if not allow_private:
        for address in (resolve or _resolve)(target.host):
            if not _is_public(address):
                raise InputError(
                    url,
                    f"{target.host} is a loopback, private, link-local or reserved address "
                    f"({address}); the operator can allow it with sources.allow_private_feeds",
                    field="url",
                )
    return str(target)


def feed_url_hook(
    allow_private: bool = False, *, resolve: Resolver | None = None
) -> Callable[[httpx.Request], None]:
    """An httpx ``request`` event hook that applies ``check_feed_url`` to every request."""

    def check(request: httpx.Request) -> None:
        check_feed_url(str(request.url), allow_private, resolve=resolve)

    return check


def _resolve(host: str) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise InputError(host, f"cannot resolve the host: {exc}", field="url") from exc
    return sorted({str(info[4][0]) for info in infos})


def _is_public(address: str) -> bool:
    """Whether an IP address is globally routable unicast (IPv4-mapped IPv6 unwrapped)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_multicast or ip.is_reserved or ip.is_loopback or ip.is_link_local or ip.is_private
    )
