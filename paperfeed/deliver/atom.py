"""Atom 1.0 feeds (RFC 4287) of digests, built with ElementTree so escaping is by construction.

Entry ids are tag URIs made of the user and the paper id, so they stay the same across runs
and a feed reader never shows the same paper twice.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from paperfeed.deliver.common import (
    clean_text,
    display_text,
    paper_link,
    reason_lines,
    safe_url,
    short_authors,
    snippet,
    tldr,
    why_for_you,
)
from paperfeed.records import Digest, Recommendation

ATOM_NS = "http://www.w3.org/2005/Atom"
TAG_PREFIX = "tag:paperfeed,2026:"
INTEREST_SCHEME = TAG_PREFIX + "interest"
TRENDING_TERM = "trending"
GENERATOR = "paperfeed"


@dataclass(frozen=True, slots=True)
class _Entry:
    user: str
    rec: Recommendation
    updated: str
    published: str


def render_atom(
    digest: Digest, *, feed_url: str | None, self_id: str, title: str | None = None
) -> str:
    """One digest as an Atom feed; ``feed_url`` is where the feed is served (rel=self;
    None when that is not known, e.g. on the command line without ``base_url``)."""
    return render_atom_many([digest], feed_url=feed_url, self_id=self_id, title=title)


def render_atom_many(
    digests: Iterable[Digest], *, feed_url: str | None, self_id: str, title: str | None = None
) -> str:
    """A per-user feed over several days: newest first, one entry per paper.

    A paper picked on several days appears once, as picked on the newest day, with
    ``published`` set to the first day it was picked.
    """
    ordered = sorted(digests, key=lambda d: _timestamp(d.date) or "", reverse=True)
    entries = _entries(ordered)
    # Unqualified tags under a literal xmlns: ElementTree's default_namespace option rejects
    # the unqualified attributes (rel, href) Atom uses.
    feed = ET.Element("feed", xmlns=ATOM_NS)
    _header(feed, ordered, entries, feed_url=feed_url, self_id=self_id, title=title)
    for entry in entries:
        _entry_element(feed, entry)
    ET.indent(feed)
    body = ET.tostring(feed, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n"


def entry_id(user: str, paper_id: str) -> str:
    """The stable Atom id of a paper in a user's feed: ``tag:paperfeed,2026:<user>/<paper>``."""
    return f"{TAG_PREFIX}{quote(clean_text(user), safe='')}/{quote(clean_text(paper_id), safe=':')}"


def _entries(digests: list[Digest]) -> list[_Entry]:
    fallback = _feed_fallback_time(digests)
    newest: dict[tuple[str, str], _Entry] = {}
    first_seen: dict[tuple[str, str], str] = {}
    for digest in digests:
        day = _timestamp(digest.date)
        recs = sorted(digest.recommendations, key=lambda r: r.rank)
        for rec in [*recs, *sorted(digest.trending, key=lambda r: r.rank)]:
            key = (digest.user, rec.paper.id)
            when = day or _timestamp(rec.paper.date) or fallback
            newest.setdefault(key, _Entry(digest.user, rec, when, when))
            first_seen[key] = min(first_seen.get(key, when), when)
    return [
        _Entry(e.user, e.rec, e.updated, min(first_seen[key], e.updated))
        for key, e in newest.items()
    ]


def _header(
    feed: ET.Element,
    digests: list[Digest],
    entries: list[_Entry],
    *,
    feed_url: str | None,
    self_id: str,
    title: str | None,
) -> None:
    feed_id = clean_text(self_id)
    if not feed_id:
        raise ValueError("an Atom feed needs a non-empty id (self_id)")
    if feed_url is not None and safe_url(feed_url) != feed_url:
        raise ValueError(f"feed_url must be an absolute http(s) URL, got {feed_url!r}")
    user = clean_text(digests[0].user) if digests else ""
    _text(feed, "id", feed_id)
    _text(feed, "title", clean_text(title) or f"paperfeed: new papers for {user or 'you'}")
    updated = max([e.updated for e in entries] + [_feed_fallback_time(digests)])
    _text(feed, "updated", updated)
    if feed_url is not None:
        ET.SubElement(feed, "link", rel="self", href=feed_url, type="application/atom+xml")
    note = next((clean_text(d.note) for d in digests if clean_text(d.note)), "")
    if note:
        _text(feed, "subtitle", note)
    author = ET.SubElement(feed, "author")
    _text(author, "name", GENERATOR)
    _text(feed, "generator", GENERATOR)


def _entry_element(feed: ET.Element, entry: _Entry) -> None:
    paper = entry.rec.paper
    element = ET.SubElement(feed, "entry")
    _text(element, "id", entry_id(entry.user, paper.id))
    _text(element, "title", display_text(paper.title) or "(untitled)")
    _text(element, "updated", entry.updated)
    _text(element, "published", entry.published)
    link = paper_link(paper)
    if link:
        ET.SubElement(element, "link", rel="alternate", type="text/html", href=link)
    for name in (clean_text(a) for a in paper.authors):
        if name:
            _text(ET.SubElement(element, "author"), "name", name)
    interest = clean_text(entry.rec.interest)
    if interest:
        ET.SubElement(element, "category", term=interest, scheme=INTEREST_SCHEME)
    if any(r.kind == "trending" for r in entry.rec.reasons):
        ET.SubElement(element, "category", term=TRENDING_TERM, scheme=INTEREST_SCHEME)
    # RFC 4287 4.1.1: an entry without an alternate link must carry content.
    _text(element, "summary" if link else "content", _summary(entry.rec), type="text")


def _summary(rec: Recommendation) -> str:
    parts = []
    authors = short_authors(rec.paper.authors)
    if authors:
        parts.append(authors)
    abstract = snippet(display_text(rec.paper.abstract))
    if tldr(rec):
        parts.append("TL;DR: " + tldr(rec))
    elif abstract:
        parts.append(abstract)
    if why_for_you(rec):
        parts.append("For you: " + why_for_you(rec))
    reasons = reason_lines(rec)
    if reasons:
        parts.append("Why: " + "; ".join(reasons))
    parts.append(f"Score {rec.score:.2f}, rank {rec.rank}.")
    return "\n\n".join(parts)


def _timestamp(day: str | None) -> str | None:
    """``YYYY-MM-DD`` as an RFC 3339 timestamp at midnight UTC; None when not a date."""
    try:
        parsed = dt.date.fromisoformat(clean_text(day)[:10])
    except ValueError:
        return None
    return f"{parsed.isoformat()}T00:00:00Z"


def _feed_fallback_time(digests: list[Digest]) -> str:
    """The newest digest day, else today (UTC) at midnight: ``updated`` must always be set."""
    days = [t for t in (_timestamp(d.date) for d in digests) if t]
    return max(days) if days else f"{dt.datetime.now(dt.UTC).date().isoformat()}T00:00:00Z"


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = text
    return element
