"""Every reader and network parser of paperfeed under one signature, with a valid sample each.

``READERS`` maps a name to ``(parse(text, origin) -> Batch, sample text, file suffix)``;
the samples are the project's own fixtures. ``check_outcome`` is the contract every fuzz
test holds a reader to: a Batch of usable papers, or an InputError naming the origin.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from paperfeed.errors import InputError
from paperfeed.records import Batch
from paperfeed.sources.arxiv_api import parse_arxiv_atom
from paperfeed.sources.files import READERS as FILE_READERS
from paperfeed.sources.hf_api import parse_hf_daily
from paperfeed.sources.oaipmh import parse_oai_page
from paperfeed.sources.rss import parse_feed

FIXTURES = Path(__file__).parent.parent / "fixtures"
Parse = Callable[[str, str], Batch]


def _oai(text: str, origin: str) -> Batch:
    return parse_oai_page(text, origin)[0]


def _fixture(name: str) -> str:
    return (FIXTURES / name).read_text("utf-8")


READERS: dict[str, tuple[Parse, str, str]] = {
    "listing": (FILE_READERS["listing"], _fixture("files/listing.txt"), ".txt"),
    "hf-page": (FILE_READERS["hf-page"], _fixture("files/hf-page.txt"), ".txt"),
    "jsonl": (FILE_READERS["jsonl"], _fixture("files/papers.jsonl"), ".jsonl"),
    "bibtex": (FILE_READERS["bibtex"], _fixture("files/papers.bib"), ".bib"),
    "csl-json": (FILE_READERS["csl-json"], _fixture("files/zotero.json"), ".json"),
    "csv": (FILE_READERS["csv"], _fixture("files/papers.csv"), ".csv"),
    "arxiv-atom": (parse_arxiv_atom, _fixture("http/arxiv_api_page1.xml"), ".xml"),
    "oai-page": (_oai, _fixture("http/oai_page1.xml"), ".xml"),
    "rss-feed": (parse_feed, _fixture("http/arxiv_rss_cs_lg.xml"), ".xml"),
    "atom-feed": (parse_feed, _fixture("http/generic_atom.xml"), ".xml"),
    "hf-json": (parse_hf_daily, _fixture("http/hf_daily_2025-06-04.json"), ".json"),
}
FILE_KINDS = ("listing", "hf-page", "jsonl", "bibtex", "csl-json", "csv")


def check_outcome(parse: Parse, text: str, origin: str) -> str:
    """Run ``parse``; 'ok' or 'error' when it keeps the contract, else the assertion fails."""
    try:
        batch = parse(text, origin)
    except InputError as exc:
        assert str(exc).startswith(origin), f"error does not name the input: {exc}"
        return "error"
    check_batch(batch)
    return "ok"


def check_batch(batch: Batch) -> None:
    """Every paper of a batch has an id and a title, all strings."""
    for paper in batch.papers:
        assert isinstance(paper.id, str) and paper.id, paper
        assert isinstance(paper.title, str) and paper.title.strip(), paper
        assert all(isinstance(a, str) for a in paper.authors), paper
