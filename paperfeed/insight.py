"""What paperfeed sees in a profile: its interests and the own papers that look like a namesake's.

Interests come from ``api.own_interests`` over the papers that take part in ranking, the
same call the digest makes, so the CLI, the profile page, the topic map and the digest's
group headings agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from paperfeed.records import Interest

if TYPE_CHECKING:
    from paperfeed.embed import Embedder
    from paperfeed.store import Store


@dataclass(frozen=True, slots=True)
class ProfileInsight:
    """Interests of a profile, each own paper's interest label, and namesake flags (id → why)."""

    interests: tuple[Interest, ...] = ()
    interest_of: dict[str, str] = field(default_factory=dict)
    namesakes: dict[str, str] = field(default_factory=dict)
    note: str = ""  # e.g. that only the most recent papers were analysed


def profile_insight(store: Store, user: str, embedder: Embedder | None = None) -> ProfileInsight:
    """Interests and namesake flags of ``user``'s profile (empty when it holds no papers)."""
    from paperfeed.api import embedding_cache, own_interests
    from paperfeed.pipeline_limits import most_recent
    from paperfeed.profile import namesake_flags

    all_links = store.profile_links(user)
    if not all_links:
        return ProfileInsight()
    links, note = most_recent(all_links, lambda link: link[0])
    papers = [paper for paper, _ in links]
    matrix = np.asarray(embedding_cache(embedder, store).embed_papers(papers, progress=False))
    active = [i for i, (_, included) in enumerate(links) if included]
    interests, _ = own_interests([papers[i] for i in active], matrix[active])
    owner = store.get_setting(user, "owner_name") or user
    flags = namesake_flags(papers, str(owner), matrix)
    return ProfileInsight(
        interests=tuple(interests),
        interest_of={pid: i.label for i in interests for pid in i.paper_ids},
        namesakes={flag.paper_id: flag.reason for flag in flags},
        note=note,
    )
