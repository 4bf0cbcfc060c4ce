"""Chromium (Debian's, driven by Playwright) and the web app on a live uvicorn, for the
browser tests. Playwright's own browser download is never used."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

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
DESKTOP: dict[str, Any] = {"viewport": {"width": 1100, "height": 900}}
MOBILE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
SCREENS = {"desktop": DESKTOP, "mobile": MOBILE}


def chromium_or_skip() -> Any:
    """playwright.sync_api, or skip the module when Chromium or Playwright is missing."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(
            f"chromium is not installed at {CHROMIUM} (apt-get install chromium)",
            allow_module_level=True,
        )
    pytest.importorskip("uvicorn")
    return pytest.importorskip("playwright.sync_api", reason="pip install playwright")


@pytest.fixture
def browser() -> Iterator[Any]:
    sync_api = chromium_or_skip()
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def keep_screenshot(path: Path) -> None:
    """Copy a screenshot to $PAPERFEED_SCREENSHOTS when set (to look at them)."""
    folder = os.environ.get("PAPERFEED_SCREENSHOTS")
    if folder:
        shutil.copy(path, Path(folder) / path.name)


def sign_in(page: Any, base: str, user: str, password: str) -> None:
    page.goto(f"{base}/signin")
    page.fill("input[name=user]", user)
    page.fill("input[name=password]", password)
    page.click("button.primary")
    page.wait_for_url(f"{base}/")


def console_errors(page: Any) -> list[str]:
    """A list that fills with the page's console errors (CSP violations, script errors)."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors
