"""Turns the signals behind one pick into Reason records a person can read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

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


def explain(evidence: Evidence) -> tuple[Reason, ...]:
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
        reasons += similar_reasons(evidence.own_papers, evidence.similarities)
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
