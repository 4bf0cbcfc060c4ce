"""Tests of paperfeed.rank: aggregation, recency, models, normalization, rules, diversity."""

import numpy as np
import pytest

from paperfeed import rank


def test_top_k_mean_takes_the_closest_few_not_the_plain_mean() -> None:
    sims = np.array([[0.9, 0.8, 0.1, 0.0], [0.5, 0.5, 0.5, 0.5]], dtype=np.float32)
    got = rank.top_k_mean(sims, k=2)
    assert got == pytest.approx([0.85, 0.5])
    # a candidate very close to two own papers beats one mildly close to all
    assert got[0] > got[1]
    assert sims.mean(axis=1)[0] < sims.mean(axis=1)[1]


def test_top_k_mean_with_weights_and_fewer_papers_than_k() -> None:
    sims = np.array([[0.8, 0.6]], dtype=np.float32)
    assert rank.top_k_mean(sims, k=5) == pytest.approx([0.7])
    weighted = rank.top_k_mean(sims, k=1, weights=np.array([0.5, 1.0], dtype=np.float32))
    assert weighted == pytest.approx([0.6])
    assert rank.top_k_mean(np.zeros((3, 0)), k=3).tolist() == [0, 0, 0]


def test_softmax_aggregate_lies_between_mean_and_max() -> None:
    sims = np.array([[0.9, 0.1, 0.2]])
    value = rank.softmax_aggregate(sims, temperature=0.1)[0]
    assert sims.mean() < value < 0.9


def test_recency_weights_halve_per_half_life_and_fill_missing_dates() -> None:
    weights = rank.recency_weights(
        ["2024-01-01", "2021-01-01", None], today="2024-01-01", half_life_years=3.0
    )
    assert weights[0] == pytest.approx(1.0)
    assert weights[1] == pytest.approx(0.5, abs=1e-3)
    assert weights[2] == pytest.approx(np.median(weights[:2]))
    assert rank.recency_weights([None, None]).tolist() == [1.0, 1.0]
    # without today the newest own paper counts as now
    assert rank.recency_weights(["2010-05-01", "2013-05-01"])[1] == pytest.approx(1.0)


def test_discriminative_scores_rank_profile_like_candidates_first() -> None:
    rng = np.random.default_rng(0)
    topic = np.zeros(8)
    topic[0] = 1.0
    positives = topic + 0.1 * rng.standard_normal((10, 8))
    background = rng.standard_normal((100, 8))
    candidates = np.vstack([topic, -topic])
    scores = rank.discriminative_scores(positives, background, candidates)
    assert scores[0] > scores[1]
    assert rank.discriminative_scores(positives[:0], background, candidates).tolist() == [0, 0]


def test_feedback_model_learns_likes_and_dislikes() -> None:
    rng = np.random.default_rng(1)
    liked = np.array([1.0, 0, 0, 0]) + 0.05 * rng.standard_normal((5, 4))
    disliked = np.array([0, 1.0, 0, 0]) + 0.05 * rng.standard_normal((5, 4))
    background = rng.standard_normal((50, 4))
    scores = rank.feedback_scores(liked, disliked, background, np.eye(4)[:2])
    assert scores[0] > scores[1]


def test_feedback_model_with_only_dislikes_uses_own_papers_as_positives() -> None:
    rng = np.random.default_rng(2)
    own = np.array([1.0, 0, 0, 0]) + 0.05 * rng.standard_normal((5, 4))
    disliked = np.array([0.7, 0.7, 0, 0]) + 0.05 * rng.standard_normal((5, 4))
    background = rng.standard_normal((50, 4))
    none_liked = np.zeros((0, 4))
    scores = rank.feedback_scores(
        none_liked, disliked, background, np.array([[1.0, 0, 0, 0], [0.7, 0.7, 0, 0]]), own=own
    )
    assert scores[0] > scores[1]
    empty = rank.feedback_scores(none_liked, none_liked, none_liked, np.eye(4)[:2])
    assert empty.tolist() == [0.0, 0.0]


def test_lexical_model_weights_the_terms_own_papers_keep_using() -> None:
    import scipy.sparse as sp

    own = sp.csr_matrix(np.array([[1.0, 0, 0, 0.2], [0.9, 0, 0.1, 0.3]]))
    candidates = sp.csr_matrix(
        np.array([[0.8, 0.1, 0, 0], [0, 1.0, 0, 0], [0, 0, 0.2, 1.0], [0, 0.9, 0.1, 0]])
    )
    scores = rank.lexical_model_scores(candidates, own, c=1.0)
    assert int(np.argmax(scores)) == 0
    assert rank.lexical_model_scores(candidates, own[:0]).tolist() == [0.0] * 4


def test_feedback_weight_grows_with_ratings() -> None:
    assert rank.feedback_weight(1, 1) == 0.0
    assert rank.feedback_weight(0, 10) == 0.5  # dislikes alone teach too
    assert 0 < rank.feedback_weight(2, 3) < rank.feedback_weight(5, 10) <= 1.0
    assert rank.feedback_weight(30, 30) == 1.0


def test_zscore_and_rank_normalize() -> None:
    z = rank.zscore(np.array([1.0, 2.0, 3.0]))
    assert z.mean() == pytest.approx(0.0, abs=1e-6)
    assert z.std() == pytest.approx(1.0, abs=1e-6)
    assert rank.zscore(np.array([5.0, 5.0])).tolist() == [0.0, 0.0]
    assert rank.zscore(np.array([0.0] * 99 + [1e6]), clip=4.0)[-1] == pytest.approx(4.0)
    tail = rank.zscore(np.array([0.0] * 98 + [50.0, 100.0]))
    assert tail[-1] > tail[-2] > 4.0  # the far tail is where the picks are: never tied
    ranks = rank.rank_normalize(np.array([3.0, 1.0, 2.0])).tolist()
    assert ranks == pytest.approx([1, 1 / 3, 2 / 3])


def test_combine_weights_normalized_signals_and_ignores_unknown_names() -> None:
    signals = {"a": np.array([0.0, 1.0, 2.0]), "b": np.array([100.0, 0.0, 50.0])}
    only_a = rank.combine(signals, {"a": 1.0, "missing": 3.0})
    assert np.argsort(only_a).tolist() == [0, 1, 2]
    both = rank.combine(signals, {"a": 1.0, "b": 1.0})
    assert both[2] == pytest.approx(max(both))  # good on both beats best on one
    assert rank.combine(signals, {}).tolist() == [0.0, 0.0, 0.0]
    ranked = rank.combine(signals, {"a": 1.0, "b": 1.0}, method="rank")
    assert np.argmax(ranked) == 2


def test_keyword_hits_match_whole_words_and_phrases_case_insensitively() -> None:
    hits = rank.keyword_hits(
        ["Reward Models for RLHF", "a rewarding modelling study", "diffusion"],
        ["reward model", "rlhf", "Diffusion"],
    )
    assert hits == [["rlhf"], [], ["Diffusion"]]


def test_author_hits_need_compatible_first_names() -> None:
    papers = [["Hejia Zhang", "Jason Weston"], ["H. Zhang"], ["Hao Zhang"], ["Weston, Jason"]]
    hits = rank.author_hits(papers, ["Hejia Zhang", "Jason Weston"])
    assert hits == [["Hejia Zhang", "Jason Weston"], ["Hejia Zhang"], [], ["Jason Weston"]]


def test_select_diverse_skips_near_duplicates_and_covers_groups() -> None:
    vectors = np.array([[1, 0, 0], [1, 0.01, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    scores = np.array([3.0, 2.9, 1.0, 0.5])
    picks = rank.select_diverse(scores, vectors, 3)
    assert picks[0] == 0 and 1 not in picks  # the near-duplicate of the best is left out
    groups = [0, 0, 0, 1]
    covered = rank.select_diverse(
        np.array([3.0, 2.0, 1.9, 1.7]),
        np.eye(4, dtype=np.float32),
        2,
        groups=groups,
        coverage=1.0,
        redundancy=0.0,
    )
    assert covered == [0, 3]
    assert rank.select_diverse(scores, vectors, 2, eligible=np.array([0, 0, 1, 1])) == [2, 3]


def test_lexical_model_learns_against_history_and_weighted_candidates() -> None:
    import scipy.sparse as sp

    own = sp.csr_matrix(np.array([[1.0, 0.5, 0, 0], [0.9, 0.4, 0, 0]]))
    candidates = sp.csr_matrix(
        np.array([[0.7, 0.7, 0, 0], [0.1, 0, 1.0, 0], [0, 0, 0, 1.0], [0, 1.0, 0, 0]])
    )
    history = sp.csr_matrix(np.array([[0, 1.0, 0, 0]] * 20))
    plain = rank.lexical_model_scores(candidates, own)
    learned = rank.lexical_model_scores(candidates, own, history_rows=history)
    # the history says term 1 is everybody's: the candidate made of it loses ground
    assert learned[3] < plain[3]
    weights = np.array([5.0, 1, 1, 1])
    heavier = rank.lexical_model_scores(candidates, own, candidate_weights=weights)
    assert heavier[0] < plain[0]
    weights[0] = 0.0
    ignored = rank.lexical_model_scores(candidates, own, candidate_weights=weights)
    assert ignored[0] > plain[0]  # a paper rated up is no negative


def test_tail_is_how_far_a_z_score_lies_beyond_the_start() -> None:
    values = np.array([0.0, 0.0, 0.0, 0.0, 10.0])
    beyond = rank.tail(values, 1.5)
    assert beyond[:4].tolist() == [0.0] * 4
    assert beyond[4] == pytest.approx(float(rank.zscore(values)[4]) - 1.5)
