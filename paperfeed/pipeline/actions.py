"""What follows a digest: its summaries, its rendering in an output format, and what the
reader tells back (ratings, keyword rules, followed authors)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from paperfeed.errors import InputError, InvalidArgument
from paperfeed.records import Digest, Profile

if TYPE_CHECKING:
    import httpx

    from paperfeed.config import Settings
    from paperfeed.store import Store
    from paperfeed.summarize import Summarizer


def summarizer_for(
    store: Store, settings: Settings, http: httpx.Client | None = None
) -> Summarizer | None:
    """The run's LLM summarizer when ``[llm]`` is configured, else None."""
    from paperfeed.summarize import summarizer_for as make

    return make(store, settings.llm, http)


def summarize(summarizer: Summarizer | None, digest: Digest) -> tuple[Digest, list[str]]:
    """The digest with LLM summaries, and notes for the run report (never an error)."""
    from paperfeed.summarize import summarize_safely

    return summarize_safely(summarizer, digest)


def with_summaries(store: Store, digest: Digest, settings: Settings) -> Digest:
    """The digest with the summaries already in the store (never calls the endpoint)."""
    from paperfeed.summarize import with_cached

    return with_cached(store, digest, settings.llm)


def render(digest: Digest, fmt: str, *, base_url: str = "") -> str:
    """The digest in one of the output formats: text, json, html, atom.

    The Atom feed links to itself on the web app only when ``base_url`` says where that is.
    """
    from paperfeed import deliver, urls

    if fmt == "text":
        return deliver.render_text(digest)
    if fmt == "json":
        return deliver.render_json(digest)
    if fmt == "html":
        return deliver.render_html(digest)
    if fmt == "atom":
        found = urls.site(base_url)
        url = found.feed(digest.user) if found else None
        return deliver.render_atom(digest, feed_url=url, self_id=urls.feed_id(digest.user))
    raise InvalidArgument("format", f"unknown format {fmt!r}")


def give_feedback(store: Store, user: str, paper_id: str, rating: int) -> None:
    """Store a thumbs up (+1), down (-1) or withdraw one (0); the next digest learns from it."""
    from datetime import UTC, datetime

    from paperfeed.records import Feedback

    if rating not in (1, 0, -1):
        raise InputError(
            "feedback", f"rating must be +1, -1 or 0 (withdraw), got {rating}", field="rating"
        )
    if not store.has_user(user):
        raise InvalidArgument("user", f"no user {user!r}")
    if store.get_paper(paper_id, user=user) is None:
        raise InvalidArgument("paper_id", f"no paper {paper_id!r} in the store")
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    store.add_feedback(Feedback(user, paper_id, rating, stamp))


def update_rules(
    store: Store,
    user: str,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    follow: tuple[str, ...],
    clear: bool = False,
) -> Profile:
    """Add keyword rules / followed authors (or clear them); the profile with its rules."""
    if not store.has_user(user):
        raise InvalidArgument("user", f"no user {user!r}")
    current = store.load_profile(user)
    keep = not clear

    def merged(old: tuple[str, ...], new: tuple[str, ...]) -> list[str]:
        return list(dict.fromkeys([*(old if keep else ()), *(s.strip() for s in new if s.strip())]))

    with store.transaction():
        store.set_rules(
            user,
            include_keywords=merged(current.include_keywords, include),
            exclude_keywords=merged(current.exclude_keywords, exclude),
            followed_authors=merged(current.followed_authors, follow),
        )
    return store.load_profile(user)
