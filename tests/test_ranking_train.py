"""Tests of paperfeed.ranking.train and .model: a user's models, trained and kept as bytes."""

from __future__ import annotations

import numpy as np
import pytest
from fakes import HashingEmbedder
from ranking_data import SMALL, corpus, history, own_papers

from paperfeed.ranking import Ranker, UserModel
from paperfeed.ranking.model import Ratings
from paperfeed.ranking.train import model_key, newest, train
from paperfeed.records import Paper


@pytest.fixture(scope="module")
def ranker() -> Ranker:
    return Ranker(HashingEmbedder(), settings=SMALL)


def _background(ranker: Ranker):  # type: ignore[no-untyped-def]
    return ranker.background(ranker.space_for(history()))


def test_a_model_comes_back_from_its_bytes(ranker: Ranker) -> None:
    background = _background(ranker)
    ratings = Ratings(liked=(corpus("c", 1)[3],), disliked=(corpus("c", 1)[5],))
    model = train("Ada", own_papers(), ratings, background, ranker.vectors.embed_papers, SMALL)
    again = UserModel.from_bytes(model.to_bytes())
    assert again.key == model.key and again.space_key == background.space.key
    assert [p.id for p in again.own] == [p.id for p in own_papers()]
    assert [p.id for p in again.liked] == [ratings.liked[0].id]
    assert again.disliked_ids == {ratings.disliked[0].id}
    assert again.calibration == model.calibration and set(model.calibration) >= {"dense"}
    assert [i.label for i in again.interests] == [i.label for i in model.interests]
    np.testing.assert_array_equal(again.word_weights.toarray(), model.word_weights.toarray())
    np.testing.assert_array_equal(again.vectors, model.vectors)


def test_a_paper_rated_down_lowers_what_the_lexical_model_thinks_of_its_like(
    ranker: Ranker,
) -> None:
    background = _background(ranker)
    day = corpus("c", 2)
    disliked = next(p for p in day if p.id.startswith("c1-"))
    embed = ranker.vectors.embed_papers
    plain = train("Ada", own_papers((0, 1)), Ratings(), background, embed, SMALL)
    rated = train(
        "Ada", own_papers((0, 1)), Ratings(disliked=(disliked,)), background, embed, SMALL
    )
    rows = background.space.words.tfidf([f"{disliked.title}. {disliked.abstract}"])
    before = (rows @ plain.word_weights.T).toarray()[0, 0]
    after = (rows @ rated.word_weights.T).toarray()[0, 0]
    assert after < before


def test_newest_keeps_the_most_recent_papers_in_their_order() -> None:
    papers = [Paper(str(i), "t", date=d) for i, d in enumerate(["2020", None, "2024", "2022"])]
    assert [p.id for p in newest(papers, 2)] == ["2", "3"]
    assert newest(papers, 10) == papers


def test_the_key_changes_with_papers_ratings_and_space() -> None:
    own = own_papers()
    base = model_key("Ada", own, Ratings(), "space", SMALL)
    assert base == model_key("Ada", list(own), Ratings(), "space", SMALL)
    assert base != model_key("Ada", own[1:], Ratings(), "space", SMALL)
    assert base != model_key("Ada", own, Ratings(disliked=(own[0],)), "space", SMALL)
    assert base != model_key("Ada", own, Ratings(), "other space", SMALL)
    assert base != model_key("Bob", own, Ratings(), "space", SMALL)
