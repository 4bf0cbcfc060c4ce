"""Trending in your interests: papers rising in upvotes that are also close to a reader.

The opt-in section beside (never inside) the personal ranking. Candidates are the papers
whose upvotes (Hugging Face Daily Papers) were seen in the ``days`` before the digest's
day; a paper rises by the upvotes it gained per day between its first and last count, or,
seen once, by its upvotes per day since it was listed. Those the reader's profile scores
at least ``min_score`` (``Ranker.score``: standard units of the background, the same for
every call) are kept, fastest rising first; papers of the personal picks, and papers shown
before, are left out.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date as Date
from datetime import timedelta
from typing import TYPE_CHECKING

from paperfeed.records import Paper, Profile, Reason, Recommendation

if TYPE_CHECKING:
    from paperfeed.config import TrendingConfig
    from paperfeed.ranking import CandidateIndex, Ranker
    from paperfeed.ranking.ranker import Request
    from paperfeed.ranking.space import FeatureSpace
    from paperfeed.store import Store


@dataclass(frozen=True, slots=True)
class Rise:
    """A paper's upvotes: the last count, what it gained, per day, and since when."""

    upvotes: int
    gained: int
    per_day: float
    since: str


def rise(counts: Sequence[tuple[str, str, int]], day: str) -> Rise | None:
    """The rise of one paper from its counts ``(observed, listed, upvotes)``, oldest first
    (only counts seen on or before ``day``); None without any."""
    seen = [c for c in counts if c[0] <= day]
    if not seen:
        return None
    first, last = seen[0], seen[-1]
    if len(seen) > 1:
        span = max(1, _days(first[0], last[0]))
        gained = last[2] - first[2]
        return Rise(last[2], gained, gained / span, first[0])
    listed = first[1] or first[0]
    age = max(1, _days(listed, last[0]) + 1)
    return Rise(last[2], last[2], last[2] / age, listed)


def _days(start: str, end: str) -> int:
    try:
        return (Date.fromisoformat(end[:10]) - Date.fromisoformat(start[:10])).days
    except ValueError:
        return 0


def trending_picks(
    store: Store,
    ranker: Ranker,
    profile: Profile,
    *,
    day: str,
    space: FeatureSpace,
    config: TrendingConfig,
    rated: Sequence[Paper] = (),
    leave_out: Collection[str] = (),
) -> list[Recommendation]:
    """The reader's trending section for ``day`` (empty when nothing qualifies)."""
    since = (Date.fromisoformat(day) - timedelta(days=config.days)).isoformat()
    rises = {
        pid: found
        for pid, counts in store.upvote_history(since).items()
        if pid not in leave_out and (found := rise(counts, day)) and found.per_day > 0
    }
    papers = store.get_papers(list(rises))
    if not papers or not profile.active_papers:
        return []
    scores = ranker.score(profile, ranker.index(papers, space=space), rated=rated)
    close = [(p, s) for p, s in zip(papers, scores, strict=True) if s >= config.min_score]
    close.sort(key=lambda pair: (-rises[pair[0].id].per_day, -pair[1]))
    return [
        _pick(paper, score, rises[paper.id], rank)
        for rank, (paper, score) in enumerate(close[: config.size], 1)
    ]


def _pick(paper: Paper, score: float, found: Rise, rank: int) -> Recommendation:
    votes = f"{found.upvotes} upvotes on Hugging Face"
    if found.gained != found.upvotes:
        votes += f", +{found.gained} since {found.since}"
    reasons = (
        Reason("trending", f"{votes} (about {found.per_day:.0f} a day)"),
        Reason("relevance", f"close to your interests (relevance {score:.1f})"),
    )
    signals = {"upvotes": float(found.upvotes), "per_day": found.per_day, "relevance": score}
    return Recommendation(paper, float(score), rank, reasons, signals=signals)


def trending_section(
    store: Store,
    ranker: Ranker,
    request: Request,
    picks: Sequence[Recommendation],
    prepared: CandidateIndex,
    day: str,
    config: TrendingConfig | None,
) -> list[Recommendation]:
    """The trending section of ``request``'s digest of ``day``, when its user opted in
    (the ``trending`` setting), else []. ``prepared`` is the day's index (its space)."""
    from paperfeed.config import TrendingConfig

    if not request.user or not store.get_setting(request.user, "trending", False):
        return []
    return trending_picks(
        store,
        ranker,
        request.profile,
        day=day,
        space=prepared.space,
        config=config or TrendingConfig(),
        rated=request.rated,
        leave_out={*request.shown, *(r.paper.id for r in picks)},
    )
