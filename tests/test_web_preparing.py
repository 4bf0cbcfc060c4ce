"""The app's background work. A new day's listing is prepared in the background: the page
shows how far it got, never blocks, and shows the digest once the day is ready. A rating
retrains the reader's models in the background, so a re-rank finds them ready."""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from paperfeed.embed import HashingEmbedder
from paperfeed.store import Store
from paperfeed.web.app import create_app
from paperfeed.web.preparing import DayPreparations, Preparation
from tests.test_web_app import csrf_of, signed_in
from tests.web_data import DAY, LISTING, fake_embedder, paper, seed_store, settings_for

NEW_DAY = "2026-07-01"


class HeldEmbedder(HashingEmbedder):
    """Embeds at once, except texts marked HOLD: those wait until ``release`` is set."""

    def __init__(self) -> None:
        super().__init__(dim=64)
        self.release = threading.Event()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if any("HOLD" in text for text in texts):
            assert self.release.wait(120), "the test never released the embedder"
        return super().embed(texts)


def new_day(store: Store) -> None:
    """70 papers of a new day; the last 6 (the second chunk of 64) are held."""
    papers = [
        paper(f"2607.{n:05d}", f"Graph networks part {n}" + (" HOLD" if n > 64 else ""),
              "message passing on graphs", NEW_DAY)
        for n in range(1, 71)
    ]  # fmt: skip
    store.upsert_papers(papers)


def test_a_new_day_shows_its_progress_then_the_digest(tmp_path: Path) -> None:
    store = seed_store(tmp_path / "web.db")
    new_day(store)
    settings = settings_for(tmp_path / "web.db")
    web = settings.web.model_copy(update={"listing_wait_seconds": 0.2})
    embedder = HeldEmbedder()
    app = create_app(store, settings.model_copy(update={"web": web}), embedder=embedder)
    client = signed_in(app, "alice")
    try:
        waiting = client.get("/")
        assert waiting.status_code == 200
        assert '<meta http-equiv="refresh"' in waiting.text
        preparation = app.state.web.preparations.start(NEW_DAY)
        for _ in range(600):  # the first chunk of 64 is embedded; the second is held
            if preparation.done == 64:
                break
            preparation.finished.wait(0.05)
        page = html.unescape(client.get("/").text)
        assert f"Preparing today's listing ({NEW_DAY}): 64 of 70 papers" in page
        assert store.load_digest("alice", NEW_DAY) == []  # nothing ranked while it waits
    finally:
        embedder.release.set()
    assert preparation.finished.wait(120) and not preparation.failed
    digest = client.get("/").text
    assert "Preparing" not in digest and re.search(r"Graph networks part \d+", digest)
    assert store.load_digest("alice", NEW_DAY)
    store.close()


def test_the_waiting_page_names_the_stage_after_the_embedding() -> None:
    preparation = Preparation(NEW_DAY)
    assert preparation.message == f"Preparing today's listing ({NEW_DAY})…"
    preparation.heard(340, 530)
    assert preparation.message.endswith(": 340 of 530 papers")
    preparation.heard(0, 2, "fitting the feature space")
    assert preparation.message.endswith(": fitting the feature space, step 1 of 2")
    preparation.heard(2, 2, "fitting the feature space")
    assert preparation.message.endswith(": fitting the feature space, step 2 of 2")


def test_a_failed_preparation_is_started_again_by_the_next_view() -> None:
    calls: list[str] = []

    def prepare(day: str, progress: object) -> list[str]:
        calls.append(day)
        if len(calls) == 1:
            raise RuntimeError("the model file is unreadable")
        return ["one paper"]

    preparations = DayPreparations(prepare)
    first = preparations.start("2026-07-01")
    assert first.finished.wait(30) and first.failed
    assert preparations.wait("2026-07-01", 30) is None  # tried again, and ready
    again = preparations.start("2026-07-01")
    assert again is not first and not again.failed and again.papers == 1
    assert calls == ["2026-07-01", "2026-07-01"]


def test_a_rating_trains_the_models_in_the_background(tmp_path: Path) -> None:
    store = seed_store(tmp_path / "web.db")
    app = create_app(store, settings_for(tmp_path / "web.db"), embedder=fake_embedder())
    client = signed_in(app, "alice")
    assert client.get("/").status_code == 200  # today ranked: alice's models trained
    context = app.state.web
    trained = context.ranker.trained
    data = {"paper_id": LISTING[0].id, "rating": "up", "next": "/", "csrf": csrf_of(client, "/")}
    assert client.post("/feedback", data=data).status_code == 303
    context.training.submit(lambda: None).result(timeout=120)  # the queue has run
    assert context.ranker.trained == trained + 1  # the rating's model, trained off the request
    response = client.post("/rerank", data={"csrf": csrf_of(client, "/")})
    assert response.status_code == 303
    assert context.ranker.trained == trained + 1  # the re-rank found it ready
    assert store.load_digest("alice", DAY)
    store.close()
