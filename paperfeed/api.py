"""The public, stable library API: thin wrappers over a default :class:`Ranker`.

``score(profile, candidates)`` gives one relevance number per candidate, ``score_many``
the same for many profiles at once, ``recommend`` and ``rank_digest`` a diverse top list
with reasons, and ``index(candidates, history=...)`` prepares a candidate list once for
many profiles. Profiles and candidates may be :class:`~paperfeed.records.Paper` records or
plain dicts with the same keys (only ``title`` is needed). Scores are in standard units of
the background (earlier listings, or the sample that ships with the package): a paper's
score does not depend on the other candidates of the call.

Each (embedder, store) pair gets one Ranker for the process, so a user's models are
trained once and reused by every later call.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection, Sequence

from paperfeed.embed import Embedder, VectorStore, default_embedder
from paperfeed.ranking import (
    DEFAULTS,
    CandidateIndex,
    Ranker,
    RankingSettings,
    to_paper,
    to_papers,
)
from paperfeed.records import Interest, PaperLike, Profile, Recommendation

__all__ = [
    "index",
    "rank_digest",
    "recommend",
    "score",
    "score_many",
    "to_paper",
    "to_papers",
]

_RANKER_SLOTS = 4
_rankers: OrderedDict[tuple[str, int, str], Ranker] = OrderedDict()


def default_ranker(
    embedder: Embedder | None = None,
    store: VectorStore | None = None,
    settings: RankingSettings = DEFAULTS,
) -> Ranker:
    """The process's Ranker for ``embedder`` (by model name) and ``store``: the one cache
    behind the public functions (a few are kept; the least recently used goes first)."""
    model = embedder if embedder is not None else default_embedder()
    key = (model.name, id(store), repr(settings))
    ranker = _rankers.get(key)
    if ranker is None:
        ranker = _rankers[key] = Ranker(model, store, settings)
        while len(_rankers) > _RANKER_SLOTS:
            _rankers.popitem(last=False)
    _rankers.move_to_end(key)
    ranker.vectors.embedder = model  # a new instance of the same model finds the old vectors
    return ranker


def clear_caches() -> None:
    """Forget every default Ranker and what it memoized (as a fresh process would)."""
    _rankers.clear()


def index(
    candidates: Sequence[PaperLike] | CandidateIndex,
    *,
    history: Sequence[PaperLike | str] = (),
    store: VectorStore | None = None,
    embedder: Embedder | None = None,
) -> CandidateIndex:
    """Prepare a candidate list once for many profiles: pass the result to ``score``,
    ``score_many`` or ``rank_digest`` instead of the list.

    ``history`` is earlier listings (papers or their texts): the feature space is fitted on
    it and the models learn against it, which ranks better than the packaged background
    (docs/relevance.md). They are never candidates.
    """
    return default_ranker(embedder, store).index(candidates, history=history)


def score(
    profile: Profile | Sequence[PaperLike],
    candidates: Sequence[PaperLike] | CandidateIndex,
    *,
    store: VectorStore | None = None,
    embedder: Embedder | None = None,
    rated: Sequence[PaperLike] = (),
    today: str | None = None,
    settings: RankingSettings = DEFAULTS,
) -> list[float]:
    """One relevance score per candidate (higher = more relevant), default configuration.

    ``profile`` is the researcher's own papers (or a Profile, whose ratings are used when
    the rated papers are among ``rated`` or the candidates). ``today`` is accepted for
    compatibility: the default ranking does not weigh papers by age.
    """
    return default_ranker(embedder, store, settings).score(profile, candidates, rated=rated)


def score_many(
    profiles: Sequence[Profile | Sequence[PaperLike]],
    candidates: Sequence[PaperLike] | CandidateIndex,
    *,
    history: Sequence[PaperLike | str] = (),
    store: VectorStore | None = None,
) -> list[list[float]]:
    """``score`` of every profile against the same candidates, one list per profile.

    Each list ranks the candidates as ``score(profile, candidates)`` with the same history
    does; the day's products are shared by all profiles, and each profile's models are
    trained once (memoized by its content and the feature space).
    """
    ranker = default_ranker(None, store)
    return ranker.score_many(profiles, ranker.index(candidates, history=history))


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
    settings: RankingSettings = DEFAULTS,
) -> tuple[list[Recommendation], list[Interest]]:
    """The digest for one profile and one candidate list: picks with reasons, and the
    interests (see :meth:`Ranker.digest`)."""
    ranker = default_ranker(embedder, store, settings)
    return ranker.digest(
        profile, candidates, top=top, threshold=threshold, shown=shown, rated=rated
    )


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
        rated=rated,
    )
    return recs
