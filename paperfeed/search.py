"""Search every stored paper: full text (titles, abstracts, authors) with a true count and
pages, and "more like this" from any paper by embedding.

"More like this" is a brute-force cosine over the cached vectors of the listed papers,
kept by the caller (a ``VectorTable``) and read again when papers or vectors are added.
That is fine for a lab's store (75,000 vectors are 110 MB and a query is a matrix-vector
product). On PostgreSQL with pgvector the store's HNSW index answers instead
(``Store.nearest_papers``), and no process holds the vectors.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from paperfeed.errors import InputError
from paperfeed.records import Paper

if TYPE_CHECKING:
    from paperfeed.embed import EmbeddingCache
    from paperfeed.store import Store

PER_PAGE = 20
MAX_PAGES = 50
SIMILAR_MAX = 200  # "more like this" pages through the closest papers only


@dataclass(frozen=True, slots=True)
class Results:
    """One page of search results. ``total`` counts every match (for "more like this":
    the papers shown across all pages); ``all_terms`` is False when no paper held every
    word and these hold some; ``like`` is the paper a "more like this" started from,
    ``scores`` its cosine similarity to each result."""

    query: str
    papers: tuple[Paper, ...]
    total: int
    page: int
    per_page: int = PER_PAGE
    all_terms: bool = True
    like: Paper | None = None
    scores: tuple[float, ...] = ()
    searched: int = 0  # "more like this": papers with a vector, the ground searched

    @property
    def pages(self) -> int:
        """How many pages the results fill (at most MAX_PAGES)."""
        return min(-(-self.total // self.per_page), MAX_PAGES)

    @property
    def first(self) -> int:
        """The number of this page's first result (1-based; 0 when there is none)."""
        return (self.page - 1) * self.per_page + 1 if self.papers else 0


def _page(page: int) -> int:
    if not 1 <= page <= MAX_PAGES:
        raise InputError("search", f"page must be 1-{MAX_PAGES}, got {page}", field="page")
    return page


def find(
    store: Store,
    query: str,
    *,
    user: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Results:
    """Page ``page`` of the papers matching ``query`` (see ``Store.search_page``); with
    ``user``, only what that user may find (the listings and their own papers)."""
    page = _page(page)
    found = store.search_page(query, limit=per_page, offset=(page - 1) * per_page, user=user)
    return Results(query, found.papers, found.total, page, per_page, found.all_terms)


class VectorTable:
    """The cached vectors of every listed paper of one model, read once and read again
    when the store's paper or vector count changes (its owner keeps it between searches)."""

    def __init__(self) -> None:
        self.key: tuple[str, int, int] | None = None
        self.ids: list[str] = []
        self.matrix = np.zeros((0, 0), dtype=np.float32)
        self.row_of: dict[str, int] = {}
        self._lock = threading.Lock()

    def current(self, store: Store, model: str) -> VectorTable:
        """This table, brought up to date with ``store``'s vectors of ``model``."""
        with self._lock:
            key = (model, store.count_papers(), store.count_vectors(model))
            if self.key != key:
                self.ids, self.matrix = store.embedded_papers(model)
                self.row_of = {pid: n for n, pid in enumerate(self.ids)}
                self.key = key
            return self


def similar(
    store: Store,
    paper_id: str,
    cache: EmbeddingCache,
    *,
    table: VectorTable | None = None,
    user: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Results:
    """Page ``page`` of the listed papers closest in meaning to ``paper_id`` (cosine of
    their embeddings in ``cache``'s model), the paper itself left out. A paper without a
    cached vector is embedded once (and its vector kept). ``table`` is the caller's
    :class:`VectorTable`, kept between searches. With ``user``, the paper must be one they
    may find (a source record, or their own)."""
    page = _page(page)
    source = store.get_paper(paper_id, user=user)
    if source is None or (user is not None and not store.is_visible(source.id, user)):
        raise InputError("search", f"no paper {paper_id!r} in the store", field="like")
    vector = np.asarray(cache.embed_papers([source])[0], dtype=np.float32)
    indexed = store.nearest_papers(cache.embedder.name, vector, SIMILAR_MAX, exclude=source.id)
    if indexed is not None:  # the database's vector index (PostgreSQL with pgvector)
        return _indexed_results(store, source, indexed, user, page, per_page)
    table = (table or VectorTable()).current(store, cache.embedder.name)
    return _table_results(store, source, vector, table, user, page, per_page)


def _table_results(
    store: Store,
    source: Paper,
    vector: np.ndarray,
    table: VectorTable,
    user: str | None,
    page: int,
    per_page: int,
) -> Results:
    """Page ``page`` of the papers of ``table`` closest to ``vector``, ``source`` left out."""
    if not len(table.ids):
        return Results("", (), 0, page, per_page, like=source)
    scores = table.matrix @ vector
    own = table.row_of.get(source.id)
    if own is not None:
        scores[own] = -np.inf
    count = min(SIMILAR_MAX, len(table.ids) - (own is not None))
    best = np.argsort(-scores, kind="stable")[:count]
    chosen = best[(page - 1) * per_page : page * per_page]
    papers = tuple(store.get_papers([table.ids[i] for i in chosen], user=user))
    scored = tuple(float(scores[i]) for i in chosen)
    return Results(
        "", papers, count, page, per_page, like=source, scores=scored, searched=len(table.ids)
    )


def _indexed_results(
    store: Store,
    source: Paper,
    found: tuple[list[tuple[str, float]], int],
    user: str | None,
    page: int,
    per_page: int,
) -> Results:
    """One page of "more like this" from the store's vector index."""
    best, searched = found
    chosen = best[(page - 1) * per_page : page * per_page]
    papers = tuple(store.get_papers([pid for pid, _ in chosen], user=user))
    return Results(
        "",
        papers,
        len(best),
        page,
        per_page,
        like=source,
        scores=tuple(score for _, score in chosen),
        searched=searched,
    )
