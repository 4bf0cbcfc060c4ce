"""Scoring signals as small pure functions over matrices, their combination, rules and diversity.

Every signal maps candidates to one number each; :func:`combine` puts signals on one scale
(z-scores over the candidate set, clipped) and adds them with weights. Nothing here reads
papers or models: the caller (``paperfeed.api``) hands in similarity matrices and vectors.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date as Date

import numpy as np
import scipy.sparse as sp

from paperfeed.ids import paper_text
from paperfeed.records import Paper, Profile

#: Default weights of the combined score (see docs/relevance.md for how they were chosen).
DEFAULT_WEIGHTS: dict[str, float] = {
    "dense": 1.0,
    "lexical": 0.25,
    "dense_model": 0.25,
    "lexical_model": 0.25,
}


def recency_weights(
    dates: Sequence[str | None], today: str | None = None, half_life_years: float = 3.0
) -> np.ndarray:
    """Weight of each own paper by age: 1 for this year's, halving every ``half_life_years``.

    Papers without a date get the median weight of the dated ones (1 if none is dated).
    ``today`` defaults to the newest own paper's date, so old profiles are not all faded.
    """
    years = np.array([_year(d) for d in dates], dtype=np.float64)
    known = ~np.isnan(years)
    if not known.any():
        return np.ones(len(dates), dtype=np.float32)
    now = _year(today) if today else float(np.nanmax(years))
    age = np.clip(now - years, 0.0, None)
    weights = np.power(0.5, age / half_life_years)
    weights[~known] = float(np.median(weights[known]))
    return weights.astype(np.float32)


def _year(value: str | None) -> float:
    """A fractional year from an ISO date (or a bare year); NaN when unreadable."""
    if not value:
        return float("nan")
    try:
        day = Date.fromisoformat(value[:10])
    except ValueError:
        return float(value[:4]) if value[:4].isdigit() else float("nan")
    return day.year + (day.timetuple().tm_yday - 1) / 365.25


def top_k_mean(similarity: np.ndarray, k: int = 3, weights: np.ndarray | None = None) -> np.ndarray:
    """Per candidate (row): the weighted mean of its ``k`` highest similarities to own papers.

    With ``weights`` (one per own paper, e.g. recency) each similarity is scaled by its
    paper's weight before the top ``k`` are taken, so old papers need to be closer to count.
    """
    if similarity.shape[1] == 0:
        return np.zeros(similarity.shape[0], dtype=np.float32)
    scaled = similarity * weights[None, :] if weights is not None else similarity
    k = min(k, scaled.shape[1])
    top = -np.partition(-scaled, k - 1, axis=1)[:, :k]
    return top.mean(axis=1).astype(np.float32)


def softmax_aggregate(similarity: np.ndarray, temperature: float = 0.05) -> np.ndarray:
    """Per candidate: similarities averaged with softmax(similarity / temperature) weights."""
    if similarity.shape[1] == 0:
        return np.zeros(similarity.shape[0], dtype=np.float32)
    logits = similarity / temperature
    logits -= logits.max(axis=1, keepdims=True)
    weights = np.exp(logits)
    weights /= weights.sum(axis=1, keepdims=True)
    return (weights * similarity).sum(axis=1).astype(np.float32)


def discriminative_scores(
    positives: np.ndarray,
    background: np.ndarray,
    candidates: np.ndarray,
    *,
    c: float = 1.0,
    positive_weights: np.ndarray | None = None,
) -> np.ndarray:
    """Decision value of a logistic regression trained profile (1) vs background (0).

    Scholar Inbox / arxiv-sanity-lite style: own papers are the positives, a sample of the
    background (e.g. the candidates themselves) the negatives; classes are balanced.
    """
    from sklearn.linear_model import LogisticRegression

    if len(positives) == 0 or len(background) == 0:
        return np.zeros(len(candidates), dtype=np.float32)
    features = np.vstack([positives, background])
    labels = np.r_[np.ones(len(positives)), np.zeros(len(background))]
    sample_weight = np.r_[
        positive_weights if positive_weights is not None else np.ones(len(positives)),
        np.ones(len(background)),
    ]
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=200)
    model.fit(features, labels, sample_weight=sample_weight)
    return model.decision_function(candidates).astype(np.float32)


def feedback_scores(
    liked: np.ndarray,
    disliked: np.ndarray,
    background: np.ndarray,
    candidates: np.ndarray,
    *,
    own: np.ndarray | None = None,
    c: float = 1.0,
) -> np.ndarray:
    """A per-user model: thumbs up (and, at half weight, own papers) positive; thumbs down
    (double weight) and a background sample negative. Logistic regression, balanced classes.
    """
    from sklearn.linear_model import LogisticRegression

    own = own if own is not None else np.zeros((0, candidates.shape[1]), np.float32)
    positives = np.vstack([liked, own])
    negatives = np.vstack([disliked, background])
    if len(positives) == 0 or len(negatives) == 0:
        return np.zeros(len(candidates), dtype=np.float32)
    weights = np.r_[
        np.ones(len(liked)),
        np.full(len(own), 0.5),
        np.full(len(disliked), 2.0),
        np.ones(len(background)),
    ]
    labels = np.r_[np.ones(len(positives)), np.zeros(len(negatives))]
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=300)
    model.fit(np.vstack([positives, negatives]), labels, sample_weight=weights)
    return model.decision_function(candidates).astype(np.float32)


def lexical_model_scores(
    candidate_rows: sp.csr_matrix,
    own_rows: sp.csr_matrix,
    *,
    c: float = 1.0,
    history_rows: sp.csr_matrix | None = None,
    candidate_weights: np.ndarray | None = None,
    max_negatives: int = 10_000,
) -> np.ndarray:
    """arxiv-sanity style: a linear SVM on TF-IDF rows, own papers vs everything else.

    The decision value ranks; classes are balanced. Rare terms an owner keeps using (names
    of their methods, data sets, systems) get large weights, which plain cosine misses.
    The negatives are the candidates (a fixed random sample of ``max_negatives`` when there
    are more) plus ``history_rows``, earlier listings: the more of the field the model
    sees, the better it tells the owner's words from the field's. ``candidate_weights``
    weighs each candidate as a negative (papers rated down count more, rated up 0).
    """
    from sklearn.svm import LinearSVC

    if own_rows.shape[0] == 0 or candidate_rows.shape[0] == 0:
        return np.zeros(candidate_rows.shape[0], dtype=np.float32)
    weights = np.ones(candidate_rows.shape[0]) if candidate_weights is None else candidate_weights
    keep = weights > 0
    if candidate_rows.shape[0] > max_negatives:
        sample = np.zeros_like(keep)
        rng = np.random.default_rng(0)
        sample[rng.choice(candidate_rows.shape[0], max_negatives, replace=False)] = True
        keep &= sample | (weights != 1)  # rated papers always stay
    negatives = [candidate_rows[keep]]
    negative_weights = [weights[keep]]
    if history_rows is not None and history_rows.shape[0]:
        negatives.append(history_rows)
        negative_weights.append(np.ones(history_rows.shape[0]))
    # float64 as liblinear wants it: a float32 stack would be copied once more inside fit
    features = sp.vstack([*negatives, own_rows], format="csr", dtype=np.float64)
    n_negatives = features.shape[0] - own_rows.shape[0]
    labels = np.r_[np.zeros(n_negatives), np.ones(own_rows.shape[0])]
    sample_weight = np.r_[np.concatenate(negative_weights), np.ones(own_rows.shape[0])]
    model = LinearSVC(class_weight="balanced", C=c, max_iter=10000, random_state=0)
    model.fit(features, labels, sample_weight=sample_weight)
    return model.decision_function(candidate_rows).astype(np.float32)


def feedback_weight(n_liked: int, n_disliked: int, *, full_at: int = 20, minimum: int = 3) -> float:
    """How much the feedback model counts: 0 below ``minimum`` ratings, 1 at ``full_at``."""
    total = n_liked + n_disliked
    if total < minimum:
        return 0.0
    return min(1.0, total / full_at)


def zscore(values: np.ndarray, clip: float | None = None) -> np.ndarray:
    """Standardized over the candidate set (constant -> zeros), optionally clipped to ±clip.

    No clipping by default: the papers that matter are the far tail of a signal, and
    clipping would tie them.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return values.astype(np.float32)
    spread = values.std()
    if spread < 1e-12:
        return np.zeros_like(values, dtype=np.float32)
    standard = (values - values.mean()) / spread
    if clip is not None:
        standard = np.clip(standard, -clip, clip)
    return standard.astype(np.float32)


def tail(values: np.ndarray, start: float) -> np.ndarray:
    """How far each value's z-score lies beyond ``start`` (0 below it)."""
    return np.maximum(zscore(values) - start, 0.0).astype(np.float32)


def rank_normalize(values: np.ndarray) -> np.ndarray:
    """Ranks mapped to (0, 1]: the best candidate 1, ties share their mean rank."""
    from scipy.stats import rankdata

    values = np.asarray(values)
    if values.size == 0:
        return values.astype(np.float32)
    return (rankdata(values) / values.size).astype(np.float32)


def combine(
    signals: Mapping[str, np.ndarray], weights: Mapping[str, float], method: str = "zscore"
) -> np.ndarray:
    """Weighted sum of the signals, each first z-scored (or rank-normalized) over candidates.

    Signals without a weight are ignored; so are weights without a signal.
    """
    normalize = zscore if method == "zscore" else rank_normalize
    total: np.ndarray | None = None
    for name, weight in weights.items():
        if weight == 0 or name not in signals:
            continue
        part = weight * normalize(signals[name])
        total = part if total is None else total + part
    if total is None:
        size = len(next(iter(signals.values()))) if signals else 0
        return np.zeros(size, dtype=np.float32)
    return total.astype(np.float32)


def keyword_hits(texts: Sequence[str], keywords: Sequence[str]) -> list[list[str]]:
    """Per text, the keywords it contains (folded, whole words; a keyword may be a phrase)."""
    from paperfeed.ids import fold

    wanted = [(k, f" {fold(k)} ") for k in keywords if fold(k)]
    if not wanted:  # folding every candidate is the costly part: skip it when there is no rule
        return [[] for _ in texts]
    folded = [f" {fold(t)} " for t in texts]
    return [[k for k, needle in wanted if needle in text] for text in folded]


def author_hits(author_lists: Sequence[Sequence[str]], names: Sequence[str]) -> list[list[str]]:
    """Per paper, which of ``names`` are among its authors.

    Names match on last name and first name ("H." matches "Han"; "Hejia" does not).
    """
    from paperfeed.profile import author_key, same_person

    wanted: dict[str, list[tuple[tuple[str, str], str]]] = {}
    for name in names:
        key = author_key(name)
        if key[0]:
            wanted.setdefault(key[0], []).append((key, name))
    out = []
    for authors in author_lists:
        found = set()
        for author in authors:
            key = author_key(author)
            found |= {n for k, n in wanted.get(key[0], ()) if same_person(k, key)}
        out.append(sorted(found))
    return out


def select_diverse(
    scores: np.ndarray,
    vectors: np.ndarray,
    k: int,
    *,
    groups: Sequence[int] | None = None,
    eligible: np.ndarray | None = None,
    duplicate_threshold: float = 0.92,
    redundancy: float = 0.3,
    coverage: float = 0.3,
) -> list[int]:
    """Pick up to ``k`` indices greedily by score, MMR-style.

    Each step takes the best of ``score - redundancy * max cosine to the picks so far
    - coverage * picks already in the same group`` (scores in standard units), so one
    interest does not fill the digest; a near-duplicate (cosine above
    ``duplicate_threshold`` to a pick) is never taken.
    """
    n = len(scores)
    allowed = np.ones(n, bool) if eligible is None else eligible.astype(bool).copy()
    spread = float(np.std(scores[allowed])) if allowed.any() else 1.0
    base = np.asarray(scores, dtype=np.float64) / (spread if spread > 1e-12 else 1.0)
    closest = np.zeros(n)
    per_group: dict[int, int] = {}
    picks: list[int] = []
    while len(picks) < k and allowed.any():
        penalty = redundancy * closest
        if groups is not None:
            penalty = penalty + coverage * np.array([per_group.get(g, 0) for g in groups])
        value = np.where(allowed, base - penalty, -np.inf)
        best = int(np.argmax(value))
        picks.append(best)
        allowed[best] = False
        if groups is not None:
            per_group[groups[best]] = per_group.get(groups[best], 0) + 1
        similarity = vectors @ vectors[best]
        closest = np.maximum(closest, similarity)
        allowed &= similarity <= duplicate_threshold
    return picks


@dataclass(frozen=True)
class Rules:
    """What the profile's rules say about each candidate."""

    blocked: np.ndarray
    boost: np.ndarray
    pinned: np.ndarray
    keywords: list[list[str]]
    coauthors: list[list[str]]
    followed: list[list[str]]


def apply_rules(
    profile: Profile, candidates: Sequence[Paper], keyword_boost: float, coauthor_boost: float
) -> Rules:
    """Exclude keywords block, include keywords and co-authors boost, followed authors pin."""
    texts = [paper_text(p.title, p.abstract) for p in candidates]
    excluded = keyword_hits(texts, profile.exclude_keywords)
    included = keyword_hits(texts, profile.include_keywords)
    authors = [p.authors for p in candidates]
    followed = author_hits(authors, profile.followed_authors)
    coauthors = author_hits(authors, coauthor_names(profile))
    boost = np.array(
        [
            keyword_boost * bool(k) + coauthor_boost * bool(c)
            for k, c in zip(included, coauthors, strict=True)
        ],
        dtype=np.float32,
    )
    return Rules(
        blocked=np.array([bool(x) for x in excluded], dtype=bool),
        boost=boost,
        pinned=np.array([bool(x) for x in followed], dtype=bool),
        keywords=included,
        coauthors=coauthors,
        followed=followed,
    )


def coauthor_names(profile: Profile) -> list[str]:
    """Everyone who wrote an active own paper with the owner (the owner left out)."""
    from paperfeed.profile import author_key, is_owner

    names: dict[tuple[str, str], str] = {}
    for paper in profile.active_papers:
        for author in paper.authors:
            if not is_owner(author, profile.owner):
                names.setdefault(author_key(author), author)
    return list(names.values())


def candidate_interests(dense: np.ndarray, paper_labels: np.ndarray, k: int) -> np.ndarray:
    """Per candidate, the interest whose own papers it is closest to (top-k mean)."""
    if dense.shape[1] == 0:
        return np.zeros(dense.shape[0], dtype=int)
    n_interests = int(paper_labels.max()) + 1
    per_interest = np.column_stack(
        [top_k_mean(dense[:, paper_labels == i], k) for i in range(n_interests)]
    )
    return per_interest.argmax(axis=1)


def shown_mask(papers: Sequence[Paper], shown: Collection[str]) -> np.ndarray:
    """True for papers already shown (by id)."""
    seen = set(shown)
    return np.array([p.id in seen for p in papers], dtype=bool)
