"""The topic map of the sample profile, as docs/topic-map.md shows it.

Usage: .venv/bin/python scripts/topic_map_screenshots.py [--data ../shared/data] [--db PATH]

Imports ../shared/data/profiles/fang-han.txt, replays the listing of 2026-06-30 (the
README's demo; the bundled model embeds its 530 papers the first time, about a minute on
two cores), serves the web app on a free port and takes, with Debian's chromium, the map
at desktop and phone widths and after a tap on pick #1 (docs/topic-map-*.png). It also
draws the same day by PCA and by t-SNE with three perplexities, the day's papers coloured
by their arXiv category, into docs/topic-map-layouts.png: how the layout was chosen.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from paperfeed import pipeline  # noqa: E402
from paperfeed.config import Settings  # noqa: E402
from paperfeed.store import Store  # noqa: E402
from paperfeed.web.app import create_app  # noqa: E402
from paperfeed.web.auth import hash_password  # noqa: E402
from tests.browser import LAUNCH_ARGS, SCREENS  # noqa: E402
from tests.live_app import free_port, running  # noqa: E402

DAY = "2026-06-30"
USER, PASSWORD = "fang-han", "sample profile password"
DOCS = ROOT / "docs"
PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948"]


def sample_store(data: Path, db: Path) -> Store:
    """The sample profile and the day's listing, ranked once (vectors kept in the store)."""
    store = Store.open(db)
    if not store.has_user(USER):
        pipeline.import_profile(store, data / "profiles" / "fang-han.txt", USER)
        pipeline.ingest(store, str(data / "arxiv-cs-2025.jsonl.gz"), day=DAY)
    if not store.digest_dates(USER):
        pipeline.build_digest(store, USER, day=DAY)
    store.set_password_hash(USER, hash_password(PASSWORD))
    return store


def shoot(page: Any, base: str, name: str) -> None:
    page.goto(f"{base}/map", timeout=300_000)
    page.screenshot(path=str(DOCS / f"topic-map-{name}.png"), full_page=True)
    pick = page.locator("#topic-map g.pick").last  # #1, drawn last
    pick.scroll_into_view_if_needed()
    box = pick.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    (page.touchscreen.tap if name == "mobile" else page.mouse.click)(x, y)
    page.wait_for_selector("#map-card:not([hidden])")
    page.screenshot(path=str(DOCS / f"topic-map-{name}-tap.png"), full_page=True)


def layouts_page(store: Store) -> str:
    """An HTML page with the day drawn by PCA and by t-SNE (three perplexities)."""
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE

    from paperfeed.embed import EmbeddingCache, default_embedder
    from paperfeed.web.layout import project_2d
    from paperfeed.web.topicmap import fit_to_box

    papers = store.papers_on(DAY)
    own = [paper for paper, _ in store.profile_links(USER)]
    vectors = EmbeddingCache(default_embedder(), store).embed_papers(own + papers)
    reduced = PCA(n_components=50, random_state=0).fit_transform(vectors)
    first = [p.categories[0] if p.categories else "?" for p in papers]
    common = [c for c, _ in Counter(first).most_common(len(PALETTE))]
    _, kept = project_2d(vectors)
    panels = [(f"PCA ({kept:.0%} of the variance)", lambda: project_2d(vectors)[0])]
    for perplexity in (15, 30, 50):
        panels.append(
            (
                f"t-SNE, perplexity {perplexity}" + (" (the map's)" if perplexity == 15 else ""),
                lambda p=perplexity: TSNE(
                    2, perplexity=p, init="pca", learning_rate="auto", max_iter=500,
                    method="exact", random_state=0,
                ).fit_transform(reduced),
            )
        )  # fmt: skip
    html = ["<html><body style='margin:8px;font:14px system-ui,sans-serif;background:#fff'>"]
    for title, compute in panels:
        started = time.perf_counter()
        placed = fit_to_box(compute(), 520, 420)
        seconds = time.perf_counter() - started
        html.append(
            f"<div style='display:inline-block;margin:4px;border:1px solid #ddd'>"
            f"<div style='padding:4px 8px'>{title}: {seconds:.1f} s</div><svg width=520 height=420>"
        )
        for (x, y), category in zip(placed[len(own) :], first, strict=True):
            color = PALETTE[common.index(category)] if category in common else "#ccc"
            html.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='2.6' fill='{color}'/>")
        for x, y in placed[: len(own)]:
            html.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='5.5' fill='#1f2328'/>")
        html.append("</svg></div>")
    keys = " ".join(f"<b style='color:{c}'>{k}</b>" for c, k in zip(PALETTE, common, strict=False))
    html.append(
        f"<p>The {len(papers)} papers listed on {DAY}, coloured by their first arXiv category "
        f"({keys}, others grey); black: the sample profile's {len(own)} papers.</p></body></html>"
    )
    return "".join(html)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--db", default=None, help="keep the sample database here")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(args.db) if args.db else Path(tmp) / "sample.db"
        store = sample_store(Path(args.data), db)
        app = create_app(store, Settings(db=str(db)))
        with running(app, free_port()) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=LAUNCH_ARGS)  # fmt: skip
            for name, screen in SCREENS.items():
                context = browser.new_context(**screen)
                page = context.new_page()
                page.goto(f"{base}/signin")
                page.fill("input[name=user]", USER)
                page.fill("input[name=password]", PASSWORD)
                page.click("button.primary")
                page.wait_for_url(f"{base}/", timeout=300_000)
                shoot(page, base, name)
                context.close()
            layouts = Path(tmp) / "layouts.html"
            layouts.write_text(layouts_page(store))
            page = browser.new_page(viewport={"width": 1110, "height": 900})
            page.goto(layouts.as_uri())
            page.screenshot(path=str(DOCS / "topic-map-layouts.png"), full_page=True)
            browser.close()
        store.close()
    print("wrote docs/topic-map-{desktop,mobile}{,-tap}.png and docs/topic-map-layouts.png")


if __name__ == "__main__":
    main()
