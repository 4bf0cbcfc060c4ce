"""Moving an install: copy a SQLite store into an empty PostgreSQL store, then check counts.

``copy_store(source, target)`` copies every table row for row (ids, row numbers and
sequence numbers kept, so every reference stays valid) in one transaction of the target:
a failed copy leaves the target empty. The embeddings go through the target's
``put_vectors`` (so pgvector gets its values and HNSW index). The counters and identity
sequences of the target are then set past the copied rows, and the row count of every
table is compared; a difference raises and rolls the copy back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from paperfeed.errors import PaperfeedError
from paperfeed.store.postgres import PostgresStore
from paperfeed.store.sqlite import Store

#: Tables in an order that satisfies the foreign keys (the embeddings are copied apart).
TABLES = (
    "users",
    "papers",
    "listings",
    "settings",
    "profile_papers",
    "feedback_events",
    "shown",
    "digests",
    "digest_items",
    "deliveries",
    "feature_spaces",
    "user_models",
    "counters",
    "sessions",
)
#: Tables whose identity column must continue after the copied rows.
_IDENTITY = {
    "listings": "seq",
    "profile_papers": "seq",
    "feedback_events": "seq",
    "feature_spaces": "version",
    "vectors": "seq",
}
_CHUNK = 2000


@dataclass(frozen=True, slots=True)
class CopyReport:
    """Rows copied per table (equal in source and target, or the copy was undone)."""

    counts: dict[str, int]


def copy_store(
    source: Store, target: PostgresStore, progress: Callable[[str, int], None] | None = None
) -> CopyReport:
    """Copy everything of ``source`` into the empty ``target`` (see the module docstring);
    ``progress(table, rows)`` is called after each chunk."""
    _refuse_unless_ready(source, target)
    report = progress or (lambda table, rows: None)
    with target.transaction():
        target._conn.execute("DELETE FROM counters")
        for table in TABLES:
            _copy_table(source, target, table, report)
        _copy_vectors(source, target, report)
        for table, column in _IDENTITY.items():
            target._conn.native(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                f"coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)"
            )
        counts = _compare(source, target)
    return CopyReport(counts)


def _refuse_unless_ready(source: Store, target: PostgresStore) -> None:
    if source.clean_dead_ingests() or source.counts().get("ingest_runs"):
        raise PaperfeedError(f"{source.path}: an ingest is running; wait for it to finish")
    filled = {name: n for name, n in target.counts().items() if n and name != "counters"}
    if filled:
        raise PaperfeedError(
            f"{target.path}: the target database is not empty ({filled}); copy into a new database"
        )


def _columns(source: Store, target: PostgresStore, table: str) -> list[str]:
    """Columns both stores have (generated ones of the target left out)."""
    ours = [row[1] for row in source._rows(f"PRAGMA table_info({table})")]
    theirs = {
        row[0]
        for row in target._conn.native(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = %s AND is_generated = 'NEVER'",
            (table,),
        )
    }
    return [column for column in ours if column in theirs]


def _source_rows(source: Store, table: str, columns: list[str]) -> Iterator[list[Any]]:
    """Rows of ``table`` in chunks (a snapshot of the source)."""
    quoted = ", ".join(f'"{c}"' for c in columns)
    with source._read() as conn:
        cursor = conn.execute(f"SELECT {quoted} FROM {table}")
        while rows := cursor.fetchmany(_CHUNK):
            yield rows


def _copy_table(
    source: Store, target: PostgresStore, table: str, report: Callable[[str, int], None]
) -> None:
    columns = _columns(source, target, table)
    quoted = ", ".join(f'"{c}"' for c in columns)
    done = 0
    cursor = target._conn.raw.cursor()
    with cursor, cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
        for rows in _source_rows(source, table, columns):
            for row in rows:
                copy.write_row(row)
            done += len(rows)
            report(table, done)


def _copy_vectors(source: Store, target: PostgresStore, report: Callable[[str, int], None]) -> None:
    done = 0
    for rows in _source_rows(source, "vectors", ["model", "content_hash", "dim", "vector"]):
        by_model: dict[str, dict[str, np.ndarray]] = {}
        for model, key, _dim, blob in rows:
            by_model.setdefault(model, {})[key] = np.frombuffer(blob, dtype="<f4")
        for model, vectors in by_model.items():
            target.put_vectors(model, vectors)
        done += len(rows)
        report("vectors", done)


def _compare(source: Store, target: PostgresStore) -> dict[str, int]:
    ours, theirs = source.counts(), target.counts()
    wanted = {name: ours.get(name, 0) for name in (*TABLES, "vectors")}
    differ = {name: (n, theirs.get(name, 0)) for name, n in wanted.items() if theirs.get(name) != n}
    if differ:
        raise PaperfeedError(f"the copy does not match (source, target rows): {differ}")
    return wanted


__all__ = ["TABLES", "CopyReport", "copy_store"]
