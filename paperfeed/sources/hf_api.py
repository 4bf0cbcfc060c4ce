"""Hugging Face Daily Papers: parse and fetch ``/api/daily_papers?date=YYYY-MM-DD``.

The response is a JSON list of daily entries, each with a ``paper`` object holding the
arXiv id, title, summary, authors and upvotes (kept in ``Batch.upvotes`` for trending).
A paper's ``date`` is the day asked for: the day Hugging Face listed it.
"""

from __future__ import annotations

import json
from datetime import date as Date
from typing import Any

import httpx

from paperfeed.errors import InputError, InvalidArgument
from paperfeed.ids import normalize_arxiv_id
from paperfeed.records import Batch, Paper
from paperfeed.sources.fields import clean, day_string, make_paper, timestamp_date
from paperfeed.sources.http import PoliteFetcher, as_fetcher, full_url
from paperfeed.sources.registry import Request

HF_DAILY_URL = "https://huggingface.co/api/daily_papers"
SOURCE = "hf-api"
PAGE_LIMIT = 100  # the most the endpoint hands out in one response


def parse_hf_daily(text: str, origin: str, *, date: str | None = None) -> Batch:
    """Papers of one daily_papers response; ``date`` (the day asked for) dates them all.

    Without ``date`` each entry is dated by its own ``publishedAt``. InputError names the
    line for broken JSON and the field for a missing one.
    """
    entries = _load_entries(text, origin)
    papers: dict[str, Paper] = {}
    votes: dict[str, int] = {}
    for index, entry in enumerate(entries, 1):
        paper = _entry_paper(entry, origin, index, date)
        papers.setdefault(paper.id, paper)
        upvotes = _upvotes(entry)
        if upvotes is not None:
            votes.setdefault(paper.id, upvotes)
    return Batch(papers=tuple(papers.values()), origin=origin, upvotes=tuple(votes.items()))


def _upvotes(entry: dict[str, Any]) -> int | None:
    """The paper's upvote count when the entry carries a sane one (``paper.upvotes``)."""
    paper = entry.get("paper")
    value = paper.get("upvotes") if isinstance(paper, dict) else None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 10**7:
        return None
    return value


def _load_entries(text: str, origin: str) -> list[Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            origin, f"malformed or truncated JSON (column {exc.colno}): {exc.msg}", line=exc.lineno
        ) from exc
    except RecursionError as exc:
        raise InputError(origin, "JSON nested too deeply") from exc
    if isinstance(data, dict) and "error" in data:
        raise InputError(origin, f"Hugging Face API error: {data['error']}")
    if not isinstance(data, list):
        raise InputError(origin, f"expected a JSON list of papers, found {type(data).__name__}")
    return data


def _entry_paper(entry: Any, origin: str, index: int, day: str | None) -> Paper:
    """One daily entry as a Paper; InputError naming the field that is missing."""
    if not isinstance(entry, dict):
        raise InputError(origin, f"entry {index} is not an object", field=f"[{index - 1}]")
    paper = entry.get("paper")
    if not isinstance(paper, dict):
        raise InputError(origin, f"entry {index}: no paper object", field="paper")
    raw_id = _string(paper, "id", origin, index)
    title = clean(_optional_string(paper, "title") or _optional_string(entry, "title"))
    if not title:
        raise InputError(origin, f"entry {index} ({raw_id}): no title", field="paper.title")
    on_arxiv = normalize_arxiv_id(raw_id) is not None
    return make_paper(
        title=title,
        abstract=_optional_string(paper, "summary"),
        authors=_authors(paper.get("authors")),
        date=day or _published(entry) or _published(paper),
        source=SOURCE,
        arxiv=raw_id if on_arxiv else None,
        url="" if on_arxiv else f"https://huggingface.co/papers/{raw_id}",
    )


def _string(obj: dict[str, Any], key: str, origin: str, index: int) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InputError(origin, f"entry {index}: missing or not a string", field=f"paper.{key}")
    return value.strip()


def _published(obj: dict[str, Any]) -> str | None:
    return timestamp_date(_optional_string(obj, "publishedAt"))


def _optional_string(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key)
    return value if isinstance(value, str) else ""


def _authors(raw: Any) -> tuple[str, ...]:
    """Author display names; hidden or nameless entries are dropped."""
    if not isinstance(raw, list):
        return ()
    names = (
        clean(a.get("name")) for a in raw if isinstance(a, dict) and isinstance(a.get("name"), str)
    )
    return tuple(name for name in names if name)


def fetch_hf_daily(
    client: httpx.Client | PoliteFetcher, date: str | Date, *, url: str = HF_DAILY_URL
) -> Batch:
    """The Hugging Face daily papers of ``date`` (``YYYY-MM-DD`` or a date)."""
    try:
        day = day_string(date)
    except ValueError as exc:
        raise InputError("hf-api", f"not a date: {date!r}", field="date") from exc
    params: dict[str, str | int] = {"date": day, "limit": PAGE_LIMIT}
    origin = str(full_url(url, params))
    batch = parse_hf_daily(as_fetcher(client).get_text(url, params), origin, date=day)
    if len(batch.papers) >= PAGE_LIMIT:
        note = f"{origin}: {PAGE_LIMIT} papers, the most one call returns; some may be missing"
        return Batch(papers=batch.papers, origin=origin, problems=(note,), upvotes=batch.upvotes)
    return batch


def from_spec(fetcher: PoliteFetcher, request: Request) -> Batch:
    """``hf:YYYY-MM-DD``: the Hugging Face daily papers of that day."""
    return fetch_hf_daily(fetcher, _spec_date(request.rest))


def _spec_date(value: str) -> str:
    try:
        return day_string(value)
    except ValueError as exc:
        raise InvalidArgument("hf:DATE", f"expected YYYY-MM-DD, got {value!r}") from exc
