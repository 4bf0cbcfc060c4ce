"""The web app in a real browser: Debian's chromium driven by Playwright over a live uvicorn.

Needs ``/usr/bin/chromium`` (apt-get install chromium) and the ``playwright`` Python package;
Playwright's own browser download is never used.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from paperfeed.store import Store
from tests.web_data import LISTING, PASSWORD, fake_embedder, seed_store, settings_for

CHROMIUM = os.environ.get("PAPERFEED_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
    pytest.skip(
        f"chromium is not installed at {CHROMIUM} (apt-get install chromium)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
uvicorn = pytest.importorskip("uvicorn")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[tuple[str, Store]]:
    """The app on uvicorn in a thread, on a free port of 127.0.0.1."""
    from paperfeed.web.app import create_app

    store = seed_store(tmp_path / "browser.db")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    app = create_app(
        store,
        settings_for(tmp_path / "browser.db", base),
        embedder=fake_embedder(),
        secret="browser-test-secret",
    )
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield base, store
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        store.close()


@pytest.fixture
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def test_sign_in_rate_reload_and_screenshot(
    live_server: tuple[str, Store], browser: object, tmp_path: Path
) -> None:
    base, store = live_server
    page = browser.new_page(viewport={"width": 1100, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{base}/")
    assert page.url.endswith("/signin")
    page.fill("input[name=user]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{base}/")
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
    page.goto(f"{base}/map")
    assert page.locator("figure.map > svg circle").count() == 2
    page.screenshot(path=str(tmp_path / "map.png"), full_page=True)
    page.goto(f"{base}/profile")
    page.screenshot(path=str(tmp_path / "profile.png"), full_page=True)
    assert not errors, errors  # no CSP violations or script errors
    shots = os.environ.get("PAPERFEED_SCREENSHOTS")
    if shots:
        for name in ("digest.png", "map.png", "profile.png"):
            shutil.copy(tmp_path / name, Path(shots) / name)
    assert (tmp_path / "digest.png").stat().st_size > 10_000


def test_thumbs_work_without_javascript(live_server: tuple[str, Store], browser: object) -> None:
    base, store = live_server
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{base}/signin")
    page.fill("input[name=user]", "bob")
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{base}/")
    page.locator(f'article[data-paper-id="{LISTING[1].id}"] button.thumb.down').click()
    page.wait_for_load_state()
    down = page.locator(f'article[data-paper-id="{LISTING[1].id}"] button.thumb.down')
    assert down.get_attribute("aria-pressed") == "true"
    assert [(f.paper_id, f.rating) for f in store.feedback("bob")] == [(LISTING[1].id, -1)]
    context.close()
