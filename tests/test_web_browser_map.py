"""The topic map in a real browser, at desktop and phone widths: the listing as context,
own papers by interest with their labels, numbered picks, and a tap (or click) that shows
a paper's title with its link. Screenshots are kept in $PAPERFEED_SCREENSHOTS when set."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from paperfeed.embed import HashingEmbedder
from paperfeed.store import Store
from tests.browser import SCREENS, chromium_or_skip, console_errors, keep_screenshot, sign_in
from tests.browser import browser as browser  # the fixture
from tests.web_data import LISTING, PASSWORD, fake_embedder, seed_store, settings_for

sync_api = chromium_or_skip()
from tests.live_app import free_port, running  # noqa: E402  (needs uvicorn: skipped above)

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SAMPLE_DAY = "2026-06-30"


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[str]:
    from paperfeed.web.app import create_app

    store = seed_store(tmp_path / "map.db")
    app = create_app(store, settings_for(tmp_path / "map.db"), embedder=fake_embedder(), secret="s")
    with running(app, free_port()) as base:
        yield base
    store.close()


def tap(page: Any, locator: Any, screen: str) -> None:
    """A finger's tap on a phone, a mouse click on the desktop, at the element's middle."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    if screen == "mobile":
        page.touchscreen.tap(x, y)
    else:
        page.mouse.click(x, y)


def readable(page: Any, selector: str) -> float:
    """The smallest on-screen font size (px) of the visible elements matching ``selector``."""
    return float(
        page.eval_on_selector_all(
            selector,
            "els => Math.min(...els.filter(e => e.style.display !== 'none')"
            ".map(e => e.getBoundingClientRect().height))",
        )
    )


@pytest.mark.parametrize("screen", SCREENS)
def test_map_marks_picks_and_shows_a_tapped_paper(
    seeded: str, browser: Any, tmp_path: Path, screen: str
) -> None:
    context = browser.new_context(**SCREENS[screen])
    page = context.new_page()
    errors = console_errors(page)
    sign_in(page, seeded, "alice", PASSWORD)
    page.goto(f"{seeded}/map")
    svg = page.locator("#topic-map")
    assert svg.locator(".mark.ctx").count() == 1  # the day's other paper
    assert svg.locator(".mark.own").count() == 2
    assert svg.locator("g.pick text").all_text_contents() == ["3", "2", "1"]
    assert svg.locator(".ilabel").count() == 2  # both interests are written on the map
    assert readable(page, "#topic-map .ilabel") >= 11  # legible at this width
    card = page.locator("#map-card")
    assert card.is_hidden()
    tap(page, svg.locator("g.pick").last, screen)  # #1 is drawn last, on top
    sync_api.expect(card).to_be_visible()
    assert "Your pick #1" in card.inner_text()
    title = card.locator("h3 a")
    assert title.inner_text() == "Equivariant graph networks for molecule generation"
    assert title.get_attribute("href") == f"https://arxiv.org/abs/{LISTING[0].id}"
    assert page.url == f"{seeded}/map", "a tap shows the paper; it does not leave the map"
    shot = tmp_path / f"map-{screen}.png"
    page.screenshot(path=str(shot), full_page=True)
    keep_screenshot(shot)
    tap(page, svg.locator(".mark.own").first, screen)
    assert card.inner_text().startswith("Your paper")
    assert not errors, errors
    context.close()


@pytest.mark.slow
@pytest.mark.skipif(not (DATA / "profiles" / "fang-han.txt").exists(), reason="no shared data")
@pytest.mark.parametrize("screen", SCREENS)
def test_the_sample_profiles_map_is_legible_and_tappable(
    browser: Any, tmp_path: Path, screen: str
) -> None:
    """The sample profile against the 530 papers of a real day (hashed-word vectors, so no
    model is needed): every paper drawn, interests and regions named, labels readable."""
    from paperfeed import pipeline
    from paperfeed.web.app import create_app
    from paperfeed.web.auth import hash_password

    store = Store.open(tmp_path / "sample.db")
    pipeline.import_profile(store, DATA / "profiles" / "fang-han.txt", "fang-han")
    pipeline.ingest(store, str(DATA / "arxiv-cs-2025.jsonl.gz"), day=SAMPLE_DAY)
    store.set_password_hash("fang-han", hash_password(PASSWORD))
    listed = len(store.papers_on(SAMPLE_DAY))
    app = create_app(store, settings_for(tmp_path / "sample.db"), embedder=HashingEmbedder())
    with running(app, free_port()) as base:
        context = browser.new_context(**SCREENS[screen])
        page = context.new_page()
        errors = console_errors(page)
        sign_in(page, base, "fang-han", PASSWORD)
        page.goto(f"{base}/map", timeout=120_000)
        svg = page.locator("#topic-map")
        picks = svg.locator("g.pick")
        assert svg.locator(".mark.ctx").count() + picks.count() == listed
        assert picks.count() == 10 and svg.locator(".mark.own").count() >= 1
        assert svg.locator(".rlabel").count() >= 3 and svg.locator(".ilabel").count() >= 1
        assert readable(page, "#topic-map .label") >= 10
        tap(page, picks.last, screen)  # #1 is drawn last
        sync_api.expect(page.locator("#map-card")).to_contain_text("Your pick #1")
        shot = tmp_path / f"sample-map-{screen}.png"
        page.screenshot(path=str(shot), full_page=True)
        keep_screenshot(shot)
        assert not errors, errors
        context.close()
    store.close()
