"""Tests of paperfeed.ranking.svm: the lexical models' SVM, solved on a working set."""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.svm import LinearSVC

from paperfeed.ranking.settings import DEFAULTS
from paperfeed.ranking.svm import (
    balanced_costs,
    copies_of,
    largest,
    linear_svc,
    svm_weights,
)


def _rows(rows: int, width: int, seed: int) -> sp.csr_matrix:
    rng = np.random.default_rng(seed)
    return sp.random(rows, width, density=0.1, format="csr", dtype=np.float32, rng=rng)


def _unit(rows: sp.csr_matrix) -> sp.csr_matrix:
    """Rows scaled to length 1, as TF-IDF rows are."""
    lengths = np.sqrt(np.asarray(rows.multiply(rows).sum(axis=1)).ravel())
    return sp.csr_matrix(sp.diags(1 / lengths) @ rows, dtype=np.float32)


@pytest.mark.parametrize(("rows", "width"), [(60, 400), (300, 40)])  # dual, then primal
def test_the_svm_on_float32_rows_gives_the_weights_of_linear_svc(rows: int, width: int) -> None:
    features = _rows(rows, width, 3)
    labels = (np.arange(rows) >= rows - 8).astype(np.float64)
    sample_weight = np.where(np.arange(rows) < 5, 3.0, 1.0)
    expected = LinearSVC(class_weight="balanced", C=1.0, max_iter=10_000, random_state=0)
    expected.fit(features.astype(np.float64), labels, sample_weight=sample_weight)
    negative_cost, positive_cost = balanced_costs(sample_weight.sum() - 8, 8)
    balanced = np.where(labels == 1, positive_cost, negative_cost)
    weights, bias = linear_svc(features, labels, sample_weight * balanced, 1.0, 10_000)
    np.testing.assert_allclose(weights, expected.coef_[0], rtol=1e-9, atol=1e-12)
    assert bias == pytest.approx(expected.intercept_[0], rel=1e-9)


def test_a_solve_stopped_at_max_iter_is_quiet_and_near_the_optimum() -> None:
    """Few positives costing far more than a negative: liblinear's dual solver needs 29
    passes here, and the weights after 10 are the optimum's to about 1e-4."""
    negatives, positives = _unit(_rows(400, 600, 1)), _unit(_rows(12, 600, 2))
    features = sp.vstack([negatives, positives], format="csr")
    labels = np.r_[np.zeros(400), np.ones(12)]
    negative_cost, positive_cost = balanced_costs(400, 12)
    costs = np.where(labels == 1, positive_cost, negative_cost)
    optimum, _ = linear_svc(features, labels, costs, 1.0, 10_000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stopped, _ = linear_svc(features, labels, costs, 1.0, 10)
    assert not np.array_equal(stopped, optimum)  # the stop was reached
    cosine = stopped @ optimum / (np.linalg.norm(stopped) * np.linalg.norm(optimum))
    assert cosine > 1 - 1e-3


def test_the_working_set_finds_the_weights_of_the_whole_problem() -> None:
    negatives, positives, disliked = _rows(400, 300, 1), _rows(8, 300, 2), _rows(5, 300, 4)
    settings = replace(DEFAULTS, svm_working_set=20, svm_working_step=10, model_terms=300)
    weights = svm_weights(positives, negatives, disliked, settings).toarray()[0]

    features = sp.vstack([negatives, disliked, positives]).astype(np.float64)
    labels = np.r_[np.zeros(405), np.ones(8)]
    sample_weight = np.r_[np.ones(400), np.full(5, settings.disliked_weight), np.ones(8)]
    whole = LinearSVC(class_weight="balanced", C=1.0, max_iter=10_000, random_state=0)
    whole.fit(features, labels, sample_weight=sample_weight)
    margins = -(negatives @ whole.coef_[0] + whole.intercept_[0])
    assert np.sum(margins < 1) > 2 * settings.svm_working_set  # so rounds were needed
    scale = np.abs(whole.coef_[0]).max()
    np.testing.assert_allclose(weights, whole.coef_[0], atol=1e-4 * scale)


def test_a_negative_that_is_a_positive_is_left_out() -> None:
    negatives, positives = _unit(_rows(200, 300, 1)), _unit(_rows(6, 300, 2))
    with_copies = sp.vstack([negatives, positives[:2]], format="csr")  # two own papers listed
    copies = copies_of(with_copies, positives, DEFAULTS.same_paper_cosine)
    assert np.flatnonzero(copies).tolist() == [200, 201]
    empty = sp.csr_matrix((0, 300), dtype=np.float32)
    settings = replace(DEFAULTS, model_terms=300)
    left_out = svm_weights(positives, with_copies, empty, settings, copies).toarray()
    without = svm_weights(positives, negatives, empty, settings).toarray()
    kept = svm_weights(positives, with_copies, empty, settings).toarray()
    np.testing.assert_allclose(left_out, without, atol=1e-4 * np.abs(without).max())
    assert np.abs(kept - without).max() > 0.01 * np.abs(without).max()


def test_without_negatives_or_positives_the_weights_are_zero() -> None:
    rows, empty = _rows(10, 30, 5), sp.csr_matrix((0, 30), dtype=np.float32)
    assert svm_weights(empty, rows, empty, DEFAULTS).nnz == 0
    assert svm_weights(rows, empty, empty, DEFAULTS).nnz == 0


def test_largest_keeps_the_biggest_weights_by_size() -> None:
    row = largest(np.array([0.1, -3.0, 0.0, 2.0, -0.5]), 2)
    assert isinstance(row, sp.csr_matrix) and row.shape == (1, 5)
    assert row.toarray().tolist() == [[0.0, -3.0, 0.0, 2.0, 0.0]]
    assert largest(np.zeros(3), 2).nnz == 0
