"""Relevance metrics: the gold-standard pairwise loss, nDCG@k, recall@k, bootstrap intervals."""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from itertools import combinations

import numpy as np


def pair_loss(predicted: Mapping[str, float], rated: Mapping[str, float]) -> tuple[float, float]:
    """One researcher's weighted Kendall-tau loss (Stelmakh et al. 2023) and its maximum.

    Over every pair of rated papers, the rating gap counts in full when the predicted order
    disagrees with the ratings and half when the prediction ties. Returns ``(loss, max_loss)``
    where ``max_loss`` is the sum of all gaps, so several researchers can be pooled.
    """
    loss = max_loss = 0.0
    for first, second in combinations(list(rated), 2):
        true_gap = rated[first] - rated[second]
        predicted_gap = predicted[first] - predicted[second]
        max_loss += abs(true_gap)
        if predicted_gap * true_gap == 0:
            loss += abs(true_gap) / 2
        elif predicted_gap * true_gap < 0:
            loss += abs(true_gap)
    return loss, max_loss


def goldstandard_loss(
    predicted: Mapping[str, Mapping[str, float]], rated: Mapping[str, Mapping[str, float]]
) -> float:
    """The gold-standard loss pooled over researchers: sum of losses over sum of all gaps.

    This is ``compute_main_metric`` of the dataset's own evaluation code (normalized once,
    globally, not per researcher). 0 is perfect, 0.5 is a random order.
    """
    parts = [pair_loss(predicted[r], rated[r]) for r in rated]
    total = sum(m for _, m in parts)
    return sum(loss for loss, _ in parts) / total if total else 0.0


def dcg(gains: Sequence[float]) -> float:
    """Discounted cumulative gain with the log2(rank + 1) discount."""
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at_k(ranked: Sequence[str], relevant: Collection[str], k: int = 10) -> float:
    """Binary nDCG@k of a ranked id list against a set of relevant ids (0 if none relevant)."""
    if not relevant:
        return 0.0
    gains = [1.0 if pid in relevant else 0.0 for pid in ranked[:k]]
    ideal = dcg([1.0] * min(k, len(relevant)))
    return dcg(gains) / ideal


def recall_at_k(ranked: Sequence[str], relevant: Collection[str], k: int = 100) -> float:
    """Share of the relevant ids found in the first ``k`` (0 if none relevant)."""
    if not relevant:
        return 0.0
    return len(set(ranked[:k]) & set(relevant)) / len(relevant)


def bootstrap_ci(
    samples: Sequence[object],
    statistic: Callable[[Sequence[object]], float],
    *,
    rounds: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile bootstrap interval of ``statistic`` over resamples of ``samples``."""
    rng = np.random.default_rng(seed)
    n = len(samples)
    values = [statistic([samples[i] for i in rng.integers(0, n, n)]) for _ in range(rounds)]
    tail = (1.0 - level) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


def mean_ci(values: Sequence[float], *, rounds: int = 1000, seed: int = 0) -> tuple[float, float]:
    """Bootstrap 95% interval of the mean of ``values``."""
    data = np.asarray(values, dtype=np.float64)
    if data.size == 0:
        return (math.nan, math.nan)
    rng = np.random.default_rng(seed)
    means = data[rng.integers(0, data.size, (rounds, data.size))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def paired_diff_ci(
    values: Sequence[float], reference: Sequence[float], *, rounds: int = 1000, seed: int = 0
) -> tuple[float, float, float]:
    """Mean of ``values - reference`` (paired per user) and its bootstrap 95% interval."""
    diff = np.asarray(values, dtype=np.float64) - np.asarray(reference, dtype=np.float64)
    if diff.size == 0:
        return (math.nan, math.nan, math.nan)
    low, high = mean_ci(diff.tolist(), rounds=rounds, seed=seed)
    return float(diff.mean()), low, high


def pooled_ratio_diff_ci(
    parts: Sequence[tuple[float, float]],
    reference: Sequence[tuple[float, float]],
    *,
    rounds: int = 1000,
    seed: int = 0,
) -> tuple[float, float, float]:
    """Difference of two pooled losses (sum loss / sum max) over the same researchers,
    with a paired bootstrap 95% interval (researchers resampled together)."""
    a = np.asarray(parts, dtype=np.float64)
    b = np.asarray(reference, dtype=np.float64)
    if a.size == 0:
        return (math.nan, math.nan, math.nan)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(a), (rounds, len(a)))
    ratio_a = a[picks, 0].sum(axis=1) / np.maximum(a[picks, 1].sum(axis=1), 1e-12)
    ratio_b = b[picks, 0].sum(axis=1) / np.maximum(b[picks, 1].sum(axis=1), 1e-12)
    point = a[:, 0].sum() / max(a[:, 1].sum(), 1e-12) - b[:, 0].sum() / max(b[:, 1].sum(), 1e-12)
    low, high = np.percentile(ratio_a - ratio_b, [2.5, 97.5])
    return float(point), float(low), float(high)
