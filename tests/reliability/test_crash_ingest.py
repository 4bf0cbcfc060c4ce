"""Crashes: `paperfeed ingest` killed with SIGKILL at random points, then run again.

Each seed kills the child after a random delay within a clean run's duration, checks the
database is intact and the feedback given before the crash is still there, reruns the
ingest, and compares the store with one clean run's: same papers, listings, users,
profile and feedback, nothing lost and nothing twice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pytest

from paperfeed.records import Feedback, Paper
from paperfeed.store import Store

from .ledger import record
from .procs import child_env, kill_after, paperfeed_cmd, run
from .synth import dump, lost_and_duplicated, synthetic_papers, write_jsonl

PAPERS = 3000
SEEDS = range(5)
OWN = [
    Paper(
        id=f"2401.{n:05d}",
        title=f"Own paper number {n} about sparse kernels",
        abstract="sparse kernels for graph learning",
        authors=("Jane Doe",),
        date="2024-01-02",
    )
    for n in range(1, 4)
]


@dataclass(frozen=True)
class Clean:
    """The input file, a clean run's store content and how long that run took."""

    listing: Path
    expected: dict[str, list[tuple]]
    seconds: float


def seed(db: Path) -> None:
    """A user with a profile and feedback, all there before any ingest starts."""
    with Store.open(db) as store:
        store.upsert_papers(OWN, listed=False)
        store.add_profile_papers("jane", [p.id for p in OWN])
        store.set_email("jane", "jane@example.org")
        store.add_feedback(Feedback("jane", OWN[0].id, 1, "2026-06-01T00:00:00+00:00"))
        store.add_feedback(Feedback("jane", OWN[1].id, -1, "2026-06-01T00:00:01+00:00"))


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Clean:
    folder = tmp_path_factory.mktemp("crash-ingest")
    listing = write_jsonl(folder / "listing.jsonl", synthetic_papers(PAPERS, seed=3))
    db = folder / "clean.db"
    seed(db)
    done = run(paperfeed_cmd(db, "ingest", str(listing)), env=child_env())
    assert done.returncode == 0, done.stderr
    expected = dump(db)
    assert len(expected["papers"]) == PAPERS + len(OWN)
    return Clean(listing, expected, done.seconds)


@pytest.mark.parametrize("seed_value", SEEDS)
def test_killed_ingest_reruns_to_the_clean_result(
    clean: Clean, tmp_path: Path, seed_value: int
) -> None:
    db = tmp_path / "crash.db"
    seed(db)
    feedback_before = dump(db, ("feedback_events",))
    delay = random.Random(seed_value).uniform(0.05, clean.seconds)
    crashed = kill_after(paperfeed_cmd(db, "ingest", str(clean.listing)), delay, child_env())

    with Store.open(db) as store:
        assert store.check() == []
        papers_after_crash = store.count_papers()
    assert papers_after_crash in (len(OWN), PAPERS + len(OWN))  # all or nothing
    assert dump(db, ("feedback_events",)) == feedback_before

    rerun = run(paperfeed_cmd(db, "ingest", str(clean.listing)), env=child_env())
    assert rerun.returncode == 0, rerun.stderr
    lost, dups = lost_and_duplicated(clean.expected, dump(db))
    record(
        "crash: kill -9 paperfeed ingest",
        inputs=1,
        faults=int(crashed.killed),
        lost=lost,
        duplicates=dups,
        note=f"seed {seed_value}: {PAPERS} papers, kill at {delay:.2f}s, "
        f"{'mid-run' if crashed.killed else 'after the end'}, "
        f"{papers_after_crash - len(OWN)} papers committed before the rerun",
    )
    assert (lost, dups) == (0, 0)
