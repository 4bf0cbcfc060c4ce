"""Reader of BibTeX / BibLaTeX files, parsed by bibtexparser 2 and decoded from LaTeX.

Every entry type counts as a paper. Read fields: title, abstract, author (split on "and"
outside braces, "Last, First" flipped), year/month/day or date, doi, the arXiv id (from
eprint with archivePrefix arXiv, or an arXiv URL/id in url, note, journal, howpublished),
primaryClass as category, url. LaTeX accents and commands are decoded, braces stripped.
"""

from __future__ import annotations

import logging
import re

import bibtexparser
from bibtexparser.exceptions import ParsingException
from bibtexparser.middlewares.names import split_multiple_persons_names
from bibtexparser.model import DuplicateBlockKeyBlock, Entry
from pylatexenc.latex2text import LatexNodes2Text

from paperfeed.errors import InputError
from paperfeed.records import Batch, Paper
from paperfeed.sources.fields import (
    clean,
    collect,
    date_from_parts,
    display_name,
    iso_date,
    make_paper,
)

SOURCE = "bibtex"
_DECODER = LatexNodes2Text(math_mode="verbatim", keep_braced_groups=False)
_ARXIV_HINT_FIELDS = ("url", "note", "journal", "journaltitle", "howpublished", "eprint")
_YEAR = re.compile(r"[0-9]{4}")
# pylatexenc takes time superlinear in the length (a 5 MB field: minutes); longer values
# only have their braces dropped. Real titles and abstracts are far shorter.
MAX_LATEX_DECODED = 20_000

# bibtexparser logs every failed block as a warning; we raise them as InputError instead.
logging.getLogger("bibtexparser").setLevel(logging.ERROR)


def read_bibtex(text: str, origin: str) -> Batch:
    """Read BibTeX text; a block the parser could not read is an InputError at its line."""
    try:
        library = bibtexparser.parse_string(text)
    except ParsingException as exc:
        raise InputError(origin, f"cannot parse the BibTeX: {_reason(exc)}") from exc
    problems = []
    entries = list(library.entries)
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        duplicate = getattr(block, "ignore_error_block", None)
        if isinstance(block, DuplicateBlockKeyBlock) and isinstance(duplicate, Entry):
            problems.append(f"{origin}, line {line}: key {block.key!r} used twice; kept both")
            entries.append(duplicate)
            continue
        reason = _reason(getattr(block, "error", None))
        raise InputError(origin, f"cannot parse this BibTeX entry: {reason}", line=line)
    located = []
    for entry in sorted(entries, key=lambda e: e.start_line or 0):
        line = (entry.start_line or 0) + 1
        paper, notes = _paper(entry, origin, line)
        located.append((f"line {line}", paper))
        problems.extend(notes)
    return collect(located, origin, problems=problems)


def _reason(error: object) -> str:
    """The readable reason inside a bibtexparser exception."""
    for attribute in ("abort_reason", "message"):
        text = getattr(error, attribute, None)
        if isinstance(text, str) and text.strip():
            return clean(text.split(" Note:")[0])  # drop the library's advice to programmers
    return clean(str(error or "")) or "syntax error"


def _paper(entry: Entry, origin: str, line: int) -> tuple[Paper, list[str]]:
    """One entry as a Paper, plus notes about fields that could not be used."""
    fields = {key.lower(): str(field.value) for key, field in entry.fields_dict.items()}
    title = decode(fields.get("title", ""))
    if not title:
        raise InputError(origin, f"entry {entry.key!r} has no title", line=line, field="title")
    date, notes = _date(fields, f"{origin}, line {line}")
    paper = make_paper(
        title=title,
        abstract=decode(fields.get("abstract", "")),
        authors=[display_name(decode(name)) for name in _names(fields.get("author", ""))],
        categories=[strip_braces(fields["primaryclass"])] if "primaryclass" in fields else [],
        date=date,
        arxiv=_arxiv(fields),
        doi=strip_braces(fields.get("doi", "")) or None,
        url=strip_braces(fields.get("url", "")),
        source=SOURCE,
    )
    return paper, notes


def decode(latex: str) -> str:
    """LaTeX to plain text (accents, escapes, commands), braces dropped, math kept as is."""
    if len(latex) > MAX_LATEX_DECODED:
        return strip_braces(latex)
    try:
        return clean(_DECODER.latex_to_text(latex))
    except Exception:  # pylatexenc is tolerant, but a decoder bug must not hide the entry
        return clean(strip_braces(latex))


def strip_braces(value: str) -> str:
    """The value without braces, whitespace collapsed."""
    return clean(value.replace("{", "").replace("}", ""))


def _names(raw: str) -> list[str]:
    """Split a BibTeX name list on "and" outside braces."""
    if not raw.strip():
        return []
    return [name for name in split_multiple_persons_names(raw) if name.strip()]


def _arxiv(fields: dict[str, str]) -> str | None:
    """Raw text holding the arXiv id: eprint with archivePrefix arXiv, else an arXiv hint."""
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "arxiv").lower()
    if fields.get("eprint") and "arxiv" in prefix:
        return fields["eprint"]
    for key in _ARXIV_HINT_FIELDS:
        if "arxiv" in fields.get(key, "").lower():
            return fields[key]
    return None


def _date(fields: dict[str, str], where: str) -> tuple[str | None, list[str]]:
    """ISO date from "date" (BibLaTeX) or year/month/day; unusable values become notes."""
    if fields.get("date"):
        try:
            return iso_date(strip_braces(fields["date"])[:10]), []
        except ValueError as exc:
            return None, [f"{where}: unusable date {fields['date']!r} ({exc})"]
    year = _YEAR.search(fields.get("year", ""))
    if year is None:
        return None, ([f"{where}: no usable year {fields['year']!r}"] if "year" in fields else [])
    month = strip_braces(fields.get("month", "")) or None
    day = strip_braces(fields.get("day", "")) or None
    try:
        return date_from_parts(year.group(), month, day), []
    except ValueError as exc:
        note = f"{where}: month/day not understood ({exc}); using the year alone"
    try:
        return date_from_parts(year.group()), [note]
    except ValueError:
        return None, [f"{where}: no usable year {fields['year']!r}"]
