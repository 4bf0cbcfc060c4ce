"""Plain-text digests: the terminal listing and the text/plain part of the email."""

from __future__ import annotations

import textwrap

from paperfeed.deliver.common import (
    TRENDING_HEADING,
    clean_text,
    display_text,
    empty_message,
    facts,
    headline,
    paper_link,
    reason_lines,
    short_authors,
    snippet,
    tldr,
    trending_by_rank,
    why_for_you,
)
from paperfeed.deliver.links import MailLinks
from paperfeed.records import Digest, Recommendation

WIDTH = 100
INDENT = "    "


def render_text(digest: Digest) -> str:
    """The digest for a terminal: numbered picks with authors, id, link, score and reasons."""
    return _render(digest, with_abstracts=False)


def render_plain_email(digest: Digest, links: MailLinks | None = None) -> str:
    """The text/plain alternative of the email: the terminal listing plus short abstracts;
    with ``links``, a thumbs up / down line per pick and links to the web app."""
    footer = "\n-- \nSent by paperfeed, your daily reading list of new papers.\n"
    if links:
        footer += (
            f"Today's list on the web: {links.today}\n"
            f"Change what you get: {links.settings}\n"
            f"Unsubscribe: {links.unsubscribe}\n"
        )
    return _render(digest, with_abstracts=True, links=links) + footer


def _render(digest: Digest, *, with_abstracts: bool, links: MailLinks | None = None) -> str:
    blocks = [_header(digest)]
    if not digest.recommendations:
        blocks.append(_wrap(empty_message(digest), "", ""))
    else:
        if clean_text(digest.note):
            blocks.append(_wrap(clean_text(digest.note), "", ""))
        votes = links.votes if links else {}
        blocks.extend(
            _pick(rec, with_abstracts, votes.get(rec.paper.id)) for rec in _by_rank(digest)
        )
    if digest.trending:
        votes = links.votes if links else {}
        blocks.append(f"{TRENDING_HEADING}\n{'-' * len(TRENDING_HEADING)}")
        blocks.extend(
            _pick(rec, with_abstracts, votes.get(rec.paper.id)) for rec in trending_by_rank(digest)
        )
    return "\n\n".join(blocks) + "\n"


def _header(digest: Digest) -> str:
    user = clean_text(digest.user)
    title = f"paperfeed{f' for {user}' if user else ''}: {headline(digest)}"
    if digest.candidates:
        title += f" (from {digest.candidates:,} new papers)"
    lines = [_wrap(title, "", ""), "=" * min(len(title), WIDTH)]
    labels = [clean_text(i.label) for i in digest.interests if clean_text(i.label)]
    if labels:
        lines.append(_wrap("Interests: " + " | ".join(labels), "", "  "))
    return "\n".join(lines)


def _pick(rec: Recommendation, with_abstract: bool, vote: tuple[str, str] | None = None) -> str:
    paper = rec.paper
    number = f"{rec.rank:>2}. "
    lines = [_wrap(display_text(paper.title) or "(untitled)", number, INDENT)]
    authors = short_authors(paper.authors)
    if authors:
        lines.append(_wrap(authors, INDENT, INDENT))
    lines.append(_wrap(" · ".join(facts(rec)), INDENT, INDENT))
    link = paper_link(paper)
    if link:
        lines.append(INDENT + link)
    if tldr(rec):
        lines.append(_wrap("TL;DR: " + tldr(rec), INDENT, INDENT))
    elif with_abstract and display_text(paper.abstract):
        lines.append(_wrap(snippet(display_text(paper.abstract)), INDENT, INDENT))
    if why_for_you(rec):
        lines.append(_wrap("For you: " + why_for_you(rec), INDENT, INDENT))
    lines.extend(_wrap(line, INDENT + "- ", INDENT + "  ") for line in reason_lines(rec))
    if vote:
        lines.append(f"{INDENT}More like this: {vote[0]}")
        lines.append(f"{INDENT}Less like this: {vote[1]}")
    return "\n".join(lines)


def _by_rank(digest: Digest) -> list[Recommendation]:
    return sorted(digest.recommendations, key=lambda r: r.rank)


def _wrap(text: str, first: str, rest: str) -> str:
    return textwrap.fill(
        text,
        width=WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )
