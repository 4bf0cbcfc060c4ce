"""What every delivery channel shows alike: safe text and links, authors, reasons, headings."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote, urlsplit

from paperfeed.deliver.latex import latex_to_text
from paperfeed.ids import normalize_arxiv_id
from paperfeed.records import Digest, Paper, Reason, Recommendation

OTHER_GROUP = "Other"
TRENDING_HEADING = "Trending in your interests"
ABSTRACT_CHARS = 300
#: Papers whose cleaned text is kept (``shown_paper``; the web's reason lines too).
CACHED_PAPERS = 4096
AUTHORS_SHOWN = 3

# C0/C1 controls (terminal escapes, characters XML 1.0 forbids), DEL, lone surrogates,
# the non-characters U+FFFE/U+FFFF, and the Unicode line/paragraph separators.
_UNSAFE_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_BREAKS = re.compile("[\r\n\t\u2028\u2029\x85]")


def clean_text(text: str | None) -> str:
    """One line of text with control characters removed and whitespace collapsed."""
    if not text:
        return ""
    return " ".join(_UNSAFE_CHARS.sub("", _BREAKS.sub(" ", text)).split())


def display_text(text: str | None) -> str:
    """A title or abstract for people: LaTeX made readable, then cleaned to one line."""
    return clean_text(latex_to_text(clean_text(text)))


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL with a host, else None (no javascript:, data:)."""
    candidate = clean_text(url)
    if not candidate or " " in candidate:
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return candidate


def arxiv_url(paper: Paper) -> str | None:
    """The arXiv abstract page of a paper whose canonical id is an arXiv id."""
    arxiv_id = paper.arxiv_id
    if not arxiv_id or normalize_arxiv_id(arxiv_id) != arxiv_id:
        return None
    return f"https://arxiv.org/abs/{quote(arxiv_id, safe='/.-')}"


def paper_link(paper: Paper) -> str | None:
    """Where a paper's title links to: its arXiv page, else its own URL or DOI, if safe."""
    link = arxiv_url(paper) or safe_url(paper.url)
    if link is None and paper.doi:
        link = safe_url(f"https://doi.org/{quote(clean_text(paper.doi), safe='/.-_;()')}")
    return link


def short_authors(authors: tuple[str, ...], shown: int = AUTHORS_SHOWN) -> str:
    """``A, B, C et al.`` for long author lists; all names when there are few."""
    names = [name for name in (clean_text(a) for a in authors) if name]
    if len(names) <= shown + 1:
        return ", ".join(names)
    return ", ".join(names[:shown]) + " et al."


def snippet(text: str, limit: int = ABSTRACT_CHARS) -> str:
    """``text`` cut at a word boundary to about ``limit`` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:.-–—") + "…"


@lru_cache(maxsize=CACHED_PAPERS)
def shown_paper(paper: Paper, abstract_chars: int) -> tuple[str, str | None, str, str]:
    """Title, link, authors and abstract snippet of ``paper``, cleaned for display.

    Cached: cleaning LaTeX out of abstracts is most of a digest page's work, and the same
    papers are shown again and again (on pages, in mail, to many users). ``abstract_chars``
    has no default: the cache keys ``f(p)`` and ``f(p, 300)`` apart, so every caller spells
    the length out and the mail and the web share one entry per paper.
    """
    return (
        display_text(paper.title) or "(untitled)",
        paper_link(paper),
        short_authors(paper.authors),
        snippet(display_text(paper.abstract), abstract_chars),
    )


def facts(rec: Recommendation) -> list[str]:
    """The short facts of a pick: its id (``arXiv:...``), listing date and score."""
    paper = rec.paper
    shown = [f"arXiv:{clean_text(paper.arxiv_id)}" if paper.arxiv_id else clean_text(paper.id)]
    if clean_text(paper.date):
        shown.append(clean_text(paper.date))
    shown.append(f"score {rec.score:.2f}")
    return shown


def reason_line(reason: Reason) -> str:
    """The sentence shown for one reason; built from its data when it carries no text."""
    if reason.text.strip():
        return display_text(reason.text)
    title = display_text(reason.paper_title)
    similarity = f" ({reason.similarity:.2f})" if reason.similarity is not None else ""
    terms = ", ".join(clean_text(t) for t in reason.terms)
    built = {
        "similar": f"close to your paper “{title}”{similarity}",
        "terms": f"shared terms: {terms}",
        "interest": f"interest: {terms}",
        "coauthor": f"co-author: {terms}",
        "followed_author": f"followed author: {terms}".rstrip(": "),
        "keyword": f"keyword: {terms}",
        "feedback": f"like papers you rated up{similarity}",
    }
    return built.get(reason.kind, clean_text(reason.kind))


def reason_lines(rec: Recommendation, *, with_interest: bool = True) -> list[str]:
    """All reason sentences of a pick, plus its interest when no reason names it.

    ``with_interest=False`` leaves the interest out, for channels that show it as a heading.
    """
    lines = [line for line in (reason_line(r) for r in rec.reasons) if line]
    interest = clean_text(rec.interest)
    if with_interest and interest and not any(r.kind == "interest" for r in rec.reasons):
        lines.append(f"interest: {interest}")
    return lines


def headline(digest: Digest) -> str:
    """``10 papers for 2026-06-30`` (or ``no new papers ...``)."""
    count = len(digest.recommendations)
    day = clean_text(digest.date) or "today"
    if count == 0:
        return f"no new papers for {day}"
    return f"{count} paper{'s' if count != 1 else ''} for {day}"


def empty_message(digest: Digest) -> str:
    """What a reader sees on a day without picks: the digest's note, or a plain default."""
    note = clean_text(digest.note)
    return note or "Nothing new matched your interests today."


def grouped_by_interest(digest: Digest) -> list[tuple[str, list[Recommendation]]]:
    """Picks grouped under their interest label, in the digest's interest order; rest last."""
    order = [clean_text(i.label) for i in digest.interests]
    groups: dict[str, list[Recommendation]] = {label: [] for label in order if label}
    other: list[Recommendation] = []
    for rec in sorted(digest.recommendations, key=lambda r: r.rank):
        label = clean_text(rec.interest)
        if label:
            groups.setdefault(label, []).append(rec)
        else:
            other.append(rec)
    if other:
        groups.setdefault(OTHER_GROUP, []).extend(other)
    return [(label, recs) for label, recs in groups.items() if recs]


def tldr(rec: Recommendation) -> str:
    """The pick's LLM TL;DR, cleaned ('' when there is none: show the abstract)."""
    return display_text(rec.summary.tldr) if rec.summary else ""


def why_for_you(rec: Recommendation) -> str:
    """The pick's LLM line on why it matters to the reader, cleaned ('' when none)."""
    return display_text(rec.summary.why) if rec.summary else ""


def trending_by_rank(digest: Digest) -> list[Recommendation]:
    """The digest's trending section in its order."""
    return sorted(digest.trending, key=lambda r: r.rank)
