"""What the profile layer says about a user's own papers: interests and possible namesakes.

Interests are found exactly as the ranking finds them (``profile.find_interests`` over the
papers that take part in ranking, labelled with a lexicon fitted on them), so the profile
page, the topic map and the digest's group headings agree. Namesake flags come from
``profile.namesake_flags`` over all own papers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from paperfeed.deliver.common import display_text
from paperfeed.ids import paper_text
from paperfeed.records import Interest, Paper

if TYPE_CHECKING:
    from paperfeed.web.pages import WebContext

INTEREST_MAX_DF = 0.6  # as paperfeed.api labels interests


@dataclass(frozen=True, slots=True)
class ProfileInsight:
    """Interests of a profile, each own paper's interest label, and namesake flags."""

    interests: tuple[Interest, ...] = ()
    interest_of: dict[str, str] = field(default_factory=dict)
    namesakes: dict[str, str] = field(default_factory=dict)


def _interests(active: list[Paper], vectors_of: dict[str, np.ndarray]) -> list[Interest]:
    from paperfeed import lexical
    from paperfeed.profile import find_interests

    if not active:
        return []
    texts = [paper_text(p.title, p.abstract) for p in active]
    lexicon = lexical.fit_lexicon(texts, max_df=INTEREST_MAX_DF)
    vectors = np.stack([vectors_of[p.id] for p in active])
    interests, _ = find_interests(active, vectors, lexicon.tfidf(texts), lexicon.terms)
    return interests


def profile_insight(context: WebContext, user: str) -> ProfileInsight:
    """Interests and namesake flags of ``user``'s profile (empty when it holds no papers)."""
    from paperfeed.api import embedding_cache
    from paperfeed.profile import namesake_flags

    store = context.store
    links = store.profile_links(user)
    if not links:
        return ProfileInsight()
    papers = [paper for paper, _ in links]
    matrix = embedding_cache(context.embedder, store).embed_papers(papers, progress=False)
    vectors_of = {p.id: row for p, row in zip(papers, matrix, strict=True)}
    interests = _interests([p for p, included in links if included], vectors_of)
    owner = store.get_setting(user, "owner_name") or user
    flags = namesake_flags(papers, str(owner), np.asarray(matrix))
    return ProfileInsight(
        interests=tuple(interests),
        interest_of={pid: display_text(i.label) for i in interests for pid in i.paper_ids},
        namesakes={flag.paper_id: flag.reason for flag in flags},
    )


def profile_interests(context: WebContext, user: str) -> tuple[Interest, ...]:
    """The interests of ``user``'s profile."""
    return profile_insight(context, user).interests
