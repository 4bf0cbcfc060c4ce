"""What the ranking accepts as papers and profiles: records, or plain dicts with their keys."""

from __future__ import annotations

from collections.abc import Sequence

from paperfeed.ids import normalize_arxiv_id, paper_id
from paperfeed.ranking.model import Ratings
from paperfeed.records import Feedback, Paper, PaperLike, Profile


def to_paper(item: PaperLike, index: int = 0) -> Paper:
    """A Paper from a Paper or a dict with any of its keys (a missing id is derived)."""
    if isinstance(item, Paper):
        return item
    title = str(item.get("title") or "")
    doi = item.get("doi") or None
    arxiv = normalize_arxiv_id(str(item.get("arxiv_id") or item.get("id") or ""))
    pid = str(item.get("id") or "") or paper_id(arxiv, doi, title or f"#{index}")
    authors = item.get("authors") or ()
    if isinstance(authors, str):
        authors = [a.strip() for a in authors.split(",") if a.strip()]
    categories = item.get("categories") or ()
    if isinstance(categories, str):
        categories = categories.split()
    date = item.get("date")
    return Paper(
        id=pid,
        title=title,
        abstract=str(item.get("abstract") or ""),
        authors=tuple(str(a) for a in authors),
        categories=tuple(str(c) for c in categories),
        date=str(date) if date else None,
        source=str(item.get("source") or ""),
        url=str(item.get("url") or ""),
        doi=str(doi) if doi else None,
    )


def to_papers(items: Sequence[PaperLike]) -> list[Paper]:
    """Papers from Papers or dicts, in order."""
    return [to_paper(item, i) for i, item in enumerate(items)]


def as_profile(profile: Profile | Sequence[PaperLike]) -> Profile:
    """A Profile, or one made of a list of own papers."""
    if isinstance(profile, Profile):
        return profile
    return Profile(owner="", papers=tuple(to_papers(profile)))


def ratings_of(feedback: Sequence[Feedback], known: Sequence[Paper]) -> Ratings:
    """The rated papers, found among ``known`` papers by id (the latest rating counts)."""
    by_id = {p.id: p for p in known}
    latest = {f.paper_id: f.rating for f in feedback}  # a later rating overrides
    liked = tuple(by_id[i] for i, r in latest.items() if r > 0 and i in by_id)
    disliked = tuple(by_id[i] for i, r in latest.items() if r < 0 and i in by_id)
    return Ratings(liked, disliked)
