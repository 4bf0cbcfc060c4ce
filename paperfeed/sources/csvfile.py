"""Reader of local CSV files of papers, one paper per row under a header row.

Columns (case-insensitive, any order, others ignored): ``id`` or ``arxiv_id``, ``title``
(required), ``abstract``, ``authors`` (separated by ";" or " and "; "Last, First" is
flipped), ``categories`` (separated by ";", "," or spaces), ``date``, ``url``, ``doi``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from paperfeed.errors import InputError
from paperfeed.records import Batch, Paper
from paperfeed.sources.fields import collect, make_paper, split_categories, split_names
from paperfeed.sources.rawrecord import RawRecord

SOURCE = "csv"
_ID_COLUMNS = ("arxiv_id", "id")


def read_csv(text: str, origin: str) -> Batch:
    """Read CSV text with a header row; blank text is an empty Batch."""
    rows = _rows(text, origin)
    header_row = next(rows, None)
    if header_row is None:
        return Batch(papers=(), origin=origin)
    header_line, header = header_row
    columns = [name.strip().lower() for name in header]
    if "title" not in columns:
        raise InputError(
            origin, "the header row has no 'title' column", line=header_line, field="title"
        )
    located = []
    for number, cells in rows:
        if len(cells) > len(columns):
            raise InputError(
                origin,
                f"{len(cells)} cells but the header has {len(columns)} columns "
                "(a comma inside an unquoted value?)",
                line=number,
            )
        row = dict(zip(columns, cells, strict=False))
        located.append((f"line {number}", _paper(row, origin, number)))
    return collect(located, origin)


def _rows(text: str, origin: str) -> Iterator[tuple[int, list[str]]]:
    """Non-empty CSV rows, each with the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(
                origin,
                f"malformed CSV in the row from here to line {reader.line_num}: {exc}",
                line=start,
            ) from exc
        if any(cell.strip() for cell in cells):
            yield start, cells
        start = reader.line_num + 1


def _paper(row: dict[str, str], origin: str, number: int) -> Paper:
    record = RawRecord(row, origin, line=number)
    raw_id = next((row[key] for key in _ID_COLUMNS if row.get(key, "").strip()), None)
    return make_paper(
        title=record.title("this row has no title"),
        abstract=record.text("abstract"),
        authors=split_names(record.text("authors")),
        categories=split_categories(record.text("categories")),
        date=record.date(),
        arxiv=raw_id,
        doi=record.text("doi") or None,
        url=record.text("url"),
        source=SOURCE,
    )
