"""Papers in the store: upsert with cross-source deduplication, lookups, listings, search.

Dedup rule (``find_paper_id``). An incoming paper is the same as a stored row when, in order:

1. its canonical ``id`` is a stored id;
2. its arXiv id is the arXiv id recorded on a row (a row keeps the arXiv id it learned
   even when its own id is a ``doi:`` or ``title:`` id);
3. its DOI is the DOI of a row;
4. its normalized title (``ids.normalize_title``, so case, punctuation, accents and LaTeX
   do not matter) is the title of a row.

A candidate found by 3 or 4 is rejected when both carry different arXiv ids (two arXiv
submissions are two papers), and one found by 4 also when both list authors and no author
is shared (``ids.normalize_author``): a generic title does not make two papers one.
Papers whose title normalizes to nothing are never matched by title.

Merge rule. A matched row keeps its id forever (profile links, feedback, history and
digests point at it). Empty fields (abstract, authors, categories, url, source, DOI,
arXiv id) are filled from the newcomer; non-empty ones are kept. ``date`` is the earliest
listing day of the paper when it was ever listed (whatever the import order), else the
first date known (a publication date from a profile import). So a profile paper
imported as ``title:...`` and later listed on arXiv keeps its ``title:`` id but records
the arXiv id and DOI, and every later import of it, by either key, finds the same row.
A merge that changes nothing writes nothing: re-importing the same papers is a no-op.

Every (paper, date, source) sighting goes to ``listings`` (when the paper has a date and
``listed`` is true), so ``papers_on(day)`` gives back exactly the papers listed that day.
Ids given to the read methods may be any id a paper was known by (its arXiv id, ``doi:``
id, or ``title:`` id); the papers come back under their canonical id.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from paperfeed.ids import normalize_author, paper_id
from paperfeed.records import Paper
from paperfeed.store.base import StoreBase

_PAPER_COLUMNS = "id, title, abstract, authors, categories, date, source, url, doi"
_ROW_COLUMNS = f"pk, {_PAPER_COLUMNS}, arxiv_id, title_key"


@dataclass(frozen=True, slots=True)
class UpsertResult:
    """What ``upsert_papers`` did: counts, and the stored id of each input paper in order."""

    added: int
    merged: int
    unchanged: int
    ids: tuple[str, ...]


def paper_from_row(row: Sequence[Any]) -> Paper:
    """A Paper from the ``_PAPER_COLUMNS`` of a row."""
    pid, title, abstract, authors, categories, date, source, url, doi = row[:9]
    return Paper(
        id=pid,
        title=title,
        abstract=abstract,
        authors=tuple(json.loads(authors)),
        categories=tuple(json.loads(categories)),
        date=date,
        source=source,
        url=url,
        doi=doi,
    )


def _check(paper: Paper) -> None:
    """Refuse a paper the store cannot keep, naming it."""
    if not isinstance(paper, Paper):
        raise TypeError(f"upsert_papers takes Paper records, not {type(paper).__name__}")
    if not isinstance(paper.id, str) or not paper.id.strip():
        raise ValueError(f"a paper needs a non-empty id (title {paper.title!r})")
    if not isinstance(paper.title, str):
        raise ValueError(f"paper {paper.id}: the title must be text, not {paper.title!r}")


def _doi_of(paper: Paper) -> str | None:
    if paper.doi:
        return paper.doi
    return paper.id[4:] if paper.id.startswith("doi:") else None


_NO_TITLE_KEY = paper_id(None, None, "")


def _title_key(title: str) -> str:
    """The title dedup key (``ids.paper_id`` of the title alone)."""
    return paper_id(None, None, title)


def _authors_overlap(a: Sequence[str], b: Sequence[str]) -> bool:
    if not a or not b:
        return True
    return bool({normalize_author(n) for n in a} & {normalize_author(n) for n in b})


def _row_values(paper: Paper, title_key: str) -> dict[str, Any]:
    """Column values of a new row for ``paper``."""
    return {
        "id": paper.id,
        "arxiv_id": paper.arxiv_id,
        "doi": _doi_of(paper),
        "title_key": title_key,
        "title": paper.title,
        "abstract": paper.abstract,
        "authors": json.dumps(list(paper.authors)),
        "categories": json.dumps(list(paper.categories)),
        "date": paper.date,
        "source": paper.source,
        "url": paper.url,
    }


def _merged_values(row: sqlite3.Row, paper: Paper, first_listed: str | None) -> dict[str, Any]:
    """The row's values after merging ``paper`` in: fill empty fields, set the date."""
    new = _row_values(paper, row["title_key"])
    merged = {key: row[key] for key in new if key != "id"}
    for key in ("abstract", "source", "url", "doi", "arxiv_id"):
        merged[key] = merged[key] or new[key]
    for key in ("authors", "categories"):
        if merged[key] == "[]":
            merged[key] = new[key]
    merged["date"] = first_listed or row["date"] or paper.date
    return merged


class PapersMixin(StoreBase):
    """Paper methods of the Store."""

    def upsert_papers(self, papers: Iterable[Paper], *, listed: bool = True) -> UpsertResult:
        """Add new papers and merge known ones (see the module docstring), all or nothing.

        ``listed=False`` stores the papers without recording listing sightings (for a
        profile import, whose dates are publication dates, not listing days).
        """
        counts = {"added": 0, "merged": 0, "unchanged": 0}
        ids: list[str] = []
        with self.transaction():
            for paper in papers:
                outcome, stored_id = self._upsert_one(paper, listed)
                counts[outcome] += 1
                ids.append(stored_id)
                if listed and paper.date:
                    self._conn.execute(
                        "INSERT OR IGNORE INTO listings (paper_id, date, source) VALUES (?, ?, ?)",
                        (stored_id, paper.date, paper.source),
                    )
        return UpsertResult(ids=tuple(ids), **counts)

    def _upsert_one(self, paper: Paper, listed: bool) -> tuple[str, str]:
        _check(paper)
        title_key = _title_key(paper.title)
        row = self._match(paper, title_key)
        if row is None:
            values = _row_values(paper, title_key)
            columns = ", ".join(values)
            cursor = self._conn.execute(
                f"INSERT INTO papers ({columns}) VALUES ({', '.join('?' * len(values))})",
                list(values.values()),
            )
            self._conn.execute(
                "INSERT INTO papers_fts (rowid, title, abstract, authors) VALUES (?, ?, ?, ?)",
                (cursor.lastrowid, paper.title, paper.abstract, values["authors"]),
            )
            return "added", paper.id
        first_listed = self._first_listed(row["id"], paper.date if listed else None)
        merged = _merged_values(row, paper, first_listed)
        if all(row[key] == value for key, value in merged.items()):
            return "unchanged", row["id"]
        assignments = ", ".join(f"{key} = ?" for key in merged)
        self._conn.execute(
            f"UPDATE papers SET {assignments} WHERE pk = ?", [*merged.values(), row["pk"]]
        )
        return "merged", row["id"]

    def _first_listed(self, pid: str, also: str | None) -> str | None:
        """The earliest listing day of the paper, counting ``also`` as one."""
        first = self._conn.execute(
            "SELECT min(date) FROM listings WHERE paper_id = ?", (pid,)
        ).fetchone()[0]
        return min(d for d in (first, also) if d) if (first or also) else None

    def find_paper_id(self, paper: Paper) -> str | None:
        """The id of the stored paper that ``paper`` duplicates, or None (the dedup lookup)."""
        with self._read():
            row = self._match(paper, _title_key(paper.title))
        return None if row is None else str(row["id"])

    def _match(self, paper: Paper, title_key: str) -> sqlite3.Row | None:
        """The stored row ``paper`` is a duplicate of (rules in the module docstring)."""
        row = self._row_where("id = ?", paper.id) or (
            self._row_where("arxiv_id = ?", paper.arxiv_id) if paper.arxiv_id else None
        )
        if row is not None:
            return row
        doi = _doi_of(paper)
        for candidate in self._rows_where("doi = ?", doi) if doi else []:
            if self._compatible(candidate, paper, by_title=False):
                return candidate
        by_title = title_key != _NO_TITLE_KEY
        for candidate in self._rows_where("title_key = ?", title_key) if by_title else []:
            if self._compatible(candidate, paper, by_title=True):
                return candidate
        return None

    @staticmethod
    def _compatible(row: sqlite3.Row, paper: Paper, *, by_title: bool) -> bool:
        if row["arxiv_id"] and paper.arxiv_id and row["arxiv_id"] != paper.arxiv_id:
            return False
        return not by_title or _authors_overlap(json.loads(row["authors"]), paper.authors)

    def _row_where(self, condition: str, value: Any) -> sqlite3.Row | None:
        rows = self._rows_where(condition, value, limit=1)
        return rows[0] if rows else None

    def _rows_where(self, condition: str, value: Any, limit: int = 50) -> list[sqlite3.Row]:
        cursor = self._conn.execute(
            f"SELECT {_ROW_COLUMNS} FROM papers WHERE {condition} ORDER BY pk LIMIT {limit}",
            (value,),
        )
        cursor.row_factory = sqlite3.Row
        return cursor.fetchall()

    def resolve_id(self, pid: str) -> str | None:
        """The canonical id of the paper known as ``pid`` (any of its ids), or None."""
        with self._lock:
            return self._resolve(pid)

    def _resolve(self, pid: str) -> str | None:
        if pid.startswith("doi:"):
            column, value = "doi", pid[4:]
        elif pid.startswith("title:"):
            column, value = "title_key", pid
        else:
            column, value = "arxiv_id", pid
        row = self._conn.execute(
            f"SELECT id FROM papers WHERE id = ? OR {column} = ? ORDER BY id != ?, pk LIMIT 1",
            (pid, value, pid),
        ).fetchone()
        return None if row is None else str(row[0])

    def get_paper(self, pid: str) -> Paper | None:
        """The paper known as ``pid``, or None."""
        found = self.get_papers([pid])
        return found[0] if found else None

    def get_papers(self, ids: Iterable[str]) -> list[Paper]:
        """Papers in the order of ``ids``; unknown ids are skipped."""
        wanted = list(ids)
        with self._read():
            by_id = self._papers_by_id(list(dict.fromkeys(wanted)))
            missing = [pid for pid in wanted if pid not in by_id]
            for pid in missing:
                canonical = self._resolve(pid)
                if canonical is not None:
                    by_id[pid] = self._papers_by_id([canonical])[canonical]
        return [by_id[pid] for pid in wanted if pid in by_id]

    def _papers_by_id(self, ids: Sequence[str]) -> dict[str, Paper]:
        rows = self._rows_in(f"SELECT {_PAPER_COLUMNS} FROM papers WHERE id IN ({{in}})", ids)
        return {row[0]: paper_from_row(row) for row in rows}

    def papers_on(self, date: str) -> list[Paper]:
        """The papers listed on ``date`` (any source), in the order they were first seen."""
        rows = self._rows(
            f"SELECT {', '.join('p.' + c for c in _PAPER_COLUMNS.split(', '))} "
            "FROM listings l JOIN papers p ON p.id = l.paper_id WHERE l.date = ? "
            "GROUP BY p.id ORDER BY min(l.seq)",
            (date,),
        )
        return [paper_from_row(row) for row in rows]

    def history_texts(self, before: str, limit: int) -> list[tuple[str, str]]:
        """(title, abstract) of up to ``limit`` papers listed before ``before``, newest first.

        The background the day's TF-IDF is fitted on: term rarity is judged against
        months of listings, not only the day's few hundred papers.
        """
        if limit <= 0:
            return []
        rows = self._rows(
            "SELECT p.title, p.abstract FROM papers p JOIN ("
            "  SELECT paper_id, max(date) AS last FROM listings WHERE date < ? "
            "  GROUP BY paper_id ORDER BY last DESC, paper_id LIMIT ?"
            ") recent ON recent.paper_id = p.id ORDER BY recent.last DESC, p.id",
            (before, limit),
        )
        return [(row[0], row[1]) for row in rows]

    def listing_dates(self) -> list[str]:
        """Every day with at least one listed paper, oldest first."""
        return [row[0] for row in self._rows("SELECT DISTINCT date FROM listings ORDER BY date")]

    def latest_date(self) -> str | None:
        """The most recent listing day, or None when nothing was listed."""
        return self._one("SELECT max(date) FROM listings")[0]

    def count_papers(self) -> int:
        """Number of stored papers."""
        return int(self._one("SELECT count(*) FROM papers")[0])
