"""Scoring one profile against a prepared candidate list: every signal and their combination.

Signals (docs/relevance.md says what each adds): ``dense`` and ``lexical`` (mean of the
closest own papers by embedding / TF-IDF cosine), ``dense_model`` (logistic regression on
embeddings, own papers vs a background sample) and ``lexical_model`` (linear SVM on TF-IDF
rows, own papers vs the candidates and the history of earlier listings), and ``char_model``
(the same SVM on character 4-grams, counted only in its far tail). Ratings take part
in three ways: papers rated up join the profile for every signal, papers rated down become
weighted negatives of the SVM, and an embedding model of the ratings is blended in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from paperfeed import lexical, rank
from paperfeed.embed import EmbeddingCache
from paperfeed.index import CandidateIndex, texts_of
from paperfeed.records import Feedback, Paper


@dataclass(frozen=True)
class Settings:
    """Knobs of the default ranking; ``Settings()`` is what ``score`` and ``recommend`` use."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(rank.DEFAULT_WEIGHTS))
    dense_k: int = 3
    lexical_k: int = 3
    #: Recency of own papers (newer count more) is off by default: it hurt both benchmarks
    #: (docs/relevance.md). Set a half-life in years to turn it on.
    half_life_years: float | None = None
    #: The lexical SVM is a precise detector in its far tail (a candidate in the owner's
    #: own rare words): above ``lexical_tail_from`` σ it counts ``lexical_tail_weight`` more.
    lexical_tail_from: float = 1.5
    lexical_tail_weight: float = 1.0
    #: ``char_model``, the same SVM on character 4-grams (the spelling of the owner's words:
    #: method names, compounds, word forms), only counts in its farthest tail: above
    #: ``char_tail_from`` σ it adds ``char_tail_weight`` times the excess.
    char_tail_from: float = 3.0
    char_tail_weight: float = 1.5
    model_c: float = 1.0
    lexical_model_c: float = 1.0
    background_size: int = 2000
    #: The embedding model of the ratings (Scholar Inbox style) is off by default: in the
    #: simulated-user run it cost what the rest of the feedback gained (docs/relevance.md).
    feedback_weight: float = 0.0
    #: Weight of a paper rated down among the SVM's negatives (a candidate weighs 1).
    disliked_weight: float = 3.0
    keyword_boost: float = 1.0
    coauthor_boost: float = 0.5


DEFAULTS = Settings()


@dataclass(frozen=True)
class Ratings:
    """The papers a user rated up and down (the latest rating of each paper counts)."""

    liked: tuple[Paper, ...] = ()
    disliked: tuple[Paper, ...] = ()


def ratings_of(feedback: Sequence[Feedback], known: Sequence[Paper]) -> Ratings | None:
    """The rated papers, found among ``known`` papers by id; None when none is found."""
    by_id = {p.id: p for p in known}
    latest = {f.paper_id: f.rating for f in feedback}  # a later rating overrides
    liked = tuple(by_id[i] for i, r in latest.items() if r > 0 and i in by_id)
    disliked = tuple(by_id[i] for i, r in latest.items() if r < 0 and i in by_id)
    return Ratings(liked, disliked) if liked or disliked else None


@dataclass
class Scoring:
    """Everything computed for one profile against one candidate list.

    ``dense``, ``own_vectors`` and ``own_rows`` cover the own papers only (explanations
    name own papers); ``liked`` is each candidate's cosine to the closest paper rated up
    and ``liked_index`` which one that is (in ``Ratings.liked``).
    """

    scores: np.ndarray
    signals: dict[str, np.ndarray]
    own_vectors: np.ndarray
    candidate_vectors: np.ndarray
    dense: np.ndarray  # candidates x own papers
    lexicon: lexical.Lexicon
    own_rows: sp.csr_matrix
    candidate_rows: sp.csr_matrix
    liked: np.ndarray | None = None
    liked_index: np.ndarray | None = None


def _background(vectors: np.ndarray, size: int) -> np.ndarray:
    """A fixed random sample of at most ``size`` rows (all of them when fewer)."""
    if len(vectors) <= size:
        return vectors
    picks = np.random.default_rng(0).choice(len(vectors), size, replace=False)
    return vectors[np.sort(picks)]


def _negative_weights(
    prepared: CandidateIndex, ratings: Ratings | None, disliked_weight: float
) -> np.ndarray | None:
    """Per-candidate weight as an SVM negative: rated down heavier, rated up not at all."""
    if ratings is None:
        return None
    weight = np.ones(len(prepared), dtype=np.float64)
    position = {p.id: i for i, p in enumerate(prepared.papers)}
    for paper in ratings.disliked:
        if paper.id in position:
            weight[position[paper.id]] = disliked_weight
    for paper in ratings.liked:
        if paper.id in position:
            weight[position[paper.id]] = 0.0
    return weight


def compute(
    own: Sequence[Paper],
    prepared: CandidateIndex,
    cache: EmbeddingCache,
    *,
    settings: Settings = DEFAULTS,
    today: str | None = None,
    ratings: Ratings | None = None,
) -> Scoring:
    """All signals of the prepared candidates against the profile, and their combination."""
    liked = list(ratings.liked) if ratings else []
    profile = [*own, *liked]
    profile_vectors = cache.embed_papers(profile, progress=False)
    profile_texts = texts_of(profile)
    profile_rows = prepared.lexicon.tfidf(profile_texts)
    negatives = _negative_weights(prepared, ratings, settings.disliked_weight)
    recency = _recency_of(profile, today, settings)
    dense = prepared.vectors @ profile_vectors.T
    signals = _similarity_signals(dense, prepared, profile_rows, settings, recency)
    background = _background(prepared.vectors, settings.background_size)
    signals |= _model_signals(
        profile_vectors, profile_rows, prepared, background, settings, recency, negatives
    )
    if settings.char_tail_weight or settings.weights.get("char_model"):
        signals |= _spelling_signal(profile_texts, prepared, settings, negatives)
    weights = dict(settings.weights)
    n_own = len(own)
    if ratings is not None and settings.feedback_weight:
        feedback = _feedback_model(ratings, cache, background, prepared, profile_vectors[:n_own])
        if feedback is not None:
            signals["feedback"], strength = feedback
            weights["feedback"] = strength * settings.feedback_weight
    to_liked = dense[:, n_own:]
    return Scoring(
        combine(signals, weights, settings),
        signals,
        profile_vectors[:n_own],
        prepared.vectors,
        dense[:, :n_own],
        prepared.lexicon,
        profile_rows[:n_own],
        prepared.rows,
        liked=to_liked.max(axis=1) if liked else None,
        liked_index=to_liked.argmax(axis=1) if liked else None,
    )


def _recency_of(
    profile: Sequence[Paper], today: str | None, settings: Settings
) -> np.ndarray | None:
    """Weights of the profile papers by age, when the settings ask for recency."""
    if not settings.half_life_years:
        return None
    return rank.recency_weights([p.date for p in profile], today, settings.half_life_years)


def _similarity_signals(
    dense: np.ndarray,
    prepared: CandidateIndex,
    profile_rows: sp.csr_matrix,
    settings: Settings,
    recency: np.ndarray | None,
) -> dict[str, np.ndarray]:
    """Closeness to the profile's nearest papers: embedding cosine and TF-IDF cosine."""
    lexical_sims = lexical.cosine(prepared.rows, profile_rows)
    return {
        "dense": rank.top_k_mean(dense, settings.dense_k, recency),
        "lexical": rank.top_k_mean(lexical_sims, settings.lexical_k, recency),
    }


def _model_signals(
    profile_vectors: np.ndarray,
    profile_rows: sp.csr_matrix,
    prepared: CandidateIndex,
    background: np.ndarray,
    settings: Settings,
    recency: np.ndarray | None,
    negative_weights: np.ndarray | None,
) -> dict[str, np.ndarray]:
    """The discriminative signals whose weight is not 0: the dense LR and the lexical SVM."""
    signals = {}
    if settings.weights.get("dense_model"):
        signals["dense_model"] = rank.discriminative_scores(
            profile_vectors,
            background,
            prepared.vectors,
            c=settings.model_c,
            positive_weights=recency,
        )
    if settings.weights.get("lexical_model"):
        signals["lexical_model"] = rank.lexical_model_scores(
            prepared.rows,
            profile_rows,
            c=settings.lexical_model_c,
            history_rows=prepared.history_rows,
            candidate_weights=negative_weights,
        )
    return signals


def _spelling_signal(
    profile_texts: Sequence[str],
    prepared: CandidateIndex,
    settings: Settings,
    negative_weights: np.ndarray | None,
) -> dict[str, np.ndarray]:
    """``char_model``: the lexical SVM on the character 4-gram rows (none without them)."""
    if prepared.char_lexicon is None or prepared.char_rows is None:
        return {}
    return {
        "char_model": rank.lexical_model_scores(
            prepared.char_rows,
            prepared.char_lexicon.tfidf(profile_texts),
            c=settings.lexical_model_c,
            history_rows=prepared.char_history_rows,
            candidate_weights=negative_weights,
        )
    }


def combine(
    signals: Mapping[str, np.ndarray], weights: Mapping[str, float], settings: Settings
) -> np.ndarray:
    """The weighted sum of the z-scored signals, plus the tail bonus of the two SVMs."""
    scores = rank.combine(signals, weights)
    if weights.get("lexical_model") and settings.lexical_tail_weight:
        scores += settings.lexical_tail_weight * rank.tail(
            signals["lexical_model"], settings.lexical_tail_from
        )
    if "char_model" in signals and settings.char_tail_weight:
        scores += settings.char_tail_weight * rank.tail(
            signals["char_model"], settings.char_tail_from
        )
    return scores


def _feedback_model(
    ratings: Ratings,
    cache: EmbeddingCache,
    background: np.ndarray,
    prepared: CandidateIndex,
    own_vectors: np.ndarray,
) -> tuple[np.ndarray, float] | None:
    """The embedding model of the ratings and how much it counts (more with more ratings)."""
    strength = rank.feedback_weight(len(ratings.liked), len(ratings.disliked))
    if strength == 0:
        return None
    liked = cache.embed_papers(ratings.liked, progress=False)
    disliked = cache.embed_papers(ratings.disliked, progress=False)
    scores = rank.feedback_scores(liked, disliked, background, prepared.vectors, own=own_vectors)
    return scores, strength
