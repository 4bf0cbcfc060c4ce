"""Tests of the feed source: arXiv RSS listings and generic RSS 2.0 / RSS 1.0 / Atom feeds."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from replay import Replay, fixture, mangled, raises_only_input_error

from paperfeed.errors import InputError
from paperfeed.ids import paper_id
from paperfeed.sources.rss import arxiv_rss_url, fetch_feed, parse_feed, strip_html

ARXIV_URL = "https://rss.arxiv.org/rss/cs.LG"
ALL_TYPES = ("new", "cross", "replace", "replace-cross")


def test_arxiv_rss_keeps_new_and_cross_by_default() -> None:
    batch = parse_feed(fixture("arxiv_rss_cs_lg.xml"), ARXIV_URL)
    assert [p.id for p in batch.papers] == ["2506.03112", "2506.02950", "2506.02733"]
    assert batch.problems == () and batch.origin == ARXIV_URL


def test_arxiv_rss_fields() -> None:
    first, second, cross = parse_feed(fixture("arxiv_rss_cs_lg.xml"), ARXIV_URL).papers
    assert first.title == "Sparse Mixture-of-Experts Routing with Load-Aware Token Dropping"
    assert first.abstract.startswith("Sparse mixture-of-experts (MoE) layers scale")
    assert "Announce Type" not in first.abstract and "Abstract:" not in first.abstract
    assert first.authors == ("Mei Lin", "Tom\\'as Ortega", "Priya Raghunathan")
    assert first.categories == ("cs.LG", "cs.CL")
    assert first.date == "2025-06-04"
    assert first.source == "arxiv-rss"
    assert first.url == "https://arxiv.org/abs/2506.03112"
    assert "when 0 < beta < 1 up to" in second.abstract  # escaped text is not taken for HTML
    assert cross.categories == ("cs.CV", "cs.CR", "cs.LG")


def test_arxiv_rss_replacements_on_request() -> None:
    batch = parse_feed(fixture("arxiv_rss_cs_lg.xml"), ARXIV_URL, announce_types=ALL_TYPES)
    ids = [p.id for p in batch.papers]
    assert ids == ["2506.03112", "2506.02950", "2506.02733", "2301.07041", "2412.10877"]
    replaced = batch.papers[3]
    assert replaced.authors == ("ATLAS-ML Collaboration", "John Smith Jr", "Anouk van der Berg")


def test_arxiv_rss_replacements_only() -> None:
    batch = parse_feed(fixture("arxiv_rss_cs_lg.xml"), ARXIV_URL, announce_types={"replace"})
    assert [p.id for p in batch.papers] == ["2301.07041"]


def test_arxiv_rss_on_a_day_without_listing() -> None:
    batch = parse_feed(fixture("arxiv_rss_empty.xml"), ARXIV_URL)
    assert batch.papers == () and batch.problems == ()


def test_arxiv_item_recognised_by_its_description_alone() -> None:
    text = (
        '<rss version="2.0"><channel><item><title>A Title</title>'
        "<link>https://arxiv.org/abs/2506.00077</link>"
        "<description>arXiv:2506.00077v2 Announce Type: new Abstract: Text here.</description>"
        "</item></channel></rss>"
    )
    (paper,) = parse_feed(text, "feed.xml").papers
    assert paper.id == "2506.00077" and paper.abstract == "Text here."
    assert paper.source == "arxiv-rss"


def test_generic_rss_item_with_html() -> None:
    batch = parse_feed(fixture("generic_rss.xml"), "https://blog.example.com/feed")
    post = batch.papers[0]
    assert post.title == "Why load balancing matters in MoE"
    assert post.abstract == (
        "Routers in sparse MoE models overload experts. Here is what helps & what does not."
    )
    assert post.authors == ("Dana Whitfield",)
    assert post.categories == ("mixture-of-experts",)
    assert post.date == "2025-06-03"
    assert post.source == "rss"
    assert post.url == "https://blog.example.com/2025/06/moe-load-balancing"
    assert post.id == paper_id(None, None, post.title)  # a link *inside* the text is no id


def test_generic_rss_item_linking_to_arxiv() -> None:
    paper = parse_feed(fixture("generic_rss.xml"), "https://blog.example.com/feed").papers[1]
    assert paper.id == "2506.02871" and paper.url == "https://arxiv.org/abs/2506.02871"
    assert paper.authors == ("Amara Okafor", "Lukas Brandt")
    assert paper.date == "2025-06-02"  # the day in the feed's own zone


def test_generic_rss_item_without_title_is_reported() -> None:
    batch = parse_feed(fixture("generic_rss.xml"), "https://blog.example.com/feed")
    assert len(batch.papers) == 2
    assert batch.problems == ("https://blog.example.com/feed: item 3 has no title; skipped",)


def test_generic_atom_feed() -> None:
    batch = parse_feed(fixture("generic_atom.xml"), "https://readinggroup.example.org/feed.atom")
    rag, notes = batch.papers
    assert rag.id == "2506.03098" and rag.url == "https://arxiv.org/abs/2506.03098"
    assert rag.title == "Calibrated RAG for Clinical QA"
    assert rag.abstract == "A conformal abstention layer for RAG. Discussed on Tuesday & Wednesday."
    assert rag.authors == ("Hannah Schäfer", "Kwame Mensah")
    assert rag.categories == ("nlp", "retrieval")
    assert rag.date == "2025-06-04" and rag.source == "rss"
    assert notes.url == "https://readinggroup.example.org/posts/sparse-scaling"
    assert notes.abstract == "We summarise three recent papers on sparse scaling laws."
    assert notes.date == "2025-06-02"
    assert notes.id.startswith("title:")


def test_rss_1_0_feed() -> None:
    text = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="http://export.arxiv.org/rss/cs.LG"><title>cs.LG</title></channel>
  <item rdf:about="http://arxiv.org/abs/2506.02690">
    <title>A Note on Regret Lower Bounds</title>
    <link>http://arxiv.org/abs/2506.02690</link>
    <description>&lt;p&gt;We prove a lower bound.&lt;/p&gt;</description>
    <dc:creator>Marta Kowalczyk</dc:creator>
    <dc:date>2025-06-04</dc:date>
  </item>
</rdf:RDF>"""
    (paper,) = parse_feed(text, "old.rdf").papers
    assert paper.id == "2506.02690" and paper.abstract == "We prove a lower bound."
    assert paper.authors == ("Marta Kowalczyk",) and paper.date == "2025-06-04"


def test_arxiv_rss_url() -> None:
    assert arxiv_rss_url(["cs.LG"]) == ARXIV_URL
    assert arxiv_rss_url(["cs.LG", "cs.CL"]) == "https://rss.arxiv.org/rss/cs.LG+cs.CL"
    with pytest.raises(ValueError):
        arxiv_rss_url([" "])


def test_fetch_feed_replays_by_url() -> None:
    served = {"/rss/cs.LG+cs.CL": "arxiv_rss_cs_lg.xml", "/feed.atom": "generic_atom.xml"}
    replay = Replay(served, key=lambda request: request.url.path)
    fetcher = replay.fetcher()
    url = arxiv_rss_url(["cs.LG", "cs.CL"])
    batch = fetch_feed(fetcher, url)
    assert batch.origin == url and len(batch.papers) == 3
    atom = fetch_feed(fetcher, "https://readinggroup.example.org/feed.atom")
    assert len(atom.papers) == 2
    seen = [str(request.url) for request in replay.requests]
    assert seen == [url, "https://readinggroup.example.org/feed.atom"]
    assert replay.fake.sleeps == []  # two hosts, no pause needed


def test_truncated_feed_names_the_line() -> None:
    text = fixture("arxiv_rss_cs_lg.xml")
    with pytest.raises(InputError) as info:
        parse_feed(text[: text.index("<dc:creator>Omar")], ARXIV_URL)
    assert info.value.line is not None and info.value.line > 40


def test_html_page_instead_of_a_feed() -> None:
    with pytest.raises(InputError, match="not an RSS or Atom feed"):
        parse_feed("<html><head><title>Moved</title></head></html>", "https://x.org/feed")


def test_arxiv_item_without_title_names_the_field() -> None:
    text = fixture("arxiv_rss_cs_lg.xml").replace(
        "<title>On the Sample Complexity of Offline Preference Optimization</title>", ""
    )
    with pytest.raises(InputError) as info:
        parse_feed(text, ARXIV_URL)
    assert info.value.field == "title" and "2506.02950" in str(info.value)


def test_strip_html() -> None:
    assert strip_html("a <b>bold</b> move") == "a bold move"
    assert strip_html("<p>one</p><p>two</p>") == "one two"
    assert strip_html("x &lt; y &amp;&amp; <style>p{}</style>z") == "x < y && z"
    assert strip_html("plain   text") == "plain text"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mangled(fixture("arxiv_rss_cs_lg.xml")))
def test_random_text_raises_only_input_error(text: str) -> None:
    raises_only_input_error(lambda feed: parse_feed(feed, ARXIV_URL), text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_strip_html_never_raises(fragment: str) -> None:
    assert isinstance(strip_html(fragment), str)


@pytest.mark.parametrize("name", ["generic_rss.xml", "generic_atom.xml", "arxiv_rss_cs_lg.xml"])
def test_agrees_with_feedparser(name: str) -> None:
    """The reference parser (a test-only extra) reads the same titles, links and authors."""
    feedparser = pytest.importorskip("feedparser")
    reference = feedparser.parse(fixture(name))
    assert not reference.bozo
    ours = parse_feed(fixture(name), name, announce_types=ALL_TYPES).papers
    titled = [e for e in reference.entries if e.get("title")]
    assert [strip_html(e.title) for e in titled] == [p.title for p in ours]
    for entry, paper in zip(titled, ours, strict=True):
        if paper.arxiv_id is None:
            assert paper.url == entry.link
        names = [a.get("name", "") for a in entry.get("authors", [])]
        assert ", ".join(paper.authors) in {", ".join(names), entry.get("author", "")}
