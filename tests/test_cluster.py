"""Tests of paperfeed.cluster: the daily job ranked on a dask.distributed LocalCluster of
two worker processes, reading and writing through a real PostgreSQL server."""

from __future__ import annotations

import dataclasses
import os
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from ranking_data import corpus, own_papers

from paperfeed import daily
from paperfeed.config import Settings
from paperfeed.records import Feedback
from paperfeed.store import Store, open_store

pytestmark = [pytest.mark.cluster, pytest.mark.postgres]
DAY = "2026-03-02"
TOPICS = [(0, 1), (2,), (5, 6), (3,), (4, 7), (1, 2), (6,), (0,), (3, 4), (7,), (2, 5), (1,)]
USERS = [f"user{n:02d}" for n in range(len(TOPICS))]
SMALL_RANKING = {"min_history": 40, "calibration_papers": 20, "background_vectors": 40}


@pytest.fixture(scope="module")
def local_cluster() -> Iterator[Any]:
    """Two single-threaded worker processes (the hashing embedder: no model to load)."""
    distributed = pytest.importorskip("distributed")
    before = os.environ.get("PAPERFEED_EMBEDDER")
    os.environ["PAPERFEED_EMBEDDER"] = "hashing"
    try:
        with distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster:
            yield cluster
    finally:
        if before is None:
            os.environ.pop("PAPERFEED_EMBEDDER", None)
        else:
            os.environ["PAPERFEED_EMBEDDER"] = before


def _fill(store: Store) -> None:
    history = corpus("h", 8, seed=3)
    store.upsert_papers([dataclasses.replace(p, date="2026-03-01") for p in history])
    store.upsert_papers(corpus("d", 6, seed=4))  # the day (dated DAY)
    for user, topics in zip(USERS, TOPICS, strict=True):
        own = [dataclasses.replace(p, id=f"{user}-{p.id}") for p in own_papers(topics)]
        store.add_profile_papers(user, store.upsert_papers(own, listed=False, owner=user).ids)
        store.set_email(user, f"{user}@example.org")
    store.add_feedback(Feedback("user00", "d3-1", -1))
    store.add_feedback(Feedback("user01", "d2-0", 1))
    store.set_rules("user02", exclude_keywords=["compiler"])
    store.add_user("nobody")  # no papers: reported, never a failure


def _settings(url: str, **changes: Any) -> Settings:
    return Settings(db=url, ranking=SMALL_RANKING, **changes)


def _saved(store: Store) -> dict[str, list[tuple[str, float]]]:
    return {u: [(r.paper.id, r.score) for r in store.load_digest(u, DAY)] for u in USERS}


def test_two_workers_give_the_same_digests_as_in_process(
    local_cluster: Any, postgres_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERFEED_EMBEDDER", "hashing")
    here, there = postgres_server.new_database(), postgres_server.new_database()
    results = {}
    for url, cluster in ((here, None), (there, local_cluster.scheduler_address)):
        with open_store(url) as store:
            _fill(store)
            settings = _settings(url, cluster={"users_per_task": 5})
            report = daily.run_all(
                store, settings, day=DAY, sources=[], send=False, cluster=cluster
            )
            space = store.latest_space()
            results[url] = (report, _saved(store), space and (space.key, space.papers))
    (in_process, saved_here, space_here), (on_cluster, saved_there, space_there) = (
        results[here],
        results[there],
    )
    assert [(r.user, r.picks, r.status) for r in on_cluster.runs] == [
        (r.user, r.picks, r.status) for r in in_process.runs
    ]
    assert all(saved_here[u] for u in USERS) and space_here is not None
    assert space_there == space_here
    for user in USERS:
        assert [pid for pid, _ in saved_there[user]] == [pid for pid, _ in saved_here[user]]
        assert np.allclose([s for _, s in saved_there[user]], [s for _, s in saved_here[user]])
    assert next(r for r in on_cluster.runs if r.user == "nobody").status.startswith("no papers")


def _kill_a_ranking_worker(client: Any, pids: dict[str, int], store_url: str) -> dict[str, Any]:
    """Watch the scheduler; kill -9 the first worker seen ranking a batch of users."""
    seen: dict[str, Any] = {}
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and "killed" not in seen:
        for address, keys in client.processing().items():
            if any("_rank_batch" in str(key) for key in keys):
                with open_store(store_url) as store:
                    seen["digests_before"] = store.counts()["digests"]
                os.kill(pids[address], signal.SIGKILL)
                seen["killed"] = address
                break
        time.sleep(0.005)
    return seen


def test_a_worker_killed_mid_run_still_sends_exactly_one_digest_per_user(
    local_cluster: Any, postgres_db: str, inbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import distributed

    monkeypatch.setenv("PAPERFEED_EMBEDDER", "hashing")
    handler, port = inbox
    with open_store(postgres_db) as store:
        _fill(store)
    settings = _settings(
        postgres_db,
        cluster={"users_per_task": 1},
        smtp={"host": "127.0.0.1", "port": port, "sender": "paperfeed@example.org"},
    )
    with distributed.Client(local_cluster.scheduler_address) as client:
        pids = client.run(os.getpid)
        watcher: dict[str, Any] = {}
        thread = threading.Thread(
            target=lambda: watcher.update(_kill_a_ranking_worker(client, pids, postgres_db))
        )
        thread.start()
        with open_store(postgres_db) as store:
            report = daily.run_all(
                store, settings, day=DAY, sources=[], cluster=local_cluster.scheduler_address
            )
        thread.join()
    assert watcher.get("killed"), "no worker was seen ranking"
    assert watcher["digests_before"] < len(USERS), "the worker died after the ranking"
    sent = {r.user: r.status for r in report.runs}
    assert all(sent[u] == "sent" for u in USERS), sent
    recipients = sorted(str(m["To"]) for m in handler.messages)
    assert recipients == sorted(f"{u}@example.org" for u in USERS)
    with open_store(postgres_db) as store:  # a rerun sends nothing more
        again = daily.run_all(
            store, settings, day=DAY, sources=[], cluster=local_cluster.scheduler_address
        )
        assert all(store.was_sent(u, DAY, "email") for u in USERS)
    assert {r.status for r in again.runs if r.user in USERS} == {"already sent"}
    assert len(handler.messages) == len(USERS)


def test_the_day_is_embedded_in_chunks_that_cover_it_once() -> None:
    from paperfeed.cluster import PAPERS_PER_TASK, paper_chunks

    for papers, workers in ((0, 2), (50, 2), (1000, 2), (1000, 1), (9001, 3), (30_000, 2)):
        chunks = paper_chunks(papers, workers)
        covered = [n for start, stop in chunks for n in range(start, stop)]
        assert covered == list(range(papers))
        assert all(stop - start <= PAPERS_PER_TASK for start, stop in chunks)
        if papers >= 100 * workers:
            assert len(chunks) >= workers


def test_cli_run_on_a_local_cluster_started_for_the_run(
    postgres_db: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from paperfeed.cli import cli

    config = tmp_path / "paperfeed.toml"
    config.write_text(
        "[ranking]\nmin_history = 40\ncalibration_papers = 20\nbackground_vectors = 40\n"
    )
    monkeypatch.setenv("PAPERFEED_CONFIG", str(config))
    monkeypatch.setenv("PAPERFEED_EMBEDDER", "hashing")
    with open_store(postgres_db) as store:
        _fill(store)
    base = ["--db", postgres_db, "run", "--no-fetch", "--no-mail", "--date", DAY]
    result = CliRunner().invoke(cli, [*base, "--cluster", "local:1"])
    assert result.exit_code == 0, result.output
    with open_store(postgres_db) as store:
        assert all(store.load_digest(user, DAY) for user in USERS)
    bad = CliRunner().invoke(cli, [*base, "--cluster", "local:none"])
    assert bad.exit_code == 1 and "local:N" in bad.output
