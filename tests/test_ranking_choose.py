"""Tests of paperfeed.ranking.choose: rules, what is never shown again, diverse picks."""

from __future__ import annotations

import dataclasses

import numpy as np
from fakes import HashingEmbedder

from paperfeed.ranking import DEFAULTS, Ranker
from paperfeed.ranking.choose import (
    apply_rules,
    author_hits,
    keyword_hits,
    never_again,
    select_diverse,
)
from paperfeed.ranking.train import coauthor_names
from paperfeed.records import Paper, Profile

DAY = [
    Paper("a", "Diffusion models for images", authors=("Han Fang", "Jason Weston")),
    Paper("b", "Quantum error correction", authors=("Hejia Zhang",)),
    Paper("c", "Language models as agents", authors=("H. Zhang", "Ada Lovelace")),
]


def _index():  # type: ignore[no-untyped-def]
    return Ranker(HashingEmbedder()).index(DAY)


def test_keyword_hits_match_whole_words_and_phrases_case_insensitively() -> None:
    folded = [" diffusion models for images ", " language models as agents "]
    assert keyword_hits(folded, ["Diffusion", "model", "Language Models"]) == [
        ["Diffusion"],
        ["Language Models"],
    ]
    assert keyword_hits(folded, []) == [[], []]


def test_author_hits_need_compatible_first_names() -> None:
    hits = author_hits(_index(), ["Hejia Zhang", "Jason Weston"])
    assert hits == [["Jason Weston"], ["Hejia Zhang"], ["Hejia Zhang"]]  # "H." may be Hejia
    assert author_hits(_index(), ["Hao Zhang"]) == [[], [], ["Hao Zhang"]]


def test_rules_block_boost_and_pin() -> None:
    own = (Paper("o", "My paper", authors=("Ada Lovelace", "Jason Weston")),)
    profile = Profile(
        "Ada Lovelace",
        own,
        include_keywords=("agents",),
        exclude_keywords=("quantum",),
        followed_authors=("Han Fang",),
    )
    coauthors = coauthor_names(own, "Ada Lovelace")
    assert coauthors == ["Jason Weston"]
    rules = apply_rules(profile, coauthors, _index(), DEFAULTS)
    assert rules.blocked.tolist() == [False, True, False]
    assert rules.pinned.tolist() == [True, False, False]
    # a: co-author Jason Weston (+0.5); c: keyword "agents" (+1)
    np.testing.assert_allclose(rules.boost, [0.5, 0.0, 1.0])


def test_never_again_marks_the_given_ids_among_the_candidates() -> None:
    assert never_again(_index(), {"b", "not a candidate"}).tolist() == [False, True, False]


def test_select_diverse_skips_near_duplicates_and_covers_groups() -> None:
    vectors = np.array([[1.0, 0.0], [1.0, 0.0], [0.8, 0.6], [0.0, 1.0]], dtype=np.float32)
    scores = np.array([3.0, 2.9, 2.0, 1.0])
    picks = select_diverse(scores, vectors, 3, DEFAULTS)
    assert picks[0] == 0 and 1 not in picks  # 1 is a near-duplicate of 0
    groups = np.array([0, 0, 0, 1])
    covering = dataclasses.replace(DEFAULTS, coverage=5.0)
    assert select_diverse(scores, vectors, 2, covering, groups=groups) == [0, 3]


def test_author_matching_agrees_with_same_person_on_every_pair() -> None:
    from itertools import product

    from paperfeed.ids import author_key, same_person

    names = [
        "Hao Zhang", "Hejia Zhang", "H. Zhang", "H Zhang", "Zhang", "Yu Ting Li", "Yuting Li",
        "Y. Li", "Y.T. Li", "Li", "Ana Lima", "A Lima", "Jason Weston", "J. Weston", "Weston",
    ]  # fmt: skip
    papers = [Paper(f"p{i}", "t", authors=(name,)) for i, name in enumerate(names)]
    index = Ranker(HashingEmbedder()).index(papers)
    for wanted, (number, written) in product(names, enumerate(names)):
        expected = same_person(author_key(wanted), author_key(written))
        assert (number in index.authors.written_by(author_key(wanted))) == expected, (
            wanted,
            written,
        )
