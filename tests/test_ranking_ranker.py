"""Tests of paperfeed.ranking.ranker: the Ranker's digest, scores, memos and promises."""

from __future__ import annotations

import numpy as np
import pytest
from fakes import HashingEmbedder
from ranking_data import SMALL, corpus, history, own_papers, settings

from paperfeed.ranking import Ranker, packaged
from paperfeed.ranking.ranker import TRAINING, Request
from paperfeed.records import Feedback, Paper, Profile
from paperfeed.store import Store


@pytest.fixture
def ranker() -> Ranker:
    return Ranker(HashingEmbedder(), settings=SMALL)


def test_a_papers_score_does_not_depend_on_the_other_candidates(ranker: Ranker) -> None:
    day = corpus("c", 5)
    space = ranker.space_for(history())
    everything = ranker.score(own_papers(), ranker.index(day, space=space))
    few = ranker.score(own_papers(), ranker.index(day[::7], space=space))
    assert few == pytest.approx(everything[::7], abs=1e-5)


def test_score_many_scores_each_profile_as_score_does(ranker: Ranker) -> None:
    index = ranker.index(corpus("c", 4), history=history())
    profiles = [own_papers((0, 1)), own_papers((2,)), own_papers((5, 6), n=2)]
    many = ranker.score_many(profiles, index)
    for profile, scores in zip(profiles, many, strict=True):
        assert scores == pytest.approx(ranker.score(profile, index), abs=1e-5)
    assert np.argmax(many[1]) != np.argmax(many[0])


def test_models_are_trained_once_and_another_day_trains_nothing(ranker: Ranker) -> None:
    monday = ranker.index(corpus("mon", 3, seed=1), history=history())
    ranker.score_many([own_papers((0,)), own_papers((3,))], monday)
    assert ranker.trained == 2
    tuesday = ranker.index(corpus("tue", 3, seed=2), space=monday.space)
    ranker.score_many([own_papers((0,)), own_papers((3,))], tuesday)
    assert ranker.trained == 2


def test_a_digest_reports_the_models_it_trains_and_nothing_when_they_are_kept(
    ranker: Ranker,
) -> None:
    index = ranker.index(corpus("day", 3, seed=1), history=history())
    heard: list[tuple[int, int, str | None]] = []

    def progress(done: int, total: int, stage: str | None = None) -> None:
        heard.append((done, total, stage))

    requests = [Request(Profile("me", tuple(own_papers((0,)))))]
    ranker.digests(requests, index, progress)
    assert heard == [(0, 1, TRAINING), (1, 1, TRAINING)]
    ranker.digests(requests, index, progress)  # the model is kept: nothing to wait for
    assert len(heard) == 2


def test_the_store_keeps_spaces_and_models_for_the_next_process(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = Store.open(tmp_path / "db.sqlite")
    first = Ranker(HashingEmbedder(), store, SMALL)
    day = corpus("c", 3)
    scores = first.score(own_papers(), first.index(day, history=history()))
    assert first.trained == 1
    second = Ranker(HashingEmbedder(), store, SMALL)  # a new process: only the store is shared
    again = second.score(own_papers(), second.index(day, history=history()))
    assert second.trained == 0
    assert again == pytest.approx(scores, abs=1e-6)


def test_digest_never_picks_the_users_own_papers(ranker: Ranker) -> None:
    own = own_papers((0,))
    day = [*corpus("c", 2), *own]  # the user's papers listed the day they are imported
    picks, _ = ranker.digest(Profile("u", tuple(own)), day, top=len(day))
    ids = {r.paper.id for r in picks}
    assert ids and not ids & {p.id for p in own}
    # a paper left out of the profile (a namesake's) is not the user's: it may be picked
    left_out = Profile("u", tuple(own), excluded=frozenset({own[0].id}))
    assert own[0].id in {r.paper.id for r in ranker.digest(left_out, day, top=len(day))[0]}


def test_without_history_the_packaged_background_ranks(ranker: Ranker) -> None:
    index = ranker.index(corpus("c", 3))
    assert index.space is ranker.packaged_space()
    scores = ranker.score(own_papers((4,)), index)  # speech recognition
    best = index.papers[int(np.argmax(scores))]
    assert best.id.startswith("c4-")
    assert packaged.key() == index.space.key  # read without the space's vocabularies


def test_digest_leaves_out_shown_and_rated_down_papers_for_good(ranker: Ranker) -> None:
    day = corpus("c", 4)
    index = ranker.index(day, history=history())
    own = tuple(own_papers((0,)))
    first, _ = ranker.digest(Profile("u", own), index, top=3)
    down = first[0].paper.id
    shown = first[1].paper.id
    profile = Profile("u", own, feedback=(Feedback("u", down, -1),))
    later, _ = ranker.digest(profile, index, top=len(day), shown={shown})
    ids = {r.paper.id for r in later}
    assert down not in ids and shown not in ids
    # a bigger history (a refit space) does not bring it back
    again, _ = ranker.digest(profile, ranker.index(day, history=history(12)), top=len(day))
    assert down not in {r.paper.id for r in again}


def test_a_paper_rated_up_is_never_explained_by_itself(ranker: Ranker) -> None:
    day = corpus("c", 4)
    index = ranker.index(day, history=history())
    liked = [p for p in day if p.id.startswith("c4-")]
    profile = Profile("u", tuple(own_papers((0,))), feedback=(Feedback("u", liked[0].id, 1),))
    recs, _ = ranker.digest(profile, index, top=len(day))
    for rec in recs:
        for reason in rec.reasons:
            if reason.kind == "feedback" and rec.paper.id == liked[0].id:
                pytest.fail(f"{rec.paper.id} is explained by itself: {reason.text}")
    speech = [r for r in recs if r.paper.id.startswith("c4-") and r.paper.id != liked[0].id]
    assert any(x.kind == "feedback" for r in speech for x in r.reasons)


def test_the_spelling_svm_lifts_a_candidate_in_another_form_of_the_owners_words() -> None:
    own = [
        Paper("o1", "QuokkaNet: burrow mapping", "QuokkaNet maps burrows."),
        Paper("o2", "QuokkaNets for marsupial census", "QuokkaNets count marsupials."),
    ]
    day = [*corpus("c", 3), Paper("q", "quokkanetting the outback", "a quokkanetting study")]
    with_char = Ranker(HashingEmbedder(), settings=SMALL)
    without = Ranker(HashingEmbedder(), settings=settings(char_tail_weight=0.0))
    lifted = with_char.score(own, with_char.index(day, history=history()))
    plain = without.score(own, without.index(day, history=history()))
    lift = np.array(lifted) - np.array(plain)
    assert lift[-1] > 0 and np.allclose(lift[:-1], 0)  # only the far tail counts


def test_a_bare_list_of_dicts_is_accepted(ranker: Ranker) -> None:
    own = [{"title": p.title, "abstract": p.abstract} for p in own_papers()]
    cands = [{"title": p.title, "abstract": p.abstract} for p in corpus("c", 2)]
    assert len(ranker.score(own, cands)) == len(cands)
    assert ranker.score(own, []) == []
    assert len(ranker.score([], cands)) == len(cands)


def test_a_term_the_history_never_had_is_shared_and_named(ranker: Ranker) -> None:
    own = [
        Paper("o1", "Wombatformer for burrow mapping", "The wombatformer maps burrows."),
        Paper("o2", "Wombatformer census", "A wombatformer counts marsupials."),
    ]
    day = [*corpus("c", 2), Paper("w", "A faster wombatformer", "We speed up the wombatformer.")]
    index = ranker.index(day, history=history())
    assert "wombatformer" not in index.space.words.vocabulary
    recs, _ = ranker.digest(Profile("u", tuple(own)), index, top=3)
    assert recs[0].paper.id == "w"
    shared = [t for reason in recs[0].reasons if reason.kind == "terms" for t in reason.terms]
    assert "wombatformer" in shared
