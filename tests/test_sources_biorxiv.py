"""Tests of the bioRxiv / medRxiv source against recorded details-API responses, with faults."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from replay import Replay, fixture, mangled, raises_only_input_error, scripted

from paperfeed.errors import InputError, SourceError
from paperfeed.sources import registry
from paperfeed.sources.biorxiv import fetch_details, interval, parse_details
from paperfeed.sources.registry import Request


def _cursor(request: httpx.Request) -> str:
    return request.url.path.split("/")[-2]


def _site() -> Replay:
    pages = {"0": "biorxiv_neuroscience_0.json", "2": "biorxiv_neuroscience_2.json"}
    return Replay(pages, key=_cursor)


def test_pages_are_followed_and_revisions_left_out() -> None:
    replay = _site()
    batch = registry.fetch(
        "biorxiv:neuroscience", replay.fetcher(), since="2025-06-03", today="2025-06-04"
    )
    assert [r.url.path for r in replay.requests] == [
        "/details/biorxiv/2025-06-03/2025-06-04/0/json",
        "/details/biorxiv/2025-06-03/2025-06-04/2/json",
    ]
    assert replay.requests[0].url.params["category"] == "neuroscience"
    assert [p.id for p in batch.papers] == [
        "doi:10.1101/2025.06.02.657001",
        "doi:10.1101/2025.06.03.657210",
    ]  # the version-2 record is an old paper posted again
    first = batch.papers[0]
    assert first.authors == ("C. Okafor", "E. M. Lindqvist", "Y. Huang")
    assert first.date == "2025-06-03" and first.source == "biorxiv"
    assert first.categories == ("neuroscience",)
    assert first.url == "https://www.biorxiv.org/content/10.1101/2025.06.02.657001v1"
    assert "\n" not in first.abstract and batch.problems == ()


def test_the_pause_per_host_is_the_registrys() -> None:
    replay = _site()
    registry.fetch("biorxiv:neuroscience", replay.fetcher(), day="2025-06-03")
    assert replay.times[1] - replay.times[0] == pytest.approx(1.0)


def test_medrxiv_and_categories_with_spaces() -> None:
    replay = Replay({"0": "medrxiv_cardiovascular_0.json"}, key=_cursor)
    batch = registry.fetch("medrxiv:cardiovascular medicine", replay.fetcher(), day="2025-06-03")
    assert replay.requests[0].url.params["category"] == "cardiovascular_medicine"
    assert replay.requests[0].url.path.startswith("/details/medrxiv/2025-06-03/2025-06-03/")
    (paper,) = batch.papers
    assert paper.source == "medrxiv" and paper.url.startswith("https://www.medrxiv.org/")


def test_the_range_asked_for() -> None:
    today = "2025-06-04"
    assert interval(Request("b:", "", day="2025-06-01", today=today)) == ("2025-06-01",) * 2
    assert interval(Request("b:", "", since="2025-05-30", today=today)) == ("2025-05-30", today)
    assert interval(Request("b:", "", today=today)) == ("2025-06-03", today)


def test_no_posts_is_an_empty_batch() -> None:
    replay = scripted(httpx.Response(200, text=fixture("biorxiv_empty.json")))
    assert registry.fetch("biorxiv:", replay.fetcher(), day="2025-06-01").papers == ()


def test_a_503_with_retry_after_is_waited_out() -> None:
    replay = _site()
    replay.override["0"] = [httpx.Response(503, headers={"Retry-After": "7"})]
    batch = registry.fetch("biorxiv:neuroscience", replay.fetcher(), day="2025-06-03")
    assert len(batch.papers) == 2 and 7.0 in replay.fake.sleeps


def test_a_later_page_that_fails_keeps_the_first() -> None:
    replay = _site()
    replay.override["2"] = [httpx.ConnectError("down")] * 5
    batch = fetch_details(replay.fetcher(), "biorxiv", "2025-06-03", "2025-06-04", "neuroscience")
    assert len(batch.papers) == 1 and "stopped after 2 records" in batch.problems[0]


def test_a_first_page_that_fails_names_the_url() -> None:
    replay = scripted(*[httpx.ReadTimeout("slow")] * 5)
    with pytest.raises(SourceError, match=r"api\.biorxiv\.org/details/biorxiv"):
        registry.fetch("biorxiv:neuroscience", replay.fetcher(), day="2025-06-03")


def test_a_truncated_page_is_an_input_error() -> None:
    text = fixture("biorxiv_neuroscience_0.json")
    with pytest.raises(InputError, match="JSON"):
        parse_details(text[: len(text) // 2], "u", "biorxiv")


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(mangled(fixture("biorxiv_neuroscience_0.json")))
def test_any_text_parses_or_is_an_input_error(text: str) -> None:
    raises_only_input_error(lambda t: parse_details(t, "u", "biorxiv"), text)
