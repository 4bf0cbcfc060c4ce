"""Fixtures shared across test modules.

``postgres_server``: one real PostgreSQL for the whole session (``postgres_server.py``),
started on first use and stopped at the end; ``postgres_db``: a fresh database on it for
one test. Tests that use them are marked ``postgres``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from postgres_server import PostgresServer
from smtp_inbox import inbox

__all__ = ["inbox", "postgres_db", "postgres_server"]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_db(postgres_server: PostgresServer) -> str:
    """The URL of a new, empty database."""
    return postgres_server.new_database()
