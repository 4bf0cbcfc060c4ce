"""The source registry: every entry resolves, the CLI lists them, and a new source plugs in
without touching the pipeline or the CLI."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from replay import Replay, fixture

from paperfeed import pipeline
from paperfeed.cli import cli
from paperfeed.records import Batch, Paper
from paperfeed.sources import registry
from paperfeed.sources.http import PoliteFetcher
from paperfeed.sources.registry import Request, Source
from paperfeed.store import Store


@pytest.mark.parametrize("source", registry.SOURCES, ids=lambda s: s.scheme)
def test_every_entry_resolves(source: Source) -> None:
    for kind in ("listing", "profile"):
        if getattr(source, kind):
            assert callable(source.function(kind))
    assert source.form.startswith(source.scheme)


def test_the_cli_lists_every_source() -> None:
    ingest = CliRunner().invoke(cli, ["ingest", "--help"]).output
    profile = CliRunner().invoke(cli, ["profile", "import", "--help"]).output
    for form in registry.forms("listing"):
        assert form in ingest
    for form in registry.forms("profile"):
        assert form in profile


def fake_listing(fetcher: PoliteFetcher, request: Request) -> Batch:
    """A source defined outside paperfeed: one GET, one paper per line."""
    text = fetcher.get_text(f"https://fake.example/{request.rest}")
    papers = [
        Paper(id=f"doi:10.1/{n}", title=line, date=request.day, source="fake")
        for n, line in enumerate(text.splitlines())
    ]
    return Batch(tuple(papers), origin=request.spec)


def test_a_new_source_needs_one_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = Source("fake", "fake:NAME", "a test source", listing=f"{__name__}:fake_listing")
    monkeypatch.setattr(registry, "BY_SCHEME", {**registry.BY_SCHEME, "fake": entry})
    replay = Replay({}, key=lambda r: "", override={"": [httpx.Response(200, text="A\nB")]})
    store = Store.open(":memory:")
    report = pipeline.ingest(store, "fake:list", day="2025-06-04", client=replay.fetcher())
    assert report.added == 2 and [p.title for p in store.papers_on("2025-06-04")] == ["A", "B"]
    assert str(replay.requests[0].url) == "https://fake.example/list"


def test_unknown_specs_name_the_sources(tmp_path: Path) -> None:
    store = Store.open(":memory:")
    with pytest.raises(Exception, match="biorxiv:") as caught:
        pipeline.ingest(store, str(tmp_path / "nope:thing"))
    assert "no such file" in str(caught.value)


def test_hf_upvotes_are_kept_by_ingest() -> None:
    replay = Replay({"": "hf_daily_2025-06-04.json"}, key=lambda r: "")
    store = Store.open(":memory:")
    pipeline.ingest(store, "hf:2025-06-04", client=replay.fetcher())
    history = store.upvote_history("2000-01-01")
    assert history["2506.03112"][0][1:] == ("2025-06-04", 23)
    assert fixture("hf_daily_2025-06-04.json").count('"upvotes"') == len(history)
