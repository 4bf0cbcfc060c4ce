"""Reader of JSON Lines paper records, from text or streamed from a (gzipped) file.

One JSON object per line, in the schema of ``shared/data/arxiv-cs-2025.jsonl.gz``::

    {"id": "2503.11731", "title": "...", "authors": ["First Last", ...],
     "categories": ["cs.CV", ...], "abstract": "...", "date": "2025-03-18"}

Only ``title`` is required; ``doi`` and ``url`` are read when present; ``authors`` and
``categories`` may also be one string. Blank lines are skipped.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from paperfeed.errors import InputError
from paperfeed.records import Batch, Paper
from paperfeed.sources.bounded import ReadLimits, open_bounded
from paperfeed.sources.fields import collect, make_paper, split_author_list, split_categories
from paperfeed.sources.rawrecord import RawRecord

SOURCE = "jsonl"


def read_jsonl(text: str, origin: str, *, date: str | None = None) -> Batch:
    """Read JSON Lines text; ``date`` (ISO) keeps only papers listed on that day."""
    lines = enumerate(text.splitlines(), start=1)
    located = [(f"line {number}", paper) for number, paper in _papers(lines, origin, date)]
    return collect(located, origin)


def iter_jsonl_path(
    path: str | Path, *, date: str | None = None, limits: ReadLimits | None = None
) -> Iterator[Paper]:
    """Stream the papers of a .jsonl or .jsonl.gz file, one line at a time.

    With ``date``, lines that do not contain that date string are skipped before JSON
    parsing (the fast path), so malformed lines of other days go unnoticed.
    """
    return (paper for _, paper in _numbered_papers(path, date, limits or ReadLimits()))


def read_jsonl_path(
    path: str | Path, *, date: str | None = None, limits: ReadLimits | None = None
) -> Batch:
    """All papers of a .jsonl or .jsonl.gz file as a Batch, streamed (never the whole text)."""
    numbered = _numbered_papers(path, date, limits or ReadLimits())
    located = ((f"line {number}", paper) for number, paper in numbered)
    return collect(located, str(path))


def _numbered_papers(
    path: str | Path, date: str | None, limits: ReadLimits
) -> Iterator[tuple[int, Paper]]:
    origin = str(path)
    try:
        with open_bounded(Path(path), origin, limits) as handle:
            yield from _papers(_decoded(handle, origin), origin, date)
    except OSError as exc:  # missing file, unreadable, or a corrupt gzip stream
        raise InputError(origin, f"cannot read the file: {exc}") from exc
    except (EOFError, zlib.error) as exc:
        raise InputError(origin, f"the gzip stream is truncated or corrupt: {exc}") from exc


def _decoded(handle: Iterable[bytes], origin: str) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(handle, start=1):
        try:
            yield number, raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                origin, f"not UTF-8 text (byte {exc.start} of the line)", line=number
            ) from exc


def _papers(
    lines: Iterable[tuple[int, str]], origin: str, date: str | None
) -> Iterator[tuple[int, Paper]]:
    """Parse the numbered lines; with ``date``, skip lines not mentioning it before parsing."""
    for number, line in lines:
        if not line.strip() or (date is not None and date not in line):
            continue
        paper = parse_record(line, origin, number)
        if date is None or paper.date == date:
            yield number, paper


def parse_record(line: str, origin: str, number: int) -> Paper:
    """One JSON line as a Paper; InputError naming the line (and field) when malformed."""
    try:
        data = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise InputError(origin, f"not valid JSON: {exc}", line=number) from exc
    if not isinstance(data, dict):
        raise InputError(origin, "expected a JSON object", line=number)
    record = RawRecord(data, origin, line=number)
    return make_paper(
        title=record.title(),
        abstract=record.text("abstract"),
        authors=record.strings("authors", split_author_list),
        categories=record.strings("categories", split_categories),
        date=record.date(),
        arxiv=record.text("id") or None,
        doi=record.text("doi") or None,
        url=record.text("url"),
        source=SOURCE,
    )
