"""The daily job against a real SMTP server on loopback: two users, a replayed day, run twice."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from smtp_inbox import Inbox

from paperfeed import daily, pipeline
from paperfeed.config import Settings, SmtpConfig, SourcesConfig
from paperfeed.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "cli"


def _store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "pf.db")
    for user, addr in (("jane", "jane@example.org"), ("rick", "rick@example.org")):
        pipeline.import_profile(store, FIXTURES / "profile.txt", user)
        store.set_email(user, addr)
    return store


def _settings(port: int) -> Settings:
    return Settings(
        db="",
        smtp=SmtpConfig(host="127.0.0.1", port=port, security="none"),
        sources=SourcesConfig(arxiv_categories=[]),
    )


def test_run_twice_sends_each_user_one_digest(tmp_path: Path, inbox: tuple[Inbox, int]) -> None:
    handler, port = inbox
    store = _store(tmp_path)
    source = [str(FIXTURES / "listing.jsonl")]
    report = daily.run_all(store, _settings(port), day="2026-06-30", sources=source)
    assert report.sources == daily.SourcesReport() and not report.failed
    assert [r.status for r in report.runs] == ["sent", "sent"]
    again = daily.run_all(store, _settings(port), day="2026-06-30", sources=source).runs
    assert [r.status for r in again] == ["already sent", "already sent"]
    assert sorted(m["To"] for m in handler.messages) == ["jane@example.org", "rick@example.org"]
    shown = store.shown_ids("jane")
    assert shown and shown <= {"2606.00001", "2606.00002", "2606.00003", "2606.00004"}


def test_day_without_papers_sends_nothing(tmp_path: Path, inbox: tuple[Inbox, int]) -> None:
    handler, port = inbox
    store = _store(tmp_path)
    pipeline.ingest(store, str(FIXTURES / "listing.jsonl"))
    runs = daily.run_all(store, _settings(port), day="2026-07-04", sources=[]).runs
    assert all(r.status.startswith("no papers") for r in runs)
    assert "2026-07-04" in runs[0].status
    assert handler.messages == []


def test_failed_send_is_reported_and_not_marked(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    store = _store(tmp_path)
    source = [str(FIXTURES / "listing.jsonl")]
    runs = daily.run_all(
        store, _settings(dead_port), users=["jane"], day="2026-06-30", sources=source
    ).runs
    assert runs[0].status.startswith("failed")
    assert not store.was_sent("jane", "2026-06-30", "email")
    assert store.shown_ids("jane") == set()


def test_the_day_is_prepared_once_for_all_users_and_not_on_a_rerun(
    tmp_path: Path, inbox: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, port = inbox
    store = _store(tmp_path)
    source = [str(FIXTURES / "listing.jsonl")]
    calls = []
    real = pipeline.prepare_day

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "prepare_day", counted)
    runs = daily.run_all(store, _settings(port), day="2026-06-30", sources=source).runs
    assert [r.status for r in runs] == ["sent", "sent"] and calls == ["2026-06-30"]
    again = daily.run_all(store, _settings(port), day="2026-06-30", sources=source).runs
    assert [r.status for r in again] == ["already sent", "already sent"]
    assert calls == ["2026-06-30"]  # nothing left to rank: the day is not prepared again


def test_network_down_fails_the_job_after_serving_what_it_could(
    tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    import httpx

    from paperfeed.sources.http import PoliteFetcher

    handler, port = inbox
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]  # nothing listens: connection refused
    store = _store(tmp_path)
    pipeline.ingest(store, str(FIXTURES / "listing.jsonl"))
    settings = _settings(port).model_copy(
        update={"sources": SourcesConfig(arxiv_categories=[], allow_private_feeds=True)}
    )
    with httpx.Client() as http:
        fetcher = PoliteFetcher(http, min_interval=0.0, retries=1, sleep=lambda _: None)
        report = daily.run_all(
            store, settings, sources=[f"http://127.0.0.1:{dead_port}/feed.xml"], client=fetcher
        )
    assert report.failed and len(report.sources.failed) == 1
    assert "failed after 2 attempts" in report.sources.failed[0]
    assert [r.status for r in report.runs] == ["sent", "sent"]  # the stored day still went out
    assert len(handler.messages) == 2


def test_a_user_without_papers_is_skipped_with_a_reason_not_a_failure(
    tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    handler, port = inbox
    store = _store(tmp_path)
    store.add_user("newbie")
    store.set_email("newbie", "newbie@example.org")
    report = daily.run_all(
        store, _settings(port), day="2026-06-30", sources=[str(FIXTURES / "listing.jsonl")]
    )
    status = {r.user: r.status for r in report.runs}
    assert status["jane"] == "sent" and not report.failed
    assert status["newbie"].startswith("no papers: the profile of newbie holds no papers")
    assert "paperfeed profile import FILE --user newbie" in status["newbie"]
    assert "newbie@example.org" not in [m["To"] for m in handler.messages]


def test_a_user_whose_ranking_fails_leaves_the_batch_served(
    tmp_path: Path, inbox: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from paperfeed.ranking import Ranker

    handler, port = inbox
    store = _store(tmp_path)
    real_model = Ranker.model

    def model(self, profile, space, **kwargs):  # type: ignore[no-untyped-def]
        if kwargs.get("user") == "jane":
            raise MemoryError("jane's models do not fit")
        return real_model(self, profile, space, **kwargs)

    monkeypatch.setattr(Ranker, "model", model)
    source = [str(FIXTURES / "listing.jsonl")]
    report = daily.run_all(store, _settings(port), day="2026-06-30", sources=source)
    jane, rick = report.runs
    assert jane.status == "failed: MemoryError: jane's models do not fit" and report.failed
    assert rick.status == "sent" and rick.picks  # ranked alone once the batch failed
    assert [m["To"] for m in handler.messages] == ["rick@example.org"]
    assert store.load_digest("jane", "2026-06-30") == []
