"""Tests of paperfeed.eval.metrics on tiny hand-computed cases."""

import math

import pytest

from paperfeed.eval import metrics


def test_pair_loss_counts_gaps_of_misordered_pairs_and_half_of_ties() -> None:
    rated = {"a": 5.0, "b": 3.0, "c": 1.0}
    # gaps: a-b 2, a-c 4, b-c 2 -> max 8
    assert metrics.pair_loss({"a": 3, "b": 2, "c": 1}, rated) == (0.0, 8.0)
    assert metrics.pair_loss({"a": 1, "b": 2, "c": 3}, rated) == (8.0, 8.0)
    # b and c swapped: lose 2; a tied with b: lose half of 2
    assert metrics.pair_loss({"a": 2, "b": 0, "c": 2.5}, rated) == (2.0 + 4.0, 8.0)
    assert metrics.pair_loss({"a": 2, "b": 2, "c": 1}, rated) == (1.0, 8.0)


def test_pair_loss_ignores_equally_rated_pairs() -> None:
    assert metrics.pair_loss({"a": 1, "b": 0}, {"a": 4.0, "b": 4.0}) == (0.0, 0.0)


def test_goldstandard_loss_normalizes_globally_not_per_researcher() -> None:
    rated = {"r1": {"a": 5.0, "b": 1.0}, "r2": {"c": 2.0, "d": 1.0}}
    predicted = {"r1": {"a": 1.0, "b": 0.0}, "r2": {"c": 0.0, "d": 1.0}}
    # r1 right (gap 4), r2 wrong (gap 1): pooled 1/5, not the per-researcher mean 0.5
    assert metrics.goldstandard_loss(predicted, rated) == pytest.approx(0.2)
    assert metrics.goldstandard_loss({}, {}) == 0.0


def test_ndcg_at_k_by_hand() -> None:
    assert metrics.ndcg_at_k(["x", "a", "y"], {"a"}, 10) == pytest.approx(1 / math.log2(3))
    ideal = 1 + 1 / math.log2(3)
    got = metrics.ndcg_at_k(["a", "x", "b"], {"a", "b"}, 10)
    assert got == pytest.approx((1 + 1 / math.log2(4)) / ideal)
    assert metrics.ndcg_at_k(["a", "b"], {"a", "b"}, 10) == pytest.approx(1.0)
    assert metrics.ndcg_at_k(["x", "a"], {"a"}, 1) == 0.0
    assert metrics.ndcg_at_k(["a"], set(), 10) == 0.0


def test_ndcg_ideal_is_capped_at_k() -> None:
    relevant = {str(i) for i in range(20)}
    assert metrics.ndcg_at_k([str(i) for i in range(10)], relevant, 10) == pytest.approx(1.0)


def test_recall_at_k() -> None:
    assert metrics.recall_at_k(["a", "x", "b"], {"a", "b", "c", "d"}, 2) == 0.25
    assert metrics.recall_at_k(["a"], set(), 100) == 0.0


def test_mean_ci_contains_the_mean_and_shrinks_with_more_data() -> None:
    low, high = metrics.mean_ci([0.0, 1.0] * 10)
    assert low < 0.5 < high
    low2, high2 = metrics.mean_ci([0.0, 1.0] * 500)
    assert high2 - low2 < high - low
    assert all(math.isnan(x) for x in metrics.mean_ci([]))


def test_bootstrap_ci_of_any_statistic() -> None:
    low, high = metrics.bootstrap_ci(list(range(100)), lambda xs: float(max(xs)))
    assert low <= high <= 99
