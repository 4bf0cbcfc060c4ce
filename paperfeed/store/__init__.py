"""paperfeed.store: all database I/O (SQLite by default, PostgreSQL for a shared server;
ordered migrations for each)."""

from __future__ import annotations

import os
from pathlib import Path

from paperfeed.errors import StoreBusy
from paperfeed.store.base import BUSY_TIMEOUT_SECONDS
from paperfeed.store.papers import UpsertResult
from paperfeed.store.pgconn import is_postgres_url
from paperfeed.store.schema import LATEST_VERSION, SchemaError
from paperfeed.store.sqlite import Store


def open_store(db: str | os.PathLike[str], *, busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> Store:
    """The store named by ``db``: a ``postgresql://`` URL opens the PostgreSQL store (the
    ``postgres`` extra), anything else is a SQLite file (``~`` expanded) or ``:memory:``."""
    text = str(db)
    if is_postgres_url(text):
        from paperfeed.store.postgres import PostgresStore

        return PostgresStore.open(text, busy_timeout=busy_timeout)
    path = text if text == ":memory:" else Path(text).expanduser()
    return Store.open(path, busy_timeout=busy_timeout)


__all__ = [
    "LATEST_VERSION",
    "SchemaError",
    "Store",
    "StoreBusy",
    "UpsertResult",
    "is_postgres_url",
    "open_store",
]
