"""The mail is no dead end: signed one-click thumbs links, today's page, settings and
List-Unsubscribe. The message is read back from a real SMTP server on loopback and its
links are followed against the real web app served by uvicorn."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from email.message import EmailMessage
from html import unescape
from pathlib import Path

import httpx
import pytest
from smtp_inbox import Inbox

from paperfeed import daily, pipeline, signing
from paperfeed.config import Settings, SmtpConfig, SourcesConfig
from paperfeed.embed import HashingEmbedder
from paperfeed.store import Store

pytest.importorskip("uvicorn")
from tests.live_app import free_port, running
from tests.web_data import patient

FIXTURES = Path(__file__).parent / "fixtures" / "cli"
DAY = "2026-06-30"
EMBEDDER = HashingEmbedder(dim=64)


@pytest.fixture()
def world(tmp_path: Path, inbox: tuple[Inbox, int]) -> Iterator[tuple[Store, Settings, Inbox, str]]:
    """A store with Jane (who has an address), her mailed digest, and the app serving."""
    from paperfeed.web.app import create_app

    handler, smtp_port = inbox
    store = Store.open(tmp_path / "pf.db")
    pipeline.import_profile(store, FIXTURES / "profile.txt", "jane")
    pipeline.ingest(store, str(FIXTURES / "listing.jsonl"))
    store.set_email("jane", "jane@example.org")
    port = free_port()
    settings = Settings(
        db=store.path,
        base_url=f"http://127.0.0.1:{port}",
        sources=SourcesConfig(arxiv_categories=[]),
        smtp=SmtpConfig(host="127.0.0.1", port=smtp_port),
    )
    app = create_app(store, patient(settings), embedder=EMBEDDER)  # secret kept beside the db
    with running(app, port) as base:
        report = daily.run_all(store, settings, day=DAY, sources=[], embedder=EMBEDDER)
        assert [r.status for r in report.runs] == ["sent"] and report.notes == ()
        yield store, settings, handler, base
    store.close()


def _parts(message: object) -> tuple[EmailMessage, str, str]:
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)  # type: ignore[attr-defined]
    assert isinstance(parsed, EmailMessage)
    text = parsed.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = parsed.get_body(("html",)).get_content()  # type: ignore[union-attr]
    return parsed, text, html


def _links(html: str, path: str) -> list[str]:
    return [unescape(u) for u in re.findall(rf'href="([^"]*{re.escape(path)}[^"]*)"', html)]


def test_each_pick_gets_thumbs_links_and_the_mail_links_today_and_settings(
    world: tuple[Store, Settings, Inbox, str],
) -> None:
    store, _, handler, base = world
    parsed, text, html = _parts(handler.messages[0])
    picks = store.load_digest("jane", DAY)
    votes = _links(html, "/vote?t=")
    assert len(votes) == 2 * len(picks) and all(v.startswith(f"{base}/vote?t=") for v in votes)
    assert f'href="{base}/?date={DAY}"' in html and f'href="{base}/profile#delivery"' in html
    assert f"Today's list on the web: {base}/?date={DAY}" in text
    assert text.count("More like this: " + base) == len(picks)
    unsubscribe = parsed["List-Unsubscribe"]
    assert re.fullmatch(rf"<{re.escape(base)}/unsubscribe\?t=[\w.-]+>", unsubscribe)
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_thumbs_link_asks_once_then_votes_without_signing_in(
    world: tuple[Store, Settings, Inbox, str],
) -> None:
    store, _, handler, base = world
    _, _, html = _parts(handler.messages[0])
    up = _links(html, "/vote?t=")[0]  # the first pick's thumbs up
    first = store.load_digest("jane", DAY)[0].paper
    with httpx.Client() as browser:  # no session: never signed in
        opened = browser.get(up)
        assert opened.status_code == 200 and "More papers like this one?" in opened.text
        assert store.feedback("jane") == [], "opening the link (a mail scanner) changes nothing"
        assert opened.headers["cache-control"] == "no-store"
        token = re.search(r'name="t" value="([^"]+)"', opened.text)
        assert token
        done = browser.post(f"{base}/vote", data={"t": unescape(token.group(1))})
        assert done.status_code == 200 and "Noted: more like this" in done.text
        assert [(f.paper_id, f.rating) for f in store.feedback("jane")] == [(first.id, 1)]
        undo = re.search(r'name="t" value="([^"]+)"', done.text)
        assert undo
        browser.post(f"{base}/vote", data={"t": unescape(undo.group(1))})
        assert store.feedback("jane") == []


def test_a_changed_foreign_or_expired_link_does_nothing(
    world: tuple[Store, Settings, Inbox, str],
) -> None:
    store, _, handler, base = world
    _, _, html = _parts(handler.messages[0])
    up = _links(html, "/vote?t=")[0]
    token = up.split("t=", 1)[1]
    body, _, mac = token.partition(".")
    pid = store.load_digest("jane", DAY)[1].paper.id
    secret = signing.site_secret(store.path)
    forged = [
        f"{body[:-2]}{'AA' if body[-2:] != 'AA' else 'BB'}.{mac}",  # another payload
        signing.vote_token("not the site's secret", "jane", pid, 1),
        signing.sign(secret, signing.UNSUBSCRIBE, {"u": "jane", "p": pid, "r": 1}, 30),
    ]
    with httpx.Client() as browser:
        for bad in forged:
            answer = browser.post(f"{base}/vote", data={"t": bad}, headers={"accept": "text/html"})
            assert answer.status_code == 400 and "not valid" in answer.text
        old = signing.vote_token(secret, "jane", pid, 1, days=-1)
        expired = browser.get(f"{base}/vote", params={"t": old}, headers={"accept": "text/html"})
        assert expired.status_code == 410 and "expired" in expired.text
    assert store.feedback("jane") == []


def test_unsubscribe_asks_on_open_and_one_click_post_stops_the_mail(
    world: tuple[Store, Settings, Inbox, str],
) -> None:
    store, settings, handler, _ = world
    parsed, _, html = _parts(handler.messages[0])
    url = parsed["List-Unsubscribe"].strip("<>")
    assert url in _links(html, "/unsubscribe?t=")
    with httpx.Client() as client:
        opened = client.get(url)
        assert opened.status_code == 200 and "Stop the digest mail?" in opened.text
        assert store.get_setting("jane", "schedule", "daily") == "daily"
        form = {"content-type": "application/x-www-form-urlencoded"}
        one_click = client.post(url, content=b"List-Unsubscribe=One-Click", headers=form)
        assert one_click.status_code == 200 and "No more digest mail" in one_click.text
    assert store.get_setting("jane", "schedule") == "never"
    report = daily.run_all(store, settings, day="2026-06-29", sources=[], embedder=EMBEDDER)
    assert [r.status for r in report.runs] == ["not scheduled today"]


def test_without_base_url_the_mail_has_no_links_and_the_job_says_why(
    tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    handler, port = inbox
    with Store.open(tmp_path / "pf.db") as store:
        pipeline.import_profile(store, FIXTURES / "profile.txt", "jane")
        pipeline.ingest(store, str(FIXTURES / "listing.jsonl"))
        store.set_email("jane", "jane@example.org")
        settings = Settings(db=store.path, smtp=SmtpConfig(host="127.0.0.1", port=port))
        report = daily.run_all(store, settings, day=DAY, sources=[], embedder=EMBEDDER)
    assert report.notes == (daily.NO_BASE_URL,) and not report.failed
    parsed, text, html = _parts(handler.messages[0])
    assert parsed["List-Unsubscribe"] is None and "/vote?t=" not in html + text
