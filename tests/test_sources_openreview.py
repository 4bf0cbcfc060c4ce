"""Tests of the OpenReview venue source against recorded API responses (both API versions)."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from replay import Replay, fixture, mangled, raises_only_input_error, scripted

from paperfeed.errors import InputError, SourceError
from paperfeed.sources import registry
from paperfeed.sources.openreview import parse_notes

VENUE = "ICLR.cc/2025/Conference"


def test_accepted_papers_of_a_venue() -> None:
    replay = Replay({"api2.openreview.net": "openreview_iclr2025.json"}, key=lambda r: r.url.host)
    batch = registry.fetch(f"openreview:{VENUE}", replay.fetcher())
    (request,) = replay.requests
    assert request.url.params["content.venueid"] == VENUE
    assert request.url.params["limit"] == "1000" and request.url.params["offset"] == "0"
    moe, diffusion = batch.papers
    assert moe.title == "Scaling laws for sparse mixture-of-experts routing"
    assert moe.authors == ("Mei Lin", "Tomás Ortega") and moe.source == "openreview"
    assert moe.url == "https://openreview.net/forum?id=aB3dE5fG7h"
    assert moe.date == "2025-01-22" == diffusion.date  # the decision day
    assert moe.categories == ("mixture of experts", "scaling laws")


def test_an_old_venue_comes_from_the_old_api() -> None:
    pages = {
        "api2.openreview.net": "openreview_empty.json",
        "api.openreview.net": "openreview_iclr2019_v1.json",
    }
    replay = Replay(pages, key=lambda r: r.url.host)
    batch = registry.fetch("openreview:ICLR.cc/2019/Conference", replay.fetcher())
    assert [r.url.host for r in replay.requests] == ["api2.openreview.net", "api.openreview.net"]
    (paper,) = batch.papers
    assert paper.authors == ("Andrew Ilyas", "Shibani Santurkar")


def test_an_unknown_venue_is_a_problem_not_a_crash() -> None:
    replay = scripted(*[httpx.Response(200, text=fixture("openreview_empty.json"))] * 2)
    batch = registry.fetch("openreview:Nope.cc/2030/Conference", replay.fetcher())
    assert batch.papers == () and "no accepted paper" in batch.problems[0]


def test_bad_venue_ids_and_errors() -> None:
    with pytest.raises(InputError, match="venue id"):
        registry.fetch("openreview:not a venue", scripted().fetcher())
    replay = scripted(httpx.Response(200, text=fixture("openreview_error.json")))
    with pytest.raises(InputError, match="OpenReview says: Forbidden"):
        registry.fetch(f"openreview:{VENUE}", replay.fetcher())


def test_server_errors_are_retried_then_named() -> None:
    replay = scripted(*[httpx.Response(502)] * 5)
    with pytest.raises(SourceError, match=r"api2\.openreview\.net"):
        registry.fetch(f"openreview:{VENUE}", replay.fetcher())
    assert len(replay.requests) == 5


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(mangled(fixture("openreview_iclr2025.json")))
def test_any_text_parses_or_is_an_input_error(text: str) -> None:
    raises_only_input_error(lambda t: parse_notes(t, "u"), text)
