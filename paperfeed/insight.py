"""What paperfeed sees in a profile: its interests and the own papers that look like a namesake's.

Interests are those of the user's trained models (the same the digest uses), so the CLI,
the profile page, the topic map and the digest's group headings agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from paperfeed.records import Interest

if TYPE_CHECKING:
    from paperfeed.embed import Embedder
    from paperfeed.ranking import Ranker
    from paperfeed.store import Store


@dataclass(frozen=True, slots=True)
class ProfileInsight:
    """Interests of a profile, each own paper's interest label, and namesake flags (id → why)."""

    interests: tuple[Interest, ...] = ()
    interest_of: dict[str, str] = field(default_factory=dict)
    namesakes: dict[str, str] = field(default_factory=dict)
    note: str = ""  # e.g. that only the most recent papers were analysed


def profile_insight(
    store: Store, user: str, embedder: Embedder | None = None, ranker: Ranker | None = None
) -> ProfileInsight:
    """Interests and namesake flags of ``user``'s profile (empty when it holds no papers).

    Only the newest ``profile_papers`` of the profile are analysed, as the ranking learns
    from them; ``note`` says so when some were left out."""
    from paperfeed.profile import namesake_flags
    from paperfeed.ranking import Ranker
    from paperfeed.ranking.stored import current_space
    from paperfeed.ranking.train import newest

    links = store.profile_links(user)
    if not links:
        return ProfileInsight()
    ranker = ranker or Ranker(embedder, store)
    cap = ranker.settings.profile_papers
    papers = newest([paper for paper, _ in links], cap)
    interests = ranker.interests(store.load_profile(user), current_space(ranker, store), user=user)
    matrix = np.asarray(ranker.vectors.embed_papers(papers))
    owner = store.get_setting(user, "owner_name") or user
    flags = namesake_flags(papers, str(owner), matrix)
    return ProfileInsight(
        interests=tuple(interests),
        interest_of={pid: i.label for i in interests for pid in i.paper_ids},
        namesakes={flag.paper_id: flag.reason for flag in flags},
        note=capped_note(len(links), cap),
    )


def capped_note(papers: int, cap: int) -> str:
    """What a user with more than ``cap`` papers is told (empty when within it)."""
    if papers <= cap:
        return ""
    return (
        f"Your profile holds {papers:,} papers; the {cap:,} most recent are analysed "
        "(interests, namesakes, ranking), so that any profile is handled in bounded time."
    )
