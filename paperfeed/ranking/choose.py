"""From scores to picks: the user's rules, what must not be shown, and diversity.

Exclude keywords drop a paper, include keywords and co-authors lift it, followed authors
pin it; papers already shown and papers rated down are never picked again. The picks are
then taken greedily, MMR-style, from a shortlist of the best candidates.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import numpy as np

from paperfeed.ids import author_key, fold
from paperfeed.ranking.candidates import CandidateIndex
from paperfeed.ranking.settings import RankingSettings
from paperfeed.records import Profile


@dataclass(frozen=True)
class Rules:
    """What the profile's rules say about each candidate."""

    blocked: np.ndarray
    boost: np.ndarray
    pinned: np.ndarray
    keywords: list[list[str]]
    coauthors: list[list[str]]
    followed: list[list[str]]


def keyword_hits(folded: Sequence[str], keywords: Sequence[str]) -> list[list[str]]:
    """Per folded text, the keywords it contains (whole words; a keyword may be a phrase)."""
    wanted = [(k, f" {fold(k)} ") for k in keywords if fold(k)]
    if not wanted:
        return [[] for _ in folded]
    return [[k for k, needle in wanted if needle in text] for text in folded]


def author_hits(candidates: CandidateIndex, names: Sequence[str]) -> list[list[str]]:
    """Per candidate, which of ``names`` are among its authors (last name and compatible
    first names: "H." matches "Han"; "Hejia" does not)."""
    hits: dict[int, set[str]] = {}
    for name in names:
        for index in candidates.authors.written_by(author_key(name)):
            hits.setdefault(index, set()).add(name)
    out: list[list[str]] = [_NONE] * len(candidates)
    for index, found in hits.items():
        out[index] = sorted(found)
    return out


_NONE: list[str] = []  # shared by every candidate without a hit: never changed


def apply_rules(
    profile: Profile,
    coauthors_of_owner: Sequence[str],
    candidates: CandidateIndex,
    settings: RankingSettings,
) -> Rules:
    """Exclude keywords block, include keywords and ``coauthors_of_owner`` boost, followed
    authors pin."""
    excluded = keyword_hits(candidates.folded_texts, profile.exclude_keywords)
    included = keyword_hits(candidates.folded_texts, profile.include_keywords)
    followed = author_hits(candidates, profile.followed_authors)
    coauthors = author_hits(candidates, coauthors_of_owner)
    boost = settings.keyword_boost * np.array([bool(k) for k in included], dtype=np.float32)
    boost += settings.coauthor_boost * np.array([bool(c) for c in coauthors], dtype=np.float32)
    return Rules(
        blocked=np.array([bool(x) for x in excluded], dtype=bool),
        boost=boost,
        pinned=np.array([bool(x) for x in followed], dtype=bool),
        keywords=included,
        coauthors=coauthors,
        followed=followed,
    )


def never_again(candidates: CandidateIndex, ids: Collection[str]) -> np.ndarray:
    """True for candidates whose id is in ``ids`` (shown before, or rated down)."""
    mask = np.zeros(len(candidates), dtype=bool)
    for paper_id in ids:
        index = candidates.position.get(paper_id)
        if index is not None:
            mask[index] = True
    return mask


def select_diverse(
    scores: np.ndarray,
    vectors: np.ndarray,
    k: int,
    settings: RankingSettings,
    *,
    groups: np.ndarray | None = None,
    spread: float = 1.0,
) -> list[int]:
    """Up to ``k`` row indices, greedily by ``score - redundancy * max cosine to the picks so
    far - coverage * picks already in the same group`` (scores divided by ``spread``, the
    spread of the eligible scores), so one interest does not fill the digest; a
    near-duplicate of a pick (cosine above ``duplicate_cosine``) is never taken."""
    n = len(scores)
    allowed = np.ones(n, dtype=bool)
    base = np.asarray(scores, dtype=np.float64) / (spread if spread > 1e-12 else 1.0)
    closest = np.zeros(n)
    in_group = np.zeros(n)
    picks: list[int] = []
    while len(picks) < k and allowed.any():
        penalty = settings.redundancy * closest + settings.coverage * in_group
        value = np.where(allowed, base - penalty, -np.inf)
        best = int(np.argmax(value))
        picks.append(best)
        allowed[best] = False
        if groups is not None:
            in_group += groups == groups[best]
        similarity = vectors @ vectors[best]
        closest = np.maximum(closest, similarity)
        allowed &= similarity <= settings.duplicate_cosine
    return picks


def choose(
    final: np.ndarray,
    eligible: np.ndarray,
    pinned: np.ndarray,
    candidates: CandidateIndex,
    group_of: Callable[[np.ndarray], np.ndarray | None],
    settings: RankingSettings,
    *,
    top: int,
    threshold: float | None,
) -> list[int]:
    """Indices of the picks, best first: pinned (followed authors) always, then the diverse
    picks among the ``shortlist`` best eligible candidates at or above ``threshold``
    (``group_of(indices)`` gives their interests, or None)."""
    pinned_ids = np.flatnonzero(pinned & eligible)
    open_ = eligible & ~pinned
    if threshold is not None:
        open_ &= final >= threshold
    pool = np.flatnonzero(open_)
    if len(pool) > settings.shortlist:
        pool = pool[np.argpartition(-final[pool], settings.shortlist - 1)[: settings.shortlist]]
    picked = select_diverse(
        final[pool],
        candidates.vectors[pool],
        max(top - len(pinned_ids), 0),
        settings,
        groups=group_of(pool),
        spread=float(np.std(final[eligible])) if eligible.any() else 1.0,
    )
    chosen = [*pinned_ids.tolist(), *pool[picked].tolist()]
    return sorted(chosen, key=lambda i: -final[i])
