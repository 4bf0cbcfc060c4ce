"""Ingest of source records in short writes: staged in chunks, published by one short step.

``ingest_papers`` takes a whole input (all batches of one file or listing) all or nothing,
like ``upsert_papers``, but never holds the write lock for long, so the web app and the
daily job keep writing while a 74k-paper snapshot goes in:

1. **Decide** (reads only): each paper is matched against the source records and against
   the papers met earlier in this input (the dedup and merge rules of ``papers.py``).
2. **Stage** (one short transaction per chunk): new rows go to ``staged_papers`` with row
   numbers reserved from the never-reused counter, and into the search index, where
   nothing finds them yet (search joins ``papers``).
3. **Publish** (one short transaction): the staged rows are copied into ``papers`` by one
   ``INSERT ... SELECT``; merges into known rows and listing sightings are written.

One ingest runs at a time (``ingest_runs``, owner host:pid); a run whose process died is
cleaned up (its staged rows and their search entries deleted) by the next ingest or by
``check()``. If another writer changed the source records between decide and publish, the
input is decided again.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from paperfeed.errors import PaperfeedError
from paperfeed.records import Paper
from paperfeed.store.base import chunks, utc_now
from paperfeed.store.papers import (
    _NO_TITLE_KEY,
    PapersMixin,
    UpsertResult,
    _authors_overlap,
    _check,
    _doi_of,
    _merged_values,
    _row_values,
    _title_key,
)

STAGE_CHUNK = 2000
WAIT_FOR_OTHER_INGEST = 1800.0  # seconds another live ingest may hold the staging
_COLUMNS = (
    "pk, id, arxiv_id, doi, title_key, title, abstract, authors, categories, date, source, url"
)
_ATTEMPTS = 3


def process_owner() -> str:
    """This process as an owner tag: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def owner_is_dead(owner: str) -> bool:
    """True when ``owner`` (host:pid) is a process of this host that no longer runs."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class _Stale(Exception):
    """The source records changed between deciding and publishing."""


@dataclass
class _Plan:
    """What one input will do: new rows, merges into known rows, listing sightings."""

    new: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> row values
    staged: set[str] = field(default_factory=set)  # ids already in staged_papers
    by_key: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    updates: dict[int, dict[str, Any]] = field(default_factory=dict)  # pk -> merged values
    originals: dict[int, dict[str, Any]] = field(default_factory=dict)
    listings: dict[tuple[str, str, str], None] = field(default_factory=dict)
    first_listed: dict[str, str] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)
    ids: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(
        default_factory=lambda: {"added": 0, "merged": 0, "unchanged": 0}
    )

    def index(self, values: dict[str, Any]) -> None:
        for key in ("id", "arxiv_id", "doi", "title_key"):
            if values.get(key):
                self.by_key.setdefault((key, values[key]), []).append(values["id"])


class StagingMixin(PapersMixin):
    """``ingest_papers``: staged, chunked ingest of source records."""

    def ingest_papers(self, batches: Sequence[Sequence[Paper]], origin: str) -> UpsertResult:
        """Store one input's source records all or nothing, in short writes (see module)."""
        for _ in range(_ATTEMPTS):
            run = self._claim_ingest(origin)
            try:
                plan, version = self._stage_all(run, batches)
                with self.transaction():
                    self._publish(run, plan, version)
                return UpsertResult(ids=tuple(plan.ids), **plan.counts)
            except _Stale:
                self._abandon(run)
            except BaseException:
                self._abandon(run)
                raise
        raise PaperfeedError(f"{origin}: the papers kept changing under the ingest; try again")

    # --- deciding and staging ------------------------------------------------------------

    def _stage_all(self, run: str, batches: Iterable[Sequence[Paper]]) -> tuple[_Plan, int]:
        plan = _Plan()
        version = self._shared_version()
        for batch in batches:
            for part in chunks(list(batch), STAGE_CHUNK):
                with self._read():
                    for paper in part:
                        stored = self._decide(paper, plan)
                        plan.ids.append(stored)
                        if paper.date:
                            plan.listings[(stored, paper.date, paper.source)] = None
                self._stage(run, plan)
        return plan, version

    def _decide(self, paper: Paper, plan: _Plan) -> str:
        """Plan what ``paper`` does; the id it is stored under."""
        _check(paper)
        title_key = _title_key(paper.title)
        row = self._match(paper, title_key, "")
        if row is not None:
            return self._merge_known(dict(row), paper, plan)
        found = self._match_new(paper, title_key, plan)
        if found is None:
            values = _row_values(paper, title_key)
            plan.new[paper.id] = values
            plan.index(values)
            plan.touched.add(paper.id)
            plan.counts["added"] += 1
            if paper.date:
                plan.first_listed[paper.id] = paper.date
            return paper.id
        values = plan.new[found]
        merged = _merged_values(values, paper, self._planned_first(found, paper, plan), False)
        self._record(found, values, merged, plan)
        return found

    def _merge_known(self, row: dict[str, Any], paper: Paper, plan: _Plan) -> str:
        pid, pk = str(row["id"]), int(row["pk"])
        current = plan.updates.get(pk, row)
        first = self._first_listed(pid, paper.date)
        first = min(d for d in (first, plan.first_listed.get(pid)) if d) if first else None
        if first:
            plan.first_listed[pid] = first
        refresh = (not row["source"] or row["source"] == paper.source) and pid not in plan.touched
        plan.touched.add(pid)
        merged = _merged_values(current, paper, first, refresh)
        plan.originals.setdefault(pk, row)
        original = plan.originals[pk]
        if all(original[key] == value for key, value in merged.items()):
            plan.updates.pop(pk, None)
            plan.counts["unchanged"] += 1
            return pid
        plan.updates[pk] = merged
        plan.counts["merged"] += 1
        return pid

    def _planned_first(self, pid: str, paper: Paper, plan: _Plan) -> str | None:
        dates = [d for d in (plan.first_listed.get(pid), paper.date) if d]
        if dates:
            plan.first_listed[pid] = min(dates)
        return plan.first_listed.get(pid) or plan.new[pid]["date"]

    def _record(
        self, pid: str, values: dict[str, Any], merged: dict[str, Any], plan: _Plan
    ) -> None:
        """A paper met again in the same input: merge into its new row (or its staged one)."""
        if all(values[key] == value for key, value in merged.items()):
            plan.counts["unchanged"] += 1
            return
        plan.counts["merged"] += 1
        if pid in plan.staged:  # applied after the staged row is published
            pk = int(values["pk"])
            plan.updates[pk] = {**plan.updates.get(pk, {}), **merged}
            plan.originals.setdefault(pk, dict(values))
        values.update(merged)
        plan.index(values)

    def _match_new(self, paper: Paper, title_key: str, plan: _Plan) -> str | None:
        """The id of a paper met earlier in this input that ``paper`` duplicates."""
        for key, value in (("id", paper.id), ("arxiv_id", paper.arxiv_id)):
            if value and plan.by_key.get((key, value)):
                return plan.by_key[(key, value)][0]
        doi = _doi_of(paper)
        for pid in plan.by_key.get(("doi", doi), []) if doi else []:
            if _compatible(plan.new[pid], paper, by_title=False):
                return pid
        if title_key != _NO_TITLE_KEY:
            for pid in plan.by_key.get(("title_key", title_key), []):
                if _compatible(plan.new[pid], paper, by_title=True):
                    return pid
        return None

    def _stage(self, run: str, plan: _Plan) -> None:
        """Write the rows decided since the last chunk into staged_papers and the index."""
        fresh = [pid for pid in plan.new if pid not in plan.staged]
        if not fresh:
            return
        with self.transaction():
            first = self._next_pks(len(fresh))
            rows = []
            for offset, pid in enumerate(fresh):
                values = plan.new[pid]
                values["pk"] = first + offset
                rows.append((run, *(values[c] for c in _COLUMNS.split(", "))))
            marks = ", ".join("?" * (len(_COLUMNS.split(", ")) + 1))
            self._conn.executemany(
                f"INSERT INTO staged_papers (run, {_COLUMNS}) VALUES ({marks})", rows
            )
            self._index_for_search(
                [
                    (
                        plan.new[pid]["pk"],
                        plan.new[pid]["title"],
                        plan.new[pid]["abstract"],
                        plan.new[pid]["authors"],
                    )
                    for pid in fresh
                ]
            )
        plan.staged.update(fresh)

    # --- publishing ----------------------------------------------------------------------

    def _publish(self, run: str, plan: _Plan, version: int) -> None:
        """The short final step (the caller holds the transaction)."""
        if self._shared_version() != version:
            raise _Stale
        self._conn.execute(
            f"INSERT INTO papers ({_COLUMNS}) SELECT {_COLUMNS} FROM staged_papers WHERE run = ?",
            (run,),
        )
        for pk, merged in plan.updates.items():
            merged = {k: v for k, v in merged.items() if k not in ("id", "pk")}
            assignments = ", ".join(f"{key} = ?" for key in merged)
            self._conn.execute(
                f"UPDATE papers SET {assignments} WHERE pk = ?", [*merged.values(), pk]
            )
        self._conn.executemany(
            "INSERT OR IGNORE INTO listings (paper_id, date, source) VALUES (?, ?, ?)",
            list(plan.listings),
        )
        self._conn.execute("DELETE FROM staged_papers WHERE run = ?", (run,))
        self._conn.execute("DELETE FROM ingest_runs WHERE run = ?", (run,))
        if plan.new or plan.updates:
            self._bump_shared_version()

    def _shared_version(self) -> int:
        row = self._one("SELECT value FROM counters WHERE name = 'shared_version'")
        return 0 if row is None else int(row[0])

    def _bump_shared_version(self) -> None:
        self._conn.execute(
            "INSERT INTO counters (name, value) VALUES ('shared_version', 1) "
            "ON CONFLICT (name) DO UPDATE SET value = counters.value + 1"
        )

    # --- one run at a time, and cleaning up after dead ones ------------------------------

    def _claim_ingest(self, origin: str) -> str:
        run, me = uuid.uuid4().hex, process_owner()
        deadline = time.monotonic() + WAIT_FOR_OTHER_INGEST
        while True:
            for other, owner in self._rows("SELECT run, owner FROM ingest_runs"):
                if owner_is_dead(owner):
                    self._abandon(other)
            with self.transaction():
                busy = self._conn.execute("SELECT owner FROM ingest_runs LIMIT 1").fetchone()
                if busy is None:
                    self._conn.execute(
                        "INSERT INTO ingest_runs (run, owner, origin, started) VALUES (?, ?, ?, ?)",
                        (run, me, origin, utc_now()),
                    )
                    return run
            if time.monotonic() > deadline:
                raise PaperfeedError(f"{origin}: another ingest ({busy[0]}) is still running")
            time.sleep(0.5)

    def _abandon(self, run: str) -> None:
        """Delete a run's staged rows and their search entries, in short transactions."""
        while True:
            with self.transaction():
                pks = [
                    row[0]
                    for row in self._conn.execute(
                        "SELECT pk FROM staged_papers WHERE run = ? LIMIT ?", (run, STAGE_CHUNK)
                    )
                ]
                if not pks:
                    self._conn.execute("DELETE FROM ingest_runs WHERE run = ?", (run,))
                    return
                marks = ", ".join("?" * len(pks))
                self._unindex_staged(run, pks)
                self._conn.execute(
                    f"DELETE FROM staged_papers WHERE run = ? AND pk IN ({marks})", (run, *pks)
                )

    def _unindex_staged(self, run: str, pks: Sequence[int]) -> None:
        """Take staged rows of ``run`` out of the full-text index (they never became papers)."""
        self._conn.execute(
            "INSERT INTO papers_fts (papers_fts, rowid, title, abstract, authors) "
            "SELECT 'delete', pk, title, abstract, authors FROM staged_papers "
            f"WHERE run = ? AND pk IN ({', '.join('?' * len(pks))})",
            (run, *pks),
        )

    def check(self) -> list[str]:
        """``StoreBase.check`` after cleaning up dead ingests; the search entries of a live
        ingest's staged rows are left out of the index check (they are not papers yet)."""
        self.clean_dead_ingests()
        with self.transaction():
            self._conn.execute("SAVEPOINT hide_staged")
            try:
                self._conn.execute(
                    "INSERT INTO papers_fts (papers_fts, rowid, title, abstract, authors) "
                    "SELECT 'delete', pk, title, abstract, authors FROM staged_papers"
                )
                return super().check()
            finally:
                self._conn.execute("ROLLBACK TO hide_staged")
                self._conn.execute("RELEASE hide_staged")

    def clean_dead_ingests(self) -> int:
        """Remove what ingests whose process died left staged; how many runs were cleaned."""
        dead = [
            run
            for run, owner in self._rows("SELECT run, owner FROM ingest_runs")
            if owner_is_dead(owner)
        ]
        for run in dead:
            self._abandon(run)
        return len(dead)


def _compatible(values: dict[str, Any], paper: Paper, *, by_title: bool) -> bool:
    if values["arxiv_id"] and paper.arxiv_id and values["arxiv_id"] != paper.arxiv_id:
        return False
    return not by_title or _authors_overlap(json.loads(values["authors"]), paper.authors)


__all__ = ["StagingMixin", "owner_is_dead", "process_owner"]
