"""Ordered schema migrations: ``migrations/NNNN_name.sql`` applied in order, version in
``PRAGMA user_version``.

Each migration runs in its own ``BEGIN IMMEDIATE`` transaction together with the version
bump, so a failed migration leaves the database at the previous version. The version is
read again after the write lock is taken: two processes opening an old database at once
upgrade it once.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from paperfeed.errors import PaperfeedError

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class SchemaError(PaperfeedError):
    """The database cannot be used by this version of paperfeed (too new, or not a database)."""


@dataclass(frozen=True, slots=True)
class Migration:
    """One migration file: its version number, file name and SQL text."""

    version: int
    name: str
    sql: str


def load_migrations(folder_name: str = "migrations") -> tuple[Migration, ...]:
    """The packaged migrations (of SQLite, or ``pg_migrations`` of PostgreSQL) in version
    order; versions must run 1, 2, 3 ... without gaps."""
    folder = resources.files("paperfeed.store").joinpath(folder_name)
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise SchemaError(f"migration files are not numbered 1..n without gaps: {versions}")
    return tuple(found)


MIGRATIONS = load_migrations()
LATEST_VERSION = MIGRATIONS[-1].version


def split_statements(sql: str) -> list[str]:
    """Split a script into complete statements (trigger bodies stay whole)."""
    statements, current = [], ""
    for line in sql.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip() and not _only_comments(current):
        raise SchemaError(f"incomplete SQL statement at the end of a migration: {current!r}")
    return statements


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in text.splitlines())


def schema_version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in the database (0 for a new, empty one)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(
    conn: sqlite3.Connection,
    where: str,
    target: int | None = None,
    migrations: Sequence[Migration] = MIGRATIONS,
) -> int:
    """Bring the database up to ``target`` (default: the latest) and return its version.

    ``conn`` must be in autocommit mode (``isolation_level=None``). ``where`` names the
    database in error messages.
    """
    latest = migrations[-1].version
    target = latest if target is None else target
    version = schema_version(conn)
    if version > latest:
        raise SchemaError(
            f"{where}: the database has schema version {version}, but this paperfeed knows "
            f"versions up to {latest}; upgrade paperfeed to use it"
        )
    for migration in migrations:
        if version < migration.version <= target:
            version = _apply(conn, migration, where)
    return version


def _apply(conn: sqlite3.Connection, migration: Migration, where: str) -> int:
    """Apply one migration unless another process already did; return the version after."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = schema_version(conn)
        if version < migration.version:
            if version != migration.version - 1:
                raise SchemaError(f"{where}: cannot apply {migration.name} to version {version}")
            for statement in split_statements(migration.sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {migration.version}")
            version = migration.version
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return version
