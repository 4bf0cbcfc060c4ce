"""Operator commands: send, run (the daily job), serve (the web app), eval (benchmarks)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from paperfeed.cli.base import Context, cli, friendly_errors, user_name, user_option

if TYPE_CHECKING:
    from paperfeed import daily


@cli.command()
@user_option("Whose digest to mail")
@click.option("--date", "day", default=None, help="Listing day (default: the newest).")
@click.pass_obj
@friendly_errors
def send(obj: Context, user: str | None, day: str | None) -> None:
    """Mail USER's digest over SMTP (server and login from config / PAPERFEED_SMTP_*)."""
    from paperfeed import daily, pipeline, urls
    from paperfeed.accounts import digest_options

    day = pipeline.check_date(day, "--date") if day else None
    user = obj.user(user)
    site = urls.site(obj.settings.base_url)
    if site is None:
        click.echo(f"warning: {daily.NO_BASE_URL}", err=True)
    run = daily.run_user(
        obj.store,
        user,
        day=day,
        options=digest_options(obj.store, user, obj.settings),
        smtp=daily.smtp_settings(obj.settings),
        site=site,
        trending=obj.settings.trending,
    )
    _report_run(obj, run)
    if run.failed:
        sys.exit(1)


def _report_run(obj: Context, run: daily.UserRun) -> None:
    """One line per user (mail and chat posts); with --quiet only the failures (on stderr,
    for cron to mail)."""
    from paperfeed.cli.report import run_line

    line = run_line(run)
    if run.failed:
        click.echo(line, err=obj.quiet)
    else:
        obj.say(line)


@cli.command()
@click.option("--all-users", is_flag=True, help="Every user in the store (the default).")
@click.option("--user", "users", multiple=True, callback=user_name, help="Only these users.")
@click.option("--date", "day", default=None, help="Replay this listing day instead of today's.")
@click.option(
    "--source",
    "sources",
    multiple=True,
    help="Ingest these SOURCEs instead of the configured ones (see `ingest --help`).",
)
@click.option("--no-fetch", is_flag=True, help="Ingest nothing; rank what is stored.")
@click.option("--no-mail", is_flag=True, help="Rank and record; send no mail, post nothing.")
@click.option(
    "--summary",
    "summary_path",
    default=None,
    help="Append a Markdown report to this file (e.g. $GITHUB_STEP_SUMMARY).",
)
@click.option(
    "--fail-if-nothing-sent",
    is_flag=True,
    help="Exit with status 3 when no mail or post went out (the report says why).",
)
@click.option(
    "--cluster",
    default=None,
    help="Rank on a dask.distributed cluster: a scheduler address (tcp://host:8786) or "
    "local:N for N local worker processes (default: `[cluster] address` in the config, "
    "else in-process). Needs the cluster extra.",
)
@click.pass_obj
@friendly_errors
def run(
    obj: Context,
    all_users: bool,
    users: tuple[str, ...],
    day: str | None,
    sources: tuple[str, ...],
    no_fetch: bool,
    no_mail: bool,
    summary_path: str | None,
    fail_if_nothing_sent: bool,
    cluster: str | None,
) -> None:
    """The daily job: ingest the day's listings, rank and deliver for every user (mail
    and the [[deliver.webhook]] chat channels).

    Safe to run more than once a day: nothing is sent twice. Exits non-zero when a source
    or a delivery failed, after serving what it could."""
    from paperfeed import daily, pipeline
    from paperfeed.cli.report import job_summary

    day = pipeline.check_date(day, "--date") if day else None
    chosen = None if all_users or not users else list(users)
    specs = [] if no_fetch else (list(sources) or None)
    report = daily.run_all(
        obj.store,
        obj.settings,
        users=chosen,
        day=day,
        sources=specs,
        send=not no_mail,
        cluster=cluster or obj.settings.cluster.address or None,
    )
    why = _print_report(obj, report)
    if summary_path:
        with open(summary_path, "a", encoding="utf-8") as handle:
            handle.write(job_summary(report, day or obj.store.latest_date()))
    if report.failed:
        sys.exit(1)
    if why and fail_if_nothing_sent:
        sys.exit(3)


def _print_report(obj: Context, report: daily.DailyReport) -> str:
    """The daily job's failures, warnings and runs, told; why nothing was sent ("": it was)."""
    from paperfeed.cli.report import nothing_sent, run_notes

    for failure in report.sources.failed:
        click.echo(f"error: source failed: {failure}", err=True)
    for problem in report.sources.problems:
        click.echo(f"warning: {problem}", err=True)
    for note in report.notes:
        click.echo(f"warning: {note}", err=True)
    for item in report.runs:
        _report_run(obj, item)
    for note in run_notes(report.runs):
        obj.say(note)
    why = nothing_sent(report)
    if why:
        click.echo(why, err=True)
    return why


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.pass_obj
@friendly_errors
def serve(obj: Context, host: str, port: int) -> None:
    """Serve the web app: digests with thumbs up/down, profile, search, topic map, Atom."""
    from paperfeed.errors import require

    require("starlette", "web")
    from paperfeed.web.app import serve as serve_app

    serve_app(obj.settings, host, port)


@cli.command()
@click.option(
    "--user", required=True, callback=user_name, help="Whose password to set (the user is created)."
)
@click.option("--email", default=None, help="Also set the address digests are mailed to.")
@click.password_option(help="The new password (asked for when not given).")
@click.pass_obj
@friendly_errors
def passwd(obj: Context, user: str, email: str | None, password: str) -> None:
    """Set USER's web sign-in password (and e-mail address); creates the user if needed."""
    from paperfeed.errors import require

    require("argon2", "web")
    from paperfeed.errors import InputError
    from paperfeed.web.auth import USER_NAME, hash_password, password_problem

    if not obj.store.has_user(user) and not USER_NAME.match(user):
        raise InputError("command line", "use 2-32 letters, digits, '.', '_' or '-'", field="user")
    problem = password_problem(password, user)
    if problem:
        raise InputError("command line", problem, field="password")
    with obj.store.transaction():
        obj.store.add_user(user)
        obj.store.set_password_hash(user, hash_password(password))  # ends all sessions
        if email:
            obj.store.set_email(user, email)
    click.echo(f"password set for {user}; every session of {user} was ended")


@cli.command("eval")
@click.argument("benchmark", type=click.Choice(["goldstandard", "authors"]))
@click.option(
    "--data",
    default=None,
    help="Folder with goldstandard/, author-split/ and the "
    "snapshot (default: $PAPERFEED_DATA or ../shared/data).",
)
@click.option(
    "--vectors",
    default=None,
    help="Embedding cache folder (default: "
    "~/.cache/paperfeed/vectors); missing vectors are computed and added.",
)
@click.option(
    "--ablations/--no-ablations",
    default=True,
    show_default=True,
    help="Also run each component removed / alone.",
)
@click.option(
    "--write",
    "write_to",
    default="docs/benchmarks.md",
    show_default=True,
    help="Markdown file whose section of this benchmark is replaced ('' for none).",
)
@friendly_errors
def evaluate(
    benchmark: str, data: str | None, vectors: str | None, ablations: bool, write_to: str
) -> None:
    """Measure relevance on a public benchmark: paperfeed beside the baselines, one table."""
    from pathlib import Path

    from paperfeed.cli.core import data_dir
    from paperfeed.embed import MiniLMOnnx, NpyVectorStore
    from paperfeed.eval import DEFAULT_VECTORS, RUNNERS, write_section

    store = NpyVectorStore(Path(vectors) if vectors else DEFAULT_VECTORS)
    table = RUNNERS[benchmark](
        data_dir(data),
        store=store,
        embedder=MiniLMOnnx(),
        ablations=ablations,
        progress=lambda line: click.echo(f"  {line}", err=True),
    )
    table.notes.append(
        f"command: `paperfeed eval {benchmark}{'' if ablations else ' --no-ablations'}`"
    )
    click.echo(table.to_markdown())
    if write_to:
        write_section(Path(write_to), table)


@cli.command()
@click.option("--user", required=True, callback=user_name, help="Whose data to export.")
@click.option("--out", default="-", show_default=True, help="File to write ('-': stdout).")
@click.pass_obj
@friendly_errors
def export(obj: Context, user: str, out: str) -> None:
    """Write USER's profile, uploads, rules, ratings and digests as one JSON document."""
    import json

    from paperfeed.errors import InputError

    try:
        data = obj.store.account_data(user)
    except KeyError as exc:
        raise InputError("command line", f"no user {user!r}", field="user") from exc
    text = json.dumps(data, indent=1, ensure_ascii=False)
    if out == "-":
        click.echo(text)
    else:
        with click.open_file(out, "w", encoding="utf-8") as handle:
            handle.write(text)
        click.echo(f"{user}: exported to {out}", err=True)


@cli.command("import-account")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--user", default=None, callback=user_name, help="Restore under this name.")
@click.pass_obj
@friendly_errors
def import_account(obj: Context, file: str, user: str | None) -> None:
    """Restore an account from a FILE written by `paperfeed export` (all or nothing).

    Its papers are the user's own uploads: source records it names are linked, never
    changed. The password is not in the file: set it with `paperfeed passwd`."""
    from paperfeed.sources.account_file import read_account_file

    data = read_account_file(file)
    try:
        name = obj.store.restore_account(data, user)
    except (ValueError, KeyError, TypeError) as exc:
        from paperfeed.errors import InputError

        raise InputError(file, str(exc)) from exc
    click.echo(f"{name}: restored from {file}")


@cli.group("user")
def user_group() -> None:
    """Manage accounts."""


@user_group.command("email")
@click.option("--user", required=True, callback=user_name, help="Whose address to set.")
@click.argument("address")
@click.pass_obj
@friendly_errors
def user_email(obj: Context, user: str, address: str) -> None:
    """Set the ADDRESS USER's digests are mailed to ('' removes it); creates the user."""
    from paperfeed.deliver.email import parse_mailbox

    if address:
        parse_mailbox(address, origin="command line", field_name="address")
    obj.store.set_email(user, address or None)
    click.echo(f"{user}: digests go to {address or 'no address'}")


@user_group.command("delete")
@click.option("--user", required=True, callback=user_name, help="Whose account to delete.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
@friendly_errors
def user_delete(obj: Context, user: str, yes: bool) -> None:
    """Delete USER and everything of theirs (uploads, ratings, digests, sessions)."""
    from paperfeed.errors import InputError

    if not obj.store.has_user(user):
        raise InputError("command line", f"no user {user!r}", field="user")
    if not yes:
        click.confirm(f"Delete {user} and all their data?", abort=True)
    obj.store.delete_user(user)
    click.echo(f"{user}: deleted")


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.pass_obj
@friendly_errors
def backup(obj: Context, path: str) -> None:
    """Copy the live database to PATH (consistent, while the web app and jobs run)."""
    pages = obj.store.backup(path)
    click.echo(f"backup written to {path} ({pages} pages)")
