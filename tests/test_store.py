"""Tests of paperfeed.store on real databases: papers, users, activity, vectors, concurrency.

Every test that takes ``db`` (or ``store``, ``filled``) runs twice: on a SQLite file and on
a database of a real PostgreSQL server (``postgres``). SQLite-only behaviour (WAL, pragmas,
FTS5's integrity check, ``:memory:``) is tested on ``sqlite_db``."""

from __future__ import annotations

import io
import multiprocessing
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperfeed.records import Feedback, Paper, Reason, Recommendation
from paperfeed.store import Store, UpsertResult, is_postgres_url, open_store

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def dump(db: str | Path) -> list[str]:
    """Every table of the database as text, read through a separate connection."""
    if is_postgres_url(str(db)):
        return _dump_postgres(str(db))
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def _dump_postgres(url: str) -> list[str]:
    import psycopg

    lines: list[str] = []
    with psycopg.connect(url) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = "
            "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
        ).fetchall()
        for (table,) in tables:
            rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()
            lines += sorted(f"{table}: {row!r}" for row in rows)
    return lines


def arxiv(pid: str, title: str, **fields: object) -> Paper:
    defaults: dict[str, object] = {
        "abstract": f"Abstract of {title}.",
        "authors": ("Ann Lee", "Bo Chen"),
        "categories": ("cs.LG",),
        "date": "2025-03-03",
        "source": "arxiv",
        "url": f"https://arxiv.org/abs/{pid}",
    }
    defaults.update(fields)
    return Paper(id=pid, title=title, **defaults)  # type: ignore[arg-type]


PAPERS = [
    arxiv("2503.00001", "Sparse Attention for Long Documents"),
    arxiv("2503.00002", "Graph Neural Networks on Molecules", categories=("cs.LG", "q-bio")),
    arxiv("2503.00003", "Retrieval Augmented Generation in Practice", date="2025-03-04"),
]


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new database: a SQLite file path, or a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "sub" / "paperfeed.db")
    return str(request.getfixturevalue("postgres_db"))


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Path:
    return tmp_path / "sub" / "paperfeed.db"


@pytest.fixture
def store(db: str):
    with open_store(db) as opened:
        yield opened


@pytest.fixture
def filled(store: Store) -> Store:
    store.upsert_papers(PAPERS)
    return store


# --- opening --------------------------------------------------------------------------


def test_open_creates_parent_dirs_and_uses_wal(sqlite_db: str) -> None:
    db = sqlite_db
    with open_store(db) as store:
        assert db.exists()
        assert store.count_papers() == 0
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_connection_pragmas(sqlite_db: str) -> None:
    store = Store.open(sqlite_db)
    conn = store._conn
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000


def test_memory_store_works() -> None:
    with Store(":memory:") as store:
        store.upsert_papers(PAPERS)
        assert store.count_papers() == 3
        assert [p.id for p in store.search("molecules")] == ["2503.00002"]


def test_close_twice_is_harmless(db: str) -> None:
    store = open_store(db)
    store.close()
    store.close()


# --- papers: upsert and dedup ---------------------------------------------------------


def test_upsert_adds_and_reads_back(store: Store) -> None:
    result = store.upsert_papers(PAPERS)
    assert result == UpsertResult(3, 0, 0, ("2503.00001", "2503.00002", "2503.00003"))
    assert store.get_paper("2503.00002") == PAPERS[1]
    assert store.get_papers(["2503.00003", "nope", "2503.00001"]) == [PAPERS[2], PAPERS[0]]
    assert store.get_paper("2599.99999") is None
    assert store.count_papers() == 3


def test_reimport_changes_nothing(filled: Store, db: str) -> None:
    before = dump(db)
    result = filled.upsert_papers(PAPERS)
    assert (result.added, result.merged, result.unchanged) == (0, 0, 3)
    assert result.ids == tuple(p.id for p in PAPERS)
    assert dump(db) == before


def test_same_arxiv_id_from_another_source_fills_empty_fields(filled: Store) -> None:
    sparse = Paper("2503.00001", "Sparse attention for long documents", source="hf", doi="10.1/x")
    result = filled.upsert_papers([sparse])
    assert (result.added, result.merged, result.ids) == (0, 1, ("2503.00001",))
    stored = filled.get_paper("2503.00001")
    assert stored is not None
    assert stored.title == PAPERS[0].title  # non-empty fields are kept
    assert stored.abstract == PAPERS[0].abstract and stored.source == "arxiv"
    assert stored.doi == "10.1/x"  # empty fields are filled
    assert filled.get_paper("doi:10.1/x") == stored  # now also known by its DOI
    assert filled.resolve_id("doi:10.1/x") == "2503.00001"
    assert filled.resolve_id("doi:10.1/none") is None


def test_dedup_by_doi_keeps_old_id_and_learns_arxiv_id(store: Store) -> None:
    journal = Paper("doi:10.1145/123", "A Study of Things", doi="10.1145/123", source="bibtex")
    store.upsert_papers([journal], listed=False)
    preprint = arxiv("2503.00009", "A study of things (extended)", doi="10.1145/123")
    result = store.upsert_papers([preprint])
    assert result.ids == ("doi:10.1145/123",) and result.merged == 1
    assert store.find_paper_id(Paper("2503.00009", "Totally renamed")) == "doi:10.1145/123"
    stored = store.get_paper("2503.00009")
    assert stored is not None and stored.id == "doi:10.1145/123"
    assert stored.abstract == preprint.abstract and stored.date == "2025-03-03"


@pytest.mark.parametrize(
    "variant",
    [
        "sparse attention for long documents",
        "Sparse Attention for Long Documents.",
        "\\emph{Sparse} Attention for {Long} Documents",
        "Sparse Attention for Long Documents$^*$",
        "{S}parse {A}ttention for Long Documents",
        "Sparse  attention -- for long documents!",
    ],
)
def test_dedup_by_normalized_title(filled: Store, variant: str) -> None:
    profile_paper = Paper("title:whatever", variant, authors=("Lee, Ann",), source="bibtex")
    result = filled.upsert_papers([profile_paper], listed=False)
    assert result.ids == ("2503.00001",)
    assert filled.count_papers() == 3


def test_title_paper_later_seen_on_arxiv_keeps_title_id(store: Store) -> None:
    own = Paper("title:abc", "Learning to Rank Papers", authors=("Han Fang",), date="2024-05-01")
    store.upsert_papers([own], listed=False)
    listed = arxiv("2503.00042", "Learning to rank papers", authors=("Han Fang", "X Y"))
    assert store.upsert_papers([listed]).ids == ("title:abc",)
    # a later version with a changed title is still found by its arXiv id
    renamed = arxiv("2503.00042", "Learning to Rank Research Papers", date="2025-03-05")
    assert store.upsert_papers([renamed]).ids == ("title:abc",)
    stored = store.get_paper("title:abc")
    assert stored is not None
    assert stored.date == "2025-03-03"  # the earliest listing day, not the publication date
    assert store.get_paper("2503.00042") == stored
    assert store.get_papers(["2503.00042", "title:abc"]) == [stored, stored]
    assert store.resolve_id("2503.00042") == "title:abc"
    assert store.count_papers() == 1


def test_same_title_different_arxiv_ids_stay_apart(filled: Store) -> None:
    twin = arxiv("2503.00077", PAPERS[0].title)
    assert filled.upsert_papers([twin]).added == 1
    assert filled.count_papers() == 4
    # a title-only paper still matches the first of them
    assert filled.find_paper_id(Paper("title:t", PAPERS[0].title)) == "2503.00001"


def test_same_title_disjoint_authors_stay_apart(filled: Store) -> None:
    other = Paper("title:intro", PAPERS[0].title, authors=("Zed Quux",))
    assert filled.find_paper_id(other) is None
    assert filled.upsert_papers([other], listed=False).added == 1


def test_duplicates_within_one_batch(store: Store) -> None:
    result = store.upsert_papers([PAPERS[0], PAPERS[0], PAPERS[1]])
    assert (result.added, result.unchanged) == (2, 1)
    assert result.ids == ("2503.00001", "2503.00001", "2503.00002")


def test_find_paper_id_does_not_write(filled: Store, db: str) -> None:
    before = dump(db)
    assert filled.find_paper_id(PAPERS[1]) == "2503.00002"
    assert filled.find_paper_id(arxiv("2503.99999", "Unseen")) is None
    assert dump(db) == before


def test_bad_paper_in_batch_stores_nothing(filled: Store, db: str) -> None:
    before = dump(db)
    broken = Paper("2503.00100", None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"2503\.00100"):
        filled.upsert_papers([arxiv("2503.00099", "Fine"), broken])
    assert dump(db) == before


titles = st.text(alphabet="abcdefgh XYZ{}$.-", min_size=1, max_size=30)
paper_st = st.builds(
    lambda n, t, d: Paper(f"2501.{n:05d}", t, date=d, source="s"),
    st.integers(0, 30),
    titles,
    st.sampled_from([None, "2025-01-01", "2025-01-02"]),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(paper_st, max_size=12))
def test_upsert_is_idempotent(batch: list[Paper]) -> None:
    with Store(":memory:") as store:
        first = store.upsert_papers(batch)
        before = list(store._conn.iterdump())
        again = store.upsert_papers(batch)
        assert again.ids == first.ids
        assert (again.added, again.merged, again.unchanged) == (0, 0, len(batch))
        assert list(store._conn.iterdump()) == before
        assert store.check() == []


# --- listings ---------------------------------------------------------------------------


def test_papers_on_and_latest_date(filled: Store) -> None:
    assert filled.latest_date() == "2025-03-04"
    assert [p.id for p in filled.papers_on("2025-03-03")] == ["2503.00001", "2503.00002"]
    assert [p.id for p in filled.papers_on("2025-03-04")] == ["2503.00003"]
    assert filled.papers_on("2025-01-01") == []
    assert filled.listing_dates() == ["2025-03-03", "2025-03-04"]


def test_history_texts_are_earlier_listings_newest_first(filled: Store) -> None:
    titles = [title for title, _ in filled.history_texts("2025-03-04", 10)]
    assert sorted(titles) == sorted([PAPERS[0].title, PAPERS[1].title])
    assert filled.history_texts("2025-03-03", 10) == []  # the day itself is not history
    newest = filled.history_texts("2025-03-05", 1)
    assert newest == [(PAPERS[2].title, PAPERS[2].abstract)]
    assert filled.history_texts("2025-03-05", 0) == []


def test_every_sighting_is_kept_so_a_day_replays_exactly(filled: Store) -> None:
    again = arxiv("2503.00001", PAPERS[0].title, date="2025-03-05", source="hf")
    filled.upsert_papers([again, PAPERS[2]])
    assert [p.id for p in filled.papers_on("2025-03-03")] == ["2503.00001", "2503.00002"]
    assert [p.id for p in filled.papers_on("2025-03-05")] == ["2503.00001"]
    assert filled.get_paper("2503.00001").date == "2025-03-03"  # type: ignore[union-attr]
    assert filled.counts()["listings"] == 4


def test_unlisted_import_records_no_listing(store: Store) -> None:
    store.upsert_papers([arxiv("2401.00001", "Old Work", date="2024-01-10")], listed=False)
    assert store.latest_date() is None
    assert store.papers_on("2024-01-10") == []
    assert store.get_paper("2401.00001").date == "2024-01-10"  # type: ignore[union-attr]


def test_empty_store_has_no_latest_date(store: Store) -> None:
    assert store.latest_date() is None


# --- search -----------------------------------------------------------------------------


def test_search_finds_by_words_and_ranks(filled: Store) -> None:
    filled.upsert_papers([arxiv("2503.00010", "Attention everywhere", abstract="Sparse long.")])
    assert [p.id for p in filled.search("molecule graph")] == ["2503.00002"]
    found = [p.id for p in filled.search("sparse attention")]
    assert found[0] == "2503.00001" and set(found) == {"2503.00001", "2503.00010"}
    assert [p.id for p in filled.search("Retrieval quantum")] == ["2503.00003"]  # any word
    assert len(filled.search("attention", limit=1)) == 1


@pytest.mark.parametrize("query", ['"', "AND (", "NEAR(", "title:", "*", "-", "OR", "", "   "])
def test_search_survives_fts_syntax(filled: Store, query: str) -> None:
    assert isinstance(filled.search(query), list)


def test_search_sees_merged_abstract(store: Store) -> None:
    store.upsert_papers([Paper("title:q", "Quiet Title", source="bibtex")], listed=False)
    assert store.search("zebrafish") == []
    store.upsert_papers([arxiv("2503.00011", "Quiet title", abstract="About zebrafish.")])
    assert [p.id for p in store.search("zebrafish")] == ["title:q"]
    assert store.check() == []


def test_check_finds_a_paper_missing_from_the_search_index(sqlite_db: str) -> None:
    db = sqlite_db
    filled = open_store(db)
    filled.upsert_papers(PAPERS)
    assert filled.check() == []
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("INSERT INTO papers (id, title_key, title) VALUES ('x', 'title:x', 'Sneaky')")
    conn.close()
    assert any("search index" in problem for problem in filled.check())


# --- transactions -----------------------------------------------------------------------


def test_exception_in_transaction_leaves_db_unchanged(filled: Store, db: str) -> None:
    before = dump(db)
    with pytest.raises(RuntimeError), filled.transaction():
        filled.upsert_papers([arxiv("2503.00050", "New")])
        filled.add_feedback(Feedback("ann", "2503.00001", 1))
        filled.set_setting("ann", "top", 5)
        raise RuntimeError("boom")
    assert dump(db) == before
    assert filled.count_papers() == 3 and not filled.has_user("ann")


def test_nested_transaction_joins_outer(filled: Store) -> None:
    with filled.transaction():
        filled.add_user("ann")
        with pytest.raises(ValueError), filled.transaction():
            filled.add_user("bob")
            raise ValueError("inner only")
        filled.add_user("cy")
    assert filled.users() == ["ann", "cy"]


def test_writes_inside_transaction_are_invisible_to_other_connections(db: str) -> None:
    with open_store(db) as writer, open_store(db) as reader:
        with writer.transaction():
            writer.upsert_papers(PAPERS)
            assert reader.count_papers() == 0
        assert reader.count_papers() == 3


# --- users, settings, profiles ------------------------------------------------------------


def test_users_and_credentials(store: Store) -> None:
    store.add_user("ann")
    store.add_user("ann")
    store.add_user("bob")
    assert store.users() == ["ann", "bob"]
    assert store.has_user("ann") and not store.has_user("zed")
    assert store.password_hash("ann") is None and store.email("ann") is None
    store.set_password_hash("ann", "$argon2id$abc")
    store.set_email("ann", "ann@example.org")
    assert store.password_hash("ann") == "$argon2id$abc"
    assert store.email("ann") == "ann@example.org"
    assert store.password_hash("zed") is None
    with pytest.raises(ValueError):
        store.add_user("  ")


def test_settings_round_trip_json(store: Store) -> None:
    assert store.get_setting("ann", "top", 10) == 10
    value = {"channels": ["email", "atom"], "threshold": 0.25, "on": True}
    store.set_setting("ann", "prefs", value)
    store.set_setting("ann", "top", 7)
    store.set_setting("ann", "top", 8)
    assert store.get_setting("ann", "prefs") == value
    assert store.get_setting("ann", "top") == 8
    with pytest.raises(TypeError):
        store.set_setting("ann", "bad", object())


def test_profile_include_exclude(filled: Store) -> None:
    assert filled.add_profile_papers("ann", ["2503.00001", "2503.00002"]) == 2
    assert filled.add_profile_papers("ann", ["2503.00002", "2503.00003"]) == 1
    filled.set_included("ann", "2503.00002", False)
    links = filled.profile_links("ann")
    assert [(p.id, inc) for p, inc in links] == [
        ("2503.00001", True),
        ("2503.00002", False),
        ("2503.00003", True),
    ]
    profile = filled.load_profile("ann")
    assert profile.excluded == frozenset({"2503.00002"})
    assert [p.id for p in profile.active_papers] == ["2503.00001", "2503.00003"]
    filled.set_included("ann", "2503.00002", True)
    assert filled.load_profile("ann").excluded == frozenset()
    with pytest.raises(KeyError):
        filled.set_included("ann", "2599.00000", False)
    with pytest.raises(KeyError):
        filled.set_included("bob", "2503.00001", False)


def test_profile_link_to_unknown_paper_links_nothing(filled: Store) -> None:
    with pytest.raises(KeyError, match=r"2599\.00001"):
        filled.add_profile_papers("ann", ["2503.00001", "2599.00001"])
    assert filled.profile_links("ann") == []


def test_rules_and_full_profile(filled: Store) -> None:
    filled.add_profile_papers("ann", ["2503.00001"])
    filled.set_rules("ann", include_keywords=["attention", "sparse"], followed_authors=["Bo Chen"])
    filled.set_rules("ann", exclude_keywords=["quantum"])
    filled.add_feedback(Feedback("ann", "2503.00003", 1, "2025-03-04T10:00:00+00:00"))
    profile = filled.load_profile("ann")
    assert profile.owner == "ann"
    assert profile.include_keywords == ("attention", "sparse")
    assert profile.exclude_keywords == ("quantum",)
    assert profile.followed_authors == ("Bo Chen",)
    assert profile.feedback == (Feedback("ann", "2503.00003", 1, "2025-03-04T10:00:00+00:00"),)
    filled.set_rules("ann", include_keywords=[])
    assert filled.load_profile("ann").include_keywords == ()
    with pytest.raises(TypeError):
        filled.set_rules("ann", include_keywords="attention")


def test_unknown_user_profile_is_empty(store: Store) -> None:
    profile = store.load_profile("nobody")
    assert profile.papers == () and profile.feedback == ()


# --- feedback, shown, digests, deliveries --------------------------------------------------


def test_feedback_latest_wins_and_events_are_kept(filled: Store) -> None:
    filled.add_feedback(Feedback("ann", "2503.00001", 1))
    filled.add_feedback(Feedback("ann", "2503.00002", -1))
    filled.add_feedback(Feedback("ann", "2503.00001", -1))
    filled.add_feedback(Feedback("bob", "2503.00001", 1))
    latest = filled.feedback("ann")
    assert [(f.paper_id, f.rating) for f in latest] == [("2503.00002", -1), ("2503.00001", -1)]
    assert all(f.at for f in latest)
    events = filled.feedback_events("ann")
    assert [(f.paper_id, f.rating) for f in events] == [
        ("2503.00001", 1),
        ("2503.00002", -1),
        ("2503.00001", -1),
    ]
    filled.add_feedback(Feedback("ann", "2503.00002", 0))  # withdrawn
    assert [f.paper_id for f in filled.feedback("ann")] == ["2503.00001"]
    assert len(filled.feedback_events("ann")) == 4


def test_feedback_validation(filled: Store) -> None:
    with pytest.raises(ValueError):
        filled.add_feedback(Feedback("ann", "2503.00001", 2))
    with pytest.raises(KeyError):
        filled.add_feedback(Feedback("ann", "2599.00001", 1))
    assert filled.counts()["feedback_events"] == 0 and not filled.has_user("ann")


def test_feedback_by_any_id_of_a_merged_paper(store: Store) -> None:
    store.upsert_papers([Paper("title:x", "Merged Paper")], listed=False)
    store.upsert_papers([arxiv("2503.00123", "Merged paper")])
    store.add_feedback(Feedback("ann", "2503.00123", 1))
    assert [f.paper_id for f in store.feedback("ann")] == ["title:x"]


def test_shown_history_is_idempotent(filled: Store, db: str) -> None:
    assert filled.record_shown("ann", "2025-03-03", ["2503.00001", "2503.00002"], "email") == 2
    before = dump(db)
    assert filled.record_shown("ann", "2025-03-03", ["2503.00001", "2503.00002"], "email") == 0
    assert dump(db) == before
    assert filled.record_shown("ann", "2025-03-04", ["2503.00002", "2503.00003"], "web") == 1
    assert filled.shown_ids("ann") == {"2503.00001", "2503.00002", "2503.00003"}
    assert filled.shown_ids("ann", before="2025-03-04") == {"2503.00001", "2503.00002"}
    assert filled.shown_ids("bob") == set()


def _recommendations(store: Store) -> list[Recommendation]:
    """Two picks; numbers are numpy scalars, as rankers produce them."""
    a, b = store.get_papers(["2503.00001", "2503.00002"])
    similarity: Any = np.float32(0.8123457)
    similar = Reason("similar", "close to your paper X", "title:own", "X", similarity)
    terms = Reason("terms", "shares: attention, sparse", terms=("attention", "sparse"))
    signals = {"dense": np.float64(0.7), "lexical": 0.1234567890123}
    return [
        Recommendation(a, np.float64(0.91234567891), 1, (similar, terms), "attention", signals),
        Recommendation(b, 0.5, 2, (), None, {}),
    ]


def test_digest_round_trip(filled: Store) -> None:
    recs = _recommendations(filled)
    filled.save_digest("ann", "2025-03-03", recs)
    loaded = filled.load_digest("ann", "2025-03-03")
    assert loaded == recs
    assert loaded[0].reasons[1].terms == ("attention", "sparse")
    assert loaded[0].signals == {"dense": 0.7, "lexical": 0.1234567890123}
    assert [type(r.score) for r in loaded] == [float, float]
    assert filled.load_digest("ann", "2025-03-04") == []


def test_digest_save_replaces_and_lists_dates(filled: Store) -> None:
    recs = _recommendations(filled)
    filled.save_digest("ann", "2025-03-03", recs)
    filled.save_digest("ann", "2025-03-03", recs[1:])
    filled.save_digest("ann", "2025-03-02", [])
    assert filled.load_digest("ann", "2025-03-03") == recs[1:]
    assert filled.digest_dates("ann") == ["2025-03-02", "2025-03-03"]
    assert filled.counts()["digest_items"] == 1


def test_digest_of_unknown_paper_is_refused(filled: Store) -> None:
    stray = Recommendation(arxiv("2599.00001", "Not stored"), 1.0, 1)
    with pytest.raises(KeyError):
        filled.save_digest("ann", "2025-03-03", [stray])
    assert filled.digest_dates("ann") == []


def test_claim_delivery_only_once_across_stores(db: str) -> None:
    with open_store(db) as first, open_store(db) as second:
        assert not first.was_sent("ann", "2025-03-03", "email")
        assert first.claim_delivery("ann", "2025-03-03", "email", "one") is True
        assert second.claim_delivery("ann", "2025-03-03", "email", "two") is False
        assert not second.was_sent("ann", "2025-03-03", "email")  # claimed, not yet sent
        first.confirm_delivery("ann", "2025-03-03", "email")
        assert second.was_sent("ann", "2025-03-03", "email")
        assert second.claim_delivery("ann", "2025-03-03", "atom", "two") is True
        assert first.unmark_sent("ann", "2025-03-03", "email") is True
        assert second.claim_delivery("ann", "2025-03-03", "email", "two") is True


# --- embedding cache ----------------------------------------------------------------------


def test_vectors_round_trip_exactly_per_model(store: Store) -> None:
    rng = np.random.default_rng(0)
    vectors = {f"h{i}": rng.standard_normal(384).astype(np.float32) for i in range(1200)}
    store.put_vectors("model-a", vectors)
    store.put_vectors("model-b", {"h1": np.ones(8, dtype=np.float32)})
    got = store.get_vectors("model-a", [*vectors, "missing"])
    assert set(got) == set(vectors)
    for key, vector in vectors.items():
        assert got[key].dtype == np.float32
        assert np.array_equal(got[key], vector)
    assert np.array_equal(store.get_vectors("model-b", ["h1", "h2"])["h1"], np.ones(8))
    assert store.get_vectors("model-c", ["h1"]) == {}
    assert store.count_vectors("model-a") == 1200 and store.count_vectors() == 1201


def test_put_vectors_replaces_and_converts(store: Store) -> None:
    store.put_vectors("m", {"h": np.array([1.0, 2.0], dtype=np.float64)})
    store.put_vectors("m", {"h": np.array([3.0, 4.0, 5.0], dtype=np.float32)})
    assert np.array_equal(store.get_vectors("m", ["h"])["h"], [3.0, 4.0, 5.0])
    with pytest.raises(ValueError):
        store.put_vectors("m", {"bad": np.zeros((2, 2), dtype=np.float32)})


def test_store_serves_the_embedding_cache(store: Store) -> None:
    from paperfeed.embed import EmbeddingCache

    class CountingEmbedder:
        name, dim = "counting", 4

        def embed(self, texts: Sequence[str]) -> np.ndarray:
            rows = np.array([[len(t), 1.0, 0.0, 2.0] for t in texts], dtype=np.float32)
            return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    first = EmbeddingCache(CountingEmbedder(), store).embed_papers(PAPERS)
    again = EmbeddingCache(CountingEmbedder(), store)
    assert np.array_equal(again.embed_papers(PAPERS), first)
    assert again.model_calls == 0


# --- counts, threads, processes --------------------------------------------------------------


def test_counts_cover_every_table(filled: Store) -> None:
    counts = filled.counts()
    assert counts["papers"] == 3 and counts["listings"] == 3
    assert {"users", "vectors", "feedback_events", "shown", "digests", "deliveries"} <= set(counts)
    assert not any("fts" in name for name in counts)


def test_threads_share_one_store(filled: Store) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(25):
                filled.add_feedback(Feedback(f"user{n}", PAPERS[i % 3].id, 1))
                filled.search("attention")
                filled.load_profile(f"user{n}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert filled.counts()["feedback_events"] == 100


def _feedback_worker(path: str, user: str, count: int, start: object) -> None:
    start.wait()  # type: ignore[attr-defined]
    with open_store(path) as store:
        for i in range(count):
            store.add_feedback(Feedback(user, PAPERS[i % 3].id, 1 if i % 2 else -1))
        store.claim_delivery("shared", "2025-03-03", "email", user)


def _claim_worker(path: str, start: object, results: object) -> None:
    start.wait()  # type: ignore[attr-defined]
    try:
        with open_store(path) as store:
            claim: object = store.claim_delivery("ann", "2025-03-03", "email", "worker")
    except Exception as exc:  # reported to the test instead of leaving it waiting
        claim = repr(exc)
    results.put(claim)  # type: ignore[attr-defined]


def test_two_processes_write_feedback_at_once(db: str) -> None:
    with open_store(db) as store:
        store.upsert_papers(PAPERS)
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    workers = [
        context.Process(target=_feedback_worker, args=(str(db), user, 150, start))
        for user in ("ann", "bob")
    ]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    with open_store(db) as store:
        assert len(store.feedback_events("ann")) == 150
        assert len(store.feedback_events("bob")) == 150
        assert store.counts()["deliveries"] == 1


def test_claim_race_between_processes_on_a_new_file(db: str) -> None:
    """Two processes create, migrate and claim on the same new file at once: one wins."""
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    workers = [context.Process(target=_claim_worker, args=(str(db), start, results)) for _ in "ab"]
    for worker in workers:
        worker.start()
    start.set()
    claims = sorted((results.get(timeout=120) for _ in workers), key=str)
    for worker in workers:
        worker.join(timeout=120)
    assert claims == [False, True]


def test_spaces_and_models_larger_than_a_chunk_round_trip(db: str) -> None:
    big = np.random.default_rng(0).bytes(2_500_000)  # 2.4 chunks
    with open_store(db) as store:
        assert store.latest_space() is None and store.get_space("s1") is None
        store.add_user("alice")
        store.put_space("s1", b"space one", io.BytesIO(big), papers=100)
        store.put_space("s1", b"ignored", io.BytesIO(), papers=1)  # a space is fitted once
        store.put_model("m1", "s1", b"alice's model", user="alice")
        store.put_model("m0", "s1", b"a library call's model")
        info = store.latest_space()
        assert info is not None and (info.key, info.papers, info.version) == ("s1", 100, 1)
    with open_store(db) as store:  # committed, read by a new connection
        assert store.get_space("s1") == b"space one"
        with store.background_file("s1") as file:
            assert file is not None and file.read() == big
            file.seek(1_500_000)
            assert file.read(10) == big[1_500_000:1_500_010] and file.tell() == 1_500_010
        with store.background_file("s9") as file:
            assert file is None
        assert store.get_model("m1") == b"alice's model"
        assert store.model_keys(["alice", "bob"]) == {"alice": "m1"}
        store.put_model("m2", "s1", b"alice retrained", user="alice")
        assert store.get_model("m1") is None and store.model_keys(["alice"]) == {"alice": "m2"}


def test_only_the_newest_spaces_stay_and_their_models_with_them(db: str) -> None:
    from paperfeed.store.models import SPACES_KEPT

    with open_store(db) as store:
        for number in range(SPACES_KEPT + 1):
            store.put_space(f"s{number}", b"space", io.BytesIO(b"background"), papers=number)
            store.put_model(f"m{number}", f"s{number}", b"model")
        assert store.get_space("s0") is None and store.get_model("m0") is None
        assert store.get_space(f"s{SPACES_KEPT}") == b"space"
        assert store.get_model(f"m{SPACES_KEPT}") == b"model"
