"""Identifiers and normalization: arXiv ids, DOIs, titles, author names, content hashes."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

_NEW_ARXIV = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(?:v\d+)?(?![\d])")
_OLD_ARXIV = re.compile(r"\b([a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?\b")
_WORD = re.compile(r"[a-z0-9]+")
_DOI = re.compile(r"\b(10\.\d{4,9}/\S+)", re.IGNORECASE)


def normalize_arxiv_id(raw: str) -> str | None:
    """Return the arXiv id in ``raw`` without version (``2506.01234``, ``hep-th/9901001``).

    ``raw`` may be a bare id, an ``arXiv:`` prefixed id, or an abs/pdf URL. None if absent.
    """
    text = raw.strip()
    match = _NEW_ARXIV.search(text)
    if match:
        return match.group(1)
    match = _OLD_ARXIV.search(text)
    if match:
        return match.group(1)
    return None


def normalize_doi(raw: str) -> str | None:
    """Return a lower-cased DOI without URL prefix, or None."""
    match = _DOI.search(raw.strip())
    return match.group(1).rstrip(".,;").lower() if match else None


def fold(text: str) -> str:
    """Lower-case, strip accents, and squeeze everything but letters and digits to one space."""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_WORD.findall(text.lower()))


def normalize_title(title: str) -> str:
    """The title as a dedup key: folded, LaTeX commands and braces dropped."""
    return fold(re.sub(r"[{}$]", "", re.sub(r"\\[a-zA-Z]+", " ", title)))


@lru_cache(maxsize=1 << 16)
def author_key(name: str) -> tuple[str, str]:
    """(folded last name, folded first names) of "First Last" or "Last, First": the one
    parser of author names."""
    if "," in name:
        last, _, first = name.partition(",")
    else:
        parts = name.strip().split()
        last, first = (parts[-1], " ".join(parts[:-1])) if parts else ("", "")
    return fold(last), fold(first)


def normalize_author(name: str) -> str:
    """An author as a match key: "Han Fang", "Fang, Han" and "H. Fang" all give ``fang h``."""
    last, first = author_key(name)
    return f"{last} {first[:1]}".strip()


def same_person(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Whether two author keys may name one person: same last name and compatible first names.

    Full first names must agree; an initial agrees with any name it starts ("H" ~ "Han").
    ``normalize_author`` alone (last name + initial) is too loose for co-authorship:
    "Hejia Zhang" and "Hao Zhang" share ``zhang h``.
    """
    (last_a, first_a), (last_b, first_b) = a, b
    if not last_a or last_a != last_b:
        return False
    short, long = sorted((first_a.replace(" ", ""), first_b.replace(" ", "")), key=len)
    if len(short) <= 2:  # initials only
        return long.startswith(short[:1])
    return short == long


def is_owner(name: str, owner: str) -> bool:
    """Whether ``name`` is the profile owner's name (same normalized key)."""
    return bool(owner) and normalize_author(name) == normalize_author(owner)


def paper_id(arxiv_id: str | None, doi: str | None, title: str) -> str:
    """The canonical paper id: arXiv id, else ``doi:...``, else ``title:<sha1[:16]>``."""
    if arxiv_id:
        return arxiv_id
    if doi:
        return f"doi:{doi}"
    digest = hashlib.sha1(normalize_title(title).encode()).hexdigest()[:16]
    return f"title:{digest}"


def paper_text(title: str, abstract: str) -> str:
    """The text a model embeds for a paper."""
    title = " ".join(title.split())
    abstract = " ".join(abstract.split())
    return f"{title}. {abstract}" if abstract else title


def content_hash(title: str, abstract: str) -> str:
    """Key of a paper's text for the embedding cache: sha1 of the embedded text."""
    return hashlib.sha1(paper_text(title, abstract).encode()).hexdigest()


def normalize_user_name(raw: str) -> str:
    """A user name as typed, in the one form used everywhere (sign-up, sign-in, the
    sign-in throttle, the command line): NFKC, surrounding whitespace (any Unicode space,
    no-break space included) removed, lower case. ``"  BOB\\u00a0"`` is ``bob``."""
    return unicodedata.normalize("NFKC", raw).strip().lower()
