"""The opt-in "trending in your interests" section: rising upvotes and close to the reader,
in its own list (saved, loaded, rendered), never mixed into the personal ranking."""

from __future__ import annotations

from pathlib import Path

from paperfeed import deliver, pipeline
from paperfeed.config import TrendingConfig
from paperfeed.embed import HashingEmbedder
from paperfeed.records import Paper
from paperfeed.store import Store
from paperfeed.trending import rise

FIXTURES = Path(__file__).parent / "fixtures" / "cli"
DAY = "2026-06-30"
CLOSE = Paper(
    "2606.10001",
    "Learned sparse term weights for citation recommendation at scale",
    "Sparse retrieval with learned term weights recommends citations for scientific papers.",
    date="2026-06-28",
    source="hf-api",
)
CLOSE_SLOW = Paper(
    "2606.10002",
    "Dense citation embeddings with contrastive learning on citation graphs",
    "Contrastive dense passage embeddings recommend citations in scientific writing.",
    date="2026-06-27",
    source="hf-api",
)
FAR = Paper(
    "2606.10003",
    "Robotic grasping with tactile sensors",
    "Tactile sensing improves robotic grasping of deformable objects.",
    date="2026-06-28",
    source="hf-api",
)


def _store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "pf.db")
    pipeline.import_profile(store, FIXTURES / "profile.txt", "jane")
    pipeline.ingest(store, str(FIXTURES / "listing.jsonl"))
    store.upsert_papers([CLOSE, CLOSE_SLOW, FAR])
    store.record_upvotes([(CLOSE.id, "2026-06-28", 4)], observed="2026-06-28")
    store.record_upvotes([(CLOSE.id, "2026-06-28", 40)], observed="2026-06-30")
    store.record_upvotes([(CLOSE_SLOW.id, "2026-06-27", 6)], observed="2026-06-29")
    store.record_upvotes([(FAR.id, "2026-06-28", 300)], observed="2026-06-30")
    store.record_upvotes([("2606.00001", DAY, 50)], observed=DAY)  # a personal pick
    return store


def _digest(store: Store, **knobs: object) -> object:
    config = TrendingConfig.model_validate({"min_score": 0.5, **knobs})
    ranker = pipeline.ranker_for(store, HashingEmbedder())
    return pipeline.build_digest(store, "jane", day=DAY, ranker=ranker, trending=config)


def test_only_for_users_who_opt_in(tmp_path: Path) -> None:
    store = _store(tmp_path)
    digest = _digest(store)
    assert digest.trending == ()  # type: ignore[attr-defined]


def test_rising_and_close_in_its_own_section(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.set_setting("jane", "trending", True)
    digest = _digest(store)
    trending = digest.trending  # type: ignore[attr-defined]
    picks = {r.paper.id for r in digest.recommendations}  # type: ignore[attr-defined]
    assert [r.paper.id for r in trending] == [CLOSE.id, CLOSE_SLOW.id]  # fastest rising first
    assert FAR.id not in {r.paper.id for r in trending}  # rising fast, but not close
    assert not picks & {r.paper.id for r in trending}  # never mixed with the ranking
    assert "2606.00001" in picks  # a personal pick with upvotes stays a personal pick only
    first = trending[0]
    assert first.reasons[0].kind == "trending" and "+36 since 2026-06-28" in first.reasons[0].text
    assert first.signals["per_day"] == 18.0
    loaded = store.load_trending("jane", DAY)
    assert [r.paper.id for r in loaded] == [CLOSE.id, CLOSE_SLOW.id]
    assert store.load_digest("jane", DAY)[0].paper.id not in {CLOSE.id, CLOSE_SLOW.id}
    text = deliver.render_text(digest)  # type: ignore[arg-type]
    assert "Trending in your interests" in text and "+36 since" in text
    assert "Trending in your interests" in deliver.render_html(digest)  # type: ignore[arg-type]
    pipeline.mark_shown(store, digest, "cli")  # type: ignore[arg-type]
    assert CLOSE.id in store.shown_ids("jane")


def test_a_stricter_threshold_and_size(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.set_setting("jane", "trending", True)
    assert len(_digest(store, size=1).trending) == 1  # type: ignore[attr-defined]
    assert _digest(store, min_score=1e9).trending == ()  # type: ignore[attr-defined]


def test_rise_from_counts() -> None:
    two = rise([("2026-06-28", "2026-06-27", 4), ("2026-06-30", "2026-06-27", 40)], DAY)
    assert two is not None and (two.upvotes, two.gained, two.per_day) == (40, 36, 18.0)
    once = rise([("2026-06-30", "2026-06-28", 30)], DAY)
    assert once is not None and once.per_day == 10.0 and once.since == "2026-06-28"
    assert rise([("2026-07-02", "2026-07-01", 9)], DAY) is None  # seen only after the day
