"""Ordered schema migrations of the PostgreSQL store: ``pg_migrations/NNNN_name.sql``.

The version is kept in ``paperfeed_schema``. Each migration runs in its own transaction
together with the version bump, under a transaction-level advisory lock, so processes on
several hosts that start at once against an old database upgrade it exactly once, and a
failed migration leaves the database at the previous version.
"""

from __future__ import annotations

from collections.abc import Sequence

from paperfeed.store.pgconn import PgConnection
from paperfeed.store.schema import Migration, SchemaError, load_migrations

PG_MIGRATIONS = load_migrations("pg_migrations")
PG_LATEST_VERSION = PG_MIGRATIONS[-1].version
#: Advisory lock keys (any fixed numbers; they only need to differ from each other).
MIGRATE_LOCK = 7_301_401
WRITE_LOCK = 7_301_402


def pg_schema_version(conn: PgConnection) -> int:
    """The schema version of the database (0 for a new, empty one)."""
    row = conn.native("SELECT to_regclass('paperfeed_schema')").fetchone()
    if row is None or row[0] is None:
        return 0
    found = conn.native("SELECT version FROM paperfeed_schema").fetchone()
    return 0 if found is None else int(found[0])


def pg_migrate(
    conn: PgConnection, where: str, migrations: Sequence[Migration] = PG_MIGRATIONS
) -> int:
    """Bring the database up to the latest version and return it (``conn`` in autocommit)."""
    latest = migrations[-1].version
    version = pg_schema_version(conn)
    if version > latest:
        raise SchemaError(
            f"{where}: the database has schema version {version}, but this paperfeed knows "
            f"versions up to {latest}; upgrade paperfeed to use it"
        )
    for migration in migrations:
        if version < migration.version:
            version = _apply(conn, migration, where)
    return version


def _apply(conn: PgConnection, migration: Migration, where: str) -> int:
    conn.native("BEGIN")
    try:
        conn.native("SELECT pg_advisory_xact_lock(%s)", (MIGRATE_LOCK,))
        conn.native("CREATE TABLE IF NOT EXISTS paperfeed_schema (version INTEGER NOT NULL)")
        version = pg_schema_version(conn)
        if version < migration.version:
            if version != migration.version - 1:
                raise SchemaError(f"{where}: cannot apply {migration.name} to version {version}")
            conn.raw.execute(migration.sql.encode())  # a script: no parameters, many statements
            conn.native("DELETE FROM paperfeed_schema")
            conn.native("INSERT INTO paperfeed_schema (version) VALUES (%s)", (migration.version,))
            version = migration.version
        conn.native("COMMIT")
    except BaseException:
        conn.native("ROLLBACK")
        raise
    return version
