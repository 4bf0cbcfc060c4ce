"""Everyday commands: profile, ingest, digest, feedback, rules, demo."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from paperfeed.cli.base import FORMATS, Context, cli, friendly_errors, user_option
from paperfeed.errors import PaperfeedError
from paperfeed.sources.registry import help_lines

if TYPE_CHECKING:
    from paperfeed.records import Digest

IMPORT_HELP = (
    "Add the papers of FILE (listing, BibTeX, CSL-JSON, JSONL, CSV) to USER's profile, or "
    "the works a source knows of the researcher:\n\n\b\n" + help_lines("profile")
)
INGEST_HELP = (
    "Take in new papers. SOURCE is a file (JSONL[.gz], CSV, BibTeX, CSL-JSON, listing, "
    "saved HF page), or one of:\n\n\b\n" + help_lines("listing")
)


@cli.group()
def profile() -> None:
    """Import and inspect a researcher's own papers."""


@profile.command("import", help=IMPORT_HELP)
@click.argument("file", type=click.Path(dir_okay=False))
@user_option("The profile's user name; a new one is created")
@click.option(
    "--format",
    "kind",
    default=None,
    type=click.Choice(["listing", "hf-page", "jsonl", "bibtex", "csl-json", "csv"]),
    help="Reader to use (default: guessed from the file).",
)
@click.pass_obj
@friendly_errors
def profile_import(obj: Context, file: str, user: str | None, kind: str | None) -> None:
    from paperfeed.pipeline import import_profile, is_network_source, read_limits

    user = obj.user(user, new=True)
    limits = read_limits(obj.settings.limits)
    source: str | Path = file if is_network_source(file) else Path(file)
    report = import_profile(obj.store, source, user, kind=kind, limits=limits)
    obj.say(
        f"{report.origin}: read {report.read} papers; {report.linked} new in the "
        f"profile of {user} ({report.added} new to the store, {report.merged} merged)"
    )
    for problem in report.problems:
        click.echo(f"warning: {problem}", err=True)
    if isinstance(source, str):
        _namesake_hint(obj, user)


@profile.group("sync")
def profile_sync() -> None:
    """Keep a profile in step with a reference manager."""


@profile_sync.command("zotero")
@user_option("The profile's user name; a new one is created")
@click.option(
    "--collection",
    "include",
    multiple=True,
    help="Only items in this collection (name or key; with its subcollections).",
)
@click.option(
    "--exclude-collection", "exclude", multiple=True, help="Leave out items in this collection."
)
@click.pass_obj
@friendly_errors
def profile_sync_zotero(
    obj: Context, user: str | None, include: tuple[str, ...], exclude: tuple[str, ...]
) -> None:
    """Sync USER's profile with a Zotero library (PAPERFEED_ZOTERO_LIBRARY_ID and
    PAPERFEED_ZOTERO_API_KEY): new items join it, deleted ones leave it; only what changed
    since the last sync is read."""
    from paperfeed.sync import sync_zotero

    user = obj.user(user, new=True)
    report = sync_zotero(obj.store, user, include=include, exclude=exclude)
    obj.say(report.line())
    for problem in report.problems:
        click.echo(f"warning: {problem}", err=True)


@profile.command("show")
@user_option("The profile's user name")
@click.pass_obj
@friendly_errors
def profile_show(obj: Context, user: str | None) -> None:
    """List USER's papers, interests and the papers flagged as possible namesakes."""
    from paperfeed.insight import profile_insight

    name = obj.user(user)
    links = obj.store.profile_links(name)
    insight = profile_insight(obj.store, name, ranker=obj.ranker)
    click.echo(f"{name}: {len(links)} papers" + (f"\n{insight.note}" if insight.note else ""))
    for number, interest in enumerate(insight.interests, 1):
        click.echo(f"  interest {number}: {interest.label} ({len(interest.paper_ids)} papers)")
    for paper, included in links:
        click.echo(f"{'+' if included else '-'} {paper.id}  {paper.title}")
        if paper.id in insight.namesakes:
            click.echo(f"    possible namesake: {insight.namesakes[paper.id]}")
    if insight.namesakes:
        click.echo(
            f"Drop a namesake's paper with: paperfeed profile exclude --user {name} PAPER_ID"
        )


def _set_included(
    obj: Context, user: str | None, paper_ids: tuple[str, ...], included: bool
) -> None:
    user = obj.user(user)
    with obj.store.transaction():
        for paper_id in paper_ids:
            try:
                obj.store.set_included(user, paper_id, included)
            except KeyError as exc:
                raise PaperfeedError(f"{paper_id} is not in the profile of {user}") from exc
    verb = "included in" if included else "excluded from"
    obj.say(f"{len(paper_ids)} paper(s) {verb} ranking for {user}")


@profile.command("exclude")
@user_option("The profile's user name")
@click.argument("paper_ids", nargs=-1, required=True)
@click.pass_obj
@friendly_errors
def profile_exclude(obj: Context, user: str | None, paper_ids: tuple[str, ...]) -> None:
    """Leave own papers (e.g. a namesake's) out of ranking."""
    _set_included(obj, user, paper_ids, False)


@profile.command("remove")
@user_option("The profile's user name")
@click.argument("paper_ids", nargs=-1, required=True)
@click.pass_obj
@friendly_errors
def profile_remove(obj: Context, user: str | None, paper_ids: tuple[str, ...]) -> None:
    """Remove papers from the profile (an uploaded one is deleted, with its ratings)."""
    user = obj.user(user)
    with obj.store.transaction():
        for paper_id in paper_ids:
            try:
                obj.store.remove_profile_paper(user, paper_id)
            except KeyError as exc:
                raise PaperfeedError(f"{paper_id} is not in the profile of {user}") from exc
    click.echo(f"{len(paper_ids)} paper(s) removed from the profile of {user}")


@profile.command("include")
@user_option("The profile's user name")
@click.argument("paper_ids", nargs=-1, required=True)
@click.pass_obj
@friendly_errors
def profile_include(obj: Context, user: str | None, paper_ids: tuple[str, ...]) -> None:
    """Take excluded own papers back into ranking."""
    _set_included(obj, user, paper_ids, True)


@cli.command(help=INGEST_HELP)
@click.argument("source")
@click.option("--since", default=None, help="Only papers listed on or after YYYY-MM-DD.")
@click.option("--date", "day", default=None, help="Only papers listed on YYYY-MM-DD.")
@click.pass_obj
@friendly_errors
def ingest(obj: Context, source: str, since: str | None, day: str | None) -> None:
    from paperfeed.pipeline import check_date
    from paperfeed.pipeline import ingest as run_ingest

    since = check_date(since, "--since") if since else None
    day = check_date(day, "--date") if day else None
    report = run_ingest(
        obj.store,
        source,
        since=since,
        day=day,
        allow_private=obj.settings.sources.allow_private_feeds,
        limits=obj.settings.limits,
    )
    obj.say(
        f"{report.origin}: read {report.read} papers, {report.added} new, "
        f"{report.merged} merged, {report.unchanged} already known"
    )
    for problem in report.problems:
        click.echo(f"warning: {problem}", err=True)


@cli.command()
@user_option("Whose digest")
@click.option("--date", "day", default=None, help="Replay the listing of YYYY-MM-DD.")
@click.option(
    "--top",
    type=click.IntRange(1, 500),
    default=None,
    help="Number of picks (default: the user's setting, else `top` in the config).",
)
@click.option(
    "--threshold",
    type=float,
    default=None,
    help="Drop picks scoring below this (default: the user's setting, else the config's).",
)
@click.option("--format", "fmt", type=FORMATS, default="text", help="Output format.")
@click.pass_obj
@friendly_errors
def digest(
    obj: Context,
    user: str | None,
    day: str | None,
    top: int | None,
    threshold: float | None,
    fmt: str,
) -> None:
    """Rank a day's listing (default: the newest in the store) for USER, with reasons."""
    from paperfeed.accounts import digest_options
    from paperfeed.pipeline import build_digest, check_date, mark_shown, render

    day = check_date(day, "--date") if day else None
    user = obj.user(user)
    options = digest_options(obj.store, user, obj.settings, top=top, threshold=threshold)
    with obj.progress("embedding papers") as progress:
        result = build_digest(
            obj.store,
            user,
            day=day,
            top=options.top,
            threshold=options.threshold,
            ranker=obj.ranker,
            progress=progress,
            trending=obj.settings.trending,
        )
    result, notes = _summarized(obj, result)
    mark_shown(obj.store, result, channel="cli")
    click.echo(render(result, fmt, base_url=obj.settings.base_url))
    for note in notes:
        click.echo(f"note: {note}", err=True)


def _summarized(obj: Context, result: Digest) -> tuple[Digest, list[str]]:
    """``result`` with the summaries the config asks for, and notes of what could not be
    summarized."""
    from paperfeed.pipeline import summarize, summarizer_for

    summarizer = summarizer_for(obj.store, obj.settings)
    try:
        return summarize(summarizer, result)
    finally:
        if summarizer is not None:
            summarizer.client.close()


@cli.command()
@user_option("Who rates")
@click.argument("paper_id")
@click.argument("rating", type=click.Choice(["up", "down"]))
@click.pass_obj
@friendly_errors
def feedback(obj: Context, user: str | None, paper_id: str, rating: str) -> None:
    """Thumbs up or down on a paper; it shapes the next digests."""
    from paperfeed.pipeline import give_feedback

    give_feedback(obj.store, obj.user(user), paper_id, 1 if rating == "up" else -1)
    obj.say(f"{rating} recorded for {paper_id}")


@cli.command()
@user_option("Whose rules")
@click.option("--include", "include_keywords", multiple=True, help="Keyword that boosts a paper.")
@click.option("--exclude", "exclude_keywords", multiple=True, help="Keyword that drops a paper.")
@click.option("--follow", "followed", multiple=True, help="Author whose papers always show.")
@click.option("--clear", is_flag=True, help="Remove all rules first.")
@click.option(
    "--trending/--no-trending",
    default=None,
    help="Add (or drop) the 'trending in your interests' section of the digests.",
)
@click.pass_obj
@friendly_errors
def rules(
    obj: Context,
    user: str | None,
    include_keywords: tuple[str, ...],
    exclude_keywords: tuple[str, ...],
    followed: tuple[str, ...],
    clear: bool,
    trending: bool | None,
) -> None:
    """Show or add USER's keyword rules and followed authors (and the trending section)."""
    from paperfeed.pipeline import update_rules

    user = obj.user(user)
    changes = (include_keywords, exclude_keywords, followed)
    now = update_rules(obj.store, user, *changes, clear)
    click.echo(f"include keywords: {', '.join(now.include_keywords) or '-'}")
    click.echo(f"exclude keywords: {', '.join(now.exclude_keywords) or '-'}")
    click.echo(f"followed authors: {', '.join(now.followed_authors) or '-'}")
    if trending is not None:
        obj.store.set_setting(user, "trending", trending)
    shown = "on" if obj.store.get_setting(user, "trending", False) else "off"
    click.echo(f"trending section: {shown}")


def data_dir(explicit: str | None) -> Path:
    """Where the shared sample data lives: --data, $PAPERFEED_DATA, or ../shared/data."""
    return Path(explicit or os.environ.get("PAPERFEED_DATA") or "../shared/data")


@cli.command()
@click.option("--data", default=None, help="Folder with profiles/ and arxiv-cs-2025.jsonl.gz.")
@click.option("--date", "day", default="2026-06-30", show_default=True, help="Listing to replay.")
@click.option(
    "--top", type=click.IntRange(1, 100), default=10, show_default=True, help="Number of picks."
)
@click.pass_context
@friendly_errors
def demo(ctx: click.Context, data: str | None, day: str, top: int) -> None:
    """Import the sample profile, replay one day of arXiv, print its top picks."""
    folder = data_dir(data)
    profile_file = folder / "profiles" / "fang-han.txt"
    listing = folder / "arxiv-cs-2025.jsonl.gz"
    if not profile_file.exists() or not listing.exists():
        click.echo(DEMO_HELP.format(folder=folder), err=True)
        sys.exit(2)
    started = time.perf_counter()
    ctx.invoke(profile_import, file=str(profile_file), user="fang-han", kind=None)
    ctx.invoke(ingest, source=str(listing), since=None, day=day)
    ctx.invoke(digest, user="fang-han", day=day, top=top, threshold=None, fmt="text")
    _namesake_hint(ctx.obj, "fang-han")
    ctx.obj.say(f"(demo took {time.perf_counter() - started:.1f} s)", err=True)


def _namesake_hint(obj: Context, user: str) -> None:
    """Say how many own papers look like a namesake's, and how to see and drop them."""
    from paperfeed.insight import profile_insight

    flagged = profile_insight(obj.store, user, ranker=obj.ranker).namesakes
    if flagged:
        obj.say(
            f"\n{len(flagged)} of {user}'s papers may be a namesake's: "
            f"`paperfeed profile show --user {user}` says which and why, "
            f"`paperfeed profile exclude --user {user} PAPER_ID` drops one."
        )


DEMO_HELP = """No sample data in {folder}.
Point the demo at it with --data DIR or PAPERFEED_DATA, or use your own files:
  paperfeed profile import my-papers.bib --user me
  paperfeed ingest arxiv:cs.LG,cs.CL          # today's arXiv listing
  paperfeed digest --user me"""
