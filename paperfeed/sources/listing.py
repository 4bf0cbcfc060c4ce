"""Reader of the plain publication listing: owner line, then title / authors / abstract lines.

The layout (see ``shared/data/profiles/fang-han.txt``)::

    Fang, Han
    <title>
    Last, First, Last, First, ...
    <abstract>
    <title>
    ...

Blank lines anywhere are ignored. Papers carry no identifiers, so their id is the title hash.
"""

from __future__ import annotations

from paperfeed.errors import InputError
from paperfeed.records import Batch, Paper
from paperfeed.sources.fields import clean, collect, display_name, make_paper

SOURCE = "listing"
# A longer "name" means the lines are out of step: an abstract is being read as authors.
_MAX_NAME_PART = 80


def read_listing(text: str, origin: str) -> Batch:
    """Read a publication listing; ``Batch.owner`` is the first line as "First Last"."""
    lines = [(number, clean(line)) for number, line in enumerate(text.splitlines(), start=1)]
    lines = [(number, line) for number, line in lines if line]
    if not lines:
        raise InputError(origin, "empty listing: the first line must be the owner's name", line=1)
    owner_line, owner_raw = lines[0]
    owner = display_name(owner_raw)
    if len(owner) > _MAX_NAME_PART:
        raise InputError(origin, "the first line must be the owner's name", line=owner_line)
    records = lines[1:]
    located = []
    for start in range(0, len(records) - 2, 3):
        title, authors, abstract = records[start : start + 3]
        located.append((f"line {title[0]}", _paper(title[1], authors, abstract[1], origin)))
    if len(records) % 3:
        raise InputError(
            origin,
            "incomplete record: expected a title line, an authors line and an abstract line",
            line=records[len(records) - len(records) % 3][0],
        )
    return collect(located, origin, owner=owner)


def _paper(title: str, authors: tuple[int, str], abstract: str, origin: str) -> Paper:
    return make_paper(
        title=title,
        abstract=abstract,
        authors=parse_authors(authors[1], origin, authors[0]),
        source=SOURCE,
    )


def parse_authors(line: str, origin: str, number: int) -> list[str]:
    """Split "Last, First, Last, First" into ["First Last", ...]; odd counts are an error."""
    parts = [part.strip() for part in line.split(",")]
    if any(not part or len(part) > _MAX_NAME_PART for part in parts):
        raise InputError(
            origin,
            "this does not look like an authors line ('Last, First, Last, First, ...'); "
            "is a line of the record above missing?",
            line=number,
        )
    if len(parts) % 2:
        raise InputError(
            origin,
            f"authors must be 'Last, First' pairs joined by ', ', "
            f"found an odd number of parts ({len(parts)})",
            line=number,
        )
    return [f"{parts[i + 1]} {parts[i]}" for i in range(0, len(parts), 2)]
