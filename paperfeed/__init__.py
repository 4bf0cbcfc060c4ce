"""paperfeed: a personalized daily reading list of new research papers.

The stable library API: ``paperfeed.score(profile, candidates)``,
``paperfeed.score_many(profiles, candidates)``, ``paperfeed.recommend(profile, candidates,
k=10)``, ``paperfeed.rank_digest(...)`` and ``paperfeed.index(candidates, history=...)`` to
prepare one candidate list for many profiles. They are imported on first use so that
``import paperfeed`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from paperfeed.api import index, rank_digest, recommend, score, score_many

__all__ = ["index", "rank_digest", "recommend", "score", "score_many"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from paperfeed import api

        return getattr(api, name)
    raise AttributeError(f"module 'paperfeed' has no attribute {name!r}")
