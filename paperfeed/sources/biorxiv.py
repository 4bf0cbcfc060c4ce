"""bioRxiv and medRxiv: preprints posted in a date range, by subject category.

The public details API (``api.biorxiv.org/details/SERVER/FROM/TO/CURSOR/json``, with
``?category=neuroscience``) serves 100 records a call; ``messages[0]`` says the total and
the ``cursor`` walks through them. Only first versions are kept: a revision is an old
paper posted again (as arXiv's replacements). A paper is known by its DOI; its date is the
day it was posted. Authors come as ``"Last, F.; Other, A. B."``.

``biorxiv:neuroscience,cell_biology`` asks for each category in turn; ``biorxiv:`` for
all of them. The range is ``--date`` alone, else ``--since`` to today, else yesterday and
today.
"""

from __future__ import annotations

from datetime import date as Date
from datetime import timedelta

from paperfeed.errors import InputError, SourceError
from paperfeed.records import Batch, Paper
from paperfeed.sources.fields import clean, display_name, make_paper
from paperfeed.sources.http import PoliteFetcher
from paperfeed.sources.jsonapi import load_object, text_of, whole
from paperfeed.sources.registry import Request

API_URL = "https://api.biorxiv.org/details"
PAGE = 100  # records the API serves per call
MAX_PAGES = 100  # 10,000 records per category and run at most


def parse_details(text: str, origin: str, server: str) -> tuple[list[Paper], int, int]:
    """The first-version papers of one details page, the records it held, and the total."""
    data = load_object(text, origin)
    messages = data.get("messages")
    first = messages[0] if isinstance(messages, list) and messages else {}
    status = first.get("status") if isinstance(first, dict) else None
    collection = data.get("collection")
    if status not in (None, "ok") and not collection:
        if str(status).startswith("no posts"):
            return [], 0, 0
        raise InputError(origin, f"the API says: {clean(str(status))[:200]}", field="messages")
    if not isinstance(collection, list):
        raise InputError(origin, "no collection list in the response", field="collection")
    papers = [
        paper
        for index, record in enumerate(collection)
        if (paper := _record_paper(record, origin, index, server)) is not None
    ]
    return papers, len(collection), whole(first.get("total") if first else None)


def _record_paper(record: object, origin: str, index: int, server: str) -> Paper | None:
    """One record as a Paper; None for a later version; InputError naming a broken field."""
    where = f"collection[{index}]"
    if not isinstance(record, dict):
        raise InputError(origin, "not an object", field=where)
    if str(record.get("version", "1")).strip() not in ("1", ""):
        return None
    doi, title = text_of(record, "doi"), text_of(record, "title")
    if not doi or not title:
        raise InputError(origin, "a record needs a doi and a title", field=f"{where}.doi")
    day = text_of(record, "date")
    try:
        day = Date.fromisoformat(day).isoformat() if day else ""
    except ValueError as exc:
        raise InputError(origin, f"not a date: {day!r}", field=f"{where}.date") from exc
    return make_paper(
        title=title,
        abstract=text_of(record, "abstract"),
        authors=[display_name(name) for name in text_of(record, "authors").split(";")],
        categories=[text_of(record, "category")] if text_of(record, "category") else [],
        date=day or None,
        doi=doi,
        url=f"https://www.{server}.org/content/{doi}v1",
        source=server,
    )


def interval(request: Request) -> tuple[str, str]:
    """The posting days asked for: ``--date``, ``--since`` .. today, or yesterday .. today."""
    if request.day:
        return request.day, request.day
    if request.since:
        return request.since, max(request.since, request.today)
    today = Date.fromisoformat(request.today)
    return (today - timedelta(days=1)).isoformat(), today.isoformat()


def fetch_details(
    fetcher: PoliteFetcher,
    server: str,
    first: str,
    last: str,
    category: str = "",
    *,
    url: str = API_URL,
    max_pages: int = MAX_PAGES,
) -> Batch:
    """Every first version posted on ``server`` from ``first`` to ``last`` in ``category``
    (all when empty). A later page that fails keeps what came before, as a problem."""
    base = f"{url}/{server}/{first}/{last}"
    params = {"category": category.replace(" ", "_")} if category else None
    papers: dict[str, Paper] = {}
    problems: list[str] = []
    cursor = 0
    for page in range(max_pages):
        page_url = f"{base}/{cursor}/json"
        try:
            text = fetcher.get_text(page_url, params)
            found, held, total = parse_details(text, page_url, server)
        except (SourceError, InputError) as exc:
            if page == 0:
                raise
            problems.append(f"{base}: stopped after {cursor} records: {exc}")
            break
        for paper in found:
            papers.setdefault(paper.id, paper)
        cursor += held
        if held == 0 or cursor >= total:
            break
    else:
        problems.append(f"{base}: stopped at {max_pages} pages; more records remain")
    return Batch(tuple(papers.values()), origin=base, problems=tuple(problems))


def _from_spec(server: str, fetcher: PoliteFetcher, request: Request) -> Batch:
    first, last = interval(request)
    categories = [c.strip().lower() for c in request.rest.split(",") if c.strip()] or [""]
    papers: dict[str, Paper] = {}
    problems: list[str] = []
    for category in categories:
        batch = fetch_details(fetcher, server, first, last, category)
        for paper in batch.papers:
            papers.setdefault(paper.id, paper)
        problems.extend(batch.problems)
    return Batch(tuple(papers.values()), origin=request.spec, problems=tuple(problems))


def biorxiv_from_spec(fetcher: PoliteFetcher, request: Request) -> Batch:
    """``biorxiv:[CATEGORY[,CATEGORY]]``."""
    return _from_spec("biorxiv", fetcher, request)


def medrxiv_from_spec(fetcher: PoliteFetcher, request: Request) -> Batch:
    """``medrxiv:[CATEGORY[,CATEGORY]]``."""
    return _from_spec("medrxiv", fetcher, request)
