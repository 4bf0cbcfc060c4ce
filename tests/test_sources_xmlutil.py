"""Tests of the XML helpers the feed and API parsers share: safe parsing and element text."""

from __future__ import annotations

import pytest

from paperfeed.errors import InputError
from paperfeed.sources.xmlutil import ATOM, child_text, local_name, parse_xml, texts


def test_parse_xml_reports_line_of_truncation() -> None:
    text = "<?xml version='1.0'?>\n<feed>\n  <entry>\n    <title>cut here"
    with pytest.raises(InputError) as info:
        parse_xml(text, "https://example.org/feed")
    assert info.value.line == 4
    assert str(info.value).startswith("https://example.org/feed:4:")


def test_parse_xml_refuses_entity_expansion() -> None:
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;&a;</x>'
    with pytest.raises(InputError, match="unsafe"):
        parse_xml(bomb, "bomb.xml")


def test_parse_xml_empty_response() -> None:
    with pytest.raises(InputError, match="empty response"):
        parse_xml("  \n", "https://example.org/feed")


def test_element_texts_are_collapsed_and_include_children() -> None:
    root = parse_xml(
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>A\n  <b>bold</b>\ttitle </title>'
        "<author><name>Mei Lin</name></author><author><name> </name></author>"
        "<author><name>Tomás\nOrtega</name></author></feed>",
        "feed.xml",
    )
    assert child_text(root, f"{ATOM}title") == "A bold title"
    assert child_text(root, f"{ATOM}missing") == ""
    assert texts(root.findall(f"{ATOM}author/{ATOM}name")) == ("Mei Lin", "Tomás Ortega")
    assert local_name(root.tag) == "feed" and local_name("rss") == "rss"
