"""Papers in the store: upsert with cross-source deduplication, and lookups by id.

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

Ownership. A row with ``owner`` NULL is a *source record*: shared by every user and
written only by ingests of sources (arXiv, HF, feeds, snapshot files). A paper from a
user's upload (``upsert_papers(..., owner=user)``) belongs to that user: when it
duplicates a source record, the profile is linked to that record and the record is left
as it is; else it is stored as a private row (id ``own:<user>:<id>``) that only its owner
can see, search, rate or link. Matching only ever looks at rows of one owner.

Merge rule. A matched row keeps its id forever (profile links, feedback, history and
digests point at it). A source record seen again from the same source (a re-ingest, a new
arXiv version) takes the newcomer's non-empty title, abstract, authors, categories, url
and DOI; from another source, empty fields (abstract, authors, categories, url, source,
DOI, arXiv id) are filled from the newcomer and non-empty ones are kept. ``date`` is the earliest
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

PAPER_COLUMNS = "id, title, abstract, authors, categories, date, source, url, doi"
_ROW_COLUMNS = f"pk, {PAPER_COLUMNS}, arxiv_id, title_key, owner"
PRIVATE_PREFIX = "own:"
_REFRESHED = ("title", "abstract", "authors", "categories", "url", "doi")
#: Rows visible to a user (``?`` = the user): the source records and the user's own.
VISIBLE = "(p.owner IS NULL OR p.owner = ?)"


@dataclass(frozen=True, slots=True)
class UpsertResult:
    """What ``upsert_papers`` did: counts, and the stored id of each input paper in order."""

    added: int
    merged: int
    unchanged: int
    ids: tuple[str, ...]


def paper_from_row(row: Sequence[Any]) -> Paper:
    """A Paper from the ``PAPER_COLUMNS`` of a row."""
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
    if paper.id.startswith(PRIVATE_PREFIX):
        raise ValueError(f"paper {paper.id}: ids starting with {PRIVATE_PREFIX!r} are reserved")


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


def private_id(user: str, pid: str) -> str:
    """The stored id of ``user``'s private copy of the paper known as ``pid``."""
    return f"{PRIVATE_PREFIX}{user}:{pid}"


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


def _merged_values(
    row: sqlite3.Row | dict[str, Any], paper: Paper, first_listed: str | None, refresh: bool
) -> dict[str, Any]:
    """The row's values after merging ``paper`` in: fill empty fields (or, with
    ``refresh``, take the newcomer's non-empty ones), set the date."""
    new = _row_values(paper, row["title_key"])
    merged = {key: row[key] for key in new if key != "id"}
    if refresh:
        for key in _REFRESHED:
            if new[key] and new[key] != "[]":
                merged[key] = new[key]
        if merged["title"] != row["title"]:
            merged["title_key"] = _title_key(merged["title"])
    for key in ("abstract", "source", "url", "doi", "arxiv_id"):
        merged[key] = merged[key] or new[key]
    for key in ("authors", "categories"):
        if merged[key] == "[]":
            merged[key] = new[key]
    merged["date"] = first_listed or row["date"] or paper.date
    return merged


class PapersMixin(StoreBase):
    """Paper methods of the Store."""

    _touched: set[str]

    def upsert_papers(
        self, papers: Iterable[Paper], *, listed: bool = True, owner: str | None = None
    ) -> UpsertResult:
        """Add new papers and merge known ones (see the module docstring), all or nothing.

        ``listed=False`` stores the papers without recording listing sightings (for a
        profile import, whose dates are publication dates, not listing days). ``owner``
        makes them that user's upload: source records are never changed by it, and what
        is new is stored privately (never listed).
        """
        counts = {"added": 0, "merged": 0, "unchanged": 0}
        ids: list[str] = []
        self._touched: set[str] = set()  # rows written by this call: the first sighting wins
        with self.transaction():
            if owner is not None:
                self._ensure_user(owner)
            for paper in papers:
                _check(paper)
                if owner is None:
                    outcome, stored_id = self._upsert_shared(paper, listed)
                else:
                    outcome, stored_id = self._upsert_owned(paper, owner)
                counts[outcome] += 1
                ids.append(stored_id)
                if listed and owner is None and paper.date:
                    self._conn.execute(
                        "INSERT OR IGNORE INTO listings (paper_id, date, source) VALUES (?, ?, ?)",
                        (stored_id, paper.date, paper.source),
                    )
            if owner is None and counts["added"] + counts["merged"]:
                self._conn.execute(  # a staged ingest deciding meanwhile must decide again
                    "INSERT INTO counters (name, value) VALUES ('shared_version', 1) "
                    "ON CONFLICT (name) DO UPDATE SET value = counters.value + 1"
                )
        return UpsertResult(ids=tuple(ids), **counts)

    def _upsert_shared(self, paper: Paper, listed: bool) -> tuple[str, str]:
        title_key = _title_key(paper.title)
        row = self._match(paper, title_key, "")
        if row is None:
            self._insert_row(_row_values(paper, title_key), None)
            self._touched.add(paper.id)
            return "added", paper.id
        first_listed = self._first_listed(row["id"], paper.date if listed else None)
        same_source = not row["source"] or row["source"] == paper.source
        refresh = same_source and row["id"] not in self._touched
        self._touched.add(row["id"])
        merged = _merged_values(row, paper, first_listed, refresh)
        return self._update_row(row, merged)

    def _upsert_owned(self, paper: Paper, owner: str) -> tuple[str, str]:
        """A user's upload: link to the source record it duplicates, else a private row."""
        title_key = _title_key(paper.title)
        shared = self._match(paper, title_key, "")
        if shared is not None:
            return "unchanged", str(shared["id"])
        row = self._match(paper, title_key, owner)
        if row is None:
            values = _row_values(paper, title_key)
            values["id"] = private_id(owner, paper.id)
            if not values["url"] and paper.arxiv_id:
                values["url"] = f"https://arxiv.org/abs/{paper.arxiv_id}"
            self._insert_row(values, owner)
            return "added", str(values["id"])
        return self._update_row(row, _merged_values(row, paper, None, refresh=False))

    def _insert_row(self, values: dict[str, Any], owner: str | None) -> None:
        values = {"pk": self._next_pks(1), **values, "owner": owner}
        self._conn.execute(
            f"INSERT INTO papers ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
            list(values.values()),
        )
        self._index_for_search(
            [(values["pk"], values["title"], values["abstract"], values["authors"])]
        )

    def _index_for_search(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Add new rows, as (pk, title, abstract, authors), to the full-text index (FTS5
        follows updates and deletes by triggers; inserts are the store's job)."""
        self._conn.executemany(
            "INSERT INTO papers_fts (rowid, title, abstract, authors) VALUES (?, ?, ?, ?)", rows
        )

    def _update_row(self, row: sqlite3.Row, merged: dict[str, Any]) -> tuple[str, str]:
        if all(row[key] == value for key, value in merged.items()):
            return "unchanged", str(row["id"])
        assignments = ", ".join(f"{key} = ?" for key in merged)
        self._conn.execute(
            f"UPDATE papers SET {assignments} WHERE pk = ?", [*merged.values(), row["pk"]]
        )
        return "merged", str(row["id"])

    def _next_pks(self, count: int) -> int:
        """Reserve ``count`` paper row numbers (never handed out twice); the first one."""
        self._conn.execute(
            "UPDATE counters SET value = value + ? WHERE name = 'paper_pk'", (count,)
        )
        (last,) = self._conn.execute(
            "SELECT value FROM counters WHERE name = 'paper_pk'"
        ).fetchone()
        return int(last) - count + 1

    def _first_listed(self, pid: str, also: str | None) -> str | None:
        """The earliest listing day of the paper, counting ``also`` as one."""
        first = self._conn.execute(
            "SELECT min(date) FROM listings WHERE paper_id = ?", (pid,)
        ).fetchone()[0]
        return min(d for d in (first, also) if d) if (first or also) else None

    def find_paper_id(self, paper: Paper, *, owner: str | None = None) -> str | None:
        """The id of the stored paper that ``paper`` duplicates, or None (the dedup lookup):
        a source record, else (with ``owner``) one of that user's private rows."""
        with self._read():
            key = _title_key(paper.title)
            row = self._match(paper, key, "")
            if row is None and owner is not None:
                row = self._match(paper, key, owner)
        return None if row is None else str(row["id"])

    def _match(self, paper: Paper, title_key: str, owner: str) -> sqlite3.Row | None:
        """The row of ``owner`` ('' = the source records) that ``paper`` duplicates."""
        own_id = private_id(owner, paper.id) if owner else paper.id
        row = self._row_where("id = ?", own_id, owner) or (
            self._row_where("arxiv_id = ?", paper.arxiv_id, owner) if paper.arxiv_id else None
        )
        if row is not None:
            return row
        doi = _doi_of(paper)
        for candidate in self._rows_where("doi = ?", doi, owner) if doi else []:
            if self._compatible(candidate, paper, by_title=False):
                return candidate
        by_title = title_key != _NO_TITLE_KEY
        for candidate in self._rows_where("title_key = ?", title_key, owner) if by_title else []:
            if self._compatible(candidate, paper, by_title=True):
                return candidate
        return None

    @staticmethod
    def _compatible(row: sqlite3.Row, paper: Paper, *, by_title: bool) -> bool:
        if row["arxiv_id"] and paper.arxiv_id and row["arxiv_id"] != paper.arxiv_id:
            return False
        return not by_title or _authors_overlap(json.loads(row["authors"]), paper.authors)

    def _row_where(self, condition: str, value: Any, owner: str) -> sqlite3.Row | None:
        rows = self._rows_where(condition, value, owner, limit=1)
        return rows[0] if rows else None

    def _rows_where(
        self, condition: str, value: Any, owner: str, limit: int = 50
    ) -> list[sqlite3.Row]:
        cursor = self._conn.execute(
            f"SELECT {_ROW_COLUMNS} FROM papers WHERE {condition} AND ifnull(owner, '') = ? "
            f"ORDER BY pk LIMIT {limit}",
            (value, owner),
        )
        cursor.row_factory = sqlite3.Row
        return cursor.fetchall()

    def resolve_id(self, pid: str, *, user: str | None = None) -> str | None:
        """The canonical id of the paper known as ``pid`` (any of its ids), or None.

        Only source records are found, and with ``user`` also that user's own uploads.
        """
        with self._lock:
            return self._resolve(pid, user)

    def _resolve(self, pid: str, user: str | None = None) -> str | None:
        # one indexed lookup at a time: an OR across columns would scan every paper
        row = self._conn.execute(
            f"SELECT id FROM papers p WHERE id = ? AND {VISIBLE}", (pid, user)
        ).fetchone()
        if row is None and pid.startswith(("doi:", "title:")):
            column, value = ("doi", pid[4:]) if pid.startswith("doi:") else ("title_key", pid)
            row = self._conn.execute(
                f"SELECT id FROM papers p WHERE {column} = ? AND {VISIBLE} "
                "ORDER BY owner IS NOT NULL, pk LIMIT 1",
                (value, user),
            ).fetchone()
        elif row is None:  # papers_arxiv is on (ifnull(owner, ''), arxiv_id)
            row = self._conn.execute(
                "SELECT id FROM papers WHERE ifnull(owner, '') IN ('', ?) AND arxiv_id = ? "
                "ORDER BY owner IS NOT NULL, pk LIMIT 1",
                (user or "", pid),
            ).fetchone()
        return None if row is None else str(row[0])

    def get_paper(self, pid: str, *, user: str | None = None) -> Paper | None:
        """The paper known as ``pid`` (a source record, or ``user``'s own), or None."""
        found = self.get_papers([pid], user=user)
        return found[0] if found else None

    def get_papers(self, ids: Iterable[str], *, user: str | None = None) -> list[Paper]:
        """Papers in the order of ``ids``; unknown ids, and other users' uploads, are skipped."""
        wanted = list(ids)
        with self._read():
            by_id = self._papers_by_id(list(dict.fromkeys(wanted)), user)
            missing = [pid for pid in wanted if pid not in by_id]
            for pid in missing:
                canonical = self._resolve(pid, user)
                if canonical is not None:
                    by_id[pid] = self._papers_by_id([canonical], user)[canonical]
        return [by_id[pid] for pid in wanted if pid in by_id]

    def _papers_by_id(self, ids: Sequence[str], user: str | None) -> dict[str, Paper]:
        rows = self._rows_in(
            f"SELECT {PAPER_COLUMNS} FROM papers p WHERE {VISIBLE} AND id IN ({{in}})",
            ids,
            before=[user],
        )
        return {row[0]: paper_from_row(row) for row in rows}

    def count_papers(self, *, shared: bool = False) -> int:
        """Number of stored papers (only the source records with ``shared``)."""
        where = " WHERE owner IS NULL" if shared else ""
        return int(self._one(f"SELECT count(*) FROM papers{where}")[0])
