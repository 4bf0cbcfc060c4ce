"""The arXiv API (export.arxiv.org/api/query): parse its Atom pages, page through a listing.

A paper's ``date`` here is the day its first version was submitted (``<published>``);
the API does not say on which day arXiv announced it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from paperfeed.errors import InputError, SourceError
from paperfeed.records import Batch, Paper
from paperfeed.sources.fields import arxiv_paper, category_list, clean, day_string, timestamp_date
from paperfeed.sources.http import PoliteFetcher, as_fetcher, full_url
from paperfeed.sources.registry import Request
from paperfeed.sources.xmlutil import ARXIV_ATOM, ATOM, child_text, local_name, parse_xml, texts

API_URL = "https://export.arxiv.org/api/query"
SOURCE = "arxiv-api"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
ERROR_ID_PREFIX = "http://arxiv.org/api/errors"


@dataclass(frozen=True, slots=True)
class AtomPage:
    """One page of API results and the total the query matches (opensearch:totalResults)."""

    papers: tuple[Paper, ...]
    total: int | None


def parse_arxiv_atom(text: str, origin: str) -> Batch:
    """Papers of one arXiv API Atom response; InputError when it is broken or an API error."""
    return Batch(papers=parse_arxiv_page(text, origin).papers, origin=origin)


def parse_arxiv_page(text: str, origin: str) -> AtomPage:
    """The papers of one API page and its ``opensearch:totalResults``."""
    root = parse_xml(text, origin)
    if root.tag != f"{ATOM}feed":
        raise InputError(origin, f"expected an Atom <feed>, found <{local_name(root.tag)}>")
    entries = root.findall(f"{ATOM}entry")
    _raise_api_error(entries, origin)
    papers = tuple(_entry_paper(entry, origin, index) for index, entry in enumerate(entries, 1))
    return AtomPage(papers=papers, total=_total_results(root, origin))


def _raise_api_error(entries: list[ET.Element], origin: str) -> None:
    """The API reports a bad query as a single entry whose id is an error URL."""
    for entry in entries:
        if child_text(entry, f"{ATOM}id").startswith(ERROR_ID_PREFIX):
            message = child_text(entry, f"{ATOM}summary") or "unknown error"
            raise InputError(origin, f"arXiv API error: {message}")


def _total_results(root: ET.Element, origin: str) -> int | None:
    raw = child_text(root, f"{OPENSEARCH}totalResults")
    if not raw:
        return None
    if not raw.isdigit():
        raise InputError(origin, f"not a number: {raw!r}", field="opensearch:totalResults")
    return int(raw)


def _entry_paper(entry: ET.Element, origin: str, index: int) -> Paper:
    """One ``<entry>`` as a Paper; InputError naming the missing field."""
    published = child_text(entry, f"{ATOM}published") or child_text(entry, f"{ATOM}updated")
    return arxiv_paper(
        child_text(entry, f"{ATOM}id"),
        child_text(entry, f"{ATOM}title"),
        origin=origin,
        where=f"entry {index}",
        source=SOURCE,
        abstract=child_text(entry, f"{ATOM}summary"),
        authors=texts(entry.findall(f"{ATOM}author/{ATOM}name")),
        categories=_categories(entry),
        date=timestamp_date(published),
        doi=child_text(entry, f"{ARXIV_ATOM}doi"),
    )


def _categories(entry: ET.Element) -> tuple[str, ...]:
    """The primary category first, then the others, each once."""
    terms: list[str] = []
    primary = entry.find(f"{ARXIV_ATOM}primary_category")
    candidates = [primary] if primary is not None else []
    candidates += entry.findall(f"{ATOM}category")
    for element in candidates:
        term = clean(element.get("term"))
        if term and term not in terms:
            terms.append(term)
    return tuple(terms)


def search_query(categories: Sequence[str]) -> str:
    """``cat:cs.LG OR cat:cs.CL`` for the given categories."""
    return " OR ".join(f"cat:{cat}" for cat in category_list(categories))


def fetch_arxiv_api(
    client: httpx.Client | PoliteFetcher,
    categories: Sequence[str],
    *,
    since: str | None = None,
    start: int = 0,
    page_size: int = 100,
    max_results: int = 2000,
    url: str = API_URL,
) -> Batch:
    """The newest submissions in ``categories``, newest first, paging with ``start=``.

    Stops at an empty page, at ``opensearch:totalResults``, at ``max_results``, or once
    a page reaches papers submitted before ``since`` (``YYYY-MM-DD``; those are left out).
    Papers repeated across pages (new submissions shift the offsets) are kept once.
    """
    fetcher = as_fetcher(client)
    floor = day_string(since) if since else None
    params: dict[str, str | int] = {
        "search_query": search_query(categories),
        "sortBy": "submittedDate",
        "sortOrder": "descending",
        "max_results": page_size,
    }
    origin = str(full_url(url, {"search_query": params["search_query"]}))
    papers, problems = _collect_pages(fetcher, url, params, start, floor, max_results)
    return Batch(papers=papers, origin=origin, problems=problems)


def _collect_pages(
    fetcher: PoliteFetcher,
    url: str,
    params: dict[str, str | int],
    offset: int,
    floor: str | None,
    max_results: int,
) -> tuple[tuple[Paper, ...], tuple[str, ...]]:
    """Fetch pages from ``offset`` on until one of the stopping rules holds.

    A page after the first that fails (network gone after the retries, a truncated page)
    ends the listing: the pages already fetched are kept and the failure is a problem.
    """
    first_offset = offset
    papers: dict[str, Paper] = {}
    problems: list[str] = []
    while len(papers) < max_results:
        page_params = {**params, "start": offset}
        page_origin = str(full_url(url, page_params))
        try:
            page = parse_arxiv_page(fetcher.get_text(url, page_params), page_origin)
        except (SourceError, InputError) as exc:
            if offset == first_offset:
                raise
            problems.append(f"listing stopped after {len(papers)} papers: {exc}")
            break
        if not page.papers:
            problems += _empty_page_note(offset, page.total)
            break
        for paper in _newer_than(page.papers, floor):
            papers.setdefault(paper.id, paper)
        offset += len(page.papers)
        if _page_reaches(page.papers, floor) or (page.total is not None and offset >= page.total):
            break
    return tuple(papers.values())[:max_results], tuple(problems)


def _newer_than(papers: tuple[Paper, ...], floor: str | None) -> list[Paper]:
    return [p for p in papers if floor is None or p.date is None or p.date >= floor]


def _page_reaches(papers: tuple[Paper, ...], floor: str | None) -> bool:
    """Whether a page holds a paper older than ``floor``: later pages are older still."""
    return floor is not None and any(p.date is not None and p.date < floor for p in papers)


def _empty_page_note(offset: int, total: int | None) -> list[str]:
    """An empty page before the announced total is a known API hiccup: say so."""
    if total is not None and offset < total:
        return [
            f"arXiv API returned an empty page at start={offset} of {total} results; "
            "the listing may be incomplete"
        ]
    return []


def from_spec(fetcher: PoliteFetcher, request: Request) -> Batch:
    """``arxiv:CAT[,CAT]``: today's RSS listing, or with ``--since`` the API."""
    from paperfeed.sources.rss import arxiv_rss_url, fetch_feed

    categories = [c.strip() for c in request.rest.split(",") if c.strip()]
    if not categories:
        raise InputError(request.spec, "name at least one category, e.g. arxiv:cs.LG,cs.CL")
    if request.since:
        return fetch_arxiv_api(fetcher, categories, since=request.since)
    return fetch_feed(fetcher, arxiv_rss_url(categories))
