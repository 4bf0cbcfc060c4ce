"""Re-rank today's digest after the reader changed something (ratings, rules, digest size),
so the effect shows now instead of from the next day on.

The day is ranked again with ``pipeline.build_digest`` (which saves over the day's digest),
then the papers the reader rated up on today's list keep their places: what they already
judged does not jump around or vanish, and the rest of the list is the new ranking.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from paperfeed import pipeline
from paperfeed.accounts import digest_options
from paperfeed.records import Digest, Recommendation

if TYPE_CHECKING:
    from paperfeed.config import Settings
    from paperfeed.embed import Embedder
    from paperfeed.ranking import CandidateIndex, Ranker
    from paperfeed.store import Store


def rerank_today(
    store: Store,
    user: str,
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    prepared: CandidateIndex | None = None,
    ranker: Ranker | None = None,
) -> Digest:
    """Rank the newest listing day again for ``user`` and save it; papers rated up on the
    day's earlier list keep their rank. ``prepared`` is that day's ``prepare_day``."""
    day = store.latest_date()
    before = store.load_digest(user, day) if day else []
    ratings = {fb.paper_id: fb.rating for fb in store.feedback(user)}
    kept = {rec.rank: rec for rec in before if ratings.get(rec.paper.id) == 1}
    options = digest_options(store, user, settings)
    digest = pipeline.build_digest(
        store,
        user,
        day=day,
        top=options.top,
        threshold=options.threshold,
        embedder=embedder,
        prepared=prepared,
        ranker=ranker,
        trending=settings.trending,
    )
    if not kept or digest.date is None:
        return digest
    picks = keep_places(kept, digest.recommendations, max(options.top, len(kept)))
    store.save_digest(user, digest.date, picks)
    return replace(digest, recommendations=tuple(picks))


def keep_places(
    kept: dict[int, Recommendation], ranked: tuple[Recommendation, ...], size: int
) -> list[Recommendation]:
    """Up to ``size`` picks (``size`` >= len(kept)): each of ``kept`` at its old rank
    (1-based) or, when the list got shorter than that, at its end; the other places are
    filled from ``ranked`` in order (without the kept papers). Ranks are numbered again."""
    kept_ids = {rec.paper.id for rec in kept.values()}
    rest = iter(rec for rec in ranked if rec.paper.id not in kept_ids)
    slots = sorted(kept.items())
    out: list[Recommendation] = []
    while len(out) < size - len(slots) or (slots and slots[0][0] <= len(out) + 1):
        if slots and slots[0][0] <= len(out) + 1:
            out.append(slots.pop(0)[1])
            continue
        following = next(rest, None)
        if following is None:
            break
        out.append(following)
    out.extend(rec for _, rec in slots)
    return [replace(rec, rank=n) for n, rec in enumerate(out, start=1)]
