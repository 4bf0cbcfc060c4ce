"""The public, stable library API: score and recommend papers against a profile, no database needed.

``score(profile, candidates)`` gives one relevance number per candidate; ``recommend`` and
``rank_digest`` pick a diverse top list with reasons. Profiles and candidates may be
:class:`~paperfeed.records.Paper` objects or plain dicts with the same keys (only ``title``
is needed). Embeddings are memoized by content hash in the process (and in ``store`` when
one is given); the lexical statistics of a candidate set are fitted once and reused.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from paperfeed import lexical, rank
from paperfeed.embed import Embedder, EmbeddingCache, VectorStore, default_embedder
from paperfeed.explain import Evidence, explain
from paperfeed.ids import content_hash, normalize_arxiv_id, paper_id
from paperfeed.index import (
    HISTORY_PAPERS,
    CandidateIndex,
    LexiconStore,
    build_index,
    clear_lexicons,
    texts_of,
)
from paperfeed.profile import NamesakeFlag, namesake_flags
from paperfeed.records import Interest, Paper, Profile, Recommendation
from paperfeed.scoring import DEFAULTS, Ratings, Scoring, Settings, compute, ratings_of

PaperLike = Paper | Mapping[str, Any]

__all__ = [
    "DEFAULTS",
    "HISTORY_PAPERS",
    "Scoring",
    "Settings",
    "compute",
    "index",
    "recommend",
    "score",
]


def to_paper(item: PaperLike, index: int = 0) -> Paper:
    """A Paper from a Paper or a dict with any of its keys (a missing id is derived)."""
    if isinstance(item, Paper):
        return item
    title = str(item.get("title") or "")
    doi = item.get("doi") or None
    arxiv = normalize_arxiv_id(str(item.get("arxiv_id") or item.get("id") or ""))
    pid = str(item.get("id") or "") or paper_id(arxiv, doi, title or f"#{index}")
    authors = item.get("authors") or ()
    if isinstance(authors, str):
        authors = [a.strip() for a in authors.split(",") if a.strip()]
    categories = item.get("categories") or ()
    if isinstance(categories, str):
        categories = categories.split()
    date = item.get("date")
    return Paper(
        id=pid,
        title=title,
        abstract=str(item.get("abstract") or ""),
        authors=tuple(str(a) for a in authors),
        categories=tuple(str(c) for c in categories),
        date=str(date) if date else None,
        source=str(item.get("source") or ""),
        url=str(item.get("url") or ""),
        doi=str(doi) if doi else None,
    )


def to_papers(items: Sequence[PaperLike]) -> list[Paper]:
    """Papers from Papers or dicts, in order."""
    return [to_paper(item, i) for i, item in enumerate(items)]


_CACHES: dict[str, EmbeddingCache] = {}


def embedding_cache(
    embedder: Embedder | None = None, store: VectorStore | None = None
) -> EmbeddingCache:
    """The process-wide cache of ``embedder`` (the default model if None), consulting ``store``.

    Caches are keyed by model name, like the store: a new instance of the same model finds
    the vectors the last one computed.
    """
    model = embedder if embedder is not None else default_embedder()
    cache = _CACHES.get(model.name)
    if cache is None:
        cache = _CACHES[model.name] = EmbeddingCache(model)
    cache.embedder = model
    cache.store = store
    return cache


def clear_caches() -> None:
    """Forget every memoized vector and fitted lexicon (as a fresh process would)."""
    _CACHES.clear()
    clear_lexicons()


def index(
    candidates: Sequence[PaperLike] | CandidateIndex,
    *,
    history: Sequence[PaperLike | str] = (),
    store: VectorStore | None = None,
    embedder: Embedder | None = None,
) -> CandidateIndex:
    """Prepare a candidate list once for many profiles: pass the result to ``score`` or
    ``rank_digest`` instead of the list (an operator ranking one day for every user).

    ``history`` is earlier listings (papers or their texts): the TF-IDF is fitted on them
    too and the lexical model takes them as negatives, which ranks better than the day
    alone (docs/relevance.md). They are never candidates.
    """
    if isinstance(candidates, CandidateIndex):
        return candidates
    texts = [h if isinstance(h, str) else texts_of([to_paper(h)])[0] for h in history]
    saved = store if isinstance(store, LexiconStore) else None
    return build_index(to_papers(candidates), embedding_cache(embedder, store), texts, saved)


def _own_papers(profile: Profile | Sequence[PaperLike]) -> list[Paper]:
    return list(profile.active_papers) if isinstance(profile, Profile) else to_papers(profile)


def score(
    profile: Profile | Sequence[PaperLike],
    candidates: Sequence[PaperLike] | CandidateIndex,
    *,
    store: VectorStore | None = None,
    embedder: Embedder | None = None,
    rated: Sequence[PaperLike] = (),
    today: str | None = None,
    settings: Settings = DEFAULTS,
) -> list[float]:
    """One relevance score per candidate (higher = more relevant), default configuration.

    ``profile`` is the researcher's own papers (or a Profile, whose feedback is used when
    the rated papers are among ``rated`` or the candidates). Scores are comparable within
    one call only: each signal is standardized over the candidate set.
    """
    own = _own_papers(profile)
    cache = embedding_cache(embedder, store)
    prepared = index(candidates, store=store, embedder=embedder)
    papers = list(prepared.papers)
    if not papers:
        return []
    ratings = None
    if isinstance(profile, Profile) and profile.feedback:
        ratings = ratings_of(profile.feedback, to_papers(rated) + papers)
    result = compute(own, prepared, cache, settings=settings, today=today, ratings=ratings)
    return [float(x) for x in result.scores]


def content_key(paper: PaperLike) -> str:
    """The content hash of a paper (title + abstract), as the embedding cache keys it."""
    p = to_paper(paper)
    return content_hash(p.title, p.abstract)


def _as_profile(profile: Profile | Sequence[PaperLike]) -> Profile:
    if isinstance(profile, Profile):
        return profile
    return Profile(owner="", papers=tuple(to_papers(profile)))


def rank_digest(
    profile: Profile | Sequence[PaperLike],
    candidates: Sequence[PaperLike] | CandidateIndex,
    *,
    top: int = 10,
    threshold: float | None = None,
    shown: Collection[str] = (),
    store: VectorStore | None = None,
    embedder: Embedder | None = None,
    today: str | None = None,
    rated: Sequence[PaperLike] = (),
    settings: Settings = DEFAULTS,
) -> tuple[list[Recommendation], list[Interest]]:
    """The digest for one profile and one candidate list: picks with reasons, and the interests.

    Already ``shown`` ids and exclude-keyword hits are left out; followed authors are always
    in; include keywords and co-authors are boosted; the rest is filled MMR-style across
    interests without near-duplicates. ``threshold`` (in standard deviations of the day's
    combined score) drops weak picks. ``rated`` holds the papers the profile's feedback
    refers to, when they are not among the candidates.
    """
    prof = _as_profile(profile)
    cache = embedding_cache(embedder, store)
    prepared = index(candidates, store=store, embedder=embedder)
    own, papers = list(prof.active_papers), list(prepared.papers)
    if not papers:
        return [], []
    ratings = ratings_of(prof.feedback, to_papers(rated) + papers + own) if prof.feedback else None
    result = compute(own, prepared, cache, settings=settings, today=today, ratings=ratings)
    interests, labels = own_interests(own, result.own_vectors)
    rules = rank.apply_rules(prof, papers, settings.keyword_boost, settings.coauthor_boost)
    final = result.scores + rules.boost
    groups = rank.candidate_interests(result.dense, labels, settings.dense_k) if own else None
    eligible = ~rules.blocked & ~rank.shown_mask(papers, shown)
    chosen = _choose(
        final,
        eligible,
        rules.pinned,
        result.candidate_vectors,
        groups,
        top=top,
        threshold=threshold,
    )
    recs = [
        _recommendation(i, n, papers, own, result, rules, final, interests, groups, ratings)
        for n, i in enumerate(chosen, start=1)
    ]
    return recs, interests


def _choose(
    final: np.ndarray,
    eligible: np.ndarray,
    pinned_mask: np.ndarray,
    vectors: np.ndarray,
    groups: np.ndarray | None,
    *,
    top: int,
    threshold: float | None,
) -> list[int]:
    """Indices of the picks, best first: pinned (followed authors) always, then MMR picks."""
    eligible = eligible.copy()
    pinned = np.flatnonzero(pinned_mask & eligible)
    if threshold is not None:
        eligible &= final >= threshold
    eligible[pinned] = False
    picks = rank.select_diverse(
        final,
        vectors,
        max(top - len(pinned), 0),
        groups=None if groups is None else groups.tolist(),
        eligible=eligible,
    )
    return sorted([*pinned.tolist(), *picks], key=lambda i: -final[i])


def own_interests(own: Sequence[Paper], vectors: np.ndarray) -> tuple[list[Interest], np.ndarray]:
    """Interests of the own papers (rows of ``vectors`` match them), labelled with terms of
    a lexicon fitted on them, and each paper's interest number. The digest, the CLI, the
    profile page and the topic map all take their interests from here."""
    from paperfeed.profile import find_interests

    if not own:
        return [], np.zeros(0, dtype=int)
    texts = texts_of(own)
    lexicon = lexical.fit_lexicon(texts, max_df=0.6)
    return find_interests(own, vectors, lexicon.tfidf(texts), lexicon.terms)


def _recommendation(
    index: int,
    rank_no: int,
    papers: Sequence[Paper],
    own: Sequence[Paper],
    result: Scoring,
    rules: rank.Rules,
    final: np.ndarray,
    interests: Sequence[Interest],
    groups: np.ndarray | None,
    ratings: Ratings | None,
) -> Recommendation:
    interest = interests[int(groups[index])] if groups is not None and interests else None
    evidence = Evidence(
        own_papers=own,
        similarities=result.dense[index],
        shared=_shared_terms(index, result),
        interest=interest,
        coauthors=rules.coauthors[index],
        followed=rules.followed[index],
        keywords=rules.keywords[index],
        **_liked_evidence(index, result, ratings),
    )
    signals = {name: float(values[index]) for name, values in result.signals.items()}
    return Recommendation(
        paper=papers[index],
        score=round(float(final[index]), 4),
        rank=rank_no,
        reasons=explain(evidence),
        interest=interest.label if interest else None,
        signals=signals,
    )


#: A pick is said to be "like a paper you rated up" from this cosine on.
LIKED_FLOOR = 0.5


def _liked_evidence(index: int, result: Scoring, ratings: Ratings | None) -> dict[str, Any]:
    """The paper rated up that a candidate is closest to, when it is close enough."""
    if ratings is None or result.liked is None or result.liked_index is None:
        return {}
    similarity = float(result.liked[index])
    if similarity < LIKED_FLOOR:
        return {}
    closest = ratings.liked[int(result.liked_index[index])]
    return {"feedback": similarity, "liked_titles": (closest.title,)}


def _shared_terms(index: int, result: Scoring, k: int = 5) -> list[str]:
    """Terms the candidate shares with its three lexically closest own papers."""
    if result.own_rows.shape[0] == 0:
        return []
    row = result.candidate_rows[index]
    closest = np.argsort(-lexical.cosine(row, result.own_rows)[0])[:3]
    summed = sp.csr_matrix(result.own_rows[closest].sum(axis=0))
    return lexical.shared_terms(row, summed, result.lexicon.terms, k)


def recommend(
    profile: Profile | Sequence[PaperLike],
    candidates: Sequence[PaperLike],
    k: int = 10,
    *,
    shown: Collection[str] = (),
    store: VectorStore | None = None,
    embedder: Embedder | None = None,
    threshold: float | None = None,
    today: str | None = None,
    rated: Sequence[PaperLike] = (),
) -> list[Recommendation]:
    """The ``k`` best candidates for a profile, diverse, each with its reasons."""
    recs, _ = rank_digest(
        profile,
        candidates,
        top=k,
        threshold=threshold,
        shown=shown,
        store=store,
        embedder=embedder,
        today=today,
        rated=rated,
    )
    return recs


def namesakes(
    profile: Profile | Sequence[PaperLike],
    *,
    owner: str | None = None,
    store: VectorStore | None = None,
    embedder: Embedder | None = None,
) -> list[NamesakeFlag]:
    """Own papers that may belong to someone else of the same name (likely ones first)."""
    prof = _as_profile(profile)
    papers = list(prof.papers)
    vectors = embedding_cache(embedder, store).embed_papers(papers, progress=False)
    return namesake_flags(papers, owner if owner is not None else prof.owner, vectors)
