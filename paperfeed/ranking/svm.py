"""The lexical models' linear SVM, trained on the negatives that decide it.

The model is arxiv-sanity's: ``LinearSVC`` (squared hinge, L2, classes balanced) on TF-IDF
rows, the owner's papers against the background. At its optimum only the negatives inside
the margin have a say (about 1,000 of 19,000 on a 20k-paper history); leaving the others
out gives the same weights. So it is solved on a working set: the negatives most like the
positives first, then, round by round, those the last weights put inside the margin, until
no negative left out is inside it. The result is the optimum of the whole problem, to
liblinear's tolerance, and liblinear's copy of its input (16 bytes a nonzero) is a copy of
about 2,000 rows instead of all of them: ~300 MB less on character rows (docs/benchmarks.md).
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp

from paperfeed import memory
from paperfeed.ranking.settings import RankingSettings


def svm_weights(
    positives: sp.csr_matrix,
    negatives: sp.csr_matrix,
    disliked: sp.csr_matrix,
    settings: RankingSettings,
    left_out: np.ndarray | None = None,
) -> sp.csr_matrix:
    """arxiv-sanity style: a linear SVM on TF-IDF rows, positives vs negatives (but those
    ``left_out``) and papers rated down (weighing ``disliked_weight``), classes balanced;
    its ``model_terms`` largest weights as one sparse row (the bias does not rank).

    Rare terms an owner keeps using (names of their methods, data sets, systems) get large
    weights, which plain cosine misses; the more of the field the negatives cover, the
    better it tells the owner's words from the field's.
    """
    width = negatives.shape[1]
    left_out = np.zeros(negatives.shape[0], bool) if left_out is None else left_out
    n_background = negatives.shape[0] - int(left_out.sum())
    if positives.shape[0] == 0 or n_background + disliked.shape[0] == 0 or width == 0:
        return sp.csr_matrix((1, width), dtype=np.float32)
    negative_cost, positive_cost = balanced_costs(
        n_background + settings.disliked_weight * disliked.shape[0], positives.shape[0]
    )
    fixed, fixed_labels, fixed_costs = rows_of_every_round(
        positives, disliked, (positive_cost, negative_cost * settings.disliked_weight)
    )
    chosen = closest_negatives(negatives, positives, left_out, settings.svm_working_set)
    outside = left_out.copy()  # negatives not to add: left out, or already chosen
    outside[chosen] = True
    while True:
        features = sp.vstack([negatives[chosen], fixed], format="csr", dtype=np.float32)
        labels = np.r_[np.zeros(len(chosen)), fixed_labels]
        costs = np.r_[np.full(len(chosen), negative_cost), fixed_costs]
        weights, bias = linear_svc(
            features, labels, costs, settings.lexical_model_c, settings.svm_max_iter
        )
        del features
        missing = inside_margin(negatives, weights, bias, outside, settings.svm_working_step)
        if not len(missing):
            return largest(weights, settings.model_terms)
        outside[missing] = True
        chosen = np.sort(np.r_[chosen, missing])


def rows_of_every_round(
    positives: sp.csr_matrix, disliked: sp.csr_matrix, costs: tuple[float, float]
) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """The rows every round of :func:`svm_weights` trains on, whatever negatives it adds:
    the papers rated down, then the positives; their labels, and their costs from
    ``costs`` = (a positive's, a paper rated down's)."""
    rows = sp.vstack([disliked, positives], format="csr", dtype=np.float32)
    labels = np.r_[np.zeros(disliked.shape[0]), np.ones(positives.shape[0])]
    each = np.r_[np.full(disliked.shape[0], costs[1]), np.full(positives.shape[0], costs[0])]
    return rows, labels, each


def balanced_costs(negative_weight: float, positive_weight: float) -> tuple[float, float]:
    """The cost of one negative and of one positive, "balanced" as LinearSVC counts it over
    all rows: a class weighs the total weight over twice its own (``negative_weight``
    counts a paper rated down ``disliked_weight`` times)."""
    total = negative_weight + positive_weight
    return total / (2 * negative_weight), total / (2 * positive_weight)


def copies_of(negatives: sp.csr_matrix, positives: sp.csr_matrix, cosine: float) -> np.ndarray:
    """Which negatives are one of the positives (unit rows at least ``cosine`` apart): an
    own paper listed in the history, which must not count against its owner."""
    if positives.shape[0] == 0 or negatives.shape[0] == 0:
        return np.zeros(negatives.shape[0], dtype=bool)
    closest = (negatives @ positives.T).max(axis=1).toarray().ravel()
    return closest >= cosine


def closest_negatives(
    negatives: sp.csr_matrix, positives: sp.csr_matrix, left_out: np.ndarray, count: int
) -> np.ndarray:
    """Indices of the ``count`` negatives closest to the positives' mean row (sorted), none
    of those ``left_out``."""
    candidates = np.flatnonzero(~left_out)
    if len(candidates) <= count:
        return candidates
    centroid = np.asarray(positives.mean(axis=0), dtype=np.float32).ravel()
    closeness = negatives @ centroid
    closeness[left_out] = -np.inf
    return np.sort(np.argpartition(-closeness, count - 1)[:count])


def inside_margin(
    negatives: sp.csr_matrix, weights: np.ndarray, bias: float, outside: np.ndarray, limit: int
) -> np.ndarray:
    """The (at most ``limit``) negatives not ``outside`` the problem (left out, or already
    in it) deepest inside the margin of ``weights`` and ``bias``: those that would change
    the solution."""
    margin = -(negatives @ weights.astype(np.float32)) - bias  # float32 rows: no copy
    margin[outside] = np.inf
    inside = np.flatnonzero(margin < 1.0)
    return inside[np.argsort(margin[inside], kind="stable")[:limit]]


def linear_svc(
    features: sp.csr_matrix, labels: np.ndarray, costs: np.ndarray, c: float, max_iter: int
) -> tuple[np.ndarray, float]:
    """The weights and bias of ``LinearSVC(C=c, max_iter=max_iter, random_state=0)`` fitted
    on float32 ``features`` with a cost per row (``costs``, class weights included), without
    its float64 copy of them.

    ``LinearSVC.fit`` converts its input to float64 (12 bytes a nonzero) although liblinear
    reads float32 as well, into its own 16-byte nodes either way: the same solver, given the
    same numbers, gives the same weights (the tests compare them). A solve stopped at
    ``max_iter`` is the model, not a failure, so liblinear's warning about it is not shown.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.svm._base import _fit_liblinear
    from sklearn.svm._classes import _validate_dual_parameter

    dual = _validate_dual_parameter("auto", "squared_hinge", "l2", "ovr", features)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        coef, intercept, _ = _fit_liblinear(
            features,
            labels,
            c,
            fit_intercept=True,
            intercept_scaling=1.0,
            class_weight=None,
            penalty="l2",
            dual=dual,
            verbose=0,
            max_iter=max_iter,
            tol=1e-4,
            random_state=0,
            loss="squared_hinge",
            sample_weight=costs,
        )
    memory.trim()  # liblinear's copy of the rows, freed into the C heap, before the next round
    return np.asarray(coef[0]), float(np.ravel(intercept)[0])


def largest(weights: np.ndarray, keep: int) -> sp.csr_matrix:
    """The ``keep`` largest weights by size as a 1-row sparse matrix (the rest zero)."""
    nonzero = np.flatnonzero(weights)
    if len(nonzero) > keep:
        nonzero = np.sort(nonzero[np.argpartition(-np.abs(weights[nonzero]), keep - 1)[:keep]])
    row = np.zeros(len(nonzero), dtype=np.int32)
    values = weights[nonzero].astype(np.float32)
    return sp.csr_matrix((values, (row, nonzero)), shape=(1, len(weights)))
