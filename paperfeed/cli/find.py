"""The `search` command: full text over titles, abstracts and authors, or more like a paper."""

from __future__ import annotations

import click

from paperfeed.cli.base import Context, cli, friendly_errors


@cli.command()
@click.argument("query", required=False, default="")
@click.option("--like", "like", default=None, help="Papers closest in meaning to this paper id.")
@click.option("--page", type=click.IntRange(1, 50), default=1, show_default=True, help="Page.")
@click.option(
    "--per-page", type=click.IntRange(1, 100), default=20, show_default=True, help="Page size."
)
@click.pass_obj
@friendly_errors
def search(obj: Context, query: str, like: str | None, page: int, per_page: int) -> None:
    """Search every stored paper: QUERY is words, "a phrase" or author:Name (titles,
    abstracts and authors), or --like ID for the papers closest in meaning to one."""
    from paperfeed import search as finder
    from paperfeed.deliver.common import display_text, short_authors
    from paperfeed.errors import InputError

    if bool(query.strip()) == bool(like):
        raise InputError("command line", "give a QUERY or --like PAPER_ID", field="query")
    if like:
        found = finder.similar(obj.store, like, obj.ranker.vectors, page=page, per_page=per_page)
        title = display_text(found.like.title) if found.like else like
        obj.say(f"{found.total} papers closest to “{title}” ({found.searched:,} searched)")
    else:
        found = finder.find(obj.store, query, page=page, per_page=per_page)
        some = "" if found.all_terms else " (none has every word; these have some)"
        obj.say(f"{found.total:,} results for “{query}”{some}")
    for number, paper in enumerate(found.papers, start=found.first):
        facts = " · ".join(x for x in (paper.id, paper.date or "") if x)
        click.echo(f"{number:>3}. {display_text(paper.title)}")
        click.echo(f"     {short_authors(paper.authors)} · {facts}")
    if found.pages > page:
        obj.say(f"page {page} of {found.pages}: --page {page + 1} for more")
