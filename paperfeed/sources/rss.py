"""Feeds: arXiv's RSS listings (rss.arxiv.org) and any RSS 2.0, RSS 1.0 or Atom 1.0 feed.

arXiv items carry ``arxiv:announce_type`` and a description
``arXiv:2506.01234v1 Announce Type: new Abstract: ...``; their source is ``arxiv-rss``
and only the announce types asked for are kept (by default ``new`` and ``cross``:
replacements are old papers). Other items get source ``rss``, HTML stripped from their
text, and an arXiv id when their link points to arxiv.org.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import httpx

from paperfeed.errors import InputError
from paperfeed.ids import normalize_arxiv_id
from paperfeed.records import Batch, Paper
from paperfeed.sources.fields import (
    arxiv_paper,
    category_list,
    clean,
    make_paper,
    split_author_list,
    timestamp_date,
)
from paperfeed.sources.http import PoliteFetcher, as_fetcher
from paperfeed.sources.registry import Request
from paperfeed.sources.xmlutil import ARXIV_ATOM, ATOM, DC, child_text, parse_xml, texts

RSS_BASE = "https://rss.arxiv.org/rss/"
NEW_AND_CROSS = frozenset({"new", "cross"})
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
RSS1 = "{http://purl.org/rss/1.0/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_ANNOUNCE = re.compile(
    r"^\s*arXiv:(?P<id>\S+)\s+Announce Type:\s*(?P<type>[\w-]+)\s*(?:Abstract:\s*(?P<abs>.*))?$",
    re.DOTALL,
)
_BLOCK_TAGS = frozenset({"p", "br", "div", "li", "tr", "td", "blockquote", "h1", "h2", "h3"})
_AUTHOR_IN_PARENS = re.compile(r"\(([^()]+)\)\s*$")


@dataclass(frozen=True, slots=True)
class _Item:
    """The raw fields of one feed item, whatever the feed format."""

    title: str
    link: str
    text: str
    authors: tuple[str, ...]
    categories: tuple[str, ...]
    date: str | None
    guid: str
    announce_type: str


def arxiv_rss_url(categories: Sequence[str]) -> str:
    """The arXiv RSS feed of one or more categories: ``https://rss.arxiv.org/rss/cs.LG+cs.CL``."""
    return RSS_BASE + "+".join(category_list(categories))


def fetch_feed(
    client: httpx.Client | PoliteFetcher,
    url: str,
    *,
    announce_types: Collection[str] = NEW_AND_CROSS,
) -> Batch:
    """Fetch and parse one feed; the batch's origin is the URL."""
    text = as_fetcher(client).get_text(url)
    return parse_feed(text, url, announce_types=announce_types)


def parse_feed(text: str, origin: str, *, announce_types: Collection[str] = NEW_AND_CROSS) -> Batch:
    """Papers of an RSS 2.0 / RSS 1.0 / Atom 1.0 document; InputError when it is not one."""
    items = _items(parse_xml(text, origin), origin)
    papers: list[Paper] = []
    problems: list[str] = []
    for index, item in enumerate(items, 1):
        if item.announce_type:
            if item.announce_type in announce_types:
                papers.append(_arxiv_paper(item, origin, index))
        elif item.title:
            papers.append(_generic_paper(item))
        else:
            problems.append(f"{origin}: item {index} has no title; skipped")
    return Batch(papers=tuple(papers), origin=origin, problems=tuple(problems))


def _items(root: ET.Element, origin: str) -> list[_Item]:
    if root.tag == "rss":
        return [_rss2_item(el) for el in root.findall("channel/item")]
    if root.tag == f"{ATOM}feed":
        return [_atom_item(el) for el in root.findall(f"{ATOM}entry")]
    if root.tag == f"{RDF}RDF":
        return [_rss1_item(el) for el in root.findall(f"{RSS1}item")]
    raise InputError(origin, f"not an RSS or Atom feed: root element <{root.tag}>")


def _rss2_item(el: ET.Element) -> _Item:
    text = child_text(el, "description") or child_text(el, f"{CONTENT}encoded")
    authors = [clean(a.text) for a in el.findall(f"{DC}creator")]
    authors += [_rss_author(clean(a.text)) for a in el.findall("author")]
    return _Item(
        title=child_text(el, "title"),
        link=child_text(el, "link"),
        text=text,
        authors=tuple(a for a in authors if a),
        categories=texts(el.findall("category")),
        date=timestamp_date(child_text(el, "pubDate") or child_text(el, f"{DC}date")),
        guid=child_text(el, "guid"),
        announce_type=_announce_type(el, text),
    )


def _atom_item(el: ET.Element) -> _Item:
    text = child_text(el, f"{ATOM}summary") or child_text(el, f"{ATOM}content")
    return _Item(
        title=child_text(el, f"{ATOM}title"),
        link=_atom_link(el),
        text=text,
        authors=texts(el.findall(f"{ATOM}author/{ATOM}name")),
        categories=tuple(t for c in el.findall(f"{ATOM}category") if (t := clean(c.get("term")))),
        date=timestamp_date(child_text(el, f"{ATOM}published") or child_text(el, f"{ATOM}updated")),
        guid=child_text(el, f"{ATOM}id"),
        announce_type=_announce_type(el, text),
    )


def _rss1_item(el: ET.Element) -> _Item:
    text = child_text(el, f"{RSS1}description")
    return _Item(
        title=child_text(el, f"{RSS1}title"),
        link=child_text(el, f"{RSS1}link"),
        text=text,
        authors=texts(el.findall(f"{DC}creator")),
        categories=texts(el.findall(f"{DC}subject")),
        date=timestamp_date(child_text(el, f"{DC}date")),
        guid=el.get(f"{RDF}about", ""),
        announce_type=_announce_type(el, text),
    )


def _atom_link(el: ET.Element) -> str:
    """The ``alternate`` link (a link without ``rel`` is one), else the first link."""
    links = el.findall(f"{ATOM}link")
    for link in links:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return clean(link.get("href"))
    return clean(links[0].get("href")) if links else ""


def _rss_author(value: str) -> str:
    """RSS 2.0 ``<author>`` is ``email (Name)``: keep the name when there is one."""
    match = _AUTHOR_IN_PARENS.search(value)
    return clean(match.group(1)) if match else value


def _announce_type(el: ET.Element, text: str) -> str:
    """The arXiv announce type of an item ('' for a non-arXiv item)."""
    declared = child_text(el, f"{ARXIV_ATOM}announce_type")
    if declared:
        return declared.lower()
    match = _ANNOUNCE.match(text)
    return match.group("type").lower() if match else ""


def _arxiv_paper(item: _Item, origin: str, index: int) -> Paper:
    """An arXiv RSS item: id and abstract from the description, authors from dc:creator."""
    match = _ANNOUNCE.match(item.text)
    candidates = [match.group("id")] if match else []
    candidates += [item.guid, item.link]
    raw_id = next((c for c in candidates if normalize_arxiv_id(c)), item.guid)
    return arxiv_paper(
        raw_id,
        item.title,
        origin=origin,
        where=f"item {index}",
        source="arxiv-rss",
        id_field="guid",
        abstract=(match.group("abs") or "") if match else item.text,
        authors=[name for one in item.authors for name in split_author_list(one)],
        categories=item.categories,
        date=item.date,
    )


def _generic_paper(item: _Item) -> Paper:
    """Any other feed item; an arXiv id when its link (or guid) is an arXiv one."""
    arxiv_id = _arxiv_id_of(item.link) or _arxiv_id_of(item.guid)
    return make_paper(
        title=strip_html(item.title),
        abstract=strip_html(item.text),
        authors=item.authors,
        categories=item.categories,
        date=item.date,
        source="rss",
        arxiv=arxiv_id,
        url="" if arxiv_id else item.link,
    )


def _arxiv_id_of(value: str) -> str | None:
    """The arXiv id in an arxiv.org URL or an ``oai:arXiv.org:`` identifier."""
    if value.lower().startswith("oai:arxiv.org:"):
        return normalize_arxiv_id(value)
    host = (urlsplit(value).hostname or "") if "://" in value else ""
    if host == "arxiv.org" or host.endswith(".arxiv.org"):
        return normalize_arxiv_id(value)
    return None


class _TextExtractor(HTMLParser):
    """Collects the text of an HTML fragment, leaving scripts and styles out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def strip_html(fragment: str) -> str:
    """The text of an HTML fragment, entities decoded and whitespace collapsed."""
    if "<" not in fragment and "&" not in fragment:
        return clean(fragment)
    extractor = _TextExtractor()
    try:
        extractor.feed(fragment)
        extractor.close()
    except (AssertionError, ValueError):  # html.parser gives up on some broken markup
        return clean(unescape(re.sub(r"<[^>]*>", " ", fragment)))
    return clean("".join(extractor.parts))


def from_spec(fetcher: PoliteFetcher, request: Request) -> Batch:
    """A feed URL: http(s) only, and a public address unless private ones are allowed."""
    from paperfeed.sources.http import check_feed_url

    return fetch_feed(fetcher, check_feed_url(request.spec, request.allow_private))
