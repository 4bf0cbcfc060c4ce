"""Tests of paperfeed.deliver.atom: Atom 1.0 feeds, parsed with ElementTree and feedparser."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import feedparser
import pytest
from deliver_digests import PICKS, RL, TITLES_SHOWN, empty_digest, make_digest

from paperfeed.deliver import render_atom, render_atom_many
from paperfeed.records import Digest

A = "{http://www.w3.org/2005/Atom}"
FEED_URL = "https://feeds.example.org/alice.xml"
FEED_ID = "tag:paperfeed,2026:alice"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def _atom(digest: Digest | None = None) -> str:
    return render_atom(digest or make_digest(), feed_url=FEED_URL, self_id=FEED_ID)


def _entries(xml: str) -> list[ET.Element]:
    return ET.fromstring(xml.encode()).findall(f"{A}entry")


def test_is_well_formed_with_the_required_feed_elements() -> None:
    xml = _atom()
    assert xml.startswith('<?xml version="1.0" encoding="utf-8"?>')
    feed = ET.fromstring(xml.encode())
    assert feed.tag == f"{A}feed"
    assert feed.findtext(f"{A}id") == FEED_ID
    assert "alice" in (feed.findtext(f"{A}title") or "")
    assert feed.findtext(f"{A}updated") == "2026-06-30T00:00:00Z"
    assert feed.findtext(f"{A}author/{A}name") == "paperfeed"
    self_link = feed.find(f"{A}link[@rel='self']")
    assert self_link is not None and self_link.get("href") == FEED_URL


def test_entries_have_id_title_updated_link_authors_category_and_summary() -> None:
    entries = _entries(_atom())
    assert len(entries) == 4
    for entry in entries:
        assert entry.findtext(f"{A}id")
        assert entry.findtext(f"{A}title")
        assert RFC3339.match(entry.findtext(f"{A}updated") or "")
        # RFC 4287 4.1.1: an entry without content needs an alternate link
        has_link = entry.find(f"{A}link[@rel='alternate']") is not None
        assert has_link or entry.find(f"{A}content") is not None
    first = entries[0]
    assert first.findtext(f"{A}id") == "tag:paperfeed,2026:alice/2606.01234"
    assert first.findtext(f"{A}title") == TITLES_SHOWN["2606.01234"]
    link = first.find(f"{A}link[@rel='alternate']")
    assert link is not None and link.get("href") == "https://arxiv.org/abs/2606.01234"
    assert [a.text for a in first.findall(f"{A}author/{A}name")][:2] == ["Jane Doe", "John Smith"]
    category = first.find(f"{A}category")
    assert category is not None and category.get("term") == RL
    summary = first.findtext(f"{A}summary") or ""
    assert "close to your paper “Reward Models” (0.71)" in summary
    assert "shared terms: diffusion, policy" in summary


def test_hostile_paper_stays_text_and_gets_no_link() -> None:
    evil = _entries(_atom())[2]
    assert evil.findtext(f"{A}title") == "<script>alert(1)</script>"
    assert evil.find(f"{A}link") is None
    assert "javascript:" not in _atom()
    names = [a.text for a in evil.findall(f"{A}author/{A}name")]
    assert names == ["Eve Bcc: victim@example.com", "Mallory[2J<m@evil.example>"]
    assert "<img src=x onerror=alert(1)>" in (evil.findtext(f"{A}content") or "")


def test_characters_xml_forbids_are_dropped() -> None:
    paper = replace(PICKS[0].paper, title="Bad\x00 \x0bchars\x1b \ufffe here")
    digest = make_digest(picks=(replace(PICKS[0], paper=paper),))
    entry = _entries(_atom(digest))[0]
    assert entry.findtext(f"{A}title") == "Bad chars here"


def test_ids_are_stable_across_runs() -> None:
    first = [e.findtext(f"{A}id") for e in _entries(_atom())]
    second = [e.findtext(f"{A}id") for e in _entries(_atom(make_digest()))]
    assert first == second and len(set(first)) == 4
    later = [e.findtext(f"{A}id") for e in _entries(_atom(make_digest(date="2026-07-01")))]
    assert later == first


def test_feedparser_reads_it_without_complaint() -> None:
    parsed = feedparser.parse(_atom())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert [e.title for e in parsed.entries] == list(TITLES_SHOWN.values())
    assert parsed.entries[0].link == "https://arxiv.org/abs/2606.01234"
    assert parsed.entries[0].id == "tag:paperfeed,2026:alice/2606.01234"
    assert parsed.feed.links[0].href == FEED_URL


def test_many_days_newest_first_one_entry_per_paper() -> None:
    older = make_digest(date="2026-06-29", picks=PICKS[:2])
    newer = make_digest(date="2026-07-01", picks=(PICKS[3], PICKS[0]))
    xml = render_atom_many([older, newer], feed_url=FEED_URL, self_id=FEED_ID)
    parsed = feedparser.parse(xml)
    assert parsed.bozo == 0
    ids = [e.id.rsplit("/", 1)[1] for e in parsed.entries]
    assert ids == ["2606.01234", "2606.07777", "2606.04321"]  # newest day, then rank
    entries = _entries(xml)
    assert entries[0].findtext(f"{A}updated") == "2026-07-01T00:00:00Z"
    assert entries[0].findtext(f"{A}published") == "2026-06-29T00:00:00Z"  # first picked
    assert entries[2].findtext(f"{A}updated") == "2026-06-29T00:00:00Z"
    assert ET.fromstring(xml.encode()).findtext(f"{A}updated") == "2026-07-01T00:00:00Z"


def test_empty_day_is_a_valid_feed_with_the_note() -> None:
    xml = _atom(empty_digest())
    feed = ET.fromstring(xml.encode())
    assert not feed.findall(f"{A}entry")
    assert feed.findtext(f"{A}subtitle") == "arXiv published no new papers on 2026-06-28"
    assert feedparser.parse(xml).bozo == 0


def test_feed_url_must_be_http() -> None:
    with pytest.raises(ValueError, match="feed_url"):
        render_atom(make_digest(), feed_url="javascript:alert(1)", self_id=FEED_ID)
