"""Tests of the Hugging Face Daily Papers source against a recorded daily_papers response."""

from __future__ import annotations

import contextlib
import json
from datetime import date

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from replay import Replay, fixture, scripted

from paperfeed.errors import InputError, SourceError
from paperfeed.sources.hf_api import fetch_hf_daily, parse_hf_daily

TEXT = fixture("hf_daily_2025-06-04.json")
ORIGIN = "https://huggingface.co/api/daily_papers?date=2025-06-04"


def test_parse_daily_papers() -> None:
    batch = parse_hf_daily(TEXT, ORIGIN, date="2025-06-04")
    assert batch.origin == ORIGIN and batch.problems == ()
    assert [p.id for p in batch.papers] == ["2506.03112", "2506.02871", "2506.01004"]
    first, second, _ = batch.papers
    assert first.title == "Sparse Mixture-of-Experts Routing with Load-Aware Token Dropping"
    assert first.authors == ("Mei Lin", "Tomás Ortega", "Priya Raghunathan")
    assert first.abstract.startswith("Sparse mixture-of-experts (MoE) layers scale model capacity")
    assert "\n" not in first.abstract
    assert first.url == "https://arxiv.org/abs/2506.03112"
    assert first.source == "hf-api"
    assert {p.date for p in batch.papers} == {"2025-06-04"}
    assert second.authors[1] == "Lukas Brandt"  # whitespace collapsed


def test_without_a_date_each_entry_keeps_its_own() -> None:
    batch = parse_hf_daily(TEXT, ORIGIN)
    assert [p.date for p in batch.papers] == ["2025-06-03", "2025-06-02", "2025-06-01"]


def test_fetch_asks_for_the_day() -> None:
    replay = Replay({"2025-06-04": "hf_daily_2025-06-04.json"}, key=lambda r: r.url.params["date"])
    batch = fetch_hf_daily(replay.fetcher(), date(2025, 6, 4))
    (request,) = replay.requests
    assert request.url.path == "/api/daily_papers"
    assert request.url.params["date"] == "2025-06-04"
    assert "date=2025-06-04" in batch.origin
    assert len(batch.papers) == 3 and all(p.date == "2025-06-04" for p in batch.papers)


def test_fetch_waits_out_a_429() -> None:
    replay = scripted(
        httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(200, text=TEXT)
    )
    batch = fetch_hf_daily(replay.fetcher(min_interval=0.0), "2025-06-04")
    assert len(batch.papers) == 3 and replay.fake.sleeps == [2.0]


def test_fetch_gives_up_naming_the_url() -> None:
    replay = scripted(*[httpx.Response(500) for _ in range(5)])
    with pytest.raises(SourceError, match=r"huggingface\.co/api/daily_papers\?date=2025-06-04"):
        fetch_hf_daily(replay.fetcher(min_interval=0.0), "2025-06-04")
    assert len(replay.requests) == 5


def test_fetch_rejects_a_bad_date() -> None:
    replay = scripted()
    with pytest.raises(InputError) as info:
        fetch_hf_daily(replay.fetcher(), "June 4th")
    assert info.value.field == "date" and replay.requests == []


def test_truncated_json_names_line() -> None:
    with pytest.raises(InputError) as info:
        parse_hf_daily(TEXT[: TEXT.index('"paper": {\n      "id": "2506.01004"')], ORIGIN)
    assert info.value.line is not None and info.value.line > 30
    assert "truncated" in str(info.value)


def test_missing_paper_id_names_the_field() -> None:
    data = json.loads(TEXT)
    del data[1]["paper"]["id"]
    with pytest.raises(InputError) as info:
        parse_hf_daily(json.dumps(data), ORIGIN)
    assert info.value.field == "paper.id" and "entry 2" in str(info.value)


def test_api_error_object() -> None:
    with pytest.raises(InputError, match="Invalid date"):
        parse_hf_daily('{"error": "Invalid date format"}', ORIGIN)


def test_not_a_list() -> None:
    with pytest.raises(InputError, match="expected a JSON list"):
        parse_hf_daily('{"papers": []}', ORIGIN)


def test_empty_day() -> None:
    assert parse_hf_daily("[]", ORIGIN, date="2025-06-07").papers == ()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(["paper", "id", "title", "authors", "name"]), inner)
    ),
    max_leaves=20,
)
mangled = st.one_of(
    st.text(max_size=300),
    st.integers(0, len(TEXT)).map(lambda n: TEXT[:n]),
    json_values.map(json.dumps),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mangled)
def test_random_text_raises_only_input_error(text: str) -> None:
    with contextlib.suppress(InputError):
        parse_hf_daily(text, ORIGIN, date="2025-06-04")
