"""OpenReview: the accepted papers of a venue (``openreview:ICLR.cc/2025/Conference``).

``GET api2.openreview.net/notes?content.venueid=VENUE&limit=1000&offset=N`` lists the
notes whose venue id is the venue's own: the accepted papers (submissions under review,
rejected and withdrawn ones carry other venue ids). Venues from before 2023 live in the
older API (``api.openreview.net``), asked when the new one knows no paper of the venue.
Fields are ``{"value": ...}`` objects in the new API and plain values in the old one.

A paper is dated by its publication date (``pdate``, else when its note was created), so
``paperfeed digest --date DAY`` ranks a venue's papers as that day's listing.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from paperfeed.errors import InputError, SourceError
from paperfeed.records import Batch, Paper
from paperfeed.sources.fields import clean, make_paper
from paperfeed.sources.http import PoliteFetcher, full_url
from paperfeed.sources.jsonapi import load_object, whole
from paperfeed.sources.registry import Request

API_URLS = ("https://api2.openreview.net/notes", "https://api.openreview.net/notes")
PAGE = 1000
MAX_PAGES = 20
SOURCE = "openreview"
_VENUE = re.compile(r"^[\w.\-]+(?:/[\w.\-]+)+$")


def _value(content: dict[str, Any], key: str) -> Any:
    """A content field of either API version (``{"value": x}`` or ``x``)."""
    field = content.get(key)
    return field.get("value") if isinstance(field, dict) else field


def note_paper(note: object, origin: str, where: str) -> Paper | None:
    """One note as a Paper (None for a note without a title)."""
    if not isinstance(note, dict):
        raise InputError(origin, "not an object", field=where)
    content = note.get("content")
    if not isinstance(content, dict):
        raise InputError(origin, "no content object", field=f"{where}.content")
    title = _value(content, "title")
    if not isinstance(title, str) or not clean(title):
        return None
    authors = _value(content, "authors")
    abstract = _value(content, "abstract")
    keywords = _value(content, "keywords")
    forum = note.get("forum") or note.get("id")
    return make_paper(
        title=title,
        abstract=abstract if isinstance(abstract, str) else "",
        authors=[a for a in authors if isinstance(a, str)] if isinstance(authors, list) else [],
        categories=[k for k in keywords if isinstance(k, str)][:8]
        if isinstance(keywords, list)
        else [],
        date=_day(note.get("pdate") or note.get("odate") or note.get("cdate")),
        url=f"https://openreview.net/forum?id={forum}" if isinstance(forum, str) else "",
        source=SOURCE,
    )


def _day(millis: object) -> str | None:
    """The UTC day of a timestamp in milliseconds since 1970."""
    if isinstance(millis, bool) or not isinstance(millis, int | float) or millis <= 0:
        return None
    try:
        return datetime.fromtimestamp(millis / 1000, UTC).date().isoformat()
    except (OverflowError, OSError, ValueError):
        return None


def parse_notes(text: str, origin: str) -> tuple[list[Paper], int, int]:
    """The papers of one page, the notes it held, and the venue's count."""
    data = load_object(text, origin)
    notes = data.get("notes")
    if not isinstance(notes, list):
        message = data.get("message") or data.get("name") or "no notes list in the response"
        raise InputError(origin, f"OpenReview says: {clean(str(message))[:200]}", field="notes")
    papers = [
        paper
        for index, note in enumerate(notes)
        if (paper := note_paper(note, origin, f"notes[{index}]")) is not None
    ]
    return papers, len(notes), whole(data.get("count"))


def fetch_venue(fetcher: PoliteFetcher, venue: str, url: str, max_pages: int = MAX_PAGES) -> Batch:
    """Every accepted paper of ``venue`` from one API; later-page failures become problems."""
    papers: dict[str, Paper] = {}
    problems: list[str] = []
    offset = 0
    for page in range(max_pages):
        params: dict[str, str | int] = {"content.venueid": venue, "limit": PAGE, "offset": offset}
        origin = str(full_url(url, params))
        try:
            found, held, count = parse_notes(fetcher.get_text(url, params), origin)
        except (SourceError, InputError) as exc:
            if page == 0:
                raise
            problems.append(f"{venue}: stopped after {offset} papers: {exc}")
            break
        for paper in found:
            papers.setdefault(paper.id, paper)
        offset += held
        if held < PAGE or (count and offset >= count):
            break
    else:
        problems.append(f"{venue}: stopped at {max_pages} pages; more papers remain")
    origin = str(full_url(url, {"content.venueid": venue}))
    return Batch(tuple(papers.values()), origin=origin, problems=tuple(problems))


def from_spec(fetcher: PoliteFetcher, request: Request) -> Batch:
    """``openreview:VENUE_ID``: the venue's accepted papers (new API, else the old one)."""
    venue = request.rest.strip()
    if not _VENUE.match(venue):
        raise InputError(
            request.spec, "expected a venue id, e.g. openreview:ICLR.cc/2025/Conference"
        )
    batch = fetch_venue(fetcher, venue, API_URLS[0])
    if not batch.papers:
        batch = fetch_venue(fetcher, venue, API_URLS[1])
    if not batch.papers:
        problems = (*batch.problems, f"OpenReview lists no accepted paper of {venue}")
        return Batch((), origin=batch.origin, problems=problems)
    return batch
