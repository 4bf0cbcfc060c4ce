"""The public, stable library API: score and recommend papers against a profile, no database needed.

``score(profile, candidates)`` gives one relevance number per candidate; ``recommend`` and
``rank_digest`` pick a diverse top list with reasons. Profiles and candidates may be
:class:`~paperfeed.records.Paper` objects or plain dicts with the same keys (only ``title``
is needed). Embeddings are memoized by content hash in the process (and in ``store`` when
one is given); the lexical statistics of a candidate set are fitted once and reused.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from paperfeed import lexical, rank
from paperfeed.embed import Embedder, EmbeddingCache, VectorStore, default_embedder
from paperfeed.explain import Evidence, explain
from paperfeed.ids import content_hash, normalize_arxiv_id, paper_id
from paperfeed.index import CandidateIndex, build_index, clear_lexicons, texts_of
from paperfeed.profile import NamesakeFlag, namesake_flags
from paperfeed.records import Feedback, Interest, Paper, Profile, Recommendation

PaperLike = Paper | Mapping[str, Any]


@dataclass(frozen=True)
class Settings:
    """Knobs of the default ranking; ``Settings()`` is what ``score`` and ``recommend`` use."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(rank.DEFAULT_WEIGHTS))
    dense_k: int = 3
    lexical_k: int = 3
    #: Recency of own papers (newer count more) is off by default: it hurt both benchmarks
    #: (docs/relevance.md). Set a half-life in years to turn it on.
    half_life_years: float | None = None
    model_c: float = 1.0
    lexical_model_c: float = 1.0
    background_size: int = 2000
    feedback_weight: float = 1.5
    keyword_boost: float = 1.0
    coauthor_boost: float = 0.5


DEFAULTS = Settings()


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


@dataclass
class Scoring:
    """Everything computed for one profile against one candidate list."""

    scores: np.ndarray
    signals: dict[str, np.ndarray]
    own_vectors: np.ndarray
    candidate_vectors: np.ndarray
    dense: np.ndarray  # candidates x own papers
    lexicon: lexical.Lexicon
    own_rows: sp.csr_matrix
    candidate_rows: sp.csr_matrix


def index(
    candidates: Sequence[PaperLike] | CandidateIndex,
    *,
    store: VectorStore | None = None,
    embedder: Embedder | None = None,
) -> CandidateIndex:
    """Prepare a candidate list once for many profiles: pass the result to ``score`` or
    ``rank_digest`` instead of the list (an operator ranking one day for every user)."""
    return _prepare(candidates, embedding_cache(embedder, store))


def _prepare(
    candidates: Sequence[PaperLike] | CandidateIndex, cache: EmbeddingCache
) -> CandidateIndex:
    """The candidates as an index: as given when already one, else built with ``cache``."""
    if isinstance(candidates, CandidateIndex):
        return candidates
    return build_index(to_papers(candidates), cache)


def _background(vectors: np.ndarray, size: int) -> np.ndarray:
    """A fixed random sample of at most ``size`` rows (all of them when fewer)."""
    if len(vectors) <= size:
        return vectors
    picks = np.random.default_rng(0).choice(len(vectors), size, replace=False)
    return vectors[np.sort(picks)]


def compute(
    own: Sequence[Paper],
    prepared: CandidateIndex,
    cache: EmbeddingCache,
    *,
    settings: Settings = DEFAULTS,
    today: str | None = None,
    feedback: tuple[np.ndarray, np.ndarray] | None = None,
) -> Scoring:
    """All signals of the prepared candidates against the own papers, and their combination."""
    own_vectors = cache.embed_papers(own, progress=False)
    candidate_vectors, lexicon, candidate_rows = prepared.vectors, prepared.lexicon, prepared.rows
    own_rows = lexicon.tfidf(texts_of(own))
    recency = (
        rank.recency_weights([p.date for p in own], today, settings.half_life_years)
        if settings.half_life_years
        else None
    )
    dense = candidate_vectors @ own_vectors.T
    signals = {
        "dense": rank.top_k_mean(dense, settings.dense_k, recency),
        "lexical": rank.top_k_mean(
            lexical.cosine(candidate_rows, own_rows), settings.lexical_k, recency
        ),
    }
    background = _background(candidate_vectors, settings.background_size)
    weights = dict(settings.weights)
    if weights.get("dense_model"):
        signals["dense_model"] = rank.discriminative_scores(
            own_vectors,
            background,
            candidate_vectors,
            c=settings.model_c,
            positive_weights=recency,
        )
    if weights.get("lexical_model"):
        signals["lexical_model"] = rank.lexical_model_scores(
            candidate_rows, own_rows, c=settings.lexical_model_c
        )
    if feedback is not None:
        _add_feedback(
            signals,
            weights,
            feedback,
            background,
            candidate_vectors,
            own_vectors,
            settings.feedback_weight,
        )
    scores = rank.combine(signals, weights)
    return Scoring(
        scores, signals, own_vectors, candidate_vectors, dense, lexicon, own_rows, candidate_rows
    )


def _add_feedback(
    signals: dict[str, np.ndarray],
    weights: dict[str, float],
    feedback: tuple[np.ndarray, np.ndarray],
    background: np.ndarray,
    candidate_vectors: np.ndarray,
    own_vectors: np.ndarray,
    full_weight: float,
) -> None:
    """Add the per-user feedback model, weighted by how many ratings there are."""
    liked, disliked = feedback
    strength = rank.feedback_weight(len(liked), len(disliked))
    if strength > 0:
        signals["feedback"] = rank.feedback_scores(
            liked, disliked, background, candidate_vectors, own=own_vectors
        )
        weights["feedback"] = strength * full_weight


def feedback_vectors(
    feedback: Sequence[Feedback], known: Sequence[Paper], cache: EmbeddingCache
) -> tuple[np.ndarray, np.ndarray] | None:
    """Vectors of the papers rated up and down, found among ``known`` papers by id."""
    by_id = {p.id: p for p in known}
    latest = {f.paper_id: f.rating for f in feedback}  # a later rating overrides
    liked = [by_id[i] for i, r in latest.items() if r > 0 and i in by_id]
    disliked = [by_id[i] for i, r in latest.items() if r < 0 and i in by_id]
    if not liked and not disliked:
        return None
    return cache.embed_papers(liked, progress=False), cache.embed_papers(disliked, progress=False)


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
    prepared = _prepare(candidates, cache)
    papers = list(prepared.papers)
    if not papers:
        return []
    feedback = None
    if isinstance(profile, Profile) and profile.feedback:
        feedback = feedback_vectors(profile.feedback, to_papers(rated) + papers, cache)
    result = compute(own, prepared, cache, settings=settings, today=today, feedback=feedback)
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
    prepared = _prepare(candidates, cache)
    own, papers = list(prof.active_papers), list(prepared.papers)
    if not papers:
        return [], []
    feedback = None
    if prof.feedback:
        feedback = feedback_vectors(prof.feedback, to_papers(rated) + papers + own, cache)
    result = compute(own, prepared, cache, settings=settings, today=today, feedback=feedback)
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
        _recommendation(i, n, papers, own, result, rules, final, interests, groups, feedback)
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
    feedback: tuple[np.ndarray, np.ndarray] | None,
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
        feedback=float(rank.zscore(result.signals["feedback"])[index])
        if "feedback" in result.signals
        else 0.0,
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
