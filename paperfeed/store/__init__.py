"""paperfeed.store: all database I/O (SQLite with ordered migrations)."""

from paperfeed.store.papers import UpsertResult
from paperfeed.store.schema import LATEST_VERSION, SchemaError
from paperfeed.store.sqlite import Store

__all__ = ["LATEST_VERSION", "SchemaError", "Store", "UpsertResult"]
