"""Database commands: ``paperfeed db migrate-to`` (moving an install to PostgreSQL)."""

from __future__ import annotations

import click

from paperfeed.cli.base import Context, cli, friendly_errors


@cli.group("db")
def db_group() -> None:
    """Database operations (moving an install to a PostgreSQL server)."""


@db_group.command("migrate-to")
@click.argument("url")
@click.pass_obj
@friendly_errors
def migrate_to(obj: Context, url: str) -> None:
    """Copy this install's SQLite database into the empty PostgreSQL database URL and check
    that every table has as many rows there (the copy is all or nothing)."""
    from paperfeed.errors import InputError
    from paperfeed.store import is_postgres_url, open_store
    from paperfeed.store.postgres import PostgresStore
    from paperfeed.store.transfer import TABLES, copy_store

    if not is_postgres_url(url):
        raise InputError("command line", "the target must be a postgresql:// URL", field="url")
    if isinstance(obj.store, PostgresStore):
        raise InputError("command line", "the source (--db) is already a PostgreSQL database")
    total = sum(obj.store.counts().get(name, 0) for name in (*TABLES, "vectors"))
    with obj.progress("copying rows", unit="row") as progress, open_store(url) as target:
        assert isinstance(target, PostgresStore)
        done: dict[str, int] = {}

        def moved(table: str, rows: int) -> None:
            done[table] = rows
            progress(sum(done.values()), total)

        report = copy_store(obj.store, target, progress=moved)
    for table, rows in report.counts.items():
        obj.say(f"{table:16} {rows:>10} rows")
    click.echo(f"copied {sum(report.counts.values())} rows into {target.path}; counts match")
