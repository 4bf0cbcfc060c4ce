"""The store's one notion of "the database is busy, try again": ``StoreBusy``
(``paperfeed.errors``), raised the same way by both backends.

What counts as busy, all of it the wait for another connection's lock running out:

* SQLite: ``SQLITE_BUSY`` / ``SQLITE_LOCKED`` ("database is locked") once the connection's
  busy timeout is used up. ``BusyAwareConnection`` raises it as ``SqliteBusy``, which is
  both a ``StoreBusy`` and the ``sqlite3.OperationalError`` it was (same message and code).
* PostgreSQL: ``lock_not_available`` (55P03, what ``lock_timeout`` raises; the store sets
  it to the same busy timeout), ``serialization_failure`` (40001) and ``deadlock_detected``
  (40P01). ``pgconn.PgConnection`` raises them as ``StoreBusy``. A statement timeout
  (57014, ``query_canceled``) is not busy: a slow statement stays slow when tried again.

In each case the statement's transaction is rolled back (``StoreBase._scope``), so the step
wrote nothing and its caller may run it again. psycopg is not imported here: its errors are
known by their SQLSTATE.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from paperfeed.errors import StoreBusy

SQLITE_BUSY_CODES = frozenset({5, 6})  # SQLITE_BUSY, SQLITE_LOCKED (primary result codes)
PG_BUSY_STATES = {
    "55P03": "lock_not_available",
    "40001": "serialization_failure",
    "40P01": "deadlock_detected",
}


class SqliteBusy(StoreBusy, sqlite3.OperationalError):
    """SQLite's busy error as ``StoreBusy``; still a ``sqlite3.OperationalError``."""


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` says another connection held a lock too long (see the module
    docstring): a ``StoreBusy``, or either backend's own error that means it."""
    if isinstance(exc, StoreBusy):
        return True
    if isinstance(exc, sqlite3.OperationalError):
        code = getattr(exc, "sqlite_errorcode", None)
        if isinstance(code, int):
            return code & 0xFF in SQLITE_BUSY_CODES
        text = str(exc)
        return "locked" in text or "busy" in text
    state = getattr(exc, "sqlstate", None)
    return type(exc).__module__.startswith("psycopg") and state in PG_BUSY_STATES


def store_busy(exc: BaseException) -> StoreBusy:
    """The ``StoreBusy`` to raise from ``exc``, a busy error of either backend."""
    if isinstance(exc, StoreBusy):
        return exc
    if isinstance(exc, sqlite3.OperationalError):
        busy = SqliteBusy(*exc.args)
        for name in ("sqlite_errorcode", "sqlite_errorname"):
            if hasattr(exc, name):
                setattr(busy, name, getattr(exc, name))
        return busy
    lines = str(exc).strip().splitlines()
    reason = PG_BUSY_STATES.get(str(getattr(exc, "sqlstate", "")), "busy")
    return StoreBusy(f"{lines[0]} ({reason})" if lines else reason)


class BusyAwareConnection(sqlite3.Connection):
    """A ``sqlite3`` connection whose statements raise ``SqliteBusy`` when SQLite stays
    busy (the store opens its connection with ``factory=BusyAwareConnection``)."""

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        try:
            return super().execute(sql, parameters)
        except sqlite3.OperationalError as exc:
            if is_busy(exc):
                raise store_busy(exc) from exc
            raise

    def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:
        try:
            return super().executemany(sql, parameters)
        except sqlite3.OperationalError as exc:
            if is_busy(exc):
                raise store_busy(exc) from exc
            raise

    def executescript(self, sql_script: str, /) -> sqlite3.Cursor:
        try:
            return super().executescript(sql_script)
        except sqlite3.OperationalError as exc:
            if is_busy(exc):
                raise store_busy(exc) from exc
            raise


__all__ = [
    "PG_BUSY_STATES",
    "BusyAwareConnection",
    "SqliteBusy",
    "StoreBusy",
    "is_busy",
    "store_busy",
]
