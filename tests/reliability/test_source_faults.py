"""Source faults: arXiv (API, OAI-PMH, RSS) and Hugging Face misbehave on loopback.

A real HTTP server (``fakesite``) answers paperfeed's real httpx client. Transient faults
(timeouts, resets, 429/503 with Retry-After, broken streams) must be retried within the
fetcher's bounds and leave the store exactly as a clean run does; faults that outlast the
retries, truncated documents and an expired OAI resumption token must be reported, keep
what was fetched, and a rerun against the healed site must fill the gap without duplicates.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from paperfeed import pipeline
from paperfeed.errors import PaperfeedError
from paperfeed.sources.http import PoliteFetcher
from paperfeed.store import Store

from .fakesite import (
    HF_SERVED,
    FakeSite,
    Raw,
    Reset,
    Running,
    Slow,
    Status,
    Truncated,
    atom_page,
    oai_error,
    redirecting_client,
    rss_feed,
)
from .ledger import record
from .synth import dump, lost_and_duplicated, synthetic_papers

DAY = "2026-06-30"
RETRIES = 3


@dataclass(frozen=True)
class Source:
    """One way of ingesting: the SOURCE spec, and the endpoint and pages the site serves."""

    name: str
    spec: str
    since: str | None
    path: str
    later_page: str  # a page after the first ('' for single-document sources)
    empty: Raw


SOURCES = [
    Source(
        "arxiv-api", "arxiv:cs.LG", "2026-06-01", "/api/query", "100", Raw(atom_page([], total=0))
    ),
    Source("oai-pmh", "oai:cs", None, "/oai", "t2", Raw(oai_error("noRecordsMatch", "no records"))),
    Source("arxiv-rss", "arxiv:cs.LG", None, "/rss/cs.LG", "", Raw(rss_feed([]))),
    Source("hf-daily", f"hf:{DAY}", None, "/api/daily_papers", "", Raw("[]", "application/json")),
]
TRANSIENT = [
    Slow(),
    Reset(),
    Status(429, "7"),
    Status(503, "2"),
    Truncated(honest=False),
    Status(500),
]


@dataclass
class Outcome:
    """What one ingest run gave: the report's problems, or the error it raised."""

    problems: tuple[str, ...] = ()
    error: str = ""
    read: int = 0
    sleeps: list[float] = field(default_factory=list)


@pytest.fixture(scope="module")
def site() -> Iterator[Running]:
    fake = FakeSite(synthetic_papers(230, day=DAY, seed=7), DAY)
    with Running(fake) as running:
        yield running


@pytest.fixture(autouse=True)
def healthy(site: Running) -> Iterator[None]:
    site.site.clear()
    yield
    site.site.clear()


def ingest(site: Running, db: Path, source: Source) -> Outcome:
    """``pipeline.ingest`` of ``source`` with a real client pointed at the site; no real sleeps."""
    sleeps: list[float] = []
    with redirecting_client(site.port) as http:
        fetcher = PoliteFetcher(
            http, min_interval=0.0, retries=RETRIES, sleep=sleeps.append, jitter=lambda: 0.0
        )
        with Store.open(db) as store:
            try:
                # pipeline.ingest is typed for an httpx.Client; every fetcher also takes a
                # PoliteFetcher, the only way to inject a no-op sleep through the pipeline.
                report = pipeline.ingest(store, source.spec, since=source.since, client=fetcher)  # type: ignore[arg-type]
            except PaperfeedError as exc:
                return Outcome(error=str(exc), sleeps=sleeps)
    return Outcome(problems=report.problems, read=report.read, sleeps=sleeps)


def clean_dump(site: Running, tmp_path: Path, source: Source) -> dict[str, list[tuple]]:
    outcome = ingest(site, tmp_path / "clean.db", source)
    assert not outcome.error and not outcome.problems, outcome
    return dump(tmp_path / "clean.db")


def served_papers(source: Source) -> int:
    return HF_SERVED if source.name == "hf-daily" else 230


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.name)
def test_transient_faults_are_retried_and_change_nothing(
    site: Running, tmp_path: Path, source: Source
) -> None:
    expected = clean_dump(site, tmp_path, source)
    faults = 0
    for n, fault in enumerate(TRANSIENT):
        db = tmp_path / f"fault{n}.db"
        before = site.site.requests[(source.path, source.later_page)]
        site.site.inject(source.path, source.later_page, fault, fault, fault)  # 3 = RETRIES
        outcome = ingest(site, db, source)
        faults += 3
        attempts = site.site.requests[(source.path, source.later_page)] - before
        assert attempts == RETRIES + 1, (fault, attempts)
        assert not outcome.error and not outcome.problems, (fault, outcome)
        if isinstance(fault, Status) and fault.retry_after:
            assert outcome.sleeps.count(float(fault.retry_after)) == 3, outcome.sleeps
        lost, dups = lost_and_duplicated(expected, dump(db))
        record(
            f"source faults, transient ({source.name})",
            inputs=1,
            faults=3,
            lost=lost,
            duplicates=dups,
        )
        assert (lost, dups) == (0, 0), fault
    assert faults == 3 * len(TRANSIENT)


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.name)
@pytest.mark.parametrize("kind", ["outlasting-retries", "truncated-document"])
def test_lasting_faults_are_reported_and_a_rerun_fills_the_gap(
    site: Running, tmp_path: Path, source: Source, kind: str
) -> None:
    expected = clean_dump(site, tmp_path, source)
    db = tmp_path / "faulty.db"
    if kind == "outlasting-retries":
        faults = [Status(503, "1")] * (RETRIES + 1)
    else:
        faults = [Truncated(keep=0.6, honest=True)]
    site.site.inject(source.path, source.later_page, *faults)
    first = ingest(site, db, source)
    kept = len(dump(db)["papers"])
    if source.later_page:  # paged sources keep the pages before the failure
        assert not first.error, first
        assert first.problems and first.read == kept > 0
        assert kept < served_papers(source)
    else:  # one-document sources have nothing to keep: a clear error, nothing written
        assert first.error and kept == 0
        assert ("503" if kind == "outlasting-retries" else "truncated") in first.error
    site.site.clear()
    second = ingest(site, db, source)
    assert not second.error and not second.problems, second
    lost, dups = lost_and_duplicated(expected, dump(db))
    record(
        f"source faults, lasting + rerun ({source.name})",
        inputs=2,
        faults=len(faults),
        lost=lost,
        duplicates=dups,
    )
    assert (lost, dups) == (0, 0)


def test_expired_resumption_token_keeps_the_harvested_pages(site: Running, tmp_path: Path) -> None:
    source = SOURCES[1]
    expected = clean_dump(site, tmp_path, source)
    db = tmp_path / "expired.db"
    site.site.expired_tokens.add("t3")
    first = ingest(site, db, source)
    assert not first.error
    assert len(first.problems) == 1 and "badResumptionToken" in first.problems[0]
    assert len(dump(db)["papers"]) == 150  # pages first, t1, t2 of 50 papers each
    site.site.clear()
    second = ingest(site, db, source)
    assert not second.problems
    lost, dups = lost_and_duplicated(expected, dump(db))
    record(
        "source faults, OAI token expires halfway", inputs=2, faults=1, lost=lost, duplicates=dups
    )
    assert (lost, dups) == (0, 0)


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.name)
def test_an_empty_listing_is_no_error_and_stores_nothing(
    site: Running, tmp_path: Path, source: Source
) -> None:
    first_page = "0" if source.path == "/api/query" else "first" if source.path == "/oai" else ""
    site.site.inject(source.path, first_page, source.empty)
    outcome = ingest(site, tmp_path / "empty.db", source)
    assert not outcome.error and not outcome.problems and outcome.read == 0, outcome
    assert dump(tmp_path / "empty.db")["papers"] == []
    record("source faults, empty listing", inputs=1, faults=1)


def test_arxiv_api_empty_page_before_the_total_is_reported(site: Running, tmp_path: Path) -> None:
    source = SOURCES[0]
    site.site.inject(source.path, "100", Raw(atom_page([], total=230)))
    outcome = ingest(site, tmp_path / "hiccup.db", source)
    assert not outcome.error
    assert any("empty page at start=100" in p for p in outcome.problems), outcome
    assert outcome.read == 100
    record("source faults, empty listing", inputs=1, faults=1)


def test_daily_job_reports_a_dead_source_and_ingests_the_others(
    site: Running, tmp_path: Path
) -> None:
    from paperfeed import daily

    dead, alive = SOURCES[3], SOURCES[1]  # Hugging Face down for good, OAI-PMH healthy
    site.site.inject(dead.path, "", *[Status(503)] * (RETRIES + 1))
    with redirecting_client(site.port) as http, Store.open(tmp_path / "daily.db") as store:
        fetcher = PoliteFetcher(http, min_interval=0.0, retries=RETRIES, sleep=lambda _: None)
        report = daily.ingest_all(store, [dead.spec, alive.spec], client=fetcher)  # type: ignore[arg-type]
        stored = store.count_papers()
    failed = report.failed
    assert len(failed) == 1 and failed[0].startswith(dead.spec) and "503" in failed[0]
    assert stored == served_papers(alive)
    record("source faults, one source dead in the daily job", inputs=2, faults=RETRIES + 1)
