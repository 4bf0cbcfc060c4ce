"""Reader of a saved Hugging Face papers page (the page's text, as a browser copies it).

The layout (see ``shared/data/feeds/hf-papers-page-sample.txt``): a few header lines
("new", "Subscribe", "byAK and the research community"), a date line without a year
("Jun 30"), then paragraphs separated by blank lines: title, abstract, title, abstract...
Irregular pages are read too: a title whose abstract is missing (the next paragraph is
another title followed by an abstract), an abstract split over several paragraphs, upvote
counts and "Submitted by" lines, and more than one date line.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from paperfeed.errors import InputError
from paperfeed.records import Batch, Paper
from paperfeed.sources.fields import MONTHS, clean, collect, date_from_parts, make_paper

SOURCE = "hf-page"
_BOILERPLATE = {
    "new",
    "get trending papers in your email inbox!",
    "subscribe",
    "byak and the research community",
    "daily papers",
    "previous",
    "next",
}
_MARKERS = ("get trending papers in your email inbox!", "byak and the research community")
_NOISE = re.compile(r"[0-9]+|[·•\-]|submitted by\b.*|upvote\b.*", re.IGNORECASE)
_DATE_LINE = re.compile(r"([A-Za-z]{3,9})\.?\s+([0-9]{1,2})(?:,?\s+([0-9]{4}))?")
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z(]")
_MAX_TITLE = 250


@dataclass
class _Page:
    """What has been read so far: papers (with their line) and the title awaiting its abstract."""

    day: str | None = None
    title: tuple[int, str] | None = None
    papers: list[tuple[int, str, list[str], str | None]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_hf_page(text: str, origin: str, *, year: int | None = None) -> Batch:
    """Read the text of a Hugging Face papers page into papers dated by its date line.

    The date line has no year: ``year`` gives it; by default the date is the latest such day
    not after today (a page saved on Dec 31 and read on Jan 2 keeps last year).
    """
    page = _Page()
    paragraphs = _paragraphs(text)
    dated = any(_is_date_line(paragraph) for _, paragraph in paragraphs)
    for index, (number, paragraph) in enumerate(paragraphs):
        day = _parse_date_line(paragraph, year, origin, number)
        if day is not None:
            _flush_title(page, origin)
            page.day = day
        elif page.day is not None or not dated:
            following = paragraphs[index + 1][1] if index + 1 < len(paragraphs) else None
            _take(page, number, paragraph, following, origin)
    _flush_title(page, origin)
    if paragraphs and page.day is None:
        page.problems.append(f"{origin}: no date line (like 'Jun 30') found; papers are undated")
    located = [
        (f"line {number}", _paper(title, abstract, day))
        for number, title, abstract, day in _joined(page.papers)
    ]
    return collect(located, origin, problems=page.problems)


def looks_like_hf_page(text: str) -> bool:
    """Whether the text is a saved HF papers page rather than a publication listing."""
    head = [clean(line).lower() for line in text.splitlines()[:40]]
    if any(marker in head for marker in _MARKERS):
        return True
    first = next((line for line in head if line), "")
    return _is_date_line(first)


def _paragraphs(text: str) -> list[tuple[int, str]]:
    """Blank-line separated paragraphs, each with its first line number, boilerplate dropped."""
    paragraphs: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate([*text.splitlines(), ""], start=1):
        if line.strip():
            start = start if current else number
            current.append(line)
        elif current:
            paragraph = clean(" ".join(current))
            if paragraph.lower() not in _BOILERPLATE and not _NOISE.fullmatch(paragraph):
                paragraphs.append((start, paragraph))
            current = []
    return paragraphs


def _is_date_line(paragraph: str) -> bool:
    match = _DATE_LINE.fullmatch(paragraph)
    return match is not None and match.group(1).lower() in MONTHS


def _parse_date_line(paragraph: str, year: int | None, origin: str, number: int) -> str | None:
    """The ISO day of a date line, None if the paragraph is not one."""
    if not _is_date_line(paragraph):
        return None
    match = _DATE_LINE.fullmatch(paragraph)
    assert match is not None
    month, day, given_year = match.groups()
    try:
        if given_year or year is not None:
            return date_from_parts(given_year or year, month, day)
        return _latest_past(month, day)
    except ValueError as exc:
        raise InputError(origin, f"not a real date {paragraph!r}: {exc}", line=number) from exc


def _latest_past(month: str, day: str) -> str:
    """The ISO date of month/day this year, or last year if that is still ahead."""
    today = datetime.date.today()
    this_year = date_from_parts(today.year, month, day)
    if this_year <= today.isoformat():
        return this_year
    return date_from_parts(today.year - 1, month, day)


def _take(page: _Page, number: int, paragraph: str, following: str | None, origin: str) -> None:
    """Place one paragraph: a title, the awaited abstract, or more of the last abstract."""
    if page.title is None:
        continued = not _title_like(paragraph) and (following is None or _title_like(following))
        if continued and page.papers and page.papers[-1][3] == page.day:
            page.papers[-1][2].append(paragraph)
        else:
            page.title = (number, paragraph)
        return
    if _title_like(paragraph) and following is not None and not _title_like(following):
        _flush_title(page, origin)
        page.title = (number, paragraph)
        return
    title_line, title = page.title
    page.papers.append((title_line, title, [paragraph], page.day))
    page.title = None


def _flush_title(page: _Page, origin: str) -> None:
    """Keep an awaited title as a paper without abstract, and say so."""
    if page.title is None:
        return
    number, title = page.title
    page.papers.append((number, title, [], page.day))
    page.problems.append(f"{origin}, line {number}: no abstract after the title {title!r}")
    page.title = None


def _title_like(paragraph: str) -> bool:
    """Short, at most two sentences: a title (the sample's abstracts are 500+ characters)."""
    return len(paragraph) <= _MAX_TITLE and len(_SENTENCE_BREAK.findall(paragraph)) <= 1


def _joined(
    papers: list[tuple[int, str, list[str], str | None]],
) -> list[tuple[int, str, str, str | None]]:
    return [(number, title, " ".join(parts), day) for number, title, parts, day in papers]


def _paper(title: str, abstract: str, day: str | None) -> Paper:
    return make_paper(title=title, abstract=abstract, date=day, source=SOURCE)
