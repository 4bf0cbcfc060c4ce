"""Field cleaning shared by every reader and fetcher: text, names, dates, ids, Paper and Batch.

Readers and parsers turn their format into plain strings; these helpers clean them and
build the ``Paper`` (``make_paper``, ``arxiv_paper``) and the ``Batch`` (``collect``), so
that the rules for ids, urls and duplicates live in one place.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from email.utils import parsedate_to_datetime

from paperfeed.errors import InputError
from paperfeed.ids import normalize_arxiv_id, normalize_doi, paper_id
from paperfeed.records import Batch, Paper

_WHITESPACE = re.compile(r"\s+")
# arXiv author strings ("A, B, and C"); JSON Lines records may also use ";".
_AUTHOR_LIST_SEPARATORS = re.compile(r"[,;]\s*(?:and\s+)?|\s+and\s+")
_ISO_DATE = re.compile(r"([0-9]{4})(?:[-/]([0-9]{1,2})(?:[-/]([0-9]{1,2}))?)?(?:[T ].*)?")
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(\S+)", re.IGNORECASE)
_MONTH_NAMES = (
    "january february march april may june july august september october november december"
)
MONTHS = {
    name: number
    for number, full in enumerate(_MONTH_NAMES.split(), start=1)
    for name in (full, full[:3])
}
MONTHS["sept"] = 9


def clean(text: str | None) -> str:
    """Collapse every run of whitespace to one space and trim the ends ('' for None)."""
    return _WHITESPACE.sub(" ", text or "").strip()


def display_name(name: str) -> str:
    """An author as "First Last": flips "Last, First" and "Last, Jr., First"; else as given."""
    parts = [clean(part) for part in name.split(",")]
    parts = [part for part in parts if part]
    if len(parts) == 2:
        last, first = parts
        return f"{first} {last}"
    if len(parts) == 3:
        last, suffix, first = parts
        return f"{first} {last} {suffix}"
    return " ".join(parts)


def month_number(raw: object) -> int:
    """A month from 6, "06", "jun", "June" or "Sept." (range checked later); else ValueError."""
    if isinstance(raw, str) and raw.strip().rstrip(".").lower() in MONTHS:
        return MONTHS[raw.strip().rstrip(".").lower()]
    return whole_number(raw)


def whole_number(raw: object) -> int:
    """An int from an int or a string of ASCII digits; ValueError otherwise."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
        return int(raw)
    raise ValueError(f"not a whole number: {raw!r}")


def date_from_parts(year: object, month: object = None, day: object = None) -> str:
    """ISO date from parts; a missing month or day means the first (a year alone: Jan 1).

    Raises ValueError when the parts do not make a real calendar day.
    """
    month_value = 1 if month is None else month_number(month)
    day_value = 1 if day is None else whole_number(day)
    try:
        return datetime.date(whole_number(year), month_value, day_value).isoformat()
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"not a calendar day ({exc})") from exc


def iso_date(raw: str) -> str | None:
    """ISO ``YYYY-MM-DD`` from "YYYY", "YYYY-MM", "YYYY-MM-DD" (or with "/" or a time part).

    None for blank text; ValueError for anything else.
    """
    text = clean(raw)
    if not text:
        return None
    match = _ISO_DATE.fullmatch(text)
    if not match:
        raise ValueError(f"not a date: {text!r}")
    return date_from_parts(match.group(1), match.group(2), match.group(3))


def timestamp_date(value: str | None) -> str | None:
    """``YYYY-MM-DD`` of an ISO 8601 or RFC 822 timestamp, in its own zone; else None.

    The lenient parse for feeds and APIs, where a bad date should not lose the paper.
    """
    text = (value or "").strip()
    if not text:
        return None
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def day_string(day: str | datetime.date) -> str:
    """A date as ``YYYY-MM-DD``; ValueError when a string is not one."""
    if isinstance(day, datetime.datetime):
        return day.date().isoformat()
    if isinstance(day, datetime.date):
        return day.isoformat()
    return datetime.date.fromisoformat(day.strip()).isoformat()


def arxiv_from_doi(doi: str | None) -> str | None:
    """The arXiv id inside an arXiv DOI (``10.48550/arXiv.2406.01234``), else None."""
    match = _ARXIV_DOI.search(doi or "")
    return normalize_arxiv_id(match.group(1)) if match else None


def split_names(raw: str) -> list[str]:
    """Split an author cell on ";" (when present) or " and "; each name as "First Last"."""
    pieces = raw.split(";") if ";" in raw else re.split(r"\s+and\s+", raw)
    names = (display_name(piece) for piece in pieces)
    return [name for name in names if name]


def split_author_list(raw: str) -> list[str]:
    """Split "A, B, and C" (or "A; B and C") into names, kept as written."""
    return [name for piece in _AUTHOR_LIST_SEPARATORS.split(raw) if (name := clean(piece))]


def split_categories(raw: str) -> list[str]:
    """Split a category cell on ";", "," or whitespace."""
    return [cat for cat in re.split(r"[;,\s]+", raw) if cat]


def category_list(categories: Sequence[str]) -> list[str]:
    """The non-blank arXiv categories, trimmed; ValueError when none is left."""
    cats = [cat.strip() for cat in categories if cat.strip()]
    if not cats:
        raise ValueError("at least one arXiv category is needed")
    return cats


def make_paper(
    *,
    title: str,
    source: str,
    abstract: str = "",
    authors: Iterable[str] = (),
    categories: Iterable[str] = (),
    date: str | None = None,
    arxiv: str | None = None,
    doi: str | None = None,
    url: str = "",
) -> Paper:
    """A Paper with cleaned text, normalized arXiv id and DOI, and the canonical id.

    ``arxiv`` and ``doi`` may be raw text (prefixed ids, URLs); an arXiv DOI also gives
    the arXiv id. The url falls back to the arXiv abstract page, then to doi.org.
    """
    arxiv_id = normalize_arxiv_id(arxiv) if arxiv else None
    doi_value = normalize_doi(doi) if doi else None
    arxiv_id = arxiv_id or arxiv_from_doi(doi_value)
    clean_title = clean(title)
    if not url and arxiv_id:
        url = f"https://arxiv.org/abs/{arxiv_id}"
    elif not url and doi_value:
        url = f"https://doi.org/{doi_value}"
    return Paper(
        id=paper_id(arxiv_id, doi_value, clean_title),
        title=clean_title,
        abstract=clean(abstract),
        authors=tuple(clean(name) for name in authors if clean(name)),
        categories=tuple(clean(cat) for cat in categories if clean(cat)),
        date=date,
        source=source,
        url=clean(url),
        doi=doi_value,
    )


def arxiv_paper(
    raw_id: str,
    title: str,
    *,
    origin: str,
    where: str,
    source: str,
    id_field: str = "id",
    abstract: str = "",
    authors: Iterable[str] = (),
    categories: Iterable[str] = (),
    date: str | None = None,
    doi: str | None = None,
) -> Paper:
    """A paper of an arXiv listing, which must have an arXiv id and a title.

    ``where`` names the item in errors ("entry 3", "record 2"); InputError names the field.
    """
    arxiv_id = normalize_arxiv_id(raw_id)
    if not arxiv_id:
        raise InputError(origin, f"{where}: no arXiv id in {raw_id!r}", field=id_field)
    if not clean(title):
        raise InputError(origin, f"{where} ({arxiv_id}): empty title", field="title")
    return make_paper(
        title=title,
        source=source,
        abstract=abstract,
        authors=authors,
        categories=categories,
        date=date,
        arxiv=arxiv_id,
        doi=doi,
    )


def collect(
    located: Iterable[tuple[str, Paper]],
    origin: str,
    *,
    owner: str | None = None,
    problems: Iterable[str] = (),
) -> Batch:
    """A Batch of the papers, keeping the first of papers with the same id.

    ``located`` pairs each paper with where it was read ("line 12", "items[3]"); a dropped
    duplicate becomes a problem naming both places.
    """
    first_seen: dict[str, str] = {}
    papers: list[Paper] = []
    notes = list(problems)
    for where, paper in located:
        if paper.id in first_seen:
            notes.append(
                f"{origin}, {where}: same paper as {first_seen[paper.id]} ({paper.title!r}); "
                "kept the first"
            )
            continue
        first_seen[paper.id] = where
        papers.append(paper)
    return Batch(papers=tuple(papers), origin=origin, owner=owner, problems=tuple(notes))
