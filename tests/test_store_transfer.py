"""Tests of moving an install from SQLite to PostgreSQL (``paperfeed db migrate-to``): every
row arrives, the counts are checked, and the migrated install gives the same digests."""

from __future__ import annotations

import dataclasses
import os
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from fakes import HashingEmbedder
from ranking_data import SMALL, corpus, own_papers

from paperfeed.cli import cli
from paperfeed.pipeline import DigestWanted, build_digests
from paperfeed.ranking import Ranker
from paperfeed.records import Digest, Feedback
from paperfeed.store import Store, open_store

pytestmark = pytest.mark.postgres
DAY = "2026-03-02"
USERS = {"ann": (0, 1), "bob": (2,), "cy": (5, 6)}


def _fill(store: Store) -> None:
    history = corpus("h", 8, seed=3)
    store.upsert_papers([dataclasses.replace(p, date="2026-03-01") for p in history])
    store.upsert_papers(corpus("d", 5, seed=4))  # the day: dated DAY by ranking_data
    for user, topics in USERS.items():
        own = [dataclasses.replace(p, id=f"{user}-{p.id}") for p in own_papers(topics)]
        ids = store.upsert_papers(own, listed=False, owner=user).ids
        store.add_profile_papers(user, ids)
    store.add_feedback(Feedback("ann", "d3-1", -1))
    store.add_feedback(Feedback("bob", "d2-0", 1))
    store.set_rules("cy", exclude_keywords=["compiler"])
    store.create_session("ann", "hash-of-a-session", lifetime=timedelta(days=1))


def _digests(store: Store) -> list[Digest]:
    ranker = Ranker(HashingEmbedder(), store, SMALL)
    wanted = [DigestWanted(user, 5, None) for user in USERS]
    return build_digests(store, wanted, day=DAY, ranker=ranker)


def _picks(digests: list[Digest]) -> list[list[tuple[str, float]]]:
    return [[(r.paper.id, round(r.score, 9)) for r in d.recommendations] for d in digests]


def test_migrate_to_copies_every_row_and_gives_the_same_digests(
    tmp_path: Path, postgres_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERFEED_CONFIG", os.devnull)
    path = tmp_path / "pf.db"
    with Store.open(path) as sqlite:
        _fill(sqlite)
        before = _digests(sqlite)  # fits and keeps the space, the models, the vectors
        assert all(d.recommendations for d in before)
        counts = sqlite.counts()
    result = CliRunner().invoke(cli, ["--db", str(path), "db", "migrate-to", postgres_db])
    assert result.exit_code == 0, result.output
    assert "counts match" in result.output
    with Store.open(path) as sqlite, open_store(postgres_db) as pg:
        assert {k: v for k, v in pg.counts().items() if k in counts} == {
            k: v for k, v in counts.items() if "fts" not in k
        }
        for user in USERS:
            assert pg.load_profile(user) == sqlite.load_profile(user)
            assert pg.load_digest(user, DAY) == sqlite.load_digest(user, DAY)
        assert pg.papers_on(DAY) == sqlite.papers_on(DAY)
        assert pg.session_user("hash-of-a-session", timedelta(days=1)) == "ann"
        assert pg.latest_space() == sqlite.latest_space()
        assert pg.model_keys(list(USERS)) == sqlite.model_keys(list(USERS))
        again_sqlite, on_pg = _digests(sqlite), _digests(pg)
    assert _picks(on_pg) == _picks(again_sqlite) == _picks(before)
    assert [len(d.recommendations) for d in on_pg] == [5, 5, 5]
    # new rows continue the copied numbering
    with open_store(postgres_db) as pg:
        pg.add_feedback(Feedback("cy", "d5-2", 1))
        assert [f.paper_id for f in pg.feedback_events("cy")] == ["d5-2"]


def test_migrate_to_refuses_a_database_that_is_not_empty(
    tmp_path: Path, postgres_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERFEED_CONFIG", os.devnull)
    with open_store(postgres_db) as pg:
        pg.add_user("someone")
    path = tmp_path / "pf.db"
    with Store.open(path) as sqlite:
        sqlite.add_user("ann")
    result = CliRunner().invoke(cli, ["--db", str(path), "db", "migrate-to", postgres_db])
    assert result.exit_code == 1 and "not empty" in result.output
    with open_store(postgres_db) as pg:
        assert pg.users() == ["someone"]
