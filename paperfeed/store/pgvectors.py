"""The embedding cache on PostgreSQL, with pgvector: nearest neighbours in the database.

Vectors keep their exact float32 bytes (``vector``, the cache's source of truth) and, when
the server has pgvector, the same values as a ``vector`` column with one HNSW index (cosine)
per dimension. ``nearest_papers`` walks that index and joins the papers by their text's
cache key (``papers.content_hash``, kept by ``fill_content_hashes``): "more like this" runs
in the database instead of over a matrix of every vector held in each process.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from paperfeed.ids import content_hash
from paperfeed.store.pgbase import PgStoreBase
from paperfeed.store.vectors import _to_blob

#: HNSW build parameters (pgvector's defaults) and the search breadth of one query.
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 16, 64, 400
_HASH_CHUNK = 5000


class PgVectorsMixin(PgStoreBase):
    """Embedding-cache methods of the PostgreSQL store."""

    def put_vectors(self, model: str, vectors: Mapping[str, np.ndarray]) -> None:
        """As ``VectorsMixin.put_vectors``; with pgvector, also as ``vector`` values."""
        rows = []
        for key, vector in vectors.items():
            dim, blob = _to_blob(key, vector)
            rows.append((model, key, dim, blob, np.frombuffer(blob, dtype="<f4")))
        with_vector = self._conn.has_vector
        columns = "model, content_hash, dim, vector" + (", embedding" if with_vector else "")
        update = "dim = excluded.dim, vector = excluded.vector" + (
            ", embedding = excluded.embedding" if with_vector else ""
        )
        if not rows:
            return
        width = 5 if with_vector else 4
        with self.transaction():
            if with_vector:
                for dim in sorted({row[2] for row in rows}):
                    self._ensure_hnsw(dim)
            self._conn.executemany(
                f"INSERT INTO vectors ({columns}) VALUES ({', '.join('?' * width)}) "
                f"ON CONFLICT (model, content_hash) DO UPDATE SET {update} "
                "WHERE vectors.vector != excluded.vector",
                [row[:width] for row in rows],
            )

    def _ensure_hnsw(self, dim: int) -> None:
        """The HNSW index (cosine) over the vectors of dimension ``dim``, made once."""
        known: set[int] = self.__dict__.setdefault("_hnsw_dims", set())
        if dim in known:
            return
        self._conn.native(
            f"CREATE INDEX IF NOT EXISTS vectors_hnsw_{int(dim)} ON vectors USING hnsw "
            f"((embedding::vector({int(dim)})) vector_cosine_ops) "
            f"WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION}) "
            f"WHERE dim = {int(dim)}"
        )
        known.add(dim)

    def fill_content_hashes(self) -> int:
        """Compute the cache key of every paper that has none yet (new, or its text
        changed); how many were filled."""
        filled = 0
        while True:
            with self.transaction():
                rows = self._conn.native(
                    "SELECT pk, title, abstract FROM papers WHERE content_hash IS NULL LIMIT %s",
                    (_HASH_CHUNK,),
                ).fetchall()
                if not rows:
                    return filled
                self._conn.executemany(
                    "UPDATE papers SET content_hash = ? WHERE pk = ?",
                    [(content_hash(title, abstract), pk) for pk, title, abstract in rows],
                )
                filled += len(rows)

    def nearest_papers(
        self, model: str, vector: np.ndarray, limit: int, exclude: str | None = None
    ) -> tuple[list[tuple[str, float]], int] | None:
        """Up to ``limit`` listed source records closest to ``vector`` by cosine, as (id,
        cosine similarity), best first, with the number of papers searched; None when the
        server has no pgvector (the caller searches its own copy of the vectors)."""
        if not self._conn.has_vector:
            return None
        query = np.ascontiguousarray(vector, dtype=np.float32)
        dim = int(query.shape[0])
        self.fill_content_hashes()
        typed = f"vector({dim})"
        with self.transaction():  # SET LOCAL lasts until the end of this transaction
            self._conn.native(f"SET LOCAL hnsw.ef_search = {HNSW_EF_SEARCH}")
            self._conn.native("SET LOCAL hnsw.iterative_scan = relaxed_order")
            rows = self._conn.native(
                f"SELECT p.id, 1 - (v.embedding::{typed} <=> %s::{typed}) AS similarity "
                "FROM vectors v JOIN papers p ON p.content_hash = v.content_hash "
                "WHERE v.dim = %s AND v.model = %s AND p.owner IS NULL "
                "AND p.id IS DISTINCT FROM %s "
                "AND EXISTS (SELECT 1 FROM listings l WHERE l.paper_id = p.id) "
                f"ORDER BY v.embedding::{typed} <=> %s::{typed} LIMIT %s",
                (query, dim, model, exclude, query, limit),
            ).fetchall()
            searched = self._conn.native(
                "SELECT count(*) FROM vectors v JOIN papers p ON p.content_hash = v.content_hash "
                "WHERE v.model = %s AND v.dim = %s AND p.owner IS NULL "
                "AND EXISTS (SELECT 1 FROM listings l WHERE l.paper_id = p.id)",
                (model, dim),
            ).fetchone()[0]
        return [(str(pid), float(score)) for pid, score in rows], int(searched)
