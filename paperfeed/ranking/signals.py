"""The signals: each maps (encoded papers, trained models) to one raw score per model and paper.

One small function per signal, registered in ``SIGNALS``; a signal takes part when its
weight in the settings is not 0 (``char_model`` counts only in its tail). Each works on a
batch of users at once: the products are one matrix product per batch.

- ``dense``: mean cosine of the k closest profile papers by embedding;
- ``lexical``: the same with word TF-IDF rows;
- ``dense_model``: the user's logistic regression on embeddings;
- ``lexical_model`` / ``char_model``: the user's linear SVM on word / character rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import scipy.sparse as sp

from paperfeed.ranking.candidates import Encoded
from paperfeed.ranking.model import UserModel
from paperfeed.ranking.settings import RankingSettings

Signal = Callable[[Encoded, Sequence[UserModel], RankingSettings], np.ndarray]


def top_k_mean(similarity: np.ndarray, k: int) -> np.ndarray:
    """Per row (a paper): the mean of its ``k`` highest similarities (to profile papers)."""
    if similarity.shape[1] == 0:
        return np.zeros(similarity.shape[0], dtype=np.float32)
    k = min(k, similarity.shape[1])
    top = -np.partition(-similarity, k - 1, axis=1)[:, :k]
    return top.mean(axis=1).astype(np.float32)


def _per_user_top_k(similarity: np.ndarray, sizes: Sequence[int], k: int) -> np.ndarray:
    """``top_k_mean`` of each user's block of columns (users' profiles side by side)."""
    out = np.zeros((len(sizes), similarity.shape[0]), dtype=np.float32)
    start = 0
    for user, size in enumerate(sizes):
        out[user] = top_k_mean(similarity[:, start : start + size], k)
        start += size
    return out


def dense(papers: Encoded, models: Sequence[UserModel], settings: RankingSettings) -> np.ndarray:
    """Embedding cosine to the profile: mean of the ``dense_k`` closest profile papers."""
    profiles = np.vstack([m.vectors for m in models])
    similarity = papers.vectors @ profiles.T
    return _per_user_top_k(similarity, [len(m.vectors) for m in models], settings.dense_k)


def lexical(papers: Encoded, models: Sequence[UserModel], settings: RankingSettings) -> np.ndarray:
    """TF-IDF cosine to the profile: mean of the ``lexical_k`` closest profile papers."""
    profiles = sp.vstack([m.word_rows for m in models], format="csr")
    similarity = np.asarray((papers.words @ profiles.T).todense(), dtype=np.float32)
    return _per_user_top_k(similarity, [m.word_rows.shape[0] for m in models], settings.lexical_k)


def dense_model(
    papers: Encoded, models: Sequence[UserModel], settings: RankingSettings
) -> np.ndarray:
    """The decision value of each user's logistic regression on embeddings."""
    weights = np.vstack([m.dense_weights for m in models])
    return (weights @ papers.vectors.T).astype(np.float32)


def _linear(rows: sp.csr_matrix, weights: Sequence[sp.csr_matrix]) -> np.ndarray:
    stacked = sp.vstack(weights, format="csr")
    return np.asarray((stacked @ rows.T).todense(), dtype=np.float32)


def lexical_model(
    papers: Encoded, models: Sequence[UserModel], settings: RankingSettings
) -> np.ndarray:
    """The decision value of each user's SVM on word rows."""
    return _linear(papers.words, [m.word_weights for m in models])


def char_model(
    papers: Encoded, models: Sequence[UserModel], settings: RankingSettings
) -> np.ndarray:
    """The decision value of each user's SVM on character rows."""
    return _linear(papers.chars, [m.char_weights for m in models])


SIGNALS: dict[str, Signal] = {
    "dense": dense,
    "lexical": lexical,
    "dense_model": dense_model,
    "lexical_model": lexical_model,
    "char_model": char_model,
}


def used(settings: RankingSettings) -> list[str]:
    """The signals the settings give a weight or a tail."""
    tails = {"lexical_model": settings.lexical_tail_weight, "char_model": settings.char_tail_weight}
    return [name for name in SIGNALS if settings.weights.get(name, 0.0) or tails.get(name, 0.0)]


def compute(
    papers: Encoded, models: Sequence[UserModel], settings: RankingSettings
) -> dict[str, np.ndarray]:
    """Every used signal of ``papers`` for each model: users x papers arrays."""
    if not models or len(papers) == 0:
        return {name: np.zeros((len(models), len(papers)), np.float32) for name in used(settings)}
    return {name: SIGNALS[name](papers, models, settings) for name in used(settings)}


def calibration(
    model: UserModel, held_out: Encoded, settings: RankingSettings
) -> dict[str, tuple[float, float]]:
    """Mean and spread of every signal over the held-out background papers (every signal,
    so that a weight changed later needs no retraining)."""
    out = {}
    for name, signal in SIGNALS.items():
        values = signal(held_out, [model], settings)[0].astype(np.float64)
        out[name] = (float(values.mean()), float(values.std())) if values.size else (0.0, 0.0)
    return out
