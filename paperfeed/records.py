"""The records that flow through paperfeed: frozen dataclasses, no behaviour beyond helpers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Paper:
    """One paper as any source describes it.

    ``id`` is the canonical key: the arXiv id without version when there is one,
    else ``doi:<doi>``, else ``title:<hash of the normalized title>`` (see ``ids.paper_id``).
    ``authors`` are display names, "First Last". ``date`` is ISO ``YYYY-MM-DD``: the day
    the paper was listed (arXiv) or published.
    """

    id: str
    title: str
    abstract: str = ""
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    date: str | None = None
    source: str = ""
    url: str = ""
    doi: str | None = None

    @property
    def arxiv_id(self) -> str | None:
        """The arXiv id when the canonical id is one."""
        return None if ":" in self.id else self.id


#: What the library accepts as a paper: a record, or a plain dict with its keys (only
#: ``title`` is needed).
PaperLike = Paper | Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Batch:
    """What one reader or fetcher produced: papers, plus what it learned on the way.

    ``owner`` is the profile owner's name when the input names one (the text listing does);
    ``problems`` lists what could not be read or fetched, for the caller to report;
    ``upvotes`` pairs a paper's id with the votes its source counted (Hugging Face's).
    """

    papers: tuple[Paper, ...]
    origin: str = ""
    owner: str | None = None
    problems: tuple[str, ...] = ()
    upvotes: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Feedback:
    """A thumbs up (+1) or down (-1) a user gave a paper."""

    user: str
    paper_id: str
    rating: int
    at: str = ""


@dataclass(frozen=True, slots=True)
class Profile:
    """A researcher: their own papers and the rules they set.

    ``excluded`` holds ids of own papers left out of ranking (namesakes, old work).
    """

    owner: str
    papers: tuple[Paper, ...]
    excluded: frozenset[str] = frozenset()
    include_keywords: tuple[str, ...] = ()
    exclude_keywords: tuple[str, ...] = ()
    followed_authors: tuple[str, ...] = ()
    feedback: tuple[Feedback, ...] = ()

    @property
    def active_papers(self) -> tuple[Paper, ...]:
        """The own papers that take part in ranking."""
        return tuple(p for p in self.papers if p.id not in self.excluded)


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a paper was picked, as data; ``text`` is the sentence shown to people.

    ``kind`` is one of: ``similar`` (close to an own paper), ``terms`` (shared terms),
    ``interest``, ``coauthor``, ``followed_author``, ``keyword``, ``feedback``; in the
    trending section also ``trending`` (upvotes) and ``relevance``.
    """

    kind: str
    text: str
    paper_id: str | None = None
    paper_title: str | None = None
    similarity: float | None = None
    terms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Summary:
    """What an LLM wrote about a pick: a TL;DR of the paper (the same for every reader) and
    one line on why it matters to this reader (either may be empty: the channel then shows
    the abstract, or nothing)."""

    tldr: str = ""
    why: str = ""
    model: str = ""
    language: str = ""


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One pick of a digest (``summary`` only when LLM summaries are on and one was made)."""

    paper: Paper
    score: float
    rank: int
    reasons: tuple[Reason, ...] = ()
    interest: str | None = None
    signals: dict[str, float] = field(default_factory=dict, compare=False, hash=False)
    summary: Summary | None = None


@dataclass(frozen=True, slots=True)
class Interest:
    """One topic of a researcher: a group of their own papers with a short label of key terms."""

    label: str
    terms: tuple[str, ...]
    paper_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Digest:
    """The ranked list for one user and one listing day, ready for any channel.

    ``note`` says something the reader must know, e.g. that arXiv listed nothing that day.
    ``trending`` is the opt-in "trending in your interests" section: its own list, never
    mixed into the personal ``recommendations``.
    """

    user: str
    date: str | None
    recommendations: tuple[Recommendation, ...]
    interests: tuple[Interest, ...] = ()
    candidates: int = 0
    note: str = ""
    trending: tuple[Recommendation, ...] = ()
