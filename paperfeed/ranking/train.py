"""A user's models, trained once when their profile, ratings or the feature space change.

Positives are the own papers (the newest ``profile_papers``) and the papers rated up;
negatives are the background (and the papers rated down, weighted more). Three models:
a linear SVM on word rows (``lexical_model``), the same on character rows (``char_model``),
and a logistic regression on embeddings (``dense_model``). The profile's vectors and word
rows are kept for the similarity signals and the reasons; every signal's mean and spread
over the background's held-out papers are kept to calibrate it (``combine``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
import scipy.sparse as sp

from paperfeed.ids import author_key, is_owner
from paperfeed.ranking.background import Background
from paperfeed.ranking.candidates import Encoded, texts_of
from paperfeed.ranking.interests import find_interests
from paperfeed.ranking.model import Ratings, UserModel
from paperfeed.ranking.settings import RankingSettings
from paperfeed.ranking.signals import calibration
from paperfeed.records import Paper

Embed = Callable[[Sequence[Paper]], np.ndarray]


def newest(papers: Sequence[Paper], limit: int) -> list[Paper]:
    """The newest ``limit`` papers (undated ones count as oldest), in their given order."""
    if len(papers) <= limit:
        return list(papers)
    order = sorted(range(len(papers)), key=lambda i: papers[i].date or "", reverse=True)
    keep = set(order[:limit])
    return [p for i, p in enumerate(papers) if i in keep]


def model_key(
    owner: str,
    own: Sequence[Paper],
    ratings: Ratings,
    space_key: str,
    settings: RankingSettings,
) -> str:
    """What a model is known by: its space, its settings, the papers it learns from, and
    who wrote the own papers (the version changes whenever training does, so models stored
    by an older version are retrained)."""
    digest = hashlib.sha1(f"model-v3;{space_key};{settings.training_key()};{owner}".encode())
    for group in (own, ratings.liked, ratings.disliked):
        digest.update(b"\x01")
        for paper in group:
            digest.update(f"{paper.id}\x00{paper.title}\x00{paper.abstract}\x00".encode())
    for paper in own:
        digest.update("\x00".join(paper.authors).encode() + b"\x01")
    return digest.hexdigest()


def train(
    owner: str,
    own: Sequence[Paper],
    ratings: Ratings,
    background: Background,
    embed: Embed,
    settings: RankingSettings,
) -> UserModel:
    """Train the models of ``owner``'s profile (own papers already cut to the newest
    ``settings.profile_papers``)."""
    space = background.space
    papers = [*own, *ratings.liked]
    positives = Encoded(embed(papers), *space.transform(texts_of(papers)))
    disliked = Encoded(np.zeros((0, 0)), *space.transform(texts_of(ratings.disliked)))
    interests, interest_of = find_interests(
        list(own), positives.vectors[: len(own)], positives.words[: len(own)], space, settings
    )
    model = UserModel(
        key=model_key(owner, own, ratings, space.key, settings),
        space_key=space.key,
        papers=tuple(Paper(id=p.id, title=p.title) for p in papers),
        n_own=len(own),
        vectors=positives.vectors,
        word_rows=positives.words,
        dense_weights=logistic_weights(positives.vectors, background.vectors, settings),
        word_weights=svm_weights(positives.words, background.word_rows, disliked.words, settings),
        char_weights=svm_weights(positives.chars, background.char_rows, disliked.chars, settings),
        disliked_ids=frozenset(p.id for p in ratings.disliked),
        coauthors=tuple(coauthor_names(own, owner)),
        interests=tuple(interests),
        interest_of=interest_of,
    )
    return replace(model, calibration=calibration(model, background.held_out, settings))


def coauthor_names(papers: Sequence[Paper], owner: str) -> list[str]:
    """Everyone who wrote one of ``papers`` with the owner (the owner left out)."""
    names: dict[tuple[str, str], str] = {}
    for paper in papers:
        for author in paper.authors:
            if not is_owner(author, owner):
                names.setdefault(author_key(author), author)
    return list(names.values())


def svm_weights(
    positives: sp.csr_matrix,
    negatives: sp.csr_matrix,
    disliked: sp.csr_matrix,
    settings: RankingSettings,
) -> sp.csr_matrix:
    """arxiv-sanity style: a linear SVM on TF-IDF rows, positives vs negatives and papers
    rated down (weighing ``disliked_weight``), classes balanced; its ``model_terms`` largest
    weights as one sparse row (the bias does not rank).

    Rare terms an owner keeps using (names of their methods, data sets, systems) get large
    weights, which plain cosine misses; the more of the field the negatives cover, the
    better it tells the owner's words from the field's.
    """
    width = negatives.shape[1]
    if positives.shape[0] == 0 or width == 0:
        return sp.csr_matrix((1, width), dtype=np.float32)
    features = sp.vstack([negatives, disliked, positives], format="csr", dtype=np.float32)
    n_negative = negatives.shape[0] + disliked.shape[0]
    labels = np.r_[np.zeros(n_negative), np.ones(positives.shape[0])]
    sample_weight = np.r_[
        np.ones(negatives.shape[0]),
        np.full(disliked.shape[0], settings.disliked_weight),
        np.ones(positives.shape[0]),
    ]
    weights = linear_svc_weights(features, labels, sample_weight, settings.lexical_model_c)
    return largest(weights, settings.model_terms)


def linear_svc_weights(
    features: sp.csr_matrix, labels: np.ndarray, sample_weight: np.ndarray, c: float
) -> np.ndarray:
    """The weights of ``LinearSVC(class_weight="balanced", C=c, max_iter=10_000,
    random_state=0)`` fitted on float32 ``features``, without its float64 copy of them.

    ``LinearSVC.fit`` converts its input to float64 (12 bytes a nonzero, as much again as
    the float32 rows) although liblinear reads float32 as well, into its own 16-byte nodes
    either way: the same solver, given the same numbers, gives the same weights (the tests
    compare them). On the character rows of a 20k-paper history that copy was ~150 MB.
    """
    from sklearn.svm._base import _fit_liblinear
    from sklearn.svm._classes import _validate_dual_parameter

    dual = _validate_dual_parameter("auto", "squared_hinge", "l2", "ovr", features)
    coef, _, _ = _fit_liblinear(
        features,
        labels,
        c,
        fit_intercept=True,
        intercept_scaling=1.0,
        class_weight="balanced",
        penalty="l2",
        dual=dual,
        verbose=0,
        max_iter=10_000,
        tol=1e-4,
        random_state=0,
        loss="squared_hinge",
        sample_weight=sample_weight,
    )
    return np.asarray(coef[0])


def largest(weights: np.ndarray, keep: int) -> sp.csr_matrix:
    """The ``keep`` largest weights by size as a 1-row sparse matrix (the rest zero)."""
    nonzero = np.flatnonzero(weights)
    if len(nonzero) > keep:
        nonzero = np.sort(nonzero[np.argpartition(-np.abs(weights[nonzero]), keep - 1)[:keep]])
    row = np.zeros(len(nonzero), dtype=np.int32)
    values = weights[nonzero].astype(np.float32)
    return sp.csr_matrix((values, (row, nonzero)), shape=(1, len(weights)))


def logistic_weights(
    positives: np.ndarray, negatives: np.ndarray, settings: RankingSettings
) -> np.ndarray:
    """Scholar Inbox style: a logistic regression on embeddings, positives vs the
    background's vectors (classes balanced); its weights (the bias does not rank)."""
    from sklearn.linear_model import LogisticRegression

    if len(positives) == 0 or len(negatives) == 0:
        return np.zeros(positives.shape[1], dtype=np.float32)
    features = np.vstack([positives, negatives])
    labels = np.r_[np.ones(len(positives)), np.zeros(len(negatives))]
    model = LogisticRegression(C=settings.dense_model_c, class_weight="balanced", max_iter=200)
    model.fit(features, labels)
    return model.coef_[0].astype(np.float32)
