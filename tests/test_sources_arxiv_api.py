"""Tests of the arXiv API source against recorded Atom pages served by a mock transport."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from replay import Replay, fixture, mangled, raises_only_input_error

from paperfeed.errors import InputError, SourceError
from paperfeed.sources.arxiv_api import (
    fetch_arxiv_api,
    parse_arxiv_atom,
    parse_arxiv_page,
    search_query,
)

ORIGIN = "https://export.arxiv.org/api/query?start=0"
PAGES = {"0": "arxiv_api_page1.xml", "3": "arxiv_api_page2.xml", "6": "arxiv_api_page3.xml"}


def arxiv_replay(
    pages: dict[str, str] = PAGES, fail: dict[str, list[httpx.Response]] | None = None
) -> Replay:
    """Serves the recorded pages by ``start=``; ``fail`` maps start -> responses to send first."""
    return Replay(pages, key=lambda request: request.url.params["start"], override=fail)


def test_parse_page_fields() -> None:
    batch = parse_arxiv_atom(fixture("arxiv_api_page1.xml"), ORIGIN)
    assert batch.origin == ORIGIN
    assert [p.id for p in batch.papers] == ["2506.03112", "2506.03098", "2506.02950"]
    first = batch.papers[0]
    assert first.title == "Sparse Mixture-of-Experts Routing with Load-Aware Token Dropping"
    assert first.abstract.startswith("Sparse mixture-of-experts (MoE) layers scale model")
    assert "\n" not in first.abstract and "  " not in first.abstract
    assert first.authors == ("Mei Lin", "Tomás Ortega", "Priya Raghunathan")
    assert first.categories == ("cs.LG", "cs.CL")
    assert first.date == "2025-06-03"
    assert first.source == "arxiv-api"
    assert first.url == "https://arxiv.org/abs/2506.03112"
    assert first.doi is None


def test_parse_strips_version_keeps_primary_first_and_doi() -> None:
    second = parse_arxiv_atom(fixture("arxiv_api_page1.xml"), ORIGIN).papers[1]
    assert second.id == "2506.03098"  # v2 in the feed
    assert second.categories == ("cs.CL", "cs.AI", "cs.IR")
    assert second.doi == "10.18653/v1/2025.acl-long.412"
    assert second.date == "2025-06-03"  # first submission, not the v2 update


def test_parse_page_total_results() -> None:
    assert parse_arxiv_page(fixture("arxiv_api_page1.xml"), ORIGIN).total == 7


def test_search_query() -> None:
    assert search_query(["cs.LG", " cs.CL "]) == "cat:cs.LG OR cat:cs.CL"
    with pytest.raises(ValueError):
        search_query([])


def test_fetch_pages_through_the_listing_with_pauses() -> None:
    replay = arxiv_replay()
    batch = fetch_arxiv_api(replay.fetcher(), ["cs.LG", "cs.CL"], page_size=3)
    assert [r.url.params["start"] for r in replay.requests] == ["0", "3", "6"]
    params = replay.requests[0].url.params
    assert params["search_query"] == "cat:cs.LG OR cat:cs.CL"
    assert params["sortBy"] == "submittedDate" and params["max_results"] == "3"
    assert b"search_query=cat%3Acs.LG+OR+cat%3Acs.CL" in replay.requests[0].url.raw_path
    # 7 entries over three pages, one repeated at a page boundary
    assert len(batch.papers) == 6 and len({p.id for p in batch.papers}) == 6
    assert batch.problems == ()
    gaps = [b - a for a, b in zip(replay.times, replay.times[1:], strict=False)]
    assert gaps == [3.0, 3.0] and replay.fake.sleeps == [3.0, 3.0]


def test_fetch_stops_once_past_since() -> None:
    replay = arxiv_replay()
    batch = fetch_arxiv_api(replay.fetcher(), ["cs.LG"], page_size=3, since="2025-06-02")
    assert [r.url.params["start"] for r in replay.requests] == ["0", "3"]
    assert all(p.date is not None and p.date >= "2025-06-02" for p in batch.papers)
    assert {p.id for p in batch.papers} == {"2506.03112", "2506.03098", "2506.02950", "2506.02871"}


def test_fetch_respects_max_results() -> None:
    replay = arxiv_replay()
    batch = fetch_arxiv_api(replay.fetcher(), ["cs.LG"], page_size=3, max_results=3)
    assert len(batch.papers) == 3 and len(replay.requests) == 1


def test_fetch_empty_page_before_total_is_reported() -> None:
    replay = arxiv_replay({"0": "arxiv_api_page1.xml", "3": "arxiv_api_empty.xml"})
    batch = fetch_arxiv_api(replay.fetcher(), ["cs.LG"], page_size=3)
    assert len(batch.papers) == 3
    assert len(batch.problems) == 1 and "empty page at start=3 of 7" in batch.problems[0]


def test_fetch_survives_a_503_with_retry_after() -> None:
    busy = [httpx.Response(503, headers={"Retry-After": "5"}, text="Service Unavailable")]
    replay = arxiv_replay(fail={"3": busy})
    batch = fetch_arxiv_api(replay.fetcher(), ["cs.LG"], page_size=3)
    assert len(batch.papers) == 6
    assert replay.fake.sleeps == [3.0, 5.0, 3.0]  # Retry-After 5 s also covers the 3 s pause


def test_fetch_gives_up_with_source_error_naming_the_url() -> None:
    down = [httpx.Response(502) for _ in range(10)]
    replay = arxiv_replay(fail={"0": down})
    with pytest.raises(SourceError, match=r"export\.arxiv\.org/api/query.*HTTP 502"):
        fetch_arxiv_api(replay.fetcher(), ["cs.LG"], page_size=3)


def test_api_error_entry_raises_input_error() -> None:
    with pytest.raises(InputError, match=r"incorrect id format for 1234\.12345"):
        parse_arxiv_atom(fixture("arxiv_api_error.xml"), ORIGIN)


def test_truncated_response_names_the_line() -> None:
    text = fixture("arxiv_api_page1.xml")
    cut = text[: text.index("<title>On the Sample")]
    with pytest.raises(InputError) as info:
        parse_arxiv_atom(cut, ORIGIN)
    assert info.value.line is not None and info.value.line > 50
    assert "truncated" in str(info.value)


def test_missing_title_names_the_field() -> None:
    text = fixture("arxiv_api_page2.xml").replace(
        "<title>Tokenizer-Free Language Modelling of Low-Resource Scripts</title>", "<title/>"
    )
    with pytest.raises(InputError) as info:
        parse_arxiv_atom(text, ORIGIN)
    assert info.value.field == "title" and "2506.02871" in str(info.value)


def test_not_an_atom_feed() -> None:
    with pytest.raises(InputError, match="expected an Atom <feed>"):
        parse_arxiv_atom("<html><body>Rate exceeded.</body></html>", ORIGIN)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mangled(fixture("arxiv_api_page1.xml")))
def test_random_text_raises_only_input_error(text: str) -> None:
    raises_only_input_error(lambda page: parse_arxiv_atom(page, ORIGIN), text)
