"""Papers as the pages show them: cards of digest picks and search results, cleaned once.

Cleaning LaTeX out of titles and abstracts is most of a digest page's work, and the same
papers are shown again and again, so the cleaned text is cached per paper
(``deliver.common.shown_paper``, shared with the mail) and so are the reason lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from paperfeed.deliver.common import (
    ABSTRACT_CHARS,
    CACHED_PAPERS,
    clean_text,
    facts,
    grouped_by_interest,
    reason_lines,
    shown_paper,
    tldr,
    trending_by_rank,
    why_for_you,
)
from paperfeed.records import Digest, Paper, Recommendation

SEARCH_ABSTRACT_CHARS = 600


@dataclass(frozen=True, slots=True)
class PaperCard:
    """One paper as a page shows it, with the user's rating (+1, -1 or 0)."""

    id: str
    title: str
    link: str | None
    authors: str
    facts: str
    abstract: str
    reasons: tuple[str, ...]
    rating: int
    rank: int | None = None
    tldr: str = ""
    why: str = ""


@lru_cache(maxsize=CACHED_PAPERS)
def _reason_lines(rec: Recommendation) -> tuple[str, ...]:
    return tuple(reason_lines(rec))


def clear_display_cache() -> None:
    """Forget the cleaned titles, abstracts and reasons (benchmarks measure the cold page)."""
    shown_paper.cache_clear()
    _reason_lines.cache_clear()


def pick_card(rec: Recommendation, rating: int, heading: str = "") -> PaperCard:
    """A digest pick as a card (the interest line left out when its heading says it)."""
    title, link, authors, abstract = shown_paper(rec.paper, ABSTRACT_CHARS)
    said = f"interest: {heading}"
    return PaperCard(
        id=rec.paper.id,
        title=title,
        link=link,
        authors=authors,
        facts=" · ".join(facts(rec)),
        abstract="" if tldr(rec) else abstract,
        reasons=tuple(line for line in _reason_lines(rec) if line != said),
        rating=rating,
        rank=rec.rank,
        tldr=tldr(rec),
        why=why_for_you(rec),
    )


def paper_card(paper: Paper, rating: int) -> PaperCard:
    """A search result as a card."""
    title, link, authors, abstract = shown_paper(paper, SEARCH_ABSTRACT_CHARS)
    shown = [f"arXiv:{paper.arxiv_id}" if paper.arxiv_id else paper.id]
    if paper.date:
        shown.append(paper.date)
    return PaperCard(
        id=paper.id,
        title=title,
        link=link,
        authors=authors,
        facts=" · ".join(clean_text(s) for s in shown),
        abstract=abstract,
        reasons=(),
        rating=rating,
    )


def grouped_cards(digest: Digest, rated: dict[str, int]) -> list[tuple[str, list[PaperCard]]]:
    """The digest's picks as cards, grouped under their interest labels."""
    groups = []
    for label, recs in grouped_by_interest(digest):
        cards = [pick_card(rec, rated.get(rec.paper.id, 0), label) for rec in recs]
        groups.append((label, cards))
    return groups


def trending_cards(digest: Digest, rated: dict[str, int]) -> list[PaperCard]:
    """The digest's trending section as cards."""
    return [pick_card(rec, rated.get(rec.paper.id, 0)) for rec in trending_by_rank(digest)]
