"""arXiv's OAI-PMH interface: parse ListRecords pages (arXiv or arXivRaw metadata), harvest a set.

A paper's ``date`` is the day its first version was submitted (``<created>``, or the
first ``<version>`` of arXivRaw); the record's ``datestamp`` only says when its metadata
last changed. Deleted records are skipped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx

from paperfeed.errors import InputError, SourceError
from paperfeed.records import Batch, Paper
from paperfeed.sources.fields import (
    arxiv_paper,
    clean,
    day_string,
    split_author_list,
    timestamp_date,
)
from paperfeed.sources.http import PoliteFetcher, as_fetcher, full_url
from paperfeed.sources.registry import Request
from paperfeed.sources.xmlutil import child_text, element_text, parse_xml

OAI_URL = "https://oaipmh.arxiv.org/oai"
SOURCE = "arxiv-oai"
OAI = "{http://www.openarchives.org/OAI/2.0/}"
ARXIV = "{http://arxiv.org/OAI/arXiv/}"
ARXIV_RAW = "{http://arxiv.org/OAI/arXivRaw/}"


class OaiError(SourceError):
    """The repository answered with an OAI-PMH ``<error>`` (``code`` says which)."""

    def __init__(self, origin: str, code: str, message: str) -> None:
        self.code = code
        super().__init__(f"{origin}: OAI-PMH error {code}: {message}")


def parse_oai_page(text: str, origin: str) -> tuple[Batch, str | None]:
    """The papers of one ListRecords page and its resumption token (None on the last page).

    ``noRecordsMatch`` gives an empty batch; any other OAI error (``badResumptionToken``,
    ``badArgument`` ...) raises OaiError; broken XML or a record without id or title
    raises InputError.
    """
    root = parse_xml(text, origin)
    if root.tag != f"{OAI}OAI-PMH":
        raise InputError(origin, f"expected an <OAI-PMH> response, found <{root.tag}>")
    error = root.find(f"{OAI}error")
    if error is not None:
        code = error.get("code", "unknown")
        if code == "noRecordsMatch":
            return Batch(papers=(), origin=origin), None
        raise OaiError(origin, code, element_text(error))
    listing = root.find(f"{OAI}ListRecords")
    if listing is None:
        raise InputError(origin, "no <ListRecords> in the response", field="ListRecords")
    records = listing.findall(f"{OAI}record")
    papers = [_record_paper(r, origin, i) for i, r in enumerate(records, 1)]
    batch = Batch(papers=tuple(p for p in papers if p is not None), origin=origin)
    return batch, _resumption_token(listing)


def _resumption_token(listing: ET.Element) -> str | None:
    token = listing.find(f"{OAI}resumptionToken")
    if token is None:
        return None
    return clean(token.text) or None


def _record_paper(record: ET.Element, origin: str, index: int) -> Paper | None:
    """One ``<record>`` as a Paper; None for a deleted record."""
    header = record.find(f"{OAI}header")
    if header is not None and header.get("status") == "deleted":
        return None
    metadata = record.find(f"{OAI}metadata")
    if metadata is None:
        raise InputError(origin, f"record {index}: no <metadata>", field="metadata")
    arxiv = metadata.find(f"{ARXIV}arXiv")
    if arxiv is not None:
        created = child_text(arxiv, f"{ARXIV}created")
        return _metadata_paper(arxiv, ARXIV, _arxiv_authors(arxiv), created, origin, index)
    raw = metadata.find(f"{ARXIV_RAW}arXivRaw")
    if raw is not None:
        authors = split_author_list(child_text(raw, f"{ARXIV_RAW}authors"))
        return _metadata_paper(raw, ARXIV_RAW, authors, _first_version_date(raw), origin, index)
    raise InputError(
        origin, f"record {index}: metadata is neither arXiv nor arXivRaw", field="metadata"
    )


def _metadata_paper(
    meta: ET.Element, ns: str, authors: list[str], submitted: str, origin: str, index: int
) -> Paper:
    """The fields both metadata formats share, read from namespace ``ns``."""
    return arxiv_paper(
        child_text(meta, f"{ns}id"),
        child_text(meta, f"{ns}title"),
        origin=origin,
        where=f"record {index}",
        source=SOURCE,
        abstract=child_text(meta, f"{ns}abstract"),
        authors=authors,
        categories=child_text(meta, f"{ns}categories").split(),
        date=timestamp_date(submitted),
        doi=child_text(meta, f"{ns}doi"),
    )


def _arxiv_authors(meta: ET.Element) -> list[str]:
    """The ``arXiv`` format's structured authors as "forenames keyname suffix"."""
    return [_author_name(author) for author in meta.findall(f"{ARXIV}authors/{ARXIV}author")]


def _author_name(author: ET.Element) -> str:
    """``forenames keyname suffix``; a collaboration has only a keyname."""
    parts = (
        child_text(author, f"{ARXIV}forenames"),
        child_text(author, f"{ARXIV}keyname"),
        child_text(author, f"{ARXIV}suffix"),
    )
    return " ".join(part for part in parts if part)


def _first_version_date(meta: ET.Element) -> str:
    """arXivRaw dates each version; the first one is the submission."""
    first_version = meta.find(f"{ARXIV_RAW}version")
    return child_text(first_version, f"{ARXIV_RAW}date") if first_version is not None else ""


def harvest_oai(
    client: httpx.Client | PoliteFetcher,
    set_spec: str = "cs",
    since: str | None = None,
    until: str | None = None,
    *,
    metadata_prefix: str = "arXiv",
    url: str = OAI_URL,
    max_pages: int | None = None,
) -> Batch:
    """Every record of ``set_spec`` changed between ``since`` and ``until``, following tokens.

    When a later page fails (expired token, network gone after the retries), the pages
    already harvested are kept and the failure is listed in ``Batch.problems``; a failing
    first page raises, as there is nothing to keep.
    """
    fetcher = as_fetcher(client)
    first = _first_params(set_spec, since, until, metadata_prefix)
    origin = str(full_url(url, first))
    params: dict[str, str | int] | None = first
    papers: dict[str, Paper] = {}
    problems: list[str] = []
    pages = 0
    while params is not None and (max_pages is None or pages < max_pages):
        page_origin = str(full_url(url, params))
        try:
            batch, token = parse_oai_page(fetcher.get_text(url, params), page_origin)
        except (SourceError, InputError) as exc:
            if pages == 0:
                raise
            problems.append(f"harvest stopped after {pages} pages ({len(papers)} papers): {exc}")
            break
        pages += 1
        papers.update((paper.id, paper) for paper in batch.papers)
        params = {"verb": "ListRecords", "resumptionToken": token} if token else None
    if params is not None and not problems:
        problems.append(f"harvest stopped at max_pages={max_pages}; more records remain")
    return Batch(papers=tuple(papers.values()), origin=origin, problems=tuple(problems))


def _first_params(
    set_spec: str, since: str | None, until: str | None, metadata_prefix: str
) -> dict[str, str | int]:
    params: dict[str, str | int] = {"verb": "ListRecords", "metadataPrefix": metadata_prefix}
    if set_spec:
        params["set"] = set_spec
    if since:
        params["from"] = day_string(since)
    if until:
        params["until"] = day_string(until)
    return params


def from_spec(fetcher: PoliteFetcher, request: Request) -> Batch:
    """``oai:SET``: the records of a set changed since ``--since`` (all without it)."""
    return harvest_oai(fetcher, set_spec=request.rest or "cs", since=request.since)
