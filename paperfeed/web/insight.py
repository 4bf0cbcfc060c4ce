"""The profile insight as the web pages show it: labels cleaned for display."""

from __future__ import annotations

from typing import TYPE_CHECKING

from paperfeed import insight
from paperfeed.deliver.common import display_text
from paperfeed.records import Interest

if TYPE_CHECKING:
    from paperfeed.web.pages import WebContext


def profile_insight(context: WebContext, user: str) -> insight.ProfileInsight:
    """Interests and namesake flags of ``user``'s profile (empty when it holds no papers)."""
    found = insight.profile_insight(context.store, user, ranker=context.ranker)
    labels = {pid: display_text(label) for pid, label in found.interest_of.items()}
    return insight.ProfileInsight(found.interests, labels, found.namesakes, found.note)


def profile_interests(context: WebContext, user: str) -> tuple[Interest, ...]:
    """The interests of ``user``'s profile."""
    return profile_insight(context, user).interests
