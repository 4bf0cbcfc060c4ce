"""The HTML digest, which is also the email body: tables and inline CSS that mail clients render.

Every value reaches the page through Jinja2 with autoescaping on; links are emitted only
for http(s) URLs (see ``common.paper_link``); nothing is loaded from elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import jinja2

from paperfeed.deliver.common import (
    ABSTRACT_CHARS,
    TRENDING_HEADING,
    clean_text,
    empty_message,
    facts,
    grouped_by_interest,
    headline,
    reason_lines,
    shown_paper,
    tldr,
    trending_by_rank,
    why_for_you,
)
from paperfeed.deliver.links import MailLinks
from paperfeed.records import Digest, Recommendation

TEMPLATE = "digest.html"


@dataclass(frozen=True, slots=True)
class PickView:
    """One paper as the template shows it: plain strings, escaped by the template."""

    rank: int
    title: str
    link: str | None
    authors: str
    facts: str
    abstract: str
    reasons: tuple[str, ...]
    tldr: str = ""
    why: str = ""
    up: str | None = None
    down: str | None = None


@dataclass(frozen=True, slots=True)
class GroupView:
    """The picks of one interest, under its label (or "Other")."""

    heading: str
    picks: tuple[PickView, ...]


def render_html(digest: Digest, links: MailLinks | None = None) -> str:
    """The digest as a complete HTML document, suitable as the text/html part of an email;
    with ``links``, thumbs up / down per pick and links to the web app."""
    votes = links.votes if links else {}
    groups = tuple(
        GroupView(heading, tuple(_pick_view(r, votes.get(r.paper.id)) for r in recs))
        for heading, recs in grouped_by_interest(digest)
    )
    if digest.trending:
        trending = tuple(_pick_view(r, votes.get(r.paper.id)) for r in trending_by_rank(digest))
        groups = (*groups, GroupView(TRENDING_HEADING, trending))
    title = f"paperfeed: {headline(digest)}"
    return (
        _environment()
        .get_template(TEMPLATE)
        .render(
            page_title=title,
            headline=_capitalized(headline(digest)),
            subline=_subline(digest),
            note=clean_text(digest.note),
            groups=groups,
            empty_message=empty_message(digest),
            links=links,
        )
    )


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("paperfeed.deliver", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _pick_view(rec: Recommendation, vote: tuple[str, str] | None = None) -> PickView:
    title, link, authors, abstract = shown_paper(rec.paper, ABSTRACT_CHARS)
    return PickView(
        rank=rec.rank,
        title=title,
        link=link,
        authors=authors,
        facts=" · ".join(facts(rec)),
        abstract="" if tldr(rec) else abstract,
        reasons=tuple(reason_lines(rec, with_interest=False)),
        tldr=tldr(rec),
        why=why_for_you(rec),
        up=vote[0] if vote else None,
        down=vote[1] if vote else None,
    )


def _subline(digest: Digest) -> str:
    parts = []
    user = clean_text(digest.user)
    if user:
        parts.append(f"For {user}")
    if digest.candidates:
        parts.append(f"picked from {digest.candidates:,} new papers")
    return " · ".join(parts)


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]
