"""The web app in a real browser: Debian's chromium driven by Playwright over a live uvicorn,
at desktop and phone widths, with screenshots (kept in $PAPERFEED_SCREENSHOTS when set)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from paperfeed.store import Store
from tests.browser import SCREENS, chromium_or_skip, console_errors, keep_screenshot, sign_in
from tests.browser import browser as browser  # the fixture
from tests.web_data import LISTING, PASSWORD, fake_embedder, seed_store, settings_for

sync_api = chromium_or_skip()
from tests.live_app import free_port, running  # noqa: E402  (needs uvicorn: skipped above)


@contextmanager
def serving(path: Path, base_url: str = "") -> Iterator[tuple[str, Store]]:
    """The seeded app on a free port; ``base_url`` as configured ('' = not set)."""
    from paperfeed.web.app import create_app

    store = seed_store(path)
    settings = settings_for(path).model_copy(update={"base_url": base_url})
    app = create_app(store, settings, embedder=fake_embedder(), secret="browser-test-secret")
    try:
        with running(app, free_port()) as base:
            yield base, store
    finally:
        store.close()


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[tuple[str, Store]]:
    with serving(tmp_path / "browser.db") as served:
        yield served


def test_sign_in_rate_reload_and_screenshot(
    live_server: tuple[str, Store], browser: Any, tmp_path: Path
) -> None:
    base, store = live_server
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    errors = console_errors(page)
    page.goto(f"{base}/")
    assert page.url.endswith("/signin")
    sign_in(page, base, "alice", PASSWORD)
    pick = page.locator(f'article[data-paper-id="{LISTING[0].id}"]')
    assert "Equivariant graph networks" in pick.inner_text()
    up = pick.locator("button.thumb.up")
    assert up.get_attribute("aria-pressed") == "false"
    up.click()
    sync_api.expect(up).to_have_attribute("aria-pressed", "true")  # updated in place by the script
    assert [(f.paper_id, f.rating) for f in store.feedback("alice")] == [(LISTING[0].id, 1)]
    page.reload()
    kept = page.locator(f'article[data-paper-id="{LISTING[0].id}"] button.thumb.up')
    assert kept.get_attribute("aria-pressed") == "true"
    page.screenshot(path=str(tmp_path / "digest.png"), full_page=True)
    page.goto(f"{base}/profile")
    page.screenshot(path=str(tmp_path / "profile.png"), full_page=True)
    assert not errors, errors  # no CSP violations or script errors
    for name in ("digest.png", "profile.png"):
        keep_screenshot(tmp_path / name)
    assert (tmp_path / "digest.png").stat().st_size > 10_000


def test_thumbs_work_without_javascript(live_server: tuple[str, Store], browser: Any) -> None:
    base, store = live_server
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, base, "bob", PASSWORD)
    page.locator(f'article[data-paper-id="{LISTING[1].id}"] button.thumb.down').click()
    page.wait_for_load_state()
    down = page.locator(f'article[data-paper-id="{LISTING[1].id}"] button.thumb.down')
    assert down.get_attribute("aria-pressed") == "true"
    assert [(f.paper_id, f.rating) for f in store.feedback("bob")] == [(LISTING[1].id, -1)]
    context.close()


@pytest.mark.parametrize("screen", SCREENS)
def test_the_feed_address_is_the_one_the_browser_reached(
    browser: Any, tmp_path: Path, screen: str
) -> None:
    """Item 1: under `serve --port N` (no base_url) the feed link names port N and works."""
    with serving(tmp_path / "feed.db") as (base, _):
        context = browser.new_context(**SCREENS[screen])
        page = context.new_page()
        errors = console_errors(page)
        sign_in(page, base, "alice", PASSWORD)
        page.goto(f"{base}/profile#delivery")
        address = page.input_value("input.feedurl")
        assert address.startswith(f"{base}/feed/alice.atom?token=")
        shot = tmp_path / f"feed-address-{screen}.png"
        page.screenshot(path=str(shot), full_page=True)
        keep_screenshot(shot)
        feed = context.request.get(address)  # follow it, as a feed reader would
        assert feed.status == 200 and "<feed" in feed.text()
        assert not errors, errors
        context.close()
    proxied = "http://papers.example.org:8080/lab"  # what a proxy in front would serve
    with serving(tmp_path / "proxied.db", proxied) as (base, _):
        context = browser.new_context(**SCREENS[screen])
        page = context.new_page()
        sign_in(page, base, "alice", PASSWORD)
        page.goto(f"{base}/profile")
        assert page.input_value("input.feedurl").startswith(f"{proxied}/feed/alice.atom?token=")
        context.close()


def ranked(page: Any) -> list[str]:
    """The ids of the digest's picks in rank order (the page groups them by interest)."""
    pairs = page.eval_on_selector_all(
        "article.paper",
        "els => els.map(e => [e.querySelector('.rank').textContent, e.dataset.paperId])",
    )
    return [pid for _, pid in sorted(pairs, key=lambda pair: int(pair[0].rstrip(".")))]


@pytest.mark.parametrize("screen", SCREENS)
def test_rerank_today_shows_a_new_rule_now_and_keeps_the_liked_paper(
    live_server: tuple[str, Store], browser: Any, tmp_path: Path, screen: str
) -> None:
    """Item 3: rate, change a rule, re-rank from the flash: today's list changes now."""
    base, store = live_server
    context = browser.new_context(**SCREENS[screen])
    page = context.new_page()
    errors = console_errors(page)
    sign_in(page, base, "alice", PASSWORD)
    page.click("form.rerank button")  # first rank today's list for real
    page.wait_for_url(f"{base}/")
    before = ranked(page)
    assert len(before) >= 3
    liked = before[1]
    up = page.locator(f'article[data-paper-id="{liked}"] button.thumb.up')
    up.click()
    sync_api.expect(up).to_have_attribute("aria-pressed", "true")
    dropped = next(p for p in LISTING if p.id == before[0])
    word = max(re.findall(r"[a-z]{5,}", dropped.title.lower()), key=len)
    page.goto(f"{base}/profile")
    page.fill("textarea[name=exclude_keywords]", word)
    page.click("form.rules button")
    page.wait_for_url(f"{base}/profile")
    flash = page.locator(".flash")
    assert "Rules saved." in flash.inner_text()
    assert "from the next digest" not in page.content()
    shot = tmp_path / f"rerank-offer-{screen}.png"
    page.screenshot(path=str(shot), full_page=False)
    keep_screenshot(shot)
    flash.locator("button", has_text="Re-rank today's list").click()
    page.wait_for_url(f"{base}/")
    after = ranked(page)
    assert dropped.id not in after, "the new exclude rule shows today"
    assert after.index(liked) == 1, "the paper rated up keeps its place"
    assert "ranked again with your ratings, rules and settings" in page.inner_text(".flash")
    kept = page.locator(f'article[data-paper-id="{liked}"] button.thumb.up')
    assert kept.get_attribute("aria-pressed") == "true"
    shot = tmp_path / f"reranked-{screen}.png"
    page.screenshot(path=str(shot), full_page=True)
    keep_screenshot(shot)
    assert not errors, errors
    assert [r.paper.id for r in store.load_digest("alice", "2026-06-30")] == after
    context.close()
