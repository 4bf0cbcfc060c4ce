"""Tests of what only the PostgreSQL store has: the SQL translation, its own migrations,
pgvector's column and HNSW index. (Every shared behaviour is tested in test_store.py on
both backends.)"""

from __future__ import annotations

import numpy as np
import pytest

from paperfeed.store import open_store
from paperfeed.store.pgconn import translate
from paperfeed.store.pgschema import PG_LATEST_VERSION


def test_translate_placeholders_ignore_and_the_user_column() -> None:
    sql = translate("INSERT OR IGNORE INTO shown (user, paper_id) VALUES (?, ?)")
    assert sql == 'INSERT INTO shown ("user", paper_id) VALUES (%s, %s) ON CONFLICT DO NOTHING'
    assert translate("SELECT name FROM users WHERE e.user = ?") == (
        'SELECT name FROM users WHERE e."user" = %s'
    )
    assert translate("SELECT 1 FROM user_models WHERE ifnull(owner, '') = ?") == (
        "SELECT 1 FROM user_models WHERE coalesce(owner, '') = %s"
    )
    assert translate("SELECT 'x%'") == "SELECT 'x%%'"


@pytest.mark.postgres
def test_schema_is_migrated_once_and_reopened_as_is(postgres_db: str) -> None:
    with open_store(postgres_db) as first:
        assert first.version == PG_LATEST_VERSION
        first.add_user("ann")
    with open_store(postgres_db) as again:
        assert again.version == PG_LATEST_VERSION and again.users() == ["ann"]


@pytest.mark.postgres
def test_vectors_are_kept_as_pgvector_values_with_an_hnsw_index(postgres_db: str) -> None:
    rng = np.random.default_rng(1)
    vectors = {f"h{i}": rng.standard_normal(16).astype(np.float32) for i in range(50)}
    with open_store(postgres_db) as store:
        assert store.has_pgvector()  # type: ignore[attr-defined]
        store.put_vectors("m", vectors)
        conn = store._conn
        stored = conn.native("SELECT embedding FROM vectors WHERE content_hash = 'h7'").fetchone()
        assert np.allclose(np.asarray(stored[0].to_numpy()), vectors["h7"])
        index = conn.native(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'vectors_hnsw_16'"
        ).fetchone()
        assert index is not None and "hnsw" in index[0]


@pytest.mark.postgres
def test_backup_names_pg_dump(postgres_db: str, tmp_path) -> None:
    from paperfeed.errors import PaperfeedError

    with open_store(postgres_db) as store, pytest.raises(PaperfeedError, match="pg_dump"):
        store.backup(tmp_path / "copy")


@pytest.mark.postgres
def test_nearest_papers_walk_the_index_and_agree_with_brute_force(postgres_db: str) -> None:
    from paperfeed.ids import content_hash
    from paperfeed.records import Paper

    rng = np.random.default_rng(2)
    papers = [
        Paper(f"2601.{n:05d}", f"Paper {n}", f"Abstract {n}", date="2026-01-05") for n in range(300)
    ]
    rows = rng.standard_normal((300, 32)).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    with open_store(postgres_db) as store:
        store.upsert_papers(papers)
        store.put_vectors(
            "m", {content_hash(p.title, p.abstract): r for p, r in zip(papers, rows, strict=True)}
        )
        found = store.nearest_papers("m", rows[7], 20, exclude=papers[7].id)
        assert found is not None
        best, searched = found
        exact = np.argsort(-(rows @ rows[7]), kind="stable")[1:21]
        assert [pid for pid, _ in best] == [papers[i].id for i in exact]
        assert np.allclose([s for _, s in best], (rows @ rows[7])[exact], atol=1e-5)
        assert searched == 300
        conn = store._conn
        conn.native("SET enable_seqscan = off")
        plan = conn.native(
            "EXPLAIN SELECT content_hash FROM vectors WHERE dim = 32 "
            "ORDER BY embedding::vector(32) <=> %s::vector(32) LIMIT 5",
            (rows[0],),
        ).fetchall()
        assert any("vectors_hnsw_32" in line[0] for line in plan)
