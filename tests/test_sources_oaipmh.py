"""Tests of the OAI-PMH harvester against a recorded three-page ListRecords harvest."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from replay import Replay, Step, fixture, mangled, raises_only_input_error

from paperfeed.errors import InputError, SourceError
from paperfeed.sources.oaipmh import OaiError, harvest_oai, parse_oai_page

ORIGIN = "https://oaipmh.arxiv.org/oai?verb=ListRecords"
FIRST = "first"  # the request without a resumption token
PAGES = {FIRST: "oai_page1.xml", "7823441|1001": "oai_page2.xml", "7823441|2001": "oai_page3.xml"}


def oai_replay(override: dict[str, list[Step]] | None = None) -> Replay:
    """Serves recorded pages by resumption token; ``override`` answers a token differently."""
    return Replay(
        PAGES,
        key=lambda request: request.url.params.get("resumptionToken", FIRST),
        override=override,
    )


def test_parse_first_page() -> None:
    batch, token = parse_oai_page(fixture("oai_page1.xml"), ORIGIN)
    assert token == "7823441|1001"
    assert [p.id for p in batch.papers] == ["2506.03112", "2506.03098", "2506.02950"]
    first, second, _ = batch.papers
    assert first.title == "Sparse Mixture-of-Experts Routing with Load-Aware Token Dropping"
    assert first.authors == ("Mei Lin", "Tomás Ortega", "Priya Raghunathan")
    assert first.categories == ("cs.LG", "cs.CL")
    assert first.date == "2025-06-03" and first.source == "arxiv-oai"
    assert first.url == "https://arxiv.org/abs/2506.03112"
    assert first.abstract.endswith("matching the perplexity of dense baselines.")
    assert second.doi == "10.18653/v1/2025.acl-long.412"


def test_parse_skips_deleted_and_builds_names() -> None:
    batch, token = parse_oai_page(fixture("oai_page2.xml"), ORIGIN)
    assert token == "7823441|2001"
    assert [p.id for p in batch.papers] == ["2506.02871", "2301.07041"]  # 2505.20001 deleted
    old = batch.papers[1]
    assert old.authors == ("ATLAS-ML Collaboration", "John Smith Jr", "Anouk van der Berg")
    assert old.date == "2023-01-17"  # created, not the datestamp of the new version


def test_last_page_has_empty_token() -> None:
    batch, token = parse_oai_page(fixture("oai_page3.xml"), ORIGIN)
    assert token is None and len(batch.papers) == 2


def test_no_records_match_is_an_empty_batch() -> None:
    batch, token = parse_oai_page(fixture("oai_no_records.xml"), ORIGIN)
    assert batch.papers == () and token is None


def test_bad_resumption_token_raises_oai_error() -> None:
    with pytest.raises(OaiError) as info:
        parse_oai_page(fixture("oai_bad_token.xml"), ORIGIN)
    assert info.value.code == "badResumptionToken"
    assert isinstance(info.value, SourceError) and "invalid or expired" in str(info.value)


def test_parse_arxiv_raw_format() -> None:
    batch, token = parse_oai_page(fixture("oai_arxivraw.xml"), ORIGIN)
    assert token is None
    raw, second = batch.papers
    assert raw.id == "2506.03098" and raw.date == "2025-06-03"  # first version's date
    assert raw.authors == ('Hannah Sch\\"afer', "Kwame Mensah")
    assert raw.categories == ("cs.CL", "cs.AI", "cs.IR")
    assert raw.doi == "10.18653/v1/2025.acl-long.412"
    assert second.authors == ("Mei Lin", "Tom\\'as Ortega", "Priya Raghunathan")


def test_harvest_follows_resumption_tokens() -> None:
    replay = oai_replay()
    batch = harvest_oai(replay.fetcher(), "cs", since="2025-06-02", until="2025-06-03")
    assert len(replay.requests) == 3
    first = replay.requests[0].url.params
    assert dict(first) == {
        "verb": "ListRecords",
        "metadataPrefix": "arXiv",
        "set": "cs",
        "from": "2025-06-02",
        "until": "2025-06-03",
    }
    assert dict(replay.requests[1].url.params) == {
        "verb": "ListRecords",
        "resumptionToken": "7823441|1001",
    }
    assert len(batch.papers) == 7 and batch.problems == ()
    assert "set=cs" in batch.origin
    assert replay.fake.sleeps == [3.0, 3.0]


def test_expired_token_halfway_keeps_harvested_pages() -> None:
    expired = httpx.Response(200, text=fixture("oai_bad_token.xml"))
    replay = oai_replay(override={"7823441|1001": [expired]})
    batch = harvest_oai(replay.fetcher(), "cs", since="2025-06-02")
    assert [p.id for p in batch.papers] == ["2506.03112", "2506.03098", "2506.02950"]
    assert len(batch.problems) == 1
    assert "after 1 pages (3 papers)" in batch.problems[0]
    assert "badResumptionToken" in batch.problems[0]


def test_network_lost_on_last_page_keeps_the_rest() -> None:
    down: list[httpx.Response | Exception] = [httpx.ConnectError("reset") for _ in range(3)]
    replay = oai_replay(override={"7823441|2001": down})
    batch = harvest_oai(replay.fetcher(retries=2), "cs")  # three attempts, all failing
    assert len(batch.papers) == 5
    assert "ConnectError" in batch.problems[0] and "after 2 pages" in batch.problems[0]


def test_flow_control_503_is_waited_out() -> None:
    busy = httpx.Response(503, headers={"Retry-After": "10"})
    replay = oai_replay(override={"7823441|1001": [busy]})
    batch = harvest_oai(replay.fetcher(), "cs")
    assert len(batch.papers) == 7 and batch.problems == ()
    assert 10.0 in replay.fake.sleeps


def test_error_on_first_page_raises() -> None:
    replay = oai_replay(override={FIRST: [httpx.Response(200, text=fixture("oai_bad_token.xml"))]})
    with pytest.raises(OaiError):
        harvest_oai(replay.fetcher(), "cs")


def test_harvest_of_an_empty_day() -> None:
    replay = oai_replay(override={FIRST: [httpx.Response(200, text=fixture("oai_no_records.xml"))]})
    batch = harvest_oai(replay.fetcher(), "cs", since="2025-06-07", until="2025-06-07")
    assert batch.papers == () and batch.problems == ()


def test_max_pages_is_reported() -> None:
    batch = harvest_oai(oai_replay().fetcher(), "cs", max_pages=1)
    assert len(batch.papers) == 3 and "max_pages=1" in batch.problems[0]


def test_truncated_page_names_the_line() -> None:
    text = fixture("oai_page2.xml")
    with pytest.raises(InputError) as info:
        parse_oai_page(text[: text.index("<resumptionToken")], ORIGIN)
    assert info.value.line is not None and info.value.line > 20


def test_record_without_id_names_the_field() -> None:
    text = fixture("oai_page3.xml").replace("<id>2506.02690</id>", "<id></id>")
    with pytest.raises(InputError) as info:
        parse_oai_page(text, ORIGIN)
    assert info.value.field == "id" and "record 2" in str(info.value)


def test_not_an_oai_response() -> None:
    with pytest.raises(InputError, match="expected an <OAI-PMH>"):
        parse_oai_page("<html><body>Bad gateway</body></html>", ORIGIN)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mangled(fixture("oai_page2.xml")))
def test_random_text_raises_only_input_error(text: str) -> None:
    raises_only_input_error(lambda page: parse_oai_page(page, ORIGIN), text)
