"""Tests of paperfeed.deliver.html: the HTML digest (= email body), checked with a parser."""

from __future__ import annotations

from html.parser import HTMLParser

from deliver_digests import DIFFUSION, LONG_ABSTRACT, RL, TITLES_SHOWN, empty_digest, make_digest

from paperfeed.deliver import render_html

VOID = {"meta", "br", "hr", "img", "link", "input", "col", "area", "base", "wbr"}
FORBIDDEN = {"script", "style", "iframe", "object", "embed", "img", "link", "form", "base"}


class Page(HTMLParser):
    """Collects tags, attributes and text, and checks that tags nest properly."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.open: list[str] = []
        self.events: list[tuple[str, str]] = []  # ("h2", heading) / ("text", data)
        self.links: list[tuple[str, str]] = []  # (href, link text)
        self._href: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.open.append(tag)
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self.links.append((self._href, ""))

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1:]}>"
        self.open.pop()
        if tag == "a":
            self._href = None

    def handle_data(self, data: str) -> None:
        if not data.strip():
            return
        kind = "h2" if self.open and self.open[-1] == "h2" else "text"
        self.events.append((kind, data.strip()))
        if self._href is not None:
            href, text = self.links[-1]
            self.links[-1] = (href, text + data.strip())

    @property
    def text(self) -> str:
        return " ".join(data for _, data in self.events)

    def sections(self) -> dict[str, str]:
        """The text under each h2 heading, up to the next heading."""
        found: dict[str, str] = {}
        heading = ""
        for kind, data in self.events:
            if kind == "h2":
                heading = data
                found[heading] = ""
            elif heading:
                found[heading] += " " + data
        return found


def test_is_a_well_formed_table_layout_with_inline_css_only() -> None:
    page = Page(render_html(make_digest()))
    assert not page.open  # every element closed
    names = [tag for tag, _ in page.tags]
    assert names[0] == "html" and names.count("table") >= 2
    assert all("class" not in attrs for _, attrs in page.tags)
    assert any("style" in attrs for tag, attrs in page.tags if tag == "td")


def test_nothing_active_and_nothing_loaded_from_elsewhere() -> None:
    page = Page(render_html(make_digest()))
    assert not FORBIDDEN & {tag for tag, _ in page.tags}
    for _, attrs in page.tags:
        assert not [name for name in attrs if name.startswith("on")]
        assert "src" not in attrs
        assert not any("javascript:" in (value or "").lower() for value in attrs.values())
        assert not any("data:" in (value or "").lower() for value in attrs.values())


def test_titles_are_text_and_link_to_arxiv() -> None:
    page = Page(render_html(make_digest()))
    for title in TITLES_SHOWN.values():
        assert title in page.text
    assert dict((text, href) for href, text in page.links) == {
        "Fast α-Policies via Reward Shaping": "https://arxiv.org/abs/2606.01234",
        "β-VAE Meets Diffusion Policies with O(n²) Cost": "https://arxiv.org/abs/2606.04321",
        "A Survey of Everything": "https://arxiv.org/abs/2606.07777",
    }  # the hostile paper, whose only URL is javascript:, gets no link at all


def test_picks_are_grouped_under_their_interest() -> None:
    sections = Page(render_html(make_digest())).sections()
    assert list(sections) == [RL, DIFFUSION, "Other"]
    assert TITLES_SHOWN["2606.01234"] in sections[RL]
    assert TITLES_SHOWN["2606.07777"] in sections[RL]
    assert TITLES_SHOWN["2606.04321"] in sections[DIFFUSION]
    assert TITLES_SHOWN["title:0123456789abcdef"] in sections["Other"]
    assert TITLES_SHOWN["2606.04321"] not in sections[RL]


def test_authors_abstract_and_reasons_are_shown_escaped() -> None:
    html = render_html(make_digest())
    page = Page(html)
    assert "Jane Doe, John Smith, Ada Lovelace et al." in page.text
    assert "close to your paper “Reward Models” (0.71)" in page.text
    assert 'close to your paper “<b onmouseover="alert(1)">x</b>” (0.55)' in page.text
    assert "<img src=x onerror=alert(1)>" in page.text  # as text, not as an element
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Eve Bcc: victim@example.com" in page.text


def test_abstracts_are_cut_at_a_word_near_300_characters() -> None:
    page = Page(render_html(make_digest()))
    abstract = next(data for _, data in page.events if data.startswith("We propose"))
    assert 200 < len(abstract) <= 301
    assert abstract.endswith("…")
    assert abstract[:-1].split()[-1] in LONG_ABSTRACT.replace(".", "").split()
    assert "ε ≤ 0.1 using score matching." in page.text


def test_empty_day_gives_a_friendly_message_not_an_empty_table() -> None:
    page = Page(render_html(empty_digest()))
    assert not page.sections()
    assert "No new papers for 2026-06-28" in page.text
    assert "arXiv published no new papers on 2026-06-28" in page.text
    assert not page.links
