"""Hostile paper data, and checks that a rendered document carries none of it as markup.

``HOSTILE`` papers put HTML, ``<script>``, event handlers, ``javascript:`` links and
header-injection strings (CR/LF, ``Bcc:``) in every field a source can fill.
``markup_problems(html)`` parses a page with the stdlib HTML parser and lists every
script, event handler, unsafe link or injected element it finds.
"""

from __future__ import annotations

from html.parser import HTMLParser

from paperfeed.records import Digest, Interest, Paper, Reason, Recommendation

DAY = "2026-06-30"
SCRIPT_TITLE = '<script>alert("title")</script> Robust <img src=x onerror=alert(1)> learning'
INJECT = "Evil\r\nBcc: victim@evil.example\r\nX-Injected: yes"
HOSTILE = [
    Paper(
        id="2606.66601",
        title=SCRIPT_TITLE + " " + INJECT,
        abstract='<a href="javascript:alert(2)">click</a></textarea><script>alert(3)</script>',
        authors=("Eve <script>alert(4)</script>", "Mallory\r\nBcc: evil@evil.example"),
        categories=("cs.LG",),
        date=DAY,
        source="rss",
        url="javascript:alert(5)",
    ),
    Paper(
        id="title:hostile-2",
        title='"><svg onload=alert(6)> Second paper',
        abstract="<iframe src=//evil.example></iframe> abstract",
        authors=("Trudy",),
        categories=("cs.CL",),
        date=DAY,
        source="rss",
        url="data:text/html,<script>alert(7)</script>",
    ),
]
UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")
ALLOWED_SCRIPTS = ("/static/",)
INJECTED_TAGS = {"img", "iframe", "object", "embed"}  # the app draws <svg> icons itself


def hostile_digest(user: str = "jane") -> Digest:
    """A digest of the hostile papers with hostile reasons and interest labels."""
    reason = Reason("terms", '<b onmouseover="alert(8)">shared</b> terms', terms=("<i>x</i>",))
    recs = tuple(
        Recommendation(
            paper=p,
            score=0.9 - n / 10,
            rank=n + 1,
            reasons=(reason,),
            interest='<script>alert("interest")</script>',
        )
        for n, p in enumerate(HOSTILE)
    )
    interest = Interest('<script>alert("interest")</script>', ("<b>",), (HOSTILE[0].id,))
    return Digest(user, DAY, recs, (interest,), candidates=2)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []
        self.in_data_block = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        # A JSON data block is never run (and the CSP allows no inline script anyway); its
        # text must hold no "<", so that no value can close it and start markup.
        data_block = tag == "script" and values.get("type") == "application/json"
        self.in_data_block = data_block
        allowed = (values.get("src") or "").startswith(ALLOWED_SCRIPTS)
        if tag == "script" and not data_block and not allowed:
            self.problems.append(f"<script {attrs}>")
        if tag in INJECTED_TAGS:
            self.problems.append(f"<{tag}> from data")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}={value!r} on <{tag}>")
            if (
                name in ("href", "src", "action", "formaction")
                and value
                and "".join(value.split()).lower().startswith(UNSAFE_SCHEMES)
            ):
                self.problems.append(f"unsafe {name}={value!r} on <{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_data_block = False

    def handle_data(self, data: str) -> None:
        if self.in_data_block:
            if "<" in data:
                self.problems.append(f"markup inside a data block: {data[:80]!r}")
            return
        self.text.append(data)


def markup_problems(html: str) -> list[str]:
    """Scripts, handlers, unsafe links and injected elements found in ``html``."""
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.problems


def page_text(html: str) -> str:
    """The text a reader sees (entities decoded)."""
    parser = _Tags()
    parser.feed(html)
    return "".join(parser.text)
