"""Tests of paperfeed.ranking.signals and .combine: signals per user, calibrated, combined."""

from __future__ import annotations

import dataclasses

import numpy as np
from fakes import HashingEmbedder
from ranking_data import SMALL, corpus, history, own_papers

from paperfeed.ranking import Ranker
from paperfeed.ranking.combine import calibrated, combine, tail
from paperfeed.ranking.signals import SIGNALS, compute, top_k_mean, used


def test_top_k_mean_takes_the_closest_few_not_the_plain_mean() -> None:
    similarity = np.array([[0.9, 0.1, 0.8, 0.0], [0.5, 0.5, 0.5, 0.5]])
    np.testing.assert_allclose(top_k_mean(similarity, 2), [0.85, 0.5])
    np.testing.assert_allclose(top_k_mean(similarity[:, :1], 3), [0.9, 0.5])
    assert top_k_mean(np.zeros((3, 0)), 3).tolist() == [0.0, 0.0, 0.0]


def test_signals_of_a_batch_are_those_of_each_user_alone() -> None:
    ranker = Ranker(HashingEmbedder(), settings=SMALL)
    index = ranker.index(corpus("c", 3), history=history())
    models = [ranker.model(p, index.space) for p in (own_papers((0,)), own_papers((2, 3)))]
    together = compute(index.encoded, models, SMALL)
    for row, model in enumerate(models):
        alone = compute(index.encoded, [model], SMALL)
        for name in SIGNALS:
            np.testing.assert_allclose(together[name][row], alone[name][0], rtol=1e-5, atol=1e-6)


def test_calibrated_values_are_in_standard_units_of_each_users_background() -> None:
    raw = np.array([[1.0, 3.0], [10.0, 10.0]])
    out = calibrated(raw, np.array([1.0, 0.0]), np.array([2.0, 0.0]))
    np.testing.assert_allclose(out, [[0.0, 1.0], [10.0, 10.0]])  # no spread: only shifted


def test_tail_is_how_far_a_value_lies_beyond_the_start() -> None:
    np.testing.assert_allclose(tail(np.array([[0.0, 1.5, 4.0]]), 1.5), [[0.0, 0.0, 2.5]])


def test_combine_weights_signals_and_adds_the_tails() -> None:
    standard = {"dense": np.array([[1.0, 0.0, 0.0]]), "lexical_model": np.array([[0.0, 0.0, 4.0]])}
    weights = {"dense": 1.0, "lexical_model": 0.25}
    settings = dataclasses.replace(SMALL, weights=weights, lexical_tail_weight=1.0)
    plain = combine(standard, dataclasses.replace(settings, lexical_tail_weight=0.0))
    np.testing.assert_allclose(plain, [[1.0, 0.0, 1.0]])
    np.testing.assert_allclose(combine(standard, settings), [[1.0, 0.0, 3.5]])
    assert combine({}, settings).shape == (0, 0)


def test_a_signal_takes_part_when_it_has_a_weight_or_a_tail() -> None:
    assert used(SMALL) == ["dense", "lexical", "dense_model", "lexical_model", "char_model"]
    assert "lexical_model" in used(dataclasses.replace(SMALL, weights={"dense": 1.0},
                                                       lexical_tail_weight=1.0))  # fmt: skip
    quiet = dataclasses.replace(SMALL, weights={"dense": 1.0}, lexical_tail_weight=0.0)
    assert used(dataclasses.replace(quiet, char_tail_weight=0.0)) == ["dense"]
