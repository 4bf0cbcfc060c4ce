"""Tests of paperfeed.ranking.space: a feature space fitted once, candidates transformed."""

from __future__ import annotations

import numpy as np
from ranking_data import SMALL, corpus, history, settings

from paperfeed.ranking.candidates import texts_of
from paperfeed.ranking.space import FeatureSpace, fit_space, space_key


def test_the_history_lowers_the_weight_of_terms_common_in_the_field() -> None:
    field = [f"graph networks {i}" if i % 2 else f"vision transformers {i}" for i in range(40)]
    space, _, _ = fit_space([*field, "quokka census", "graph quokka"], SMALL)
    idf = dict(zip(space.words.terms, space.words.idf, strict=True))
    assert idf["quokka"] > idf["graph"]


def test_a_candidates_rows_do_not_depend_on_the_other_candidates() -> None:
    space, _, _ = fit_space(texts_of(history()), SMALL)
    day = texts_of(corpus("c", 3))
    words, chars = space.transform(day)
    one_words, one_chars = space.transform(day[5:6])
    np.testing.assert_array_equal(words[5].toarray(), one_words.toarray())
    np.testing.assert_array_equal(chars[5].toarray(), one_chars.toarray())


def test_a_space_comes_back_from_its_bytes() -> None:
    texts = texts_of(history())
    space, word_rows, char_rows = fit_space(texts, SMALL)
    again = FeatureSpace.from_bytes(space.to_bytes())
    assert again.key == space.key == space_key(texts, SMALL)
    for before, after in zip(space.transform(texts), again.transform(texts), strict=True):
        np.testing.assert_array_equal(before.toarray(), after.toarray())
    np.testing.assert_allclose(word_rows.toarray(), space.words.tfidf(texts).toarray(), atol=1e-6)
    np.testing.assert_allclose(char_rows.toarray(), space.chars.tfidf(texts).toarray(), atol=1e-6)


def test_the_key_names_the_texts_and_the_settings() -> None:
    texts = texts_of(history())
    assert space_key(texts, SMALL) != space_key(texts[1:], SMALL)
    assert space_key(texts, SMALL) != space_key(texts, settings(char_n=3))
