"""The store's connection: opening, pragmas, migrations, locking and transactions.

One ``sqlite3`` connection per ``Store``, shared by the web app's worker threads under a
re-entrant lock; several processes may open the same file (WAL mode, 10 s busy timeout;
past it a statement raises ``StoreBusy``, see ``busy.py``).
The connection runs in autocommit mode and the store issues ``BEGIN``/``COMMIT`` itself,
so a transaction means exactly what the code says.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from paperfeed.store.busy import BusyAwareConnection, StoreBusy
from paperfeed.store.schema import SchemaError, migrate

BUSY_TIMEOUT_SECONDS = 10.0
MAX_PARAMS = 500  # bound parameters per IN (...) query
CACHE_KIB = 32 * 1024  # page cache per connection (SQLite's default is 2 MiB)


def utc_now() -> str:
    """The current time as ISO 8601 UTC with microseconds (sorts as text)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def chunks(items: Sequence[Any], size: int = MAX_PARAMS) -> Iterator[Sequence[Any]]:
    """``items`` in slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def placeholders(count: int) -> str:
    """``?, ?, ?`` for an IN (...) list of ``count`` values."""
    return ", ".join("?" * count)


def _enter_wal_mode(conn: sqlite3.Connection) -> None:
    """Switch to WAL, retrying while another process holds the lock.

    The switch needs an exclusive lock and SQLite does not always call the busy handler
    for it (two processes creating the same new file at once), so retry here until the
    busy timeout is used up.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except StoreBusy:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)


class StoreBase:
    """Connection, lock and transactions; the mixins of ``Store`` build on these."""

    def __init__(
        self, path: str | os.PathLike[str], *, busy_timeout: float = BUSY_TIMEOUT_SECONDS
    ) -> None:
        self.path = str(path)
        self.busy_timeout = busy_timeout
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._depth = 0
        self._conn = self._connect()
        try:
            self.version = migrate(self._conn, self.path)
        except StoreBusy:
            self._conn.close()
            raise
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise SchemaError(f"{self.path}: not a usable paperfeed database ({exc})") from exc
        except BaseException:
            self._conn.close()
            raise

    @classmethod
    def open(
        cls, path: str | os.PathLike[str], *, busy_timeout: float = BUSY_TIMEOUT_SECONDS
    ) -> Self:
        """Open (creating or upgrading as needed) the database at ``path``; a writer waits
        up to ``busy_timeout`` seconds for another one's lock."""
        return cls(path, busy_timeout=busy_timeout)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path,
            timeout=self.busy_timeout,
            isolation_level=None,
            check_same_thread=False,
            factory=BusyAwareConnection,
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
            _enter_wal_mode(conn)
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        except StoreBusy:
            conn.close()
            raise
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise SchemaError(f"{self.path}: not a usable paperfeed database ({exc})") from exc
        return conn

    def close(self) -> None:
        """Close the connection (a second call does nothing)."""
        with self._lock:
            self._conn.close()

    def release_memory(self) -> None:
        """Free the unused pages of the connection's cache (after a large one-time read or
        write, such as a feature space's history and background: up to ``CACHE_KIB``)."""
        with self._lock:
            self._conn.execute("PRAGMA shrink_memory")

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing: ``BEGIN IMMEDIATE`` ... ``COMMIT``, ``ROLLBACK`` on an exception.

        Re-entrant: nested use joins the outer transaction through a savepoint, so an
        exception caught inside the outer block undoes only the inner block's writes.
        Holds the store's lock throughout, so other threads wait for the commit.
        """
        with self._lock:
            if self._depth == 0:
                scope = self._scope(("BEGIN IMMEDIATE",), ("COMMIT",), ("ROLLBACK",))
            else:
                name = f"sp{self._depth}"
                scope = self._scope(
                    (f"SAVEPOINT {name}",),
                    (f"RELEASE {name}",),
                    (f"ROLLBACK TO {name}", f"RELEASE {name}"),
                )
            with scope:
                yield

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for reads of several statements (joins a running transaction)."""
        with self._lock:
            if self._depth:
                yield self._conn
                return
            with self._scope(("BEGIN",), ("COMMIT",), ("ROLLBACK",)):
                yield self._conn

    @contextmanager
    def _scope(
        self, begin: tuple[str, ...], commit: tuple[str, ...], rollback: tuple[str, ...]
    ) -> Iterator[None]:
        """Run ``begin``; on leaving run ``commit``, or ``rollback`` if anything raised
        (also if ``begin`` itself failed part-way: PostgreSQL's lock after its ``BEGIN``)."""
        try:
            self._run(begin)
        except BaseException:
            if self._depth == 0:
                self._undo(rollback)
            raise
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            self._undo(rollback)
            raise
        self._depth -= 1
        try:
            self._run(commit)
        except BaseException:
            self._undo(rollback)
            raise

    def _undo(self, rollback: tuple[str, ...]) -> None:
        if self._conn.in_transaction:
            self._run(rollback)

    def _run(self, statements: tuple[str, ...]) -> None:
        for statement in statements:
            self._conn.execute(statement)

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self._lock:
            return self._conn.execute(sql, params).fetchone()

    def _rows_in(self, sql: str, values: Sequence[Any], before: Iterable[Any] = ()) -> list[Any]:
        """Rows of ``sql`` whose ``{in}`` is filled with ``values`` in chunks of MAX_PARAMS."""
        fixed = list(before)
        rows: list[Any] = []
        with self._read() as conn:
            for part in chunks(values, MAX_PARAMS - len(fixed)):
                query = sql.format(**{"in": placeholders(len(part))})
                rows.extend(conn.execute(query, [*fixed, *part]).fetchall())
        return rows

    def _ensure_user(self, name: str) -> None:
        """Create the user ``name`` if missing (callers hold a transaction)."""
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"a user name must be a non-empty string, not {name!r}")
        self._conn.execute("INSERT OR IGNORE INTO users (name) VALUES (?)", (name,))

    def check(self) -> list[str]:
        """Problems found in the database file, its foreign keys and search index (none: [])."""
        problems: list[str] = []
        conn = self._conn
        with self.transaction():  # the index check is an INSERT statement, though it writes nothing
            problems += [row[0] for row in conn.execute("PRAGMA quick_check") if row[0] != "ok"]
            for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
                problems.append(f"{table} row {rowid} points at a missing {parent} row")
            try:
                conn.execute(
                    "INSERT INTO papers_fts (papers_fts, rank) VALUES ('integrity-check', 1)"
                )
            except sqlite3.OperationalError:
                raise
            except sqlite3.DatabaseError as exc:
                problems.append(f"the search index does not match the papers: {exc}")
        return problems

    def backup(self, target: str | os.PathLike[str]) -> int:
        """Copy the live database to ``target`` with SQLite's online backup API: one
        consistent snapshot while other connections keep writing (WAL readers never block
        writers). Written to a temporary file first (mode 0600), then renamed; the pages
        copied. ``target`` must not exist."""
        final = Path(target)
        if final.exists():
            raise FileExistsError(f"{final} exists; remove it or choose another path")
        partial = final.with_name(final.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        source = sqlite3.connect(self.path, timeout=self.busy_timeout)
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
            pages = int(copy.execute("PRAGMA page_count").fetchone()[0])
        finally:
            copy.close()
            source.close()
        os.replace(partial, final)
        return pages

    def counts(self) -> dict[str, int]:
        """Rows per table (full-text index tables left out)."""
        with self._read() as conn:
            names = [
                row[0]
                for row in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts%' ORDER BY name"
                )
            ]
            return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
