"""A psycopg 3 connection that speaks the store's SQL: the statements written for SQLite run
unchanged on PostgreSQL through a small, cached translation.

What is translated, and why it is enough: the store's SQL is plain SQL-92 plus a few SQLite
spellings. ``?`` placeholders become ``%s`` (and a literal ``%`` becomes ``%%``);
``INSERT OR IGNORE`` becomes ``INSERT ... ON CONFLICT DO NOTHING``; ``ifnull`` becomes
``coalesce``; the column ``user`` (a reserved word in PostgreSQL, where a bare ``user`` is
the session's role) is quoted. Statements that only SQLite has (FTS5, blobs, pragmas) are
not translated: the PostgreSQL store overrides the methods that issue them.

A statement that waits for another connection's lock past ``lock_timeout`` (or meets a
serialization failure or a deadlock) raises ``StoreBusy`` (``busy.py``), as on SQLite.

Rows come back as ``Row``: a tuple that can also be indexed by column name, like
``sqlite3.Row``, so code written for either reads the same.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from paperfeed.errors import PaperfeedError
from paperfeed.store.busy import is_busy, store_busy

INSTALL_HINT = "pip install 'paperfeed[postgres]'"
_USER_COLUMN = re.compile(r'(?<![\w"])user(?![\w"(])')
_INSERT_OR_IGNORE = re.compile(r"^\s*INSERT OR IGNORE INTO", re.IGNORECASE)
_IFNULL = re.compile(r"\bifnull\(", re.IGNORECASE)


def import_psycopg() -> Any:
    """The psycopg module, or an error naming the install command."""
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise PaperfeedError(
            f"a postgresql:// database needs psycopg; install it with: {INSTALL_HINT}"
        ) from exc
    return psycopg


@contextmanager
def busy_as_store_busy() -> Iterator[None]:
    """Raise PostgreSQL's busy errors (a lock wait past ``lock_timeout``, a serialization
    failure, a deadlock) as ``StoreBusy``; any other error as it is."""
    try:
        yield
    except Exception as exc:
        if is_busy(exc):
            raise store_busy(exc) from exc
        raise


def is_postgres_url(db: str) -> bool:
    """Whether ``db`` names a PostgreSQL database (``postgresql://`` or ``postgres://``)."""
    return db.startswith(("postgresql://", "postgres://"))


@functools.lru_cache(maxsize=4096)
def translate(sql: str) -> str:
    """The store's SQLite-flavoured ``sql`` as PostgreSQL (see the module docstring)."""
    text = sql.replace("%", "%%").replace("?", "%s")
    if _INSERT_OR_IGNORE.match(text):
        text = _INSERT_OR_IGNORE.sub("INSERT INTO", text, count=1) + " ON CONFLICT DO NOTHING"
    text = _IFNULL.sub("coalesce(", text)
    return _USER_COLUMN.sub('"user"', text)


class Row(tuple[Any, ...]):
    """A result row: a tuple, also indexed by column name (``row["title"]``), ``keys()``."""

    _names: tuple[str, ...] = ()

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names.index(key))
        return tuple.__getitem__(self, key)

    def keys(self) -> tuple[str, ...]:
        return self._names


def _row_factory(cursor: Any) -> Any:
    names = tuple(column.name for column in cursor.description or ())

    def make(values: Sequence[Any]) -> Row:
        row = Row(values)
        row._names = names
        return row

    return make


class Cursor:
    """What ``execute`` returns: rows, ``rowcount``; ``row_factory`` is accepted and ignored
    (every row is a ``Row`` already)."""

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor
        self.rowcount = cursor.rowcount
        self.row_factory: Any = None

    def fetchone(self) -> Row | None:
        if self._cursor.description is None:
            return None
        return self._cursor.fetchone()

    def fetchall(self) -> list[Row]:
        if self._cursor.description is None:
            return []
        return self._cursor.fetchall()

    def __iter__(self) -> Iterator[Row]:
        return iter(self.fetchall())


class PgConnection:
    """One autocommit psycopg connection with the store's ``execute``/``executemany``."""

    def __init__(self, url: str) -> None:
        psycopg = import_psycopg()
        self.raw = psycopg.connect(url, autocommit=True, row_factory=_row_factory)
        self._idle = psycopg.pq.TransactionStatus.IDLE
        try:
            from pgvector.psycopg import register_vector

            register_vector(self.raw)
            self.has_vector = True
        except Exception:  # no pgvector package, or the extension is not installed yet
            self.has_vector = False

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Cursor:
        """Run one statement of the store's SQL (translated)."""
        query = translate(sql) if params is not None else translate(sql).replace("%%", "%")
        with busy_as_store_busy():
            return Cursor(self.raw.execute(query, params))

    def native(self, sql: str, params: Sequence[Any] | None = None) -> Cursor:
        """Run PostgreSQL SQL as written (no translation)."""
        with busy_as_store_busy():
            return Cursor(self.raw.execute(sql, params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        rows = list(rows)
        if rows:
            with busy_as_store_busy(), self.raw.cursor() as cursor:
                cursor.executemany(translate(sql), rows)

    @property
    def in_transaction(self) -> bool:
        return bool(self.raw.info.transaction_status != self._idle)

    def close(self) -> None:
        self.raw.close()


__all__ = [
    "INSTALL_HINT",
    "PgConnection",
    "Row",
    "busy_as_store_busy",
    "import_psycopg",
    "is_postgres_url",
    "translate",
]
