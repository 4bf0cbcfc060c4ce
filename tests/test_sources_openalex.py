"""Tests of the OpenAlex source (works by concept/source/topic and date; an author's works
for a profile) against recorded API responses, with faults."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from replay import Replay, fixture, mangled, raises_only_input_error, scripted

from paperfeed.errors import InputError, SourceError
from paperfeed.sources import registry
from paperfeed.sources.openalex import abstract_text, listing_filter, parse_page
from paperfeed.sources.registry import Request


def _page(request: httpx.Request) -> str:
    if request.url.path.startswith("/authors/"):
        return "author"
    if "author." in request.url.params.get("filter", ""):
        return "author-works"
    return "1" if request.url.params["cursor"] == "*" else "2"


PAGES = {
    "1": "openalex_works_1.json",
    "2": "openalex_works_2.json",
    "author": "openalex_author.json",
    "author-works": "openalex_author_works.json",
}


def test_works_of_concepts_and_sources_in_a_date_range() -> None:
    replay = Replay(PAGES, key=_page)
    spec = "openalex:C41008148,S4306420609,https://openalex.org/C154945302"
    batch = registry.fetch(spec, replay.fetcher(), since="2025-06-03", today="2025-06-04")
    first, second = replay.requests
    assert first.url.host == "api.openalex.org" and first.url.path == "/works"
    assert first.url.params["filter"] == (
        "concepts.id:C41008148|C154945302,primary_location.source.id:S4306420609,"
        "from_publication_date:2025-06-03,to_publication_date:2025-06-04"
    )
    assert first.url.params["per-page"] == "200" and second.url.params["cursor"].startswith("Ils")
    assert len(batch.papers) == 3 and batch.problems == ()
    sparse, calibrated, graphs = batch.papers
    assert sparse.id == "2506.01111"  # an arXiv location makes it meet its arXiv record
    assert sparse.doi == "10.52202/079017-0101" and sparse.date == "2025-06-03"
    assert sparse.abstract == (
        "We route tokens to sparse attention heads and keep quality on long documents."
    )
    assert sparse.authors == ("Ana Ruiz", "Kenji Watanabe") and sparse.source == "openalex"
    assert calibrated.id == "doi:10.52202/079017-0102"
    assert graphs.id.startswith("title:") and graphs.url == "https://openalex.org/W4400000003"
    assert graphs.abstract == ""


def test_the_inverted_abstract_is_put_back_in_order() -> None:
    assert abstract_text({"world": [1], "hello": [0, 2]}) == "hello world hello"
    assert abstract_text(None) == "" and abstract_text({"x": ["bad"]}) == ""


def test_bad_ids_are_named() -> None:
    with pytest.raises(InputError, match="'W123' is not an OpenAlex concept"):
        listing_filter(Request("openalex:W123", "W123", day="2025-06-03"))


def test_profile_import_by_orcid_names_the_owner() -> None:
    replay = Replay(PAGES, key=_page)
    batch = registry.fetch("orcid:0000-0002-1825-0097", replay.fetcher(), kind="profile")
    assert replay.requests[0].url.path == "/authors/orcid:0000-0002-1825-0097"
    assert replay.requests[1].url.params["filter"] == "author.orcid:0000-0002-1825-0097"
    assert batch.owner == "Josiah Carberry" and len(batch.papers) == 2
    assert batch.papers[1].id == "1203.00001"


def test_profile_import_by_openalex_author_id() -> None:
    replay = Replay(PAGES, key=_page)
    batch = registry.fetch("openalex:A5023888391", replay.fetcher(), kind="profile")
    assert replay.requests[1].url.params["filter"] == "author.id:A5023888391"
    assert batch.owner == "Josiah Carberry"


def test_orcid_is_not_a_listing_and_bad_ids_are_refused() -> None:
    replay = Replay(PAGES, key=_page)
    with pytest.raises(InputError, match="paperfeed profile import"):
        registry.fetch("orcid:0000-0002-1825-0097", replay.fetcher())
    with pytest.raises(InputError, match="ORCID iD"):
        registry.fetch("orcid:12345", replay.fetcher(), kind="profile")
    assert replay.requests == []


def test_an_api_error_is_an_input_error() -> None:
    replay = scripted(httpx.Response(200, text=fixture("openalex_error.json")))
    with pytest.raises(InputError, match="OpenAlex says"):
        registry.fetch("openalex:C41008148", replay.fetcher(), day="2025-06-03")


def test_rate_limit_then_a_failing_second_page() -> None:
    replay = Replay(PAGES, key=_page)
    replay.override["1"] = [httpx.Response(429, headers={"Retry-After": "3"})]
    replay.override["2"] = [httpx.Response(500)] * 5
    batch = registry.fetch("openalex:C41008148", replay.fetcher(), day="2025-06-03")
    assert len(batch.papers) == 2 and "stopped after 1 pages" in batch.problems[0]
    assert 3.0 in replay.fake.sleeps


def test_a_dead_api_names_the_url() -> None:
    replay = scripted(*[httpx.ConnectError("refused")] * 5)
    with pytest.raises(SourceError, match=r"api\.openalex\.org/works"):
        registry.fetch("openalex:T10320", replay.fetcher(), day="2025-06-03")


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(mangled(fixture("openalex_works_1.json")))
def test_any_text_parses_or_is_an_input_error(text: str) -> None:
    raises_only_input_error(lambda t: parse_page(t, "u"), text)


def test_orcid_import_links_the_works_and_names_the_owner() -> None:
    from paperfeed.pipeline import import_profile
    from paperfeed.store import Store

    replay = Replay(PAGES, key=_page)
    store = Store.open(":memory:")
    report = import_profile(store, "orcid:0000-0002-1825-0097", "jo", client=replay.fetcher())
    assert (report.read, report.linked, report.owner) == (2, 2, "Josiah Carberry")
    assert store.get_setting("jo", "owner_name") == "Josiah Carberry"  # the namesake check's name
    assert store.get_paper("1203.00001", user="jo") is not None
    assert store.get_paper("1203.00001", user="someone-else") is None  # the user's upload
