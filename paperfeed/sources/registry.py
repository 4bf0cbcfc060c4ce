"""The source registry: every network source, known by the ``SCHEME:`` of its spec.

A source is one module plus one ``Source`` entry in ``SOURCES``: its scheme, the form
users type (``biorxiv:CATEGORY[,CATEGORY]``), one line of help, the hosts it calls with
the pause each asks for, and where its functions live (``"module:function"``, imported
only when used, so that listing the sources costs nothing). ``listing`` takes papers in
(``paperfeed ingest SPEC``); ``profile`` reads a researcher's own works
(``paperfeed profile import SPEC``). The pipeline and the CLI read this table: adding a
source never touches them.

Both functions get the run's ``PoliteFetcher`` (paced for the source's hosts here) and a
``Request``: the spec after its scheme, ``--since``, ``--date``, today, and whether
private addresses are allowed (feed URLs).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date as Date
from typing import TYPE_CHECKING

from paperfeed.errors import InputError

if TYPE_CHECKING:
    from paperfeed.records import Batch
    from paperfeed.sources.http import PoliteFetcher


@dataclass(frozen=True, slots=True)
class Request:
    """What a source is asked for: ``rest`` is the spec after ``SCHEME:``."""

    spec: str
    rest: str
    since: str | None = None
    day: str | None = None
    today: str = field(default_factory=lambda: Date.today().isoformat())
    allow_private: bool = False


Fetch = Callable[["PoliteFetcher", Request], "Batch"]


@dataclass(frozen=True, slots=True)
class Source:
    """One network source: its spec form, help, hosts' pauses, and its functions."""

    scheme: str
    form: str
    summary: str
    listing: str = ""  # "module:function" taking in papers, or "" when it has none
    profile: str = ""  # "module:function" reading one researcher's works, or ""
    hosts: Mapping[str, float] = field(default_factory=dict)  # host -> seconds between calls
    profile_form: str = ""  # the form and help of a profile import, when they differ
    profile_summary: str = ""

    def function(self, kind: str) -> Fetch:
        """The ``listing`` or ``profile`` function, imported now."""
        target = self.listing if kind == "listing" else self.profile
        if not target:
            raise KeyError(kind)
        module, _, name = target.partition(":")
        found: Fetch = getattr(importlib.import_module(module), name)
        return found


_S = "paperfeed.sources."
SOURCES: tuple[Source, ...] = (
    Source(
        "arxiv",
        "arxiv:CAT[,CAT]",
        "today's arXiv listing (RSS); with --since, the arXiv API",
        listing=_S + "arxiv_api:from_spec",
        hosts={"export.arxiv.org": 3.0, "rss.arxiv.org": 3.0},
    ),
    Source(
        "oai",
        "oai:SET",
        "arXiv OAI-PMH harvest of a set (cs, physics:hep-th, ...)",
        listing=_S + "oaipmh:from_spec",
        hosts={"oaipmh.arxiv.org": 3.0, "export.arxiv.org": 3.0},
    ),
    Source(
        "hf",
        "hf:YYYY-MM-DD",
        "Hugging Face Daily Papers of a day, with their upvotes",
        listing=_S + "hf_api:from_spec",
        hosts={"huggingface.co": 1.0},
    ),
    Source(
        "biorxiv",
        "biorxiv:[CATEGORY[,CATEGORY]]",
        "bioRxiv preprints (posted --date, --since, else since yesterday)",
        listing=_S + "biorxiv:biorxiv_from_spec",
        hosts={"api.biorxiv.org": 1.0},
    ),
    Source(
        "medrxiv",
        "medrxiv:[CATEGORY[,CATEGORY]]",
        "medRxiv preprints, as biorxiv:",
        listing=_S + "biorxiv:medrxiv_from_spec",
        hosts={"api.biorxiv.org": 1.0},
    ),
    Source(
        "openalex",
        "openalex:ID[,ID]",
        "OpenAlex works of concepts (C...), venues/journals (S...), topics (T...)",
        listing=_S + "openalex:works_from_spec",
        profile=_S + "openalex:author_from_spec",
        hosts={"api.openalex.org": 0.2},
        profile_form="openalex:A...",
        profile_summary="the works of an OpenAlex author id",
    ),
    Source(
        "orcid",
        "orcid:0000-0000-0000-0000",
        "the works of an ORCID iD (through OpenAlex)",
        profile=_S + "openalex:orcid_from_spec",
        hosts={"api.openalex.org": 0.2},
    ),
    Source(
        "openreview",
        "openreview:VENUE_ID",
        "accepted papers of a venue, e.g. ICLR.cc/2025/Conference",
        listing=_S + "openreview:from_spec",
        hosts={"api2.openreview.net": 1.0, "api.openreview.net": 1.0},
    ),
    Source(
        "https",
        "https://... (or http://)",
        "any RSS or Atom feed",
        listing=_S + "rss:from_spec",
    ),
    Source("http", "http://...", "any RSS or Atom feed", listing=_S + "rss:from_spec"),
)
BY_SCHEME = {source.scheme: source for source in SOURCES}


def find(spec: str) -> Source | None:
    """The source a spec names by its scheme (``biorxiv:...``, ``https://...``), else None."""
    scheme, colon, _ = spec.partition(":")
    return BY_SCHEME.get(scheme.lower()) if colon else None


def _of(kind: str) -> list[Source]:
    return [s for s in SOURCES if (s.listing if kind == "listing" else s.profile)]


def _form(source: Source, kind: str) -> str:
    return source.profile_form if kind == "profile" and source.profile_form else source.form


def forms(kind: str = "listing") -> list[str]:
    """The spec forms of the sources that have ``kind`` (for help texts)."""
    return [_form(s, kind) for s in _of(kind) if s.scheme != "http"]


def fetch(
    spec: str,
    fetcher: PoliteFetcher,
    *,
    kind: str = "listing",
    since: str | None = None,
    day: str | None = None,
    allow_private: bool = False,
    today: str | None = None,
) -> Batch:
    """The papers a spec names, from its source (paced for the source's hosts)."""
    source = find(spec)
    if source is None:
        raise InputError(spec, f"not a source; use one of: {', '.join(forms(kind))}")
    try:
        function = source.function(kind)
    except KeyError:
        other = "paperfeed profile import" if kind == "listing" else "paperfeed ingest"
        raise InputError(
            spec, f"{source.scheme}: is not a source of this command; use `{other} {spec}`"
        ) from None
    fetcher.pace(source.hosts)
    rest = spec.split(":", 1)[1]
    request = Request(spec, rest, since, day, allow_private=allow_private)
    if today:
        request = Request(spec, rest, since, day, today, allow_private)
    return function(fetcher, request)


def help_lines(kind: str = "listing") -> str:
    """One line per source of ``kind``: its form and what it gives."""
    lines = []
    for source in _of(kind):
        if source.scheme != "http":
            summary = (kind == "profile" and source.profile_summary) or source.summary
            lines.append(f"{_form(source, kind)}  {summary}")
    return "\n".join(lines)
