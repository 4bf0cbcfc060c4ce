"""Tests of paperfeed.ranking.space: a feature space fitted once, candidates transformed."""

from __future__ import annotations

import numpy as np
from ranking_data import SMALL, corpus, history, settings

from paperfeed.ranking.candidates import texts_of
from paperfeed.ranking.space import FeatureSpace, fit_space, lexicon_arrays, lexicon_from, space_key


def test_the_history_lowers_the_weight_of_terms_common_in_the_field() -> None:
    field = [f"graph networks {i}" if i % 2 else f"vision transformers {i}" for i in range(40)]
    space, _, _ = fit_space([*field, "quokka census", "graph quokka"], SMALL)
    idf, column = space.words.idf, space.words.vocabulary
    assert idf[column["quokka"]] > idf[column["graph"]]


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
    assert space_key(texts, SMALL) != space_key(texts, settings(word_hashed=0))


def test_a_space_stored_before_hashed_columns_still_reads_without_them() -> None:
    texts = texts_of(history())
    closed, _, _ = fit_space(texts, settings(word_hashed=0, char_hashed=0))
    arrays = lexicon_arrays(closed.words, "words_")
    arrays["words_kind"] = arrays["words_kind"][:2]  # as spaces were stored before
    del arrays["words_common"]
    words = lexicon_from(arrays, "words_")
    assert words.hashed == 0 and words.vocabulary == closed.words.vocabulary
    np.testing.assert_array_equal(words.tfidf(texts).toarray(), closed.words.tfidf(texts).toarray())


def test_a_days_terms_the_history_lacks_count_in_its_rows() -> None:
    space, _, _ = fit_space(texts_of(history()), SMALL)
    closed, _, _ = fit_space(texts_of(history()), settings(word_hashed=0, char_hashed=0))
    day = ["Zorblax: a zorblax-based census", "counting with zorblax"]
    for lexicon in (space.words, space.chars):
        rows = lexicon.tfidf(day)
        assert (rows[0] @ rows[1].T).toarray()[0, 0] > 0
    assert (closed.words.tfidf(day[:1]) @ closed.words.tfidf(day[1:]).T).toarray()[0, 0] == 0
