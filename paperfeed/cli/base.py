"""The `paperfeed` group and what every command shares: settings, the store, error handling."""

from __future__ import annotations

import functools
import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from paperfeed.config import Settings, load_settings
from paperfeed.errors import InputError, PaperfeedError, StoreBusy

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = click.Choice(["text", "json", "html", "atom"])
_BUSY = "the database stayed busy (another writer held it too long)"


class Context:
    """What every command gets: settings, a lazily opened store, and ``--quiet``."""

    def __init__(self, settings: Settings, *, quiet: bool = False) -> None:
        self.settings = settings
        self.quiet = quiet
        self.config_path: Path | None = None
        self._store: Any = None
        self._ranker: Any = None

    def say(self, message: str, *, err: bool = False) -> None:
        """An informational line (a summary, a confirmation): left out with --quiet."""
        if not self.quiet:
            click.echo(message, err=err)

    def user(self, given: str | None, *, new: bool = False) -> str:
        """The user a command acts for (``accounts.resolve_user``)."""
        from paperfeed.accounts import resolve_user

        return resolve_user(self.store, self.settings, given, new=new)

    @property
    def store(self) -> Any:
        if self._store is None:
            from paperfeed.store import open_store

            self._store = open_store(
                self.settings.db, busy_timeout=self.settings.store.busy_timeout
            )
        return self._store

    @property
    def ranker(self) -> Any:
        """One Ranker for the command (the day's index and the models are shared)."""
        if self._ranker is None:
            from paperfeed.pipeline import ranker_for

            self._ranker = ranker_for(self.store, settings=self.settings)
        return self._ranker

    def progress(self, what: str, unit: str = "paper") -> Any:
        """A progress bar on stderr for a long wait (quiet when stderr is not a terminal)."""
        from paperfeed.cli.progress import bar

        return bar(what, unit=unit, quiet=self.quiet)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def _where(exc: PaperfeedError) -> str:
    """What the CLI adds to a library error: a value without an origin (a bad argument to
    a library call) came from the command line."""
    return "command line: " if isinstance(exc, InputError) and not exc.origin else ""


def friendly_errors(func: F) -> F:
    """Turn paperfeed's own errors, and a full disk, an unusable database file or a failed
    PostgreSQL statement, into one line on stderr and exit status 1 (the store has rolled
    back what was unfinished)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PaperfeedError as exc:
            click.echo(f"error: {_where(exc)}{exc}", err=True)
            sys.exit(1)
        except StoreBusy as exc:
            click.echo(f"error: {_BUSY}: {exc}; nothing of this command was kept", err=True)
            sys.exit(1)
        except sqlite3.DatabaseError as exc:
            click.echo(
                f"error: {_database_problem(exc)}; nothing of this command was kept", err=True
            )
            sys.exit(1)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"error: {where}{exc.strerror or exc}", err=True)
            sys.exit(1)
        except Exception as exc:
            if not type(exc).__module__.startswith("psycopg"):
                raise
            text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            click.echo(f"error: database error: {text}; nothing of this command was kept", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _database_problem(exc: sqlite3.DatabaseError) -> str:
    text = str(exc)
    if "full" in text:
        return f"the disk is full ({text})"
    if "disk I/O" in text:
        return f"the database file could not be written: disk full or failing ({text})"
    if "locked" in text or "busy" in text:
        return f"{_BUSY}: {text}"
    return f"database error: {text}"


def user_name(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Click callback: a ``--user`` value in its one normalized form."""
    from paperfeed.ids import normalize_user_name

    if value is None:
        return None
    if isinstance(value, tuple):
        return tuple(normalize_user_name(v) for v in value)
    return normalize_user_name(value)


def user_option(help_text: str) -> Callable[[F], F]:
    """``--user NAME``: when left out, ``user`` from the config or PAPERFEED_USER, else the
    store's only user."""
    return click.option(
        "--user",
        default=None,
        help=f"{help_text} (default: `user` in the config, PAPERFEED_USER, or the only user).",
        callback=user_name,
    )


@click.group()
@click.version_option(package_name="paperfeed", message="paperfeed %(version)s")
@click.option(
    "--db",
    default=None,
    help="SQLite database file, or a postgresql://user@host/db URL (needs the postgres "
    "extra) (default: a file in your data directory; env PAPERFEED_DB).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="TOML config file (default: your config directory; env PAPERFEED_CONFIG).",
)
@click.option(
    "--quiet", "-q", is_flag=True, help="Print only errors, warnings and the output asked for."
)
@click.pass_context
@friendly_errors
def cli(ctx: click.Context, db: str | None, config_path: str | None, quiet: bool) -> None:
    """paperfeed: a daily reading list of new papers, ranked against what you wrote."""
    # A --config or $PAPERFEED_CONFIG that names no file is a mistake (the user chose that
    # file), except for `config init`, which writes it.
    chosen = config_path is not None or bool(os.environ.get("PAPERFEED_CONFIG", "").strip())
    required = chosen and ctx.invoked_subcommand != "config"
    settings = load_settings(Path(config_path) if config_path else None, required=required)
    if db:
        settings = settings.model_copy(update={"db": db})
    ctx.obj = Context(settings, quiet=quiet)
    ctx.obj.config_path = Path(config_path) if config_path else None
    ctx.call_on_close(ctx.obj.close)
