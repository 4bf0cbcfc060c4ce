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
from paperfeed.ranking.candidates import CandidateIndex
from paperfeed.ranking.choose import Rules
from paperfeed.ranking.model import UserModel
from paperfeed.ranking.settings import DEFAULTS, RankingSettings
from paperfeed.records import Interest, Paper, Reason


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
    row: sp.csr_matrix, own_rows: sp.csr_matrix, terms: Sequence[str], k: int = 5
) -> list[str]:
    """Terms a candidate's word row shares with its three lexically closest own papers."""
    if own_rows.shape[0] == 0:
        return []
    closest = np.argsort(-lexical.cosine(row, own_rows)[0])[:3]
    summed = sp.csr_matrix(own_rows[closest].sum(axis=0))
    return lexical.shared_terms(row, summed, terms, k)


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


def evidence(
    index: int,
    candidates: CandidateIndex,
    model: UserModel,
    interest: Interest | None,
    rules: Rules,
    settings: RankingSettings,
) -> Evidence:
    """What the ranking knows about candidate ``index`` for this user."""
    vector = candidates.vectors[index]
    own_rows = model.word_rows[: model.n_own]
    row = candidates.encoded.words[index]
    return Evidence(
        own_papers=model.own,
        similarities=model.vectors[: model.n_own] @ vector,
        shared=shared_with_closest(row, own_rows, candidates.space.words.terms),
        interest=interest,
        coauthors=rules.coauthors[index],
        followed=rules.followed[index],
        keywords=rules.keywords[index],
        **closest_liked(vector, candidates.papers[index].id, model, settings.liked_floor),
    )
