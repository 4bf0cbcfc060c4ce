"""Tests of the shared polite fetch: retries, back-off, Retry-After, per-host pause."""

from __future__ import annotations

import itertools
from email.utils import formatdate

import httpx
import pytest
from replay import NOW, FakeTime, polite_fetcher, scripted

from paperfeed.errors import SourceError
from paperfeed.sources.http import as_fetcher, full_url, make_client, retry_after_seconds

URL = "https://export.arxiv.org/api/query"


def test_first_answer_is_returned_without_sleeping() -> None:
    replay = scripted(httpx.Response(200, text="hello"))
    assert replay.fetcher().get_text(URL, {"start": 0}) == "hello"
    assert replay.fake.sleeps == []
    assert replay.requests[0].url.params["start"] == "0"


def test_503_with_retry_after_seconds_then_success() -> None:
    replay = scripted(
        httpx.Response(503, headers={"Retry-After": "7"}, text="busy"),
        httpx.Response(200, text="<ok/>"),
    )
    assert replay.fetcher().get_text(URL) == "<ok/>"
    assert replay.fake.sleeps == [7.0]
    assert len(replay.requests) == 2


def test_retry_after_as_http_date() -> None:
    later = formatdate(NOW + 20, usegmt=True)
    replay = scripted(
        httpx.Response(503, headers={"Retry-After": later}), httpx.Response(200, text="ok")
    )
    assert replay.fetcher().get_text(URL) == "ok"
    assert replay.fake.sleeps == [pytest.approx(20.0)]


def test_retry_after_is_capped() -> None:
    replay = scripted(
        httpx.Response(429, headers={"Retry-After": "86400"}), httpx.Response(200, text="ok")
    )
    replay.fetcher(max_retry_after=30.0).get_text(URL)
    assert replay.fake.sleeps == [30.0]


def test_429_without_retry_after_backs_off_exponentially_with_jitter() -> None:
    replay = scripted(httpx.Response(429), httpx.Response(429), httpx.Response(200, text="ok"))
    assert replay.fetcher(backoff=2.0, min_interval=0.0).get_text(URL) == "ok"
    # equal jitter with jitter()=0.5: base/2 + 0.25*base -> 0.75 * 2, 0.75 * 4
    assert replay.fake.sleeps == [1.5, 3.0]
    assert len(replay.requests) == 3


def test_connect_error_from_the_transport_is_retried() -> None:
    replay = scripted(httpx.ConnectError("connection refused"), httpx.Response(200, text="ok"))
    assert replay.fetcher(min_interval=0.0).get_text(URL) == "ok"
    assert len(replay.requests) == 2 and replay.fake.sleeps == [1.5]


def test_timeout_is_retried() -> None:
    replay = scripted(httpx.ReadTimeout("read timed out"), httpx.Response(200, text="ok"))
    assert replay.fetcher().get_text(URL) == "ok"


def test_retries_exhausted_raise_source_error_naming_url_and_status() -> None:
    replay = scripted(*[httpx.Response(503) for _ in range(3)])
    with pytest.raises(SourceError) as info:
        fetcher = replay.fetcher(retries=2, min_interval=0.0)
        fetcher.get_text(URL, {"search_query": "cat:cs.LG"})
    message = str(info.value)
    assert "export.arxiv.org/api/query?search_query=cat%3Acs.LG" in message
    assert "HTTP 503" in message and "3 attempts" in message
    assert len(replay.requests) == 3
    assert len(replay.fake.sleeps) == 2  # no pointless sleep after the last attempt


def test_connect_errors_exhausted_name_the_error() -> None:
    replay = scripted(*[httpx.ConnectError("no route to host") for _ in range(2)])
    with pytest.raises(SourceError, match="ConnectError: no route to host"):
        replay.fetcher(retries=1).get(URL)


def test_client_errors_are_not_retried() -> None:
    replay = scripted(httpx.Response(404, text="<html>Not Found</html>"))
    with pytest.raises(SourceError, match=r"HTTP 404.*Not Found"):
        replay.fetcher().get(URL)
    assert len(replay.requests) == 1 and replay.fake.sleeps == []


def test_minimum_pause_between_calls_to_one_host() -> None:
    fake = FakeTime()
    started: list[tuple[str, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        started.append((request.url.host, fake.now))
        fake.now += 1.0  # the call itself takes a second
        return httpx.Response(200, text="ok")

    fetcher = polite_fetcher(handler, fake, min_interval=3.0)
    fetcher.get(URL)
    fetcher.get(URL)
    fetcher.get("https://huggingface.co/api/daily_papers")  # another host: no pause
    fetcher.get(URL)
    arxiv_starts = [t for host, t in started if host == "export.arxiv.org"]
    gaps = [b - a for a, b in itertools.pairwise(arxiv_starts)]
    assert all(gap >= 3.0 for gap in gaps)
    assert fake.sleeps == [2.0, 1.0]  # 3 s minus the 1 s call; then 3 s minus 2 s elapsed


def test_retry_waits_at_least_the_host_pause() -> None:
    replay = scripted(httpx.Response(500), httpx.Response(200, text="ok"))
    replay.fetcher(backoff=2.0, min_interval=3.0).get_text(URL)
    assert sum(replay.fake.sleeps) == pytest.approx(3.0)  # 1.5 s back-off, then the rest of 3 s


def test_pause_is_configurable() -> None:
    replay = scripted(httpx.Response(200), httpx.Response(200))
    fetcher = replay.fetcher(min_interval=0.0)
    fetcher.get(URL)
    fetcher.get(URL)
    assert replay.fake.sleeps == []


def test_retry_after_parsing() -> None:
    assert retry_after_seconds("120", NOW) == 120.0
    assert retry_after_seconds(formatdate(NOW + 60, usegmt=True), NOW) == pytest.approx(60.0)
    assert retry_after_seconds(formatdate(NOW - 60, usegmt=True), NOW) == 0.0
    assert retry_after_seconds("soon", NOW) is None
    assert retry_after_seconds(None, NOW) is None


def test_make_client_sets_user_agent_and_timeouts() -> None:
    with make_client(timeout=12.0, user_agent="paperfeed-test/1") as client:
        assert client.headers["User-Agent"] == "paperfeed-test/1"
        assert client.timeout.read == 12.0
        assert client.timeout.connect == 10.0


def test_as_fetcher_wraps_a_bare_client_once() -> None:
    client = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    fetcher = as_fetcher(client)
    assert fetcher.client is client and fetcher.min_interval == 3.0
    assert as_fetcher(fetcher) is fetcher


def test_full_url_merges_params_into_the_query() -> None:
    assert str(full_url(URL, {"start": 3, "q": "a b"})) == f"{URL}?start=3&q=a+b"
    assert str(full_url(f"{URL}?x=1")) == f"{URL}?x=1"
