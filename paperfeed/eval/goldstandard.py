"""The reviewer-expertise gold standard (Stelmakh et al. 2023): loading and scoring methods on it.

Layout of ``<data_dir>/goldstandard``: ``evaluations.csv`` (tab-separated: ParticipantID,
Paper1..Paper10, Expertise1..Expertise10) and ``evaluation_datasets/d_20_<draw>/``
with ``archives/~<ParticipantID>.jsonl`` (20 own papers each) and ``submissions.json``.
Every method scores, for each researcher, all submissions at once (one shared candidate
list, as a daily listing would be); only the rated ones enter the loss.
"""

from __future__ import annotations

import csv
import json
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paperfeed.eval.metrics import goldstandard_loss, pair_loss, pooled_ratio_diff_ci
from paperfeed.eval.report import Scorer, Table

DRAWS = tuple(range(1, 11))


@dataclass(frozen=True)
class Draw:
    """One of the ten draws: each researcher's own papers and the shared submissions."""

    number: int
    archives: dict[str, list[dict[str, Any]]]
    submissions: dict[str, dict[str, Any]]


def _paper_dict(record: dict[str, Any]) -> dict[str, Any]:
    content = record.get("content", record)
    year = content.get("year")
    return {
        "id": str(record.get("id") or content.get("ssId") or ""),
        "title": content.get("title") or "",
        "abstract": content.get("abstract") or "",
        "authors": tuple(content.get("authors") or ()),
        "date": f"{int(year):04d}-07-01" if year else None,
    }


def load_ratings(path: Path) -> dict[str, dict[str, float]]:
    """Researcher -> {paper id: expertise rating} from ``evaluations.csv`` (blanks skipped)."""
    ratings: dict[str, dict[str, float]] = {}
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            rated = {
                row[f"Paper{i}"]: float(row[f"Expertise{i}"])
                for i in range(1, 11)
                if row.get(f"Paper{i}") and row.get(f"Expertise{i}")
            }
            ratings[str(row["ParticipantID"])] = rated
    return ratings


def load_draw(root: Path, number: int) -> Draw:
    """Read draw ``d_20_<number>`` below ``root`` (the ``goldstandard`` directory)."""
    folder = root / "evaluation_datasets" / f"d_20_{number}"
    archives = {}
    for path in sorted((folder / "archives").glob("~*.jsonl")):
        lines = path.read_text().splitlines()
        archives[path.stem.lstrip("~")] = [_paper_dict(json.loads(x)) for x in lines if x.strip()]
    raw = json.loads((folder / "submissions.json").read_text())
    submissions = {key: _paper_dict(value) | {"id": key} for key, value in raw.items()}
    return Draw(number, archives, submissions)


def draw_predictions(
    draw: Draw, ratings: dict[str, dict[str, float]], scorer: Scorer, per_researcher: bool = False
) -> dict[str, dict[str, float]]:
    """Each rated researcher's predicted score of every submission they rated: scored among
    all submissions of the draw, or with ``per_researcher`` among only those they rated."""
    predictions = {}
    for researcher, rated in ratings.items():
        ids = (
            [i for i in draw.submissions if i in rated]
            if per_researcher
            else list(draw.submissions)
        )
        candidates = [draw.submissions[i] for i in ids]
        scores = scorer(draw.archives[researcher], candidates)
        by_id = dict(zip(ids, scores, strict=True))
        predictions[researcher] = {pid: float(by_id[pid]) for pid in rated}
    return predictions


@dataclass(frozen=True)
class MethodResult:
    """Loss of one method on every draw, with a bootstrap interval over researchers."""

    name: str
    per_draw: list[float]
    ci: tuple[float, float]
    per_researcher: list[tuple[float, float]]  # (loss, max loss) averaged over draws

    @property
    def mean(self) -> float:
        return statistics.fmean(self.per_draw)

    @property
    def std(self) -> float:
        return statistics.pstdev(self.per_draw)


def evaluate_method(
    root: Path,
    name: str,
    scorer: Scorer,
    draws: Sequence[int] = DRAWS,
    per_researcher: bool = False,
) -> MethodResult:
    """Run one scorer on the given draws; the CI resamples researchers (pooled over draws).
    ``per_researcher`` scores each researcher's rated papers alone (see draw_predictions)."""
    ratings = load_ratings(root / "evaluations.csv")
    losses, parts = [], []
    for number in draws:
        predictions = draw_predictions(load_draw(root, number), ratings, scorer, per_researcher)
        losses.append(goldstandard_loss(predictions, ratings))
        parts.append({r: pair_loss(predictions[r], ratings[r]) for r in ratings})
    researchers = sorted(ratings)
    # per researcher: loss and max summed over draws, so a resample keeps draws together
    pooled = [
        (sum(p[r][0] for p in parts) / len(parts), sum(p[r][1] for p in parts) / len(parts))
        for r in researchers
    ]
    ratio = [loss / m if m else 0.0 for loss, m in pooled]
    weights = [m for _, m in pooled]
    ci = _weighted_ci(ratio, weights)
    return MethodResult(name, losses, ci, pooled)


def _weighted_ci(ratio: list[float], weights: list[float]) -> tuple[float, float]:
    """Bootstrap CI of the pooled ratio sum(ratio*w)/sum(w) over researchers."""
    import numpy as np

    r, w = np.asarray(ratio), np.asarray(weights)
    rng = np.random.default_rng(0)
    picks = rng.integers(0, r.size, (1000, r.size))
    values = (r[picks] * w[picks]).sum(axis=1) / np.maximum(w[picks].sum(axis=1), 1e-12)
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


def goldstandard_table(results: Sequence[MethodResult], reference: str | None = None) -> Table:
    """The results as a report table (lower is better).

    With ``reference`` (a method name), each row also gets its difference to that method
    with a paired bootstrap interval over researchers: what tells a real change from noise.
    """
    base = next((r for r in results if r.name == reference), None)
    rows = []
    for result in results:
        low, high = result.ci
        row = [result.name, f"{result.mean:.3f}", f"{result.std:.3f}", f"[{low:.3f}, {high:.3f}]"]
        if base is not None:
            diff, dlow, dhigh = pooled_ratio_diff_ci(result.per_researcher, base.per_researcher)
            row.append("—" if result is base else f"{diff:+.3f} [{dlow:+.3f}, {dhigh:+.3f}]")
        row.append(" ".join(f"{x:.3f}" for x in result.per_draw))
        rows.append(row)
    columns = ["method", "loss (mean of draws)", "std over draws", "95% CI (researchers)"]
    if base is not None:
        columns.append(f"Δ vs {reference} (paired 95% CI)")
    return Table(
        "goldstandard",
        "Gold standard (Stelmakh et al. 2023): pairwise loss, lower is better",
        [*columns, "per draw"],
        rows,
    )


__all__ = [
    "Draw",
    "MethodResult",
    "evaluate_method",
    "goldstandard_table",
    "load_draw",
    "load_ratings",
]
