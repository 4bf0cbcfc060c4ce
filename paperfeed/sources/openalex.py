"""OpenAlex: works by publication date and concept, source (venue, journal) or topic, and
the works of one author (by OpenAlex author id or ORCID iD) for a profile.

``GET api.openalex.org/works?filter=...&per-page=200&cursor=*`` pages with
``meta.next_cursor``. A work's abstract comes as an inverted index (word -> positions) and
is put back in order; its arXiv id is read from an arxiv.org location or an arXiv DOI, so
a work that is also on arXiv meets its arXiv record in the store. ``openalex:C41008148,
S4306420609`` asks for works of any of the ids (OpenAlex's ``|``), each kind in its filter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date as Date
from datetime import timedelta
from typing import Any

from paperfeed.errors import InputError, SourceError
from paperfeed.records import Batch, Paper
from paperfeed.sources.fields import clean, make_paper
from paperfeed.sources.http import PoliteFetcher, full_url
from paperfeed.sources.jsonapi import load_object, text_of, whole
from paperfeed.sources.registry import Request

WORKS_URL = "https://api.openalex.org/works"
PER_PAGE = 200
LISTING_PAGES = 50  # 10,000 works per run at most
PROFILE_PAGES = 5  # 1,000 works of one author
SOURCE = "openalex"
FILTERS = {"C": "concepts.id", "S": "primary_location.source.id", "T": "topics.id"}
FIELDS = (
    "id,doi,title,display_name,publication_date,authorships,abstract_inverted_index,"
    "locations,primary_topic"
)
_ID = re.compile(r"^(?:https://openalex\.org/)?([ACSTW]\d{2,12})$", re.IGNORECASE)
_ORCID = re.compile(r"^(?:https://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$", re.IGNORECASE)


def abstract_text(index: object) -> str:
    """The abstract from OpenAlex's inverted index ``{word: [positions]}`` ('' if none)."""
    if not isinstance(index, dict):
        return ""
    placed: dict[int, str] = {}
    for word, positions in index.items():
        if isinstance(word, str) and isinstance(positions, list):
            for position in positions:
                if isinstance(position, int) and 0 <= position < 100_000:
                    placed[position] = word
    return clean(" ".join(placed[p] for p in sorted(placed)))


def work_paper(work: object, origin: str, where: str) -> Paper | None:
    """One work as a Paper (None for one without a title); InputError for a non-object."""
    if not isinstance(work, dict):
        raise InputError(origin, "not an object", field=where)
    title = text_of(work, "title") or text_of(work, "display_name")
    if not title:
        return None
    authors = [
        text_of(a.get("author") or {}, "display_name")
        for a in work.get("authorships") or []
        if isinstance(a, dict) and isinstance(a.get("author"), dict)
    ]
    topic = work.get("primary_topic")
    return make_paper(
        title=title,
        abstract=abstract_text(work.get("abstract_inverted_index")),
        authors=authors,
        categories=[text_of(topic, "display_name")] if isinstance(topic, dict) else [],
        date=_date(text_of(work, "publication_date")),
        arxiv=_arxiv_location(work),
        doi=text_of(work, "doi") or None,
        url="" if text_of(work, "doi") else text_of(work, "id"),
        source=SOURCE,
    )


def _date(text: str) -> str | None:
    try:
        return Date.fromisoformat(text).isoformat() if text else None
    except ValueError:
        return None


def _arxiv_location(work: dict[str, Any]) -> str | None:
    for location in work.get("locations") or []:
        if isinstance(location, dict):
            url = text_of(location, "landing_page_url")
            if "arxiv.org/" in url:
                return url
    return None


def parse_page(text: str, origin: str) -> tuple[list[Paper], str | None, int]:
    """The papers of one works page, the next cursor (None at the end) and the count."""
    data = load_object(text, origin)
    if "error" in data and "results" not in data:
        raise InputError(origin, f"OpenAlex says: {clean(str(data.get('error')))[:200]}")
    results = data.get("results")
    if not isinstance(results, list):
        raise InputError(origin, "no results list in the response", field="results")
    found = data.get("meta")
    meta: dict[str, Any] = found if isinstance(found, dict) else {}
    papers = [
        paper
        for index, work in enumerate(results)
        if (paper := work_paper(work, origin, f"results[{index}]")) is not None
    ]
    cursor = meta.get("next_cursor") if results else None
    return papers, cursor if isinstance(cursor, str) and cursor else None, whole(meta.get("count"))


def _pages(
    fetcher: PoliteFetcher, filters: str, max_pages: int, url: str
) -> Iterator[tuple[list[Paper], str | None]]:
    """(papers, problem) per page; a failing later page ends the walk with a problem."""
    cursor: str | None = "*"
    for page in range(max_pages):
        params: dict[str, str | int] = {"filter": filters, "per-page": PER_PAGE}
        params.update({"cursor": cursor or "*", "select": FIELDS})
        origin = str(full_url(url, {"filter": filters}))
        try:
            papers, cursor, _ = parse_page(fetcher.get_text(url, params), origin)
        except (SourceError, InputError) as exc:
            if page == 0:
                raise
            yield [], f"{origin}: stopped after {page} pages: {exc}"
            return
        yield papers, None
        if cursor is None:
            return
    yield [], f"{url} ({filters}): stopped at {max_pages} pages; more works remain"


def fetch_works(
    fetcher: PoliteFetcher, filters: str, *, max_pages: int = LISTING_PAGES, url: str = WORKS_URL
) -> Batch:
    """Every work matching the OpenAlex ``filters`` (pages followed by cursor)."""
    papers: dict[str, Paper] = {}
    problems: list[str] = []
    for found, problem in _pages(fetcher, filters, max_pages, url):
        for paper in found:
            papers.setdefault(paper.id, paper)
        if problem:
            problems.append(problem)
    origin = str(full_url(url, {"filter": filters}))
    return Batch(tuple(papers.values()), origin=origin, problems=tuple(problems))


def listing_filter(request: Request) -> str:
    """The works filter of ``openalex:ID[,ID]`` and the dates asked for."""
    groups: dict[str, list[str]] = {}
    for raw in (part.strip() for part in request.rest.split(",")):
        match = _ID.match(raw)
        if not match or match.group(1)[0].upper() not in FILTERS:
            raise InputError(
                request.spec,
                f"{raw!r} is not an OpenAlex concept (C...), source (S...) or topic (T...) id",
            )
        key = match.group(1).upper()
        groups.setdefault(FILTERS[key[0]], []).append(key)
    first, last = _dates(request)
    parts = [f"{name}:{'|'.join(ids)}" for name, ids in groups.items()]
    return ",".join([*parts, f"from_publication_date:{first}", f"to_publication_date:{last}"])


def _dates(request: Request) -> tuple[str, str]:
    if request.day:
        return request.day, request.day
    if request.since:
        return request.since, max(request.since, request.today)
    today = Date.fromisoformat(request.today)
    return (today - timedelta(days=1)).isoformat(), today.isoformat()


def works_from_spec(fetcher: PoliteFetcher, request: Request) -> Batch:
    """``openalex:ID[,ID]``: works of concepts, sources or topics published in the range."""
    return fetch_works(fetcher, listing_filter(request))


def author_works(fetcher: PoliteFetcher, filters: str, origin: str, wanted: str) -> Batch:
    """One author's works, with the author's name (as OpenAlex spells it) as the owner."""
    batch = fetch_works(fetcher, filters, max_pages=PROFILE_PAGES)
    if not batch.papers:
        raise InputError(origin, "OpenAlex knows no works of this author")
    return Batch(batch.papers, origin=origin, owner=wanted or None, problems=batch.problems)


def author_from_spec(fetcher: PoliteFetcher, request: Request) -> Batch:
    """``openalex:A...``: the works of an OpenAlex author, for a profile."""
    match = _ID.match(request.rest.strip())
    if not match or not match.group(1).upper().startswith("A"):
        raise InputError(request.spec, "expected an OpenAlex author id, e.g. openalex:A5023888391")
    key = match.group(1).upper()
    name = _author_name(fetcher, f"https://api.openalex.org/authors/{key}")
    return author_works(fetcher, f"author.id:{key}", request.spec, name)


def orcid_from_spec(fetcher: PoliteFetcher, request: Request) -> Batch:
    """``orcid:0000-0002-1825-0097``: the works OpenAlex links to an ORCID iD."""
    match = _ORCID.match(request.rest.strip())
    if not match:
        raise InputError(request.spec, "expected an ORCID iD, e.g. orcid:0000-0002-1825-0097")
    orcid = match.group(1).upper()
    name = _author_name(fetcher, f"https://api.openalex.org/authors/orcid:{orcid}")
    return author_works(fetcher, f"author.orcid:{orcid}", request.spec, name)


def _author_name(fetcher: PoliteFetcher, url: str) -> str:
    """The author's display name from their OpenAlex record ('' when it has none)."""
    data = load_object(fetcher.get_text(url), url)
    return text_of(data, "display_name")
