"""The cap on how many own papers a profile's analysis uses: the most recent ones."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from paperfeed.config import PROFILE_ANALYSIS_PAPERS
from paperfeed.records import Paper

T = TypeVar("T")


def most_recent(
    items: Sequence[T], paper_of: Callable[[T], Paper], cap: int = PROFILE_ANALYSIS_PAPERS
) -> tuple[list[T], str]:
    """The ``cap`` items whose papers are the most recent (in their given order), and a
    note for the user when some were left out (empty when none were)."""
    if len(items) <= cap:
        return list(items), ""
    order = sorted(
        range(len(items)), key=lambda i: (paper_of(items[i]).date or "", i), reverse=True
    )
    kept = sorted(order[:cap])
    note = (
        f"Your profile holds {len(items):,} papers; the {cap:,} most recent are analysed "
        "(interests, namesakes, ranking), so that any profile is handled in bounded time."
    )
    return [items[i] for i in kept], note
