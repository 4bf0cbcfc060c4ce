"""Re-ranking today's list: the change shows now, and papers rated up keep their places."""

from __future__ import annotations

from pathlib import Path

from paperfeed import pipeline
from paperfeed.config import Settings
from paperfeed.embed import HashingEmbedder
from paperfeed.records import Paper, Recommendation
from paperfeed.store import Store
from paperfeed.today import keep_places, rerank_today

FIXTURES = Path(__file__).parent / "fixtures" / "cli"
EMBEDDER = HashingEmbedder(dim=64)


def rec(pid: str, rank: int) -> Recommendation:
    return Recommendation(Paper(pid, f"title {pid}"), score=1.0 / rank, rank=rank)


def test_kept_papers_hold_their_rank_and_the_rest_fills_around_them() -> None:
    kept = {2: rec("liked", 2), 5: rec("also", 5)}
    ranked = tuple(rec(pid, n) for n, pid in enumerate(["a", "liked", "b", "c", "d", "e"], 1))
    picks = keep_places(kept, ranked, 5)
    assert [p.paper.id for p in picks] == ["a", "liked", "b", "c", "also"]
    assert [p.rank for p in picks] == [1, 2, 3, 4, 5]


def test_kept_papers_stay_when_the_new_list_is_short() -> None:
    picks = keep_places({4: rec("liked", 4)}, (rec("a", 1),), 4)
    assert [p.paper.id for p in picks] == ["a", "liked"]


def test_kept_papers_move_up_when_the_list_gets_shorter() -> None:
    ranked = tuple(rec(pid, n) for n, pid in enumerate("abcdef", 1))
    picks = keep_places({3: rec("x", 3), 6: rec("y", 6)}, ranked, 4)
    assert [p.paper.id for p in picks] == ["a", "b", "x", "y"]
    assert [p.paper.id for p in keep_places({5: rec("x", 5)}, ranked, 1)] == ["x"]


def test_rerank_applies_a_new_rule_today_and_keeps_the_liked_paper(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "pf.db")
    pipeline.import_profile(store, FIXTURES / "profile.txt", "jane")
    pipeline.ingest(store, str(FIXTURES / "listing.jsonl"))
    settings = Settings(db=str(tmp_path / "pf.db"), top=3)
    first = pipeline.build_digest(store, "jane", top=3, embedder=EMBEDDER)
    ids = [r.paper.id for r in first.recommendations]
    assert len(ids) == 3
    pipeline.give_feedback(store, "jane", ids[1], 1)
    dropped = store.get_paper(ids[0])
    assert dropped is not None
    word = max(dropped.title.split(), key=len).lower()
    store.set_rules("jane", exclude_keywords=[word])
    again = rerank_today(store, "jane", settings, embedder=EMBEDDER)
    now = [r.paper.id for r in again.recommendations]
    assert ids[0] not in now, "the new exclude rule shows today"
    assert now[1] == ids[1], "the paper rated up keeps its place"
    assert [r.paper.id for r in store.load_digest("jane", "2026-06-30")] == now
    store.set_setting("jane", "top", 1)
    shorter = rerank_today(store, "jane", settings, embedder=EMBEDDER).recommendations
    assert [r.paper.id for r in shorter] == [ids[1]], "a shorter list still keeps it"
