"""Search: titles, abstracts and authors, a true count, pages, and "more like this"."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from paperfeed import search
from paperfeed.cli import cli
from paperfeed.embed import EmbeddingCache, HashingEmbedder
from paperfeed.errors import InputError
from paperfeed.records import Paper
from paperfeed.store import Store, open_store
from paperfeed.store.search import match_terms

EMBEDDER = HashingEmbedder(dim=64)
TOPICS = ["graph neural networks", "speech recognition", "protein folding", "sparse retrieval"]


def listed(n: int, title: str, authors: tuple[str, ...], abstract: str = "") -> Paper:
    return Paper(f"2606.{n:05d}", title, abstract or title, authors, date="2026-06-30")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """30 listed papers, 7 of them with Jure Leskovec among the authors, on SQLite and on
    PostgreSQL (where "more like this" walks pgvector's HNSW index)."""
    if request.param == "sqlite":
        store = open_store(tmp_path / "pf.db")
    else:
        store = open_store(request.getfixturevalue("postgres_db"))
    papers = []
    for n in range(30):
        authors = ("Ann Lee", "Jure Leskovec") if n % 4 == 0 and n < 28 else ("Ann Lee", "Bo Wu")
        topic = TOPICS[n % len(TOPICS)]
        papers.append(listed(n, f"Study {n} of {topic}", authors, f"We look at {topic} again."))
    store.upsert_papers(papers)
    return store


def test_author_search_finds_every_paper_that_lists_him_with_a_true_count(store: Store) -> None:
    page = store.search_page("Leskovec", limit=5)
    assert page.total == 7 and len(page.papers) == 5
    rest = store.search_page("Leskovec", limit=5, offset=5)
    ids = {p.id for p in page.papers} | {p.id for p in rest.papers}
    assert len(ids) == 7 and all("Jure Leskovec" in p.authors for p in page.papers + rest.papers)
    assert store.search_page('author:"Jure Leskovec" graph').total == 7
    assert store.search_page("author:graph").total == 0  # a topic word is no author


def test_the_count_is_not_a_cap(store: Store) -> None:
    found = search.find(store, "study", per_page=20)
    assert found.total == 30 and len(found.papers) == 20 and found.pages == 2
    second = search.find(store, "study", page=2)
    assert len(second.papers) == 10 and second.first == 21
    assert not {p.id for p in found.papers} & {p.id for p in second.papers}


def test_no_paper_with_every_word_falls_back_to_any_and_says_so(store: Store) -> None:
    page = store.search_page("protein zebrafish")
    assert not page.all_terms and page.total == 7
    assert store.search_page("protein folding").all_terms


@pytest.mark.parametrize("query", ['"', 'author:"', "NEAR(a b)", "a OR", "*", "col:x", "^x"])
def test_fts_syntax_is_never_passed_through(store: Store, query: str) -> None:
    store.search_page(query)
    assert all(t.startswith(('"', "authors : ")) for t in match_terms(query))


def test_another_users_own_papers_are_not_found(store: Store) -> None:
    draft = Paper("title:draft", "Unpublished draft on protein folding", authors=("Ann Lee",))
    (draft_id,) = store.upsert_papers([draft], listed=False, owner="alice").ids
    store.add_profile_papers("alice", [draft_id])
    assert store.search_page("unpublished", user="bob").total == 0
    assert store.search_page("unpublished", user="alice").total == 1
    assert store.search_page("unpublished").total == 0  # no user: the source records only
    with pytest.raises(InputError, match="no paper"):
        search.similar(store, draft_id, EmbeddingCache(EMBEDDER, store), user="bob")


def test_authors_are_searchable_after_the_upgrade_from_an_older_database(tmp_path: Path) -> None:
    from paperfeed.store.schema import MIGRATIONS, migrate

    before = next(m.version for m in MIGRATIONS if m.name.endswith("_search_authors.sql")) - 1
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, str(path), target=before)
    conn.execute(
        "INSERT INTO papers (id, title_key, title, abstract, authors) "
        "VALUES ('2606.00001', 'title:x', 'A title', 'An abstract', '[\"Jure Leskovec\"]')"
    )
    conn.execute("INSERT INTO papers_fts(papers_fts) VALUES ('rebuild')")
    conn.close()
    with Store.open(path) as store:
        assert store.search_page("leskovec").total == 1
        assert store.search_page("abstract").total == 1
        assert store.check() == []


def test_merged_authors_are_indexed(tmp_path: Path) -> None:
    with Store.open(tmp_path / "pf.db") as store:
        store.upsert_papers([Paper("title:x", "Quiet title", source="bibtex")], listed=False)
        store.upsert_papers([listed(9, "Quiet title", ("Jure Leskovec",))])
        assert [p.id for p in store.search_page("leskovec").papers] == ["title:x"]
        assert store.check() == []


def test_more_like_this_ranks_by_embedding_and_leaves_the_paper_out(store: Store) -> None:
    papers = store.papers_on("2026-06-30")
    EmbeddingCache(EMBEDDER, store).embed_papers(papers)  # kept in the store
    source = papers[2]  # protein folding
    found = search.similar(store, source.id, EmbeddingCache(EMBEDDER, store), per_page=7)
    assert source.id not in {p.id for p in found.papers}
    assert found.searched == 30 and found.total == 29
    assert all("protein folding" in p.title for p in found.papers[:6])
    assert list(found.scores) == sorted(found.scores, reverse=True)
    later = search.similar(store, source.id, EmbeddingCache(EMBEDDER, store), page=2, per_page=7)
    assert not {p.id for p in found.papers} & {p.id for p in later.papers}
    with pytest.raises(InputError):
        search.similar(store, "2606.99999", EmbeddingCache(EMBEDDER, store))


def test_cli_search_and_more_like_this(
    store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PAPERFEED_EMBEDDER", "hashing")
    monkeypatch.setenv("PAPERFEED_CONFIG", os.devnull)
    base = ["--db", store.path]
    EmbeddingCache(HashingEmbedder(), store).embed_papers(store.papers_on("2026-06-30"))
    result = CliRunner().invoke(cli, [*base, "search", "Leskovec", "--per-page", "5"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("7 results for “Leskovec”")
    assert "  5. Study" in result.output and "--page 2 for more" in result.output
    like = CliRunner().invoke(cli, [*base, "search", "--like", "2606.00002", "--per-page", "3"])
    assert like.exit_code == 0, like.output
    assert "closest to “Study 2 of protein folding”" in like.output
    assert like.output.count("protein folding") == 4
    assert CliRunner().invoke(cli, [*base, "search"]).exit_code == 1
