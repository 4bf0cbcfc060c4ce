"""The PostgreSQL store: the same interface as ``sqlite.Store``, on a shared server.

``PostgresStore.open("postgresql://user@host/db")`` connects, creating or upgrading the
schema (``pg_migrations/``, see ``pgschema.py``). Every method of ``Store`` works: the
mixins' SQL runs through ``pgconn`` (translated), and the few parts that only SQLite
has are replaced here: full-text search (a generated ``tsvector`` column with a GIN index
instead of FTS5), large blobs (``bytea``), the pgvector column of the embeddings with its
HNSW index, and the connection and transactions (``pgbase.py``). Needs the ``postgres``
extra (psycopg 3; pgvector for vectors), imported only when such a URL is opened.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import BinaryIO

from paperfeed.records import Paper
from paperfeed.store.base import utc_now
from paperfeed.store.models import SPACES_KEPT
from paperfeed.store.papers import VISIBLE
from paperfeed.store.pgbase import PgStoreBase
from paperfeed.store.pgvectors import PgVectorsMixin
from paperfeed.store.search import SearchPage, match_terms
from paperfeed.store.sqlite import Store

_AUTHOR_TERM = "authors : "


def _tsquery(term: str) -> tuple[str, str, str]:
    """(column, text search configuration, words) of one term of ``match_terms``."""
    column, config = "p.search", "paperfeed"
    if term.startswith(_AUTHOR_TERM):
        column, config, term = "p.author_search", "simple", term[len(_AUTHOR_TERM) :]
    return column, config, term.strip('"')


class PgSearchMixin(PgStoreBase):
    """Full-text search on PostgreSQL (same query language and results as FTS5's)."""

    def search_page(
        self, query: str, limit: int = 20, offset: int = 0, *, user: str | None = None
    ) -> SearchPage:
        """Papers matching ``query``, best first (``ts_rank``), ``limit`` from ``offset``."""
        terms = [_tsquery(term) for term in match_terms(query)]
        if not terms or limit <= 0:
            return SearchPage((), 0)
        with self._read():
            total = self._pg_count(terms, " AND ", user)
            if total or len(terms) == 1:
                return SearchPage(self._pg_page(terms, " AND ", limit, offset, user), total)
            papers = self._pg_page(terms, " OR ", limit, offset, user)
            return SearchPage(papers, self._pg_count(terms, " OR ", user), all_terms=False)

    @staticmethod
    def _condition(terms: list[tuple[str, str, str]], joiner: str) -> tuple[str, list[str]]:
        parts = [f"{col} @@ phraseto_tsquery('{cfg}', %s)" for col, cfg, _ in terms]
        return "(" + joiner.join(parts) + ")", [words for _, _, words in terms]

    def _pg_count(self, terms: list[tuple[str, str, str]], joiner: str, user: str | None) -> int:
        where, params = self._condition(terms, joiner)
        visible = VISIBLE.replace("?", "%s")
        sql = f"SELECT count(*) FROM papers p WHERE {where} AND {visible}"
        return int(self._conn.native(sql, (*params, user)).fetchone()[0])

    def _pg_page(
        self,
        terms: list[tuple[str, str, str]],
        joiner: str,
        limit: int,
        offset: int,
        user: str | None,
    ) -> tuple[Paper, ...]:
        where, params = self._condition(terms, joiner)
        ranked = " || ".join(f"phraseto_tsquery('{cfg}', %s)" for _, cfg, _ in terms)
        visible = VISIBLE.replace("?", "%s")
        rows = self._conn.native(
            f"SELECT p.id FROM papers p WHERE {where} AND {visible} "
            f"ORDER BY ts_rank(p.search, {ranked}) DESC, p.pk DESC LIMIT %s OFFSET %s",
            (*params, user, *params, limit, max(offset, 0)),
        ).fetchall()
        return tuple(self.get_papers([row[0] for row in rows], user=user))  # type: ignore[attr-defined]


class PgBlobsMixin(PgStoreBase):
    """Feature spaces and models as ``bytea`` values."""

    def put_space(self, key: str, space: bytes, background: BinaryIO, papers: int) -> None:
        """As ``ModelsMixin.put_space`` (the background is sent as one ``bytea`` value)."""
        with self.transaction():
            if self._one("SELECT 1 FROM feature_spaces WHERE key = ?", (key,)):
                return
            self._conn.execute(
                "INSERT INTO feature_spaces (key, created, papers, space, background) "
                "VALUES (?, ?, ?, ?, ?)",
                (key, utc_now(), papers, space, background.read()),
            )
            self._conn.execute(
                "DELETE FROM feature_spaces WHERE version NOT IN "
                "(SELECT version FROM feature_spaces ORDER BY version DESC LIMIT ?)",
                (SPACES_KEPT,),
            )
            self._conn.execute(
                "DELETE FROM user_models WHERE space_key NOT IN (SELECT key FROM feature_spaces)"
            )

    def put_model(self, key: str, space_key: str, data: bytes, user: str | None = None) -> None:
        """As ``ModelsMixin.put_model``."""
        with self.transaction():
            if user is not None:
                self._conn.execute("DELETE FROM user_models WHERE user = ?", (user,))
            self._conn.execute(
                "INSERT INTO user_models (key, space_key, user, trained, data) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
                "space_key = excluded.space_key, user = excluded.user, "
                "trained = excluded.trained, data = excluded.data",
                (key, space_key, user, utc_now(), data),
            )

    @contextmanager
    def background_file(self, key: str) -> Iterator[BinaryIO | None]:
        """As ``ModelsMixin.background_file`` (the ``bytea`` value comes whole)."""
        data = self._blob("feature_spaces", "background", "key", key)
        yield None if data is None else io.BytesIO(data)

    def _blob(self, table: str, column: str, key_column: str, key: str) -> bytes | None:
        row = self._one(f"SELECT {column} FROM {table} WHERE {key_column} = ?", (key,))
        return None if row is None else bytes(row[0])


class PgNoFtsMixin(PgStoreBase):
    """The search index is a generated column: nothing to add or take out by hand."""

    def _index_for_search(self, rows: Sequence[tuple[object, ...]]) -> None:
        return None

    def _unindex_staged(self, run: str, pks: Sequence[int]) -> None:
        return None


class PostgresStore(PgSearchMixin, PgBlobsMixin, PgVectorsMixin, PgNoFtsMixin, Store):
    """A paperfeed database on a PostgreSQL server; safe to share between threads, and
    between processes and hosts (each opens its own)."""


__all__ = ["PostgresStore"]
