"""Security: hostile titles, abstracts, authors and links come out inert on every channel.

The HTML digest, the e-mail (sent through a real SMTP server on loopback and parsed back),
the Atom feed (parsed as XML) and the web app's pages (served by uvicorn, parsed as HTML)
must show the hostile text as text: no script, no event handler, no javascript:/data:
link, no injected element, no injected mail header or recipient.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from contextlib import closing
from pathlib import Path

import pytest

from paperfeed.deliver import build_message, render_atom, render_html, send_digest
from paperfeed.deliver.email import SmtpSettings
from paperfeed.errors import InputError
from paperfeed.store import Store

from .hostile import HOSTILE, hostile_digest, markup_problems, page_text
from .ledger import record
from .smtpsink import Inbox, smtp_server
from .webserver import add_web_user, serving, sign_in

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE_FIELDS = 2 * 5  # per paper: title, abstract, authors, url, reason/interest


def test_html_digest_escapes_everything() -> None:
    html = render_html(hostile_digest())
    assert markup_problems(html) == []
    assert '<script>alert("title")</script>' in page_text(html)  # shown, as text
    record("security: escaping (HTML digest)", inputs=HOSTILE_FIELDS, faults=HOSTILE_FIELDS)


def test_email_has_no_injected_header_or_recipient() -> None:
    inbox = Inbox()
    with smtp_server(inbox) as port:
        smtp = SmtpSettings(
            host="127.0.0.1", port=port, security="none", sender="paperfeed@example.org"
        )
        message = build_message(hostile_digest(), "jane@example.org", smtp)
        send_digest(message, smtp, retries=0)
    [(recipients, received)] = inbox.messages
    assert recipients == ("jane@example.org",)
    names = {name.lower() for name in received}
    assert names == {
        "subject",
        "from",
        "to",
        "date",
        "message-id",
        "auto-submitted",
        "mime-version",
        "content-type",
    }, names
    assert "\r" not in received["Subject"] and "\n" not in received["Subject"]
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert not [ln for ln in text.splitlines() if ln.lower().startswith(("bcc:", "x-injected"))]
    assert markup_problems(html) == []
    record("security: escaping (e-mail)", inputs=HOSTILE_FIELDS, faults=HOSTILE_FIELDS)


@pytest.mark.parametrize(
    "address",
    [
        "jane@example.org\r\nBcc: evil@evil.example",
        "jane@example.org, evil@evil.example",
        "<evil@evil.example>\njane@example.org",
    ],
)
def test_hostile_recipient_address_is_refused(address: str) -> None:
    smtp = SmtpSettings(host="127.0.0.1", port=25, security="none", sender="paperfeed@example.org")
    with pytest.raises(InputError):
        build_message(hostile_digest(), address, smtp)
    record("security: header injection via address", inputs=1, faults=1)


def test_atom_feed_is_inert_xml() -> None:
    url = "http://127.0.0.1:8000/feed/jane.atom"
    root = ET.fromstring(render_atom(hostile_digest(), feed_url=url, self_id=url))
    tags = {element.tag for element in root.iter()}
    assert all(tag.startswith(ATOM) for tag in tags), tags  # no XHTML, no script elements
    hrefs = [link.get("href", "") for link in root.iter(f"{ATOM}link")]
    assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs), hrefs
    for element in root.iter():
        assert element.get("type") in (None, "text", "application/atom+xml", "text/html"), (
            element.attrib
        )
    titles = [e.findtext(f"{ATOM}title") or "" for e in root.iter(f"{ATOM}entry")]
    assert any('<script>alert("title")</script>' in t for t in titles)
    assert not any("\r" in t or "\n" in t for t in titles)
    record("security: escaping (Atom)", inputs=HOSTILE_FIELDS, faults=HOSTILE_FIELDS)


def test_web_pages_escape_everything(tmp_path: Path) -> None:
    with Store.open(tmp_path / "web.db") as store:
        store.upsert_papers(HOSTILE)
        add_web_user(store, "jane", "jane@example.org")
        store.add_profile_papers("jane", [HOSTILE[1].id])
        store.set_rules(
            "jane",
            include_keywords=["<script>alert(9)</script>"],
            exclude_keywords=[],
            followed_authors=['"><img src=x onerror=1>'],
        )
        store.save_digest("jane", hostile_digest().date or "", hostile_digest().recommendations)
        with serving(store) as base, closing(sign_in(base, "jane")) as client:
            pages = {
                path: client.get(path)
                for path in (
                    "/",
                    "/search?q=robust",
                    "/profile",
                    "/map",
                    f"/?date={HOSTILE[0].date}",
                )
            }
            token = store.get_setting("jane", "feed_token")
            feed = client.get(f"/feed/jane.atom?token={token}")
    for path, answer in pages.items():
        assert answer.status_code == 200, (path, answer.text[:300])
        assert markup_problems(answer.text) == [], path
    assert '<script>alert("title")</script>' in page_text(pages["/"].text)
    assert feed.status_code == 200
    ET.fromstring(feed.text)
    record("security: escaping (web pages)", inputs=len(pages) + 1, faults=HOSTILE_FIELDS)
