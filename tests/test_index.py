"""Tests of paperfeed.index: candidates prepared once, with the history of earlier listings."""

import numpy as np
from fakes import HashingEmbedder

from paperfeed.embed import EmbeddingCache
from paperfeed.index import build_index, candidate_lexicon, clear_lexicons
from paperfeed.records import Paper

DAY = [
    Paper(id=f"d{i}", title=f"sparse attention kernels {i}", abstract="fast gpu kernels")
    for i in range(3)
]
HISTORY = [f"{'gpu kernels' if i % 3 == 0 else 'robot control'} number {i}" for i in range(30)]


def test_the_history_lowers_the_weight_of_terms_common_in_the_field() -> None:
    clear_lexicons()
    alone = build_index(DAY, EmbeddingCache(HashingEmbedder()))
    with_history = build_index(DAY, EmbeddingCache(HashingEmbedder()), HISTORY)
    assert alone.history_rows is not None and alone.history_rows.shape[0] == 0
    assert with_history.history_rows is not None
    assert with_history.history_rows.shape[0] == len(HISTORY)
    assert len(with_history) == len(DAY) and with_history.rows.shape[0] == len(DAY)

    def weight(index: object, term: str) -> float:
        lexicon = index.lexicon  # type: ignore[attr-defined]
        return float(lexicon.idf[lexicon.vocabulary[term]])

    # "gpu" is in every candidate and common in the history; "sparse" only in the day
    assert weight(with_history, "sparse") > weight(with_history, "gpu")
    assert weight(alone, "sparse") == weight(alone, "gpu")  # the day alone cannot tell


def test_candidate_lexicon_is_cached_per_candidates_and_history() -> None:
    clear_lexicons()
    texts = ["graph neural networks", "protein folding"]
    first = candidate_lexicon(texts, HISTORY)
    assert candidate_lexicon(texts, HISTORY) is first
    assert candidate_lexicon(texts) is not first
    words, chars = first
    np.testing.assert_allclose(words[1].sum(axis=1).A.ravel() > 0, [True, True])
    assert chars[0].chars == 4 and chars[1].shape[0] == 2


def test_a_fit_with_history_is_saved_and_read_back_instead_of_fitted_again() -> None:
    from paperfeed.index import fitted_from_bytes, fitted_to_bytes
    from paperfeed.store import Store

    clear_lexicons()
    texts = ["graph neural networks", "protein folding"]
    with Store(":memory:") as store:
        first = candidate_lexicon(texts, HISTORY, store)
        assert store.counts()["lexicon_cache"] == 1
        clear_lexicons()  # a new process: nothing in memory
        again = candidate_lexicon(texts, HISTORY, store)
        assert again is not first
        for read, fitted in zip(again, first, strict=True):  # words, then characters
            assert read[0].vocabulary == fitted[0].vocabulary
            assert (read[0].bigrams, read[0].chars) == (fitted[0].bigrams, fitted[0].chars)
            np.testing.assert_array_equal(read[0].idf, fitted[0].idf)
            for mine, theirs in zip(read[1:], fitted[1:], strict=True):
                assert (mine != theirs).nnz == 0 and mine.shape == theirs.shape
        candidate_lexicon(texts, (), store)  # no history: quick to fit, not saved
        assert store.counts()["lexicon_cache"] == 1
        for n in range(3):
            candidate_lexicon([f"day {n}"], HISTORY, store)
        assert store.counts()["lexicon_cache"] == 2  # only the newest are kept
    empty_words, empty_chars = fitted_from_bytes(fitted_to_bytes(candidate_lexicon([], ())))
    assert empty_words[0].vocabulary == {} and empty_words[1].shape[0] == 0
    assert empty_chars[0].vocabulary == {} and empty_chars[0].tfidf(["x"]).shape == (1, 0)
