"""Tests of the store's ordered schema migrations on real SQLite files."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from paperfeed.store import LATEST_VERSION, SchemaError, Store
from paperfeed.store.schema import (
    MIGRATIONS,
    Migration,
    migrate,
    schema_version,
    split_statements,
)


def connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def make_v1(path: Path) -> None:
    """A database as the first release left it, holding one paper and one user."""
    conn = connect(path)
    assert migrate(conn, str(path), target=1) == 1
    conn.execute(
        "INSERT INTO papers (id, arxiv_id, title_key, title, abstract, authors, date) "
        "VALUES ('2501.00001', '2501.00001', 'title:k', 'Old Paper on Tensor Sketches', "
        "'We sketch tensors.', ?, '2025-01-02')",
        (json.dumps(["Ann Lee"]),),
    )
    conn.execute("INSERT INTO users (name, email) VALUES ('ann', 'ann@example.org')")
    conn.close()


def test_migrations_are_numbered_in_order() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, LATEST_VERSION + 1))
    assert MIGRATIONS[0].name == "0001_init.sql"


def test_fresh_database_is_at_latest_version(tmp_path: Path) -> None:
    with Store.open(tmp_path / "new.db") as store:
        assert store.version == LATEST_VERSION
    conn = connect(tmp_path / "new.db")
    assert schema_version(conn) == LATEST_VERSION
    conn.close()


def test_v1_database_upgrades_to_latest(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_v1(path)
    with Store.open(path) as store:
        assert store.version == LATEST_VERSION
        paper = store.get_paper("2501.00001")
        assert paper is not None and paper.authors == ("Ann Lee",)
        assert store.email("ann") == "ann@example.org"
        assert [p.id for p in store.search("tensor sketch")] == ["2501.00001"]  # indexed by v2
    with Store.open(path) as again:  # opening an up-to-date database changes nothing
        assert again.version == LATEST_VERSION


def test_newer_database_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    Store(path).close()
    conn = connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    with pytest.raises(SchemaError, match=r"future\.db.*version .*upgrade paperfeed"):
        Store.open(path)


def test_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are not the tables you are looking for\n" * 100)
    with pytest.raises(SchemaError, match=r"notes\.db"):
        Store.open(path)


def test_failed_migration_leaves_previous_version(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    Store(path).close()
    broken = Migration(
        LATEST_VERSION + 1,
        "9999_broken.sql",
        "CREATE TABLE half_done (x INTEGER);\nINSERT INTO no_such_table VALUES (1);\n",
    )
    conn = connect(path)
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn, str(path), migrations=(*MIGRATIONS, broken))
    assert schema_version(conn) == LATEST_VERSION
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert "half_done" not in tables
    conn.close()


def test_split_statements_keeps_triggers_whole() -> None:
    sql = (
        "-- a comment; with a semicolon\n"
        "CREATE TABLE t (a);\n"
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  SELECT 1;\n  SELECT 2;\nEND;\n"
    )
    statements = split_statements(sql)
    assert len(statements) == 2
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")
    with pytest.raises(SchemaError):
        split_statements("CREATE TABLE t (a")
