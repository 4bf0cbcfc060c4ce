"""The author split: can a method find a researcher's next month of papers among all of them?

``author-split/march-2026.json`` holds tasks ``{user, profile: arXiv ids before the cutoff,
positives: the user's papers of the month}``; the candidates are every corpus paper listed
in the month, scored without their author lists (else the task is trivial). Metrics are
nDCG@10 and recall@100 averaged over users. The feedback simulation shows the user the first
digest, takes their own papers in it as thumbs up and the rest as thumbs down, and measures
nDCG@10 on what was not yet shown, before and after the feedback model.
"""

from __future__ import annotations

import gzip
import json
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from paperfeed.eval.metrics import mean_ci, ndcg_at_k, paired_diff_ci, recall_at_k
from paperfeed.eval.report import Scorer, Table
from paperfeed.records import Paper


@dataclass(frozen=True)
class Task:
    """One user: own papers before the cutoff and the ids of their papers in the month."""

    user: str
    profile: list[Paper]
    positives: frozenset[str]


@dataclass(frozen=True)
class AuthorSplit:
    """All tasks and the shared candidate list (papers without authors)."""

    tasks: list[Task]
    candidates: list[Paper]
    cutoff: str = ""  # the first listing day of the month: profiles end before it


def read_corpus(path: Path) -> dict[str, dict[str, Any]]:
    """The corpus rows by arXiv id (gzip JSON lines, or plain JSON lines)."""
    opener: Callable[..., Any] = gzip.open if path.suffix == ".gz" else open
    rows = {}
    with opener(path, "rt") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                rows[str(row["id"])] = row
    return rows


def _paper(row: dict[str, Any], *, with_authors: bool) -> Paper:
    return Paper(
        id=str(row["id"]),
        title=row.get("title") or "",
        abstract=row.get("abstract") or "",
        authors=tuple(row.get("authors") or ()) if with_authors else (),
        categories=tuple(row.get("categories") or ()),
        date=row.get("date"),
    )


def load_split(
    split_path: Path, corpus_path: Path, rows: Mapping[str, dict[str, Any]] | None = None
) -> AuthorSplit:
    """Tasks with their profile papers, and the month's candidates stripped of authors.

    ``rows`` is the corpus when the caller has read it already (``read_corpus``).
    """
    spec = json.loads(split_path.read_text())
    rows = read_corpus(corpus_path) if rows is None else rows
    candidates = [
        _paper(r, with_authors=False)
        for r in rows.values()
        if spec["cutoff"] <= (r.get("date") or "") < spec["end"]
    ]
    candidates.sort(key=lambda p: (p.date or "", p.id))
    tasks = [
        Task(
            user=t["user"],
            profile=[_paper(rows[i], with_authors=True) for i in t["profile"] if i in rows],
            positives=frozenset(t["positives"]),
        )
        for t in spec["tasks"]
    ]
    return AuthorSplit(tasks, candidates, spec["cutoff"])


@dataclass(frozen=True)
class SplitResult:
    """Per-user nDCG@10 and recall@100 of one method."""

    name: str
    ndcg: list[float]
    recall: list[float]


def ranking(scores: Sequence[float], candidates: Sequence[Paper]) -> list[str]:
    """Candidate ids, best score first (stable for ties)."""
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    return [candidates[i].id for i in order]


def evaluate_method(split: AuthorSplit, name: str, scorer: Scorer) -> SplitResult:
    """Score every task's profile against all candidates; per-user metrics."""
    ndcg, recall = [], []
    for task in split.tasks:
        ranked = ranking(scorer(task.profile, split.candidates), split.candidates)
        ndcg.append(ndcg_at_k(ranked, task.positives, 10))
        recall.append(recall_at_k(ranked, task.positives, 100))
    return SplitResult(name, ndcg, recall)


#: Users in each half of the split: settings are chosen on the first, reported on the second.
HALF = 150


def halves(n_users: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the tuning half and the held-out half of ``n_users`` (a fixed split)."""
    order = np.random.default_rng(2026).permutation(n_users)
    return np.sort(order[: n_users // 2]), np.sort(order[n_users // 2 :])


def held_out_half(result: SplitResult) -> SplitResult:
    """``result`` on the held-out half of the users only."""
    _, held = halves(len(result.ndcg))
    return SplitResult(
        f"{result.name}, held-out half",
        [result.ndcg[i] for i in held],
        [result.recall[i] for i in held],
    )


def authors_table(
    results: Sequence[SplitResult], notes: Sequence[str] = (), reference: str | None = None
) -> Table:
    """Results as a report table: means with bootstrap 95% intervals over users, and with
    ``reference`` the paired difference in nDCG@10 to that method (to its held-out half for
    the rows of the held-out half)."""
    by_name = {r.name: r for r in results}
    base = by_name.get(reference or "")
    rows = []
    for result in results:
        low, high = mean_ci(result.ndcg)
        rlow, rhigh = mean_ci(result.recall)
        row = [
            result.name,
            f"{statistics.fmean(result.ndcg):.3f}",
            f"[{low:.3f}, {high:.3f}]",
            f"{statistics.fmean(result.recall):.3f}",
            f"[{rlow:.3f}, {rhigh:.3f}]",
        ]
        half = result.name.endswith(", held-out half")
        paired = by_name.get(f"{reference}, held-out half") if half else base
        if paired is not None:
            diff, dlow, dhigh = paired_diff_ci(result.ndcg, paired.ndcg)
            row.append("—" if result is paired else f"{diff:+.3f} [{dlow:+.3f}, {dhigh:+.3f}]")
        elif base is not None:
            row.append("")
        rows.append(row)
    columns = ["method", "nDCG@10", "95% CI", "recall@100", "95% CI"]
    if base is not None:
        columns.append(f"Δ nDCG@10 vs {reference} (paired 95% CI)")
    users = len(results[0].ndcg) if results else 0
    title = f"Author split (March 2026, {users} users): higher is better"
    return Table("authors", title, columns, rows, list(notes))


@dataclass(frozen=True)
class FeedbackResult:
    """nDCG@10 on the papers not yet shown, before and after one round of feedback."""

    before: list[float]
    after: list[float]
    skipped: int  # users whose every positive was in the first digest
    users: list[str]  # the users measured, in the order of ``before`` and ``after``


def simulate_feedback(
    split: AuthorSplit,
    digest: Callable[[Task], list[str]],
    rescore: Callable[..., Sequence[float]],
    base: Callable[[Task], Sequence[float]],
) -> FeedbackResult:
    """One round of feedback per user.

    ``digest(task)`` gives the ids of the first digest; the user rates each (own March paper
    +1, anything else -1); ``rescore(task, ratings)`` scores the candidates again with that
    feedback and ``base(task)`` without. Both are measured on the candidates not shown.
    """
    before: list[float] = []
    after: list[float] = []
    users: list[str] = []
    skipped = 0
    for task in split.tasks:
        shown = digest(task)
        remaining = task.positives - set(shown)
        if not remaining:
            skipped += 1
            continue
        users.append(task.user)
        ratings = {pid: (1 if pid in task.positives else -1) for pid in shown}
        unseen = [i for i, p in enumerate(split.candidates) if p.id not in ratings]
        pool = [split.candidates[i] for i in unseen]
        for scores, out in ((base(task), before), (rescore(task, ratings), after)):
            kept = np.asarray(scores)[unseen].tolist()
            out.append(ndcg_at_k(ranking(kept, pool), remaining, 10))
    return FeedbackResult(before, after, skipped, users)


def feedback_notes(result: FeedbackResult) -> list[str]:
    """Sentences for the report table."""
    if not result.before:
        return ["feedback simulation: no user had positives left after the first digest"]
    b, a = statistics.fmean(result.before), statistics.fmean(result.after)
    diffs = [y - x for x, y in zip(result.before, result.after, strict=True)]
    low, high = mean_ci(diffs)
    return [
        f"feedback simulation ({len(result.before)} users with positives left after the first "
        f"digest of 10; {result.skipped} had none): nDCG@10 on unseen papers "
        f"{b:.3f} before, {a:.3f} after one round of feedback "
        f"(change {a - b:+.3f}, 95% CI [{low:+.3f}, {high:+.3f}])",
    ]
