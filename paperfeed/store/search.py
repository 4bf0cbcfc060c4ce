"""Finding papers in the store: full-text search over titles, abstracts and author names
(FTS5, porter stemming) with a true count and pages, and the cached embeddings of every
paper for "more like this".

A query is words, "quoted phrases" and ``author:Name`` / ``author:"First Last"`` terms;
any other text is safe (each word is quoted, FTS5 syntax never reaches the engine).
Papers holding every term come first; when no paper holds them all, papers holding any
of them are given instead, and ``SearchPage.all_terms`` says so.

What a user may find: the source records (shared by everyone) and their own uploads;
another user's uploads (which may hold unpublished work) stay theirs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from paperfeed.ids import content_hash
from paperfeed.records import Paper
from paperfeed.store.papers import VISIBLE, PapersMixin

_WORD = re.compile(r"\w+")
_TERM = re.compile(r'(author:)?(?:"([^"]*)"|(\S+))', re.IGNORECASE)
#: bm25 weights of the columns title, abstract, authors.
_WEIGHTS = "2.0, 1.0, 2.0"


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of results, the number of all matching papers, and whether they hold
    every term of the query (False: none did, these hold some)."""

    papers: tuple[Paper, ...]
    total: int
    all_terms: bool = True


def match_terms(query: str) -> list[str]:
    """The FTS5 terms of a query: each word or phrase quoted, ``author:`` limited to the
    authors column; duplicates dropped."""
    terms: list[str] = []
    for match in _TERM.finditer(query):
        author, phrase, word = match.groups()
        words = _WORD.findall(phrase if phrase is not None else word)
        if not words:
            continue
        quoted = [f'"{" ".join(words)}"'] if phrase is not None else [f'"{w}"' for w in words]
        terms.extend(f"authors : {q}" if author else q for q in quoted)
    return list(dict.fromkeys(terms))


class SearchMixin(PapersMixin):
    """Search methods of the Store."""

    def search_page(
        self, query: str, limit: int = 20, offset: int = 0, *, user: str | None = None
    ) -> SearchPage:
        """Papers matching ``query``, best first (bm25), ``limit`` from ``offset`` on: the
        source records and ``user``'s own uploads (only the source records without one)."""
        terms = match_terms(query)
        if not terms or limit <= 0:
            return SearchPage((), 0)
        with self._read():
            every = " AND ".join(terms)
            total = self._match_count(every, user)
            if total or len(terms) == 1:
                return SearchPage(self._match_page(every, limit, offset, user), total)
            some = " OR ".join(terms)
            papers = self._match_page(some, limit, offset, user)
            return SearchPage(papers, self._match_count(some, user), all_terms=False)

    def search(self, query: str, limit: int = 20, *, user: str | None = None) -> list[Paper]:
        """The first ``limit`` papers of ``search_page``."""
        return list(self.search_page(query, limit, user=user).papers)

    def is_visible(self, paper_id: str, user: str) -> bool:
        """Whether ``user`` may find the paper: a source record, or one of their own."""
        canonical = self.resolve_id(paper_id, user=user)
        row = self._one(f"SELECT 1 FROM papers p WHERE p.id = ? AND {VISIBLE}", (canonical, user))
        return canonical is not None and row is not None

    def _matching(self, user: str | None) -> tuple[str, list[str | None]]:
        sql = "FROM papers_fts JOIN papers p ON p.pk = papers_fts.rowid WHERE papers_fts MATCH ?"
        return f"{sql} AND {VISIBLE}", [user]

    def _match_count(self, match: str, user: str | None) -> int:
        sql, extra = self._matching(user)
        row = self._conn.execute(f"SELECT count(*) {sql}", (match, *extra)).fetchone()
        return int(row[0])

    def _match_page(
        self, match: str, limit: int, offset: int, user: str | None
    ) -> tuple[Paper, ...]:
        sql, extra = self._matching(user)
        rows = self._conn.execute(
            f"SELECT p.id {sql} ORDER BY bm25(papers_fts, {_WEIGHTS}), p.pk DESC LIMIT ? OFFSET ?",
            (match, *extra, limit, max(offset, 0)),
        ).fetchall()
        return tuple(self.get_papers([row[0] for row in rows], user=user))

    def nearest_papers(
        self, model: str, vector: np.ndarray, limit: int, exclude: str | None = None
    ) -> tuple[list[tuple[str, float]], int] | None:
        """Nearest listed papers by a vector index in the database: SQLite has none, so
        None (the caller keeps ``embedded_papers`` in memory and searches that)."""
        return None

    def embedded_papers(self, model: str) -> tuple[list[str], np.ndarray]:
        """Ids of the listed source records whose text has a cached vector of ``model``, and
        those vectors as rows (float32): the ground a "more like this" search runs over."""
        with self._read() as conn:
            cached = {
                key: (dim, blob)
                for key, dim, blob in conn.execute(
                    "SELECT content_hash, dim, vector FROM vectors WHERE model = ?", (model,)
                )
            }
            papers = conn.execute(
                "SELECT id, title, abstract FROM papers p WHERE p.owner IS NULL AND EXISTS "
                "(SELECT 1 FROM listings l WHERE l.paper_id = p.id) ORDER BY pk"
            ).fetchall()
        ids, rows = [], []
        for pid, title, abstract in papers:
            found = cached.get(content_hash(title, abstract))
            if found is not None:
                ids.append(pid)
                rows.append(np.frombuffer(found[1], dtype="<f4"))
        if not rows:
            return [], np.zeros((0, 0), dtype=np.float32)
        return ids, np.vstack(rows).astype(np.float32)
