"""Reader of CSL-JSON, the citation format Zotero, Mendeley and citation.js export.

A JSON array of items (a single item object is accepted too). Read: title, abstract,
author (``{family, given}`` with particles and suffix, or ``{literal}``), issued
(``date-parts``, else ``raw``/``literal``), DOI, URL, and the arXiv id, which Zotero puts
in ``number`` ("arXiv:2406.01234"), ``URL``, ``note``, ``archive_location`` or an arXiv DOI.
Errors name the item and field, e.g. ``items[3].title``.
"""

from __future__ import annotations

import json
import re

from paperfeed.errors import InputError
from paperfeed.records import Batch, Paper
from paperfeed.sources.fields import clean, collect, date_from_parts, iso_date, make_paper
from paperfeed.sources.rawrecord import RawRecord

SOURCE = "csl-json"
_BARE_ARXIV = re.compile(r"\s*([0-9]{4}\.[0-9]{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/[0-9]{7})(v[0-9]+)?\s*")
_NAME_PARTS = ("given", "dropping-particle", "non-dropping-particle", "family", "suffix")


def read_csl_json(text: str, origin: str) -> Batch:
    """Read a CSL-JSON export; blank text is an empty Batch."""
    if not text.strip():
        return Batch(papers=(), origin=origin)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(origin, f"not valid JSON: {exc.msg}", line=exc.lineno) from exc
    except RecursionError as exc:
        raise InputError(origin, "not valid CSL-JSON: nested too deeply") from exc
    items = [data] if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InputError(origin, "expected a JSON array of CSL items")
    located = [
        (f"items[{index}]", _paper(item, origin, f"items[{index}]"))
        for index, item in enumerate(items)
    ]
    return collect(located, origin)


def _paper(item: object, origin: str, where: str) -> Paper:
    if not isinstance(item, dict):
        raise InputError(origin, "expected a JSON object (a CSL item)", field=where)
    record = RawRecord(item, origin, prefix=f"{where}.", numbers=True)
    return make_paper(
        title=record.title(),
        abstract=record.text("abstract"),
        authors=_authors(item.get("author"), origin, f"{where}.author"),
        date=_issued(item.get("issued"), origin, f"{where}.issued"),
        arxiv=_arxiv(record),
        doi=record.text("DOI") or None,
        url=record.text("URL"),
        source=SOURCE,
    )


def _authors(value: object, origin: str, where: str) -> list[str]:
    """CSL names as "First Last": given, particles, family, suffix; or the literal name."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(origin, "expected a list of names", field=where)
    names = []
    for index, person in enumerate(value):
        if not isinstance(person, dict):
            raise InputError(origin, "expected a name object", field=f"{where}[{index}]")
        name = RawRecord(person, origin, prefix=f"{where}[{index}].", numbers=True)
        parts = [name.text(key) for key in _NAME_PARTS]
        full = clean(" ".join(parts)) or clean(name.text("literal"))
        if full:
            names.append(full)
    return names


def _issued(value: object, origin: str, where: str) -> str | None:
    """The ISO date of a CSL date: first of ``date-parts``, else ``raw`` or ``literal`` text."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InputError(origin, "expected a CSL date object", field=where)
    try:
        parts = value.get("date-parts")
        if parts is not None:
            if not isinstance(parts, list) or not parts or not isinstance(parts[0], list):
                raise ValueError("date-parts must be a list of [year, month, day] lists")
            return date_from_parts(*parts[0][:3]) if parts[0] else None
        text = value.get("raw") or value.get("literal")
        return iso_date(text) if isinstance(text, str) else None
    except (ValueError, TypeError) as exc:
        raise InputError(origin, f"not a usable date: {exc}", field=where) from exc


def _arxiv(record: RawRecord) -> str | None:
    """Raw text holding the arXiv id, from the fields where Zotero and others put it."""
    for key in ("number", "archive_location"):
        value = record.text(key)
        if _BARE_ARXIV.fullmatch(value) or "arxiv" in value.lower():
            return value
    for key in ("URL", "note"):
        value = record.text(key)
        if "arxiv" in value.lower():
            return value
    return None
