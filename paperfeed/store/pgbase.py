"""The PostgreSQL store's connection: opening, migrations, transactions, counts.

The same promises as the SQLite store, kept by PostgreSQL across processes and hosts:

* **All or nothing.** ``transaction()`` is ``BEGIN`` ... ``COMMIT`` (``ROLLBACK`` on an
  exception), nested ones are savepoints, exactly as in ``base.py``.
* **One writer at a time.** A write transaction first takes one transaction-level advisory
  lock, so writers are serialized as SQLite's ``BEGIN IMMEDIATE`` serializes them, on every
  host that shares the database. The store's read-decide-write steps (dedup of papers,
  claims of deliveries, the one running ingest) therefore mean the same thing on both
  backends. Readers never wait: they read a snapshot (``REPEATABLE READ``) while a write
  runs. A writer waits up to ``busy_timeout`` for the lock (``lock_timeout``, which bounds
  every lock wait of the session); past it, ``StoreBusy`` and the transaction is rolled back.
* Claims of deliveries are also protected by primary keys: two claims of the same
  (user, day, channel) can never both be inserted.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Self

from paperfeed.errors import PaperfeedError
from paperfeed.store.base import BUSY_TIMEOUT_SECONDS, StoreBase
from paperfeed.store.pgconn import PgConnection
from paperfeed.store.pgschema import WRITE_LOCK, pg_migrate

_LOCK = f"SELECT pg_advisory_xact_lock({WRITE_LOCK})"


def safe_url(url: str) -> str:
    """``url`` without its password (for messages and ``path``)."""
    head, sep, tail = url.partition("://")
    if "@" not in tail:
        return url
    credentials, _, rest = tail.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{head}{sep}{user}@{rest}"


class PgStoreBase(StoreBase):
    """Connection, lock and transactions of the PostgreSQL store (``StoreBase``'s
    interface; the mixins of ``Store`` run on it unchanged)."""

    _conn: Any

    def __init__(self, path: Any, *, busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> None:
        self.url = str(path)
        self.path = safe_url(self.url)
        self.busy_timeout = busy_timeout
        self._lock = threading.RLock()
        self._depth = 0
        try:
            self._conn = self._new_connection()
        except PaperfeedError:
            raise
        except Exception as exc:
            raise PaperfeedError(f"{self.path}: cannot connect to the database ({exc})") from exc
        try:
            self.version = pg_migrate(self._conn, self.path)
            if not self._conn.has_vector and self.has_pgvector():
                self._conn.close()
                self._conn = self._new_connection()  # registers the vector type now it exists
        except BaseException:
            self._conn.close()
            raise

    def _new_connection(self) -> PgConnection:
        """A new connection whose lock waits end after ``busy_timeout`` (at least 1 ms:
        PostgreSQL reads a ``lock_timeout`` of 0 as no limit)."""
        conn = PgConnection(self.url)
        try:
            conn.native(f"SET lock_timeout = {max(1, round(self.busy_timeout * 1000))}")
        except BaseException:
            conn.close()
            raise
        return conn

    @classmethod
    def open(cls, path: Any, *, busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> Self:
        """Connect to the database at the URL ``path``, creating or upgrading its schema."""
        return cls(path, busy_timeout=busy_timeout)

    def release_memory(self) -> None:
        """Nothing to free: the page cache is the server's."""

    def has_pgvector(self) -> bool:
        """Whether the ``vectors`` table has its pgvector column (the server has pgvector)."""
        row = self._conn.native(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = 'vectors' AND column_name = 'embedding'"
        ).fetchone()
        return row is not None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing, one writer at a time (see the module docstring); re-entrant."""
        with self._lock:
            if self._depth == 0:
                scope = self._scope(("BEGIN", _LOCK), ("COMMIT",), ("ROLLBACK",))
            else:
                name = f"sp{self._depth}"
                scope = self._scope(
                    (f"SAVEPOINT {name}", _LOCK),
                    (f"RELEASE {name}",),
                    (f"ROLLBACK TO {name}", f"RELEASE {name}"),
                )
            with scope:
                yield

    @contextmanager
    def _read(self) -> Iterator[Any]:
        """A consistent snapshot for reads of several statements (joins a running one)."""
        with self._lock:
            if self._depth:
                yield self._conn
                return
            begin = ("BEGIN ISOLATION LEVEL REPEATABLE READ",)
            with self._scope(begin, ("COMMIT",), ("ROLLBACK",)):
                yield self._conn

    def check(self) -> list[str]:
        """Clean up after dead ingests; PostgreSQL itself keeps foreign keys and the search
        index (a generated column) right, so there is nothing else to find: []."""
        self.clean_dead_ingests()  # type: ignore[attr-defined]
        return []

    def backup(self, target: Any) -> int:
        """Not done by paperfeed for PostgreSQL: ``pg_dump`` makes a consistent copy."""
        raise PaperfeedError(
            f"back up a PostgreSQL database with pg_dump, e.g. pg_dump -Fc -f {target} "
            f"'{self.path}' (see docs/deploy.md)"
        )

    def counts(self) -> dict[str, int]:
        """Rows per table of paperfeed's schema."""
        with self._read() as conn:
            names = [
                row[0]
                for row in conn.native(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' "
                    "AND table_name != 'paperfeed_schema' ORDER BY table_name"
                )
            ]
            return {n: conn.native(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
