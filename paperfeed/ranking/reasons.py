"""Why a pick was made: the evidence behind it, turned into Reason records a person can read.

Only the picks are explained: the closest own papers, the terms shared with them, the
interest, the rules that applied, and the closest paper rated up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from paperfeed import lexical
from paperfeed.ranking.candidates import CandidateIndex, texts_of
from paperfeed.ranking.choose import Rules
from paperfeed.ranking.model import UserModel
from paperfeed.ranking.settings import DEFAULTS, RankingSettings
from paperfeed.records import Interest, Paper, Reason, Recommendation


@dataclass(frozen=True)
class Evidence:
    """What the ranking knows about one candidate, gathered for its explanation."""

    own_papers: Sequence[Paper]
    similarities: np.ndarray  # dense cosine to each own paper
    shared: Sequence[str] = ()
    interest: Interest | None = None
    coauthors: Sequence[str] = ()
    followed: Sequence[str] = ()
    keywords: Sequence[str] = ()
    feedback: float = 0.0  # cosine to the closest paper rated up (0: none close)
    liked_titles: Sequence[str] = field(default_factory=tuple)


def short_title(title: str, limit: int = 70) -> str:
    """The title cut at a word boundary to at most ``limit`` characters."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    return title[: limit - 1].rsplit(" ", 1)[0] + "…"


def similar_reasons(
    own_papers: Sequence[Paper], similarities: np.ndarray, *, n: int = 2, floor: float = 0.3
) -> list[Reason]:
    """Reasons like "close to your paper “X” (0.71)" for the nearest own paper(s) above ``floor``.

    The first is always given when there is one, however weak; a second only above ``floor``.
    """
    reasons = []
    for rank, index in enumerate(np.argsort(-similarities)[:n]):
        value = float(similarities[index])
        if rank and value < floor:
            break
        paper = own_papers[int(index)]
        text = f"close to your paper “{short_title(paper.title)}” ({value:.2f})"
        reasons.append(Reason("similar", text, paper.id, paper.title, round(value, 4)))
    return reasons


def explain(evidence: Evidence, settings: RankingSettings = DEFAULTS) -> tuple[Reason, ...]:
    """All reasons for one pick, strongest kinds first: rules, interest, similarity, terms."""
    reasons: list[Reason] = []
    if evidence.followed:
        names = ", ".join(evidence.followed)
        reasons.append(Reason("followed_author", f"by {names}, whom you follow"))
    if evidence.coauthors:
        names = ", ".join(evidence.coauthors)
        reasons.append(Reason("coauthor", f"by your co-author {names}"))
    if evidence.keywords:
        words = ", ".join(f"“{k}”" for k in evidence.keywords)
        reasons.append(
            Reason("keyword", f"mentions your keyword {words}", terms=tuple(evidence.keywords))
        )
    if evidence.interest is not None:
        label = evidence.interest.label
        reasons.append(Reason("interest", f"your interest: {label}", terms=evidence.interest.terms))
    if len(evidence.own_papers):
        reasons += similar_reasons(
            evidence.own_papers, evidence.similarities, floor=settings.similar_floor
        )
    if evidence.shared:
        reasons.append(
            Reason(
                "terms", "shared terms: " + ", ".join(evidence.shared), terms=tuple(evidence.shared)
            )
        )
    if evidence.feedback > 0:
        text = "like papers you rated up"
        if evidence.liked_titles:
            title = short_title(evidence.liked_titles[0])
            text = f"close to “{title}”, which you rated up ({evidence.feedback:.2f})"
        reasons.append(Reason("feedback", text, similarity=round(evidence.feedback, 4)))
    return tuple(reasons)


def shared_with_closest(
    rows: sp.csr_matrix, own_rows: sp.csr_matrix, terms: lexical.Terms, k: int = 5
) -> list[list[str]]:
    """Per row (a pick's word row), the terms it shares with its three lexically closest own
    papers. Only the picks' own columns matter, so both sides are cut to them once."""
    if own_rows.shape[0] == 0 or rows.shape[0] == 0:
        return [[] for _ in range(rows.shape[0])]
    columns = np.unique(rows.indices)
    picks, own = dense_columns(rows, columns), dense_columns(own_rows, columns)
    closeness = picks @ own.T  # cosines: every term of a pick is among the columns
    out = []
    for row, pick in enumerate(picks):
        closest = np.argsort(-closeness[row])[:3]
        contributions = pick * own[closest].sum(axis=0)
        out.append(lexical.top_terms(columns, contributions, terms, k))
    return out


def dense_columns(matrix: sp.csr_matrix, columns: np.ndarray) -> np.ndarray:
    """``matrix[:, columns].toarray()`` for sorted ``columns``, in time of its nonzeros
    (scipy's column indexing also walks every column: a million of them with hashing)."""
    out = np.zeros((matrix.shape[0], len(columns)), dtype=matrix.dtype)
    if not len(columns):
        return out
    at = np.minimum(np.searchsorted(columns, matrix.indices), len(columns) - 1)
    found = columns[at] == matrix.indices
    row_of = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    out[row_of[found], at[found]] = matrix.data[found]
    return out


def closest_liked(
    vector: np.ndarray, paper_id: str, model: UserModel, floor: float
) -> dict[str, Any]:
    """The paper rated up that a candidate is closest to, when close enough (never the
    candidate itself)."""
    liked = model.liked
    if not liked:
        return {}
    similarity = model.vectors[model.n_own :] @ vector
    for index in np.argsort(-similarity):
        if liked[int(index)].id == paper_id:
            continue
        if similarity[index] < floor:
            return {}
        return {"feedback": float(similarity[index]), "liked_titles": (liked[int(index)].title,)}
    return {}


def interest_groups(
    candidates: CandidateIndex, model: UserModel, picked: np.ndarray, settings: RankingSettings
) -> np.ndarray | None:
    """For the ``picked`` candidates, the interest whose own papers each is closest to: the
    best mean of its ``dense_k`` closest papers in the interest (None: no interests)."""
    if not model.interests or model.n_own == 0:
        return None
    similarity = candidates.vectors[picked] @ model.vectors[: model.n_own].T
    closeness = np.full((len(picked), len(model.interests)), -np.inf)
    for label in range(len(model.interests)):  # a handful of interests: a loop is cheapest
        own = similarity[:, model.interest_of == label]
        k = min(settings.dense_k, own.shape[1])
        if k:
            closeness[:, label] = -np.partition(-own, k - 1, axis=1)[:, :k].mean(axis=1)
    return closeness.argmax(axis=1)


def recommendations(
    picks: Sequence[int],
    candidates: CandidateIndex,
    model: UserModel,
    rules: Rules,
    final: np.ndarray,
    standard: dict[str, np.ndarray],
    settings: RankingSettings,
) -> list[Recommendation]:
    """The picks, best first, each with its reasons and its standardized signals."""
    groups = interest_groups(candidates, model, np.asarray(picks, dtype=np.int64), settings)
    words = candidates.encoded.words[list(picks)]
    # a shared term is in the pick's text, so the picks' texts name every shared column
    names = candidates.space.words.term_names(texts_of([candidates.papers[p] for p in picks]))
    shared = shared_with_closest(words, model.word_rows[: model.n_own], names)
    out = []
    for rank, (pick, terms) in enumerate(zip(picks, shared, strict=True), start=1):
        vector = candidates.vectors[pick]
        interest = model.interests[int(groups[rank - 1])] if groups is not None else None
        evidence = Evidence(
            own_papers=model.own,
            similarities=model.vectors[: model.n_own] @ vector,
            shared=terms,
            interest=interest,
            coauthors=rules.coauthors[pick],
            followed=rules.followed[pick],
            keywords=rules.keywords[pick],
            **closest_liked(vector, candidates.papers[pick].id, model, settings.liked_floor),
        )
        out.append(
            Recommendation(
                paper=candidates.papers[pick],
                score=round(float(final[pick]), 4),
                rank=rank,
                reasons=explain(evidence, settings),
                interest=interest.label if interest else None,
                signals={name: round(float(v[pick]), 4) for name, v in standard.items()},
            )
        )
    return out
