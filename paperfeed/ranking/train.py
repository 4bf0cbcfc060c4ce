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

from paperfeed import memory
from paperfeed.ids import author_key, is_owner
from paperfeed.ranking.background import Background
from paperfeed.ranking.candidates import Encoded, texts_of
from paperfeed.ranking.interests import find_interests
from paperfeed.ranking.model import Ratings, UserModel
from paperfeed.ranking.settings import RankingSettings
from paperfeed.ranking.signals import calibration
from paperfeed.ranking.svm import copies_of, svm_weights
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
    # the background's rows (word and character rows alike) that are a positive itself
    own_copies = copies_of(background.word_rows, positives.words, settings.same_paper_cosine)
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
        word_weights=svm_weights(
            positives.words, background.word_rows, disliked.words, settings, own_copies
        ),
        char_weights=svm_weights(
            positives.chars, background.char_rows, disliked.chars, settings, own_copies
        ),
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
    memory.trim()  # the solver's working set, freed into the C heap, before the SVMs run
    return model.coef_[0].astype(np.float32)
