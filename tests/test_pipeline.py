"""pipeline: messages that say what is wrong and how to fix it, and change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperfeed import pipeline
from paperfeed.embed import HashingEmbedder
from paperfeed.errors import InputError
from paperfeed.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "cli"
EMBEDDER = HashingEmbedder(dim=64)


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "pf.db")
    pipeline.import_profile(store, FIXTURES / "profile.txt", "jane")
    pipeline.ingest(store, str(FIXTURES / "listing.jsonl"))
    return store


def test_a_weekday_that_is_not_stored_says_so_and_how_to_ingest_it(store: Store) -> None:
    with pytest.raises(InputError) as info:
        pipeline.build_digest(store, "jane", day="2026-07-01", embedder=EMBEDDER)
    message = str(info.value)
    assert "nothing listed on 2026-07-01 is stored" in message
    assert "newest stored day is 2026-06-30" in message
    assert "paperfeed ingest arxiv:cs.LG --since 2026-07-01" in message
    assert "paperfeed ingest FILE --date 2026-07-01" in message
    assert "weekend" not in message
    assert store.digest_dates("jane") == []


def test_a_weekend_day_says_arxiv_announces_nothing_then(store: Store) -> None:
    digest = pipeline.build_digest(store, "jane", day="2026-07-04", embedder=EMBEDDER)
    assert digest.recommendations == ()
    assert digest.note == "arXiv announces no new papers on weekends (2026-07-04 is a Saturday)."


@pytest.mark.parametrize(
    "text",
    ["", "this is not bibtex at all\n", "% only a comment\n@comment{nothing here}\n"],
    ids=["empty", "garbage", "comments"],
)
def test_a_file_without_papers_is_an_error_that_creates_nothing(tmp_path: Path, text: str) -> None:
    path = tmp_path / "mine.bib"
    path.write_text(text)
    with Store.open(tmp_path / "fresh.db") as store:
        with pytest.raises(InputError, match=r"mine\.bib: no papers found in the file"):
            pipeline.import_profile(store, path, "newbie")
        assert store.users() == [] and store.count_papers() == 0


def test_a_user_without_papers_is_told_to_import_them(store: Store) -> None:
    store.add_user("empty")
    with pytest.raises(pipeline.EmptyProfile, match="paperfeed profile import FILE --user empty"):
        pipeline.build_digest(store, "empty", embedder=EMBEDDER)


def test_a_first_digest_embeds_everything_before_the_space_is_fitted(tmp_path: Path) -> None:
    from fakes import UnloadingEmbedder
    from ranking_data import SMALL, corpus, own_papers

    from paperfeed.ranking import Ranker

    store = Store.open(tmp_path / "pf.db")
    store.upsert_papers([*corpus("a", 5), *own_papers()])  # 46 listed on 2026-03-02
    store.add_user("jane")
    store.add_profile_papers("jane", [paper.id for paper in own_papers()[:4]])
    embedder = UnloadingEmbedder()
    ranker = Ranker(embedder, store, SMALL)
    digest = pipeline.build_digest(store, "jane", day="2026-03-02", ranker=ranker)
    assert digest.recommendations and store.latest_space() is not None  # a space was fitted
    assert embedder.unloads == 1 and embedder.after_unload == 0
