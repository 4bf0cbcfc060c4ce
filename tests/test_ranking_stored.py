"""Tests of paperfeed.ranking.stored: the store's current feature space and its refits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
from fakes import HashingEmbedder, UnloadingEmbedder
from ranking_data import SMALL, corpus, own_papers

from paperfeed.ranking import Ranker
from paperfeed.ranking.space import FITTING
from paperfeed.ranking.stored import STORING, current_space, refit_due
from paperfeed.store import Store
from paperfeed.store.models import SpaceInfo

NOW = datetime(2026, 7, 1, tzinfo=UTC)


def _info(days_old: int, papers: int) -> SpaceInfo:
    return SpaceInfo(1, "k", (NOW - timedelta(days=days_old)).isoformat(), papers)


def test_a_refit_is_due_when_the_space_is_old_or_the_history_has_grown() -> None:
    assert not refit_due(None, SMALL.min_history - 1, SMALL, NOW)  # too little history
    assert refit_due(None, SMALL.min_history, SMALL, NOW)
    assert not refit_due(_info(3, 1000), 1200, SMALL, NOW)
    assert refit_due(_info(SMALL.refit_days, 1000), 1000, SMALL, NOW)
    assert refit_due(_info(3, 1000), int(1000 * (1 + SMALL.refit_growth)) + 1, SMALL, NOW)


def test_the_store_ranks_in_the_packaged_space_until_it_holds_enough_history(
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    store = Store.open(tmp_path / "db.sqlite")
    ranker = Ranker(HashingEmbedder(), store, SMALL)
    store.upsert_papers(corpus("a", 2))  # 16 listed papers: below min_history
    assert current_space(ranker, store) is ranker.packaged_space()
    store.upsert_papers(corpus("b", 5))
    space = current_space(ranker, store, NOW)
    info = store.latest_space()
    assert info is not None and info.key == space.key and info.papers == 56
    with store.background_file(space.key) as file:
        assert file is not None and file.read(2) == b"PK"  # an npz
    # a later process finds the same space, and a model trained in it
    later = Ranker(HashingEmbedder(), store, SMALL)
    assert current_space(later, store, NOW).key == space.key
    ranker.model(own_papers(), space)
    later.model(own_papers(), space)
    assert later.trained == 0


def test_a_later_process_reads_the_background_the_refit_stored(
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    store = Store.open(tmp_path / "db.sqlite")
    store.upsert_papers([*corpus("a", 2), *corpus("b", 5)])
    ranker = Ranker(HashingEmbedder(), store, SMALL)
    space = current_space(ranker, store, NOW)
    built = ranker.background(space)
    read = Ranker(HashingEmbedder(), store, SMALL).background(space)
    assert read is not built
    for mine, theirs in [
        (built.word_rows, read.word_rows),
        (built.char_rows, read.char_rows),
        (built.held_out.chars, read.held_out.chars),
    ]:
        assert (mine != theirs).nnz == 0 and mine.shape == theirs.shape
    np.testing.assert_array_equal(built.vectors, read.vectors)
    np.testing.assert_array_equal(built.held_out.vectors, read.held_out.vectors)


def test_a_refit_embeds_everything_ahead_then_fits_and_trains_without_the_model(
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    store = Store.open(tmp_path / "db.sqlite")
    store.upsert_papers([*corpus("a", 2), *corpus("b", 5)])
    embedder = UnloadingEmbedder()
    ranker = Ranker(embedder, store, SMALL)
    day, own = corpus("day", 1, seed=3), own_papers()
    space = current_space(ranker, store, NOW, ahead=[*day, *own])
    assert embedder.unloads == 1 and embedder.calls >= len(day) + len(own)
    ranker.index(day, space=space)
    ranker.model(own, space)
    assert ranker.trained == 1
    assert embedder.after_unload == 0  # the background, the day and the profile: all ahead


def test_a_refit_reports_the_embedding_then_the_fit_and_the_storing_as_stages(
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    store = Store.open(tmp_path / "db.sqlite")
    store.upsert_papers([*corpus("a", 2), *corpus("b", 5)])
    heard: list[tuple[int, int, str | None]] = []

    def progress(done: int, total: int, stage: str | None = None) -> None:
        heard.append((done, total, stage))

    current_space(Ranker(HashingEmbedder(), store, SMALL), store, NOW, progress=progress)
    embedding = [(done, total) for done, total, stage in heard if stage is None]
    assert embedding and embedding[-1][0] == embedding[-1][1] > 0  # every paper, then stages
    stages = [entry for entry in heard if entry[2] is not None]
    assert stages == [(0, 2, FITTING), (1, 2, FITTING), (2, 2, FITTING), (0, 1, STORING),
                      (1, 1, STORING)]  # fmt: skip
    assert heard[: len(embedding)] == [(*pair, None) for pair in embedding]  # embedding first
    store.close()
