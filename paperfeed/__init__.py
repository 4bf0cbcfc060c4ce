"""paperfeed: a personalized daily reading list of new research papers.

The stable library API is ``paperfeed.score(profile, candidates)`` and
``paperfeed.recommend(profile, candidates, k=10)``, plus ``paperfeed.index(candidates)`` to
prepare one candidate list for many profiles; all are imported on first use so that
``import paperfeed`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from paperfeed.api import index, recommend, score

__all__ = ["index", "recommend", "score"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from paperfeed import api

        return getattr(api, name)
    raise AttributeError(f"module 'paperfeed' has no attribute {name!r}")
