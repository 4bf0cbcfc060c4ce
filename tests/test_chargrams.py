"""Tests of paperfeed.chargrams: the same grams and counts as scikit-learn's char_wb counter."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from paperfeed.chargrams import char_grams, count_grams, fit_grams

TEXTS = [
    "Graph neural networks for graph molecules",
    "",
    "a b cd  efg\tHIJK lmnop",
    "Naïve Bayes über alles: ÉTÉ été",
    "İstanbul ß straße x",
    "QuokkaNet: quokka networks, QuokkaNets!",
    "graph transformers and neural networks",
] * 2 + ["one-off unseen wording"]


@pytest.mark.parametrize("text", TEXTS)
def test_grams_are_those_of_the_char_wb_analyzer(text: str) -> None:
    analyzer = CountVectorizer(analyzer="char_wb", ngram_range=(4, 4)).build_analyzer()
    assert char_grams(text, 4) == analyzer(text)


def test_fit_keeps_the_terms_and_counts_of_scikit_learn() -> None:
    counter = CountVectorizer(analyzer="char_wb", ngram_range=(4, 4), min_df=2)
    expected = counter.fit_transform(TEXTS).toarray()
    terms, doc_freq, counts = fit_grams(TEXTS, 4, min_df=2, max_df=1.0)
    assert terms == sorted(counter.vocabulary_, key=counter.vocabulary_.get)
    np.testing.assert_array_equal(counts.toarray(), expected)
    np.testing.assert_array_equal(doc_freq, (expected > 0).sum(axis=0))
    assert counts.has_sorted_indices


def test_counting_over_a_vocabulary_drops_unknown_grams() -> None:
    terms, _, _ = fit_grams(TEXTS, 4, min_df=2, max_df=1.0)
    vocabulary = {t: i for i, t in enumerate(terms)}
    expected = CountVectorizer(analyzer="char_wb", ngram_range=(4, 4), vocabulary=vocabulary)
    queries = ["graphs of quokkas", "ÉTÉ", "", "zzzz qqqq"]
    np.testing.assert_array_equal(
        count_grams(queries, 4, vocabulary).toarray(), expected.transform(queries).toarray()
    )
    assert count_grams(queries, 4, {}).shape == (4, 0)


def test_max_df_drops_grams_in_too_many_texts() -> None:
    texts = [f"common word{i}" for i in range(20)]
    terms, _, _ = fit_grams(texts, 4, min_df=1, max_df=0.5)
    assert " com" not in terms and "ord5" in terms


def test_fitting_in_chunks_counts_as_all_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import paperfeed.chargrams as chargrams

    whole = fit_grams(TEXTS, 4, min_df=2, max_df=0.9)
    monkeypatch.setattr(chargrams, "_FREQ_CHUNK_CHARS", 20)  # a text or two a chunk
    monkeypatch.setattr(chargrams, "_COUNT_CHUNK_CHARS", 45)  # chunks of other bounds
    assert len(chargrams._chunks(TEXTS, 20)) > len(chargrams._chunks(TEXTS, 45)) > 2
    terms, doc_freq, counts = fit_grams(TEXTS, 4, min_df=2, max_df=0.9)
    assert terms == whole[0]
    np.testing.assert_array_equal(doc_freq, whole[1])
    assert (counts != whole[2]).nnz == 0 and counts.has_sorted_indices
    assert counts.dtype == np.float32 and counts.indices.dtype == np.int32
