"""Every knob of the ranking, named once: ``RankingSettings()`` is the default ranking.

The config file's ``[ranking]`` table may set any of them (``settings_from``); the
measurements behind each value are in docs/relevance.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

#: The signals and how much each counts in the combined score (each first calibrated
#: against the background, see ``combine``).
DEFAULT_WEIGHTS: dict[str, float] = {
    "dense": 1.0,
    "lexical": 0.25,
    "dense_model": 0.25,
    "lexical_model": 0.25,
}


@dataclass(frozen=True)
class RankingSettings:
    """The knobs of the ranking, grouped by the step that uses them."""

    # -- the combined score (combine.py) --------------------------------------------------
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    #: Above ``lexical_tail_from`` standard units the word SVM may count once more (its far
    #: tail: a candidate in the owner's own rare words). Off since issue 11: against the
    #: background it adds nothing on the author split and costs 0.009 on the gold standard,
    #: whose candidates nearly all lie in that tail (docs/relevance.md, Session 6).
    lexical_tail_from: float = 1.5
    lexical_tail_weight: float = 0.0
    #: ``char_model``, the same SVM on character 4-grams (the spelling of the owner's words:
    #: method names, compounds, word forms), only counts in its farthest tail.
    char_tail_from: float = 3.0
    char_tail_weight: float = 1.5

    # -- the signals (signals.py) ---------------------------------------------------------
    #: ``dense`` and ``lexical`` are the mean of the candidate's k closest own papers.
    dense_k: int = 3
    lexical_k: int = 3

    # -- the per-user models (train.py) ---------------------------------------------------
    dense_model_c: float = 1.0
    lexical_model_c: float = 1.0
    #: Non-zero weights kept per SVM (the largest by size): a model is stored, not refitted.
    model_terms: int = 10_000
    #: Weight of a paper rated down among the SVM's negatives (a background paper weighs 1).
    disliked_weight: float = 3.0
    #: The own papers a model learns from: the newest this many (a 40k-entry BibTeX stays
    #: bounded in time and memory).
    profile_papers: int = 2000
    #: A background paper this close to an own paper or one rated up (word rows' cosine) is
    #: that paper, listed in the history: it is left out of the SVMs' negatives.
    same_paper_cosine: float = 0.99
    #: The SVM is solved on the negatives closest to the own papers (``svm_working_set``),
    #: then on those its weights put inside the margin, ``svm_working_step`` more a round:
    #: the same weights as on every negative, with a tenth of the memory (svm.py).
    svm_working_set: int = 1000
    svm_working_step: int = 500
    #: Passes of liblinear's dual solver per solve. A profile converges in 20-100; one of
    #: bench_rank's 100 took 3,876 a solve (12 papers of namesakes: positives costing 792×
    #: a negative), 11 s in all, and stopped at 200 its weights differ in the 7th digit.
    svm_max_iter: int = 200

    # -- the feature space and the background (space.py, background.py) ------------------
    #: Earlier listings the space is fitted on and the models learn against: about four
    #: weeks of arXiv CS.
    history_papers: int = 20_000
    #: Below this many stored earlier papers, the background shipped with the package is used.
    min_history: int = 2_000
    #: The store's space is refitted when it is this old or the history grew by this share.
    refit_days: int = 28
    refit_growth: float = 0.5
    word_max_df: float = 0.5
    char_n: int = 4
    char_min_df: int = 2
    #: Columns after each vocabulary for the terms it lacks (a method named this month, a
    #: bigram the history had once), by a stable hash, at the IDF of an unseen term: rows of
    #: a day's papers keep every term without a refit (docs/relevance.md, Session 15).
    word_hashed: int = 1 << 20
    char_hashed: int = 1 << 18
    #: Embedded background papers: negatives of the dense model.
    background_vectors: int = 2_000
    #: Held-out background papers every signal is calibrated on.
    calibration_papers: int = 1_000

    # -- interests (interests.py) ---------------------------------------------------------
    #: Cosine distance at which two clusters of own papers stop merging into one interest.
    interest_distance: float = 0.62
    interest_terms: int = 3

    # -- rules and choosing (choose.py) ---------------------------------------------------
    keyword_boost: float = 1.0
    coauthor_boost: float = 0.5
    #: Candidates the diversity step considers (the best by score, plus the pinned ones).
    shortlist: int = 300
    #: MMR: a cosine above ``duplicate_cosine`` to a pick is a near-duplicate; each step
    #: takes ``score - redundancy * closest pick - coverage * picks in the same interest``.
    duplicate_cosine: float = 0.92
    redundancy: float = 0.3
    coverage: float = 0.3

    # -- reasons (reasons.py) -------------------------------------------------------------
    #: A pick is said to be "like a paper you rated up" from this cosine on.
    liked_floor: float = 0.5
    #: A second "close to your paper" reason needs at least this cosine.
    similar_floor: float = 0.3

    def training_key(self) -> str:
        """What of these settings a trained model depends on (memo and store keys)."""
        names = (
            "dense_model_c",
            "lexical_model_c",
            "svm_max_iter",
            "model_terms",
            "disliked_weight",
            "profile_papers",
            "same_paper_cosine",
            "dense_k",
            "lexical_k",
            "interest_distance",
            "interest_terms",
        )
        return ";".join(f"{name}={getattr(self, name)!r}" for name in names)


DEFAULTS = RankingSettings()


def settings_from(table: Mapping[str, Any]) -> RankingSettings:
    """Settings from a config table (unknown keys and wrong types are errors naming the key)."""
    from pydantic import TypeAdapter

    known = {f.name for f in fields(RankingSettings)}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ValueError(f"unknown ranking setting {unknown[0]!r}")
    return TypeAdapter(RankingSettings).validate_python(dict(table))
