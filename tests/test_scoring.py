"""Tests of paperfeed.scoring: the signals of one profile and how ratings take part."""

import dataclasses

import numpy as np
from fakes import HashingEmbedder

from paperfeed import api
from paperfeed.embed import EmbeddingCache
from paperfeed.index import build_index
from paperfeed.records import Feedback, Paper
from paperfeed.scoring import DEFAULTS, Ratings, compute, ratings_of


def paper(pid: str, text: str) -> Paper:
    return Paper(id=pid, title=text, abstract=f"{text} {text}")


OWN = [paper("own1", "graph neural networks molecules"), paper("own2", "molecule graphs")]
CANDIDATES = [
    paper("g", "graph neural networks molecules message passing"),
    paper("p", "protein folding structure prediction"),
    paper("p2", "protein folding structure dynamics"),
    paper("s", "speech recognition acoustic audio"),
    paper("c", "compiler loops code generation"),
]


def prepared() -> tuple[EmbeddingCache, api.CandidateIndex]:
    cache = EmbeddingCache(HashingEmbedder())
    return cache, build_index(CANDIDATES, cache)


def test_ratings_of_keeps_the_latest_rating_of_known_papers() -> None:
    votes = [
        Feedback("u", "p", 1),
        Feedback("u", "s", -1),
        Feedback("u", "p", -1),
        Feedback("u", "unknown", 1),
    ]
    ratings = ratings_of(votes, CANDIDATES)
    assert ratings is not None
    assert [p.id for p in ratings.liked] == []
    assert sorted(p.id for p in ratings.disliked) == ["p", "s"]
    assert ratings_of([Feedback("u", "unknown", 1)], CANDIDATES) is None


def test_a_paper_rated_up_joins_the_profile_and_is_named() -> None:
    cache, index = prepared()
    before = compute(OWN, index, cache)
    after = compute(OWN, index, cache, ratings=Ratings(liked=(CANDIDATES[1],)))
    rank_of = {
        name: list(np.argsort(-s.scores)).index(2)
        for name, s in (("before", before), ("after", after))
    }
    assert rank_of["after"] < rank_of["before"]  # "p2", like the liked "p", moves up
    # explanations still see own papers only; the liked paper is reported apart
    assert after.dense.shape == (len(CANDIDATES), len(OWN))
    assert after.own_rows.shape[0] == len(OWN)
    assert after.liked is not None and after.liked_index is not None
    assert after.liked[2] > after.liked[3] and after.liked_index.tolist() == [0] * 5


def test_a_paper_rated_down_weighs_more_as_a_negative_of_the_lexical_model() -> None:
    cache, index = prepared()
    alone = dataclasses.replace(DEFAULTS, weights={"lexical_model": 1.0})
    plain = compute(OWN, index, cache, settings=alone)
    disliked = compute(
        OWN, index, cache, settings=alone, ratings=Ratings(disliked=(CANDIDATES[0],))
    )
    drop = plain.signals["lexical_model"][0] - disliked.signals["lexical_model"][0]
    assert drop > 0


def test_the_embedding_model_of_ratings_is_blended_only_when_weighted() -> None:
    cache, index = prepared()
    ratings = Ratings(liked=(CANDIDATES[1],), disliked=(CANDIDATES[3], CANDIDATES[4]))
    assert "feedback" not in compute(OWN, index, cache, ratings=ratings).signals
    weighted = dataclasses.replace(DEFAULTS, feedback_weight=1.5)
    assert "feedback" in compute(OWN, index, cache, settings=weighted, ratings=ratings).signals


def test_combine_adds_the_lexical_tail_bonus_only_with_the_lexical_model() -> None:
    from paperfeed.scoring import combine

    signals = {"dense": np.array([1.0, 0, 0, 0, 0]), "lexical_model": np.array([0, 0, 0, 0, 9.0])}
    weights = {"dense": 1.0, "lexical_model": 0.25}
    plain = combine(signals, weights, dataclasses.replace(DEFAULTS, lexical_tail_weight=0.0))
    bonus = combine(signals, weights, DEFAULTS)
    assert bonus[4] > plain[4] and bonus[:4].tolist() == plain[:4].tolist()
    unweighted = combine(signals, {"dense": 1.0, "lexical_model": 0.0}, DEFAULTS)
    assert unweighted.tolist() == combine(signals, {"dense": 1.0}, DEFAULTS).tolist()


def test_the_spelling_svm_lifts_a_candidate_in_another_form_of_the_owners_words() -> None:
    own = [
        paper("o1", "QuokkaNet: burrow mapping"),
        paper("o2", "QuokkaNets for marsupial census"),
    ]
    topics = ["protein folding", "speech audio", "compiler loops", "graph coloring", "sorting"]
    candidates = [paper(f"c{n}", f"{topics[n % 5]} study {n}") for n in range(40)]
    candidates.append(paper("q", "quokkanetting the outback"))  # no word token in common
    cache = EmbeddingCache(HashingEmbedder())
    index = build_index(candidates, cache)
    result = compute(own, index, cache)
    spelling = result.signals["char_model"]
    assert int(np.argmax(spelling)) == len(candidates) - 1
    without = compute(own, index, cache, settings=dataclasses.replace(DEFAULTS, char_tail_weight=0))
    lift = result.scores - without.scores
    assert lift[-1] > 0 and np.all(lift[:-1] == 0)  # only the far tail counts
