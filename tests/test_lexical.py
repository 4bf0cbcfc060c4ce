"""Tests of paperfeed.lexical: TF-IDF rows, character lexicons, cosines, shared terms."""

import os
import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse as sp

from paperfeed import chargrams, lexical


def test_tfidf_rows_are_unit_length_and_sublinear() -> None:
    lexicon = lexical.fit_lexicon(
        ["graph neural network", "image segmentation", "graph graph"], bigrams=False, max_df=1.0
    )
    rows = lexicon.tfidf(["graph graph graph graph neural", "unknownword"])
    norms = np.sqrt(np.asarray(rows.multiply(rows).sum(axis=1)).ravel())
    assert norms[0] == pytest.approx(1.0, abs=1e-6)
    assert norms[1] == 0.0  # nothing known: an empty row, not NaN
    graph = rows[0, lexicon.vocabulary["graph"]]
    neural = rows[0, lexicon.vocabulary["neural"]]
    idf, col = lexicon.idf, lexicon.vocabulary
    expected = (1 + np.log(4)) * idf[col["graph"]] / idf[col["neural"]]
    assert graph / neural == pytest.approx(expected, rel=1e-5)


def test_fit_lexicon_drops_terms_in_too_many_documents() -> None:
    texts = ["common alpha", "common beta", "common gamma", "delta"] * 5
    lexicon = lexical.fit_lexicon(texts, bigrams=False, max_df=0.5)
    assert "common" not in lexicon.vocabulary
    assert "alpha" in lexicon.vocabulary


def test_cosine_of_identical_texts_is_one_and_of_disjoint_zero() -> None:
    lexicon = lexical.fit_lexicon(["graph neural network", "protein folding"], max_df=1.0)
    a = lexicon.tfidf(["graph neural network"])
    b = lexicon.tfidf(["graph neural network", "protein folding"])
    sims = lexical.cosine(a, b)
    assert sims.shape == (1, 2)
    assert sims[0, 0] == pytest.approx(1.0, abs=1e-6)
    assert sims[0, 1] == 0.0


def shared(a, b, terms, k: int = 5) -> list[str]:
    product = a.multiply(b).tocsr()
    return lexical.top_terms(product.indices, product.data, terms, k)


def test_top_terms_prefers_the_biggest_contributions_without_repeats() -> None:
    texts = [
        "language models for reasoning in this paper",
        "language models and reasoning paper",
        "protein structure",
        "image segmentation",
    ]
    lexicon = lexical.fit_lexicon(texts, max_df=1.0)
    rows = lexicon.tfidf(texts[:2])
    terms = shared(rows[0], rows[1], lexicon.terms, k=3)
    assert "language model" in terms
    assert "reasoning" in terms
    assert "language" not in terms and "model" not in terms
    assert "paper" not in terms  # boilerplate is never shown
    assert shared(rows[0], lexicon.tfidf(["protein"]), lexicon.terms) == []


def test_fit_lexicon_with_rows_matches_fit_then_tfidf() -> None:
    texts = [
        "graph neural networks for molecules",
        "protein folding with transformers",
        "graph transformers",
        "neural networks",
    ]
    lexicon, rows = lexical.fit_lexicon_with_rows(texts)
    again = lexical.fit_lexicon(texts)
    assert lexicon.vocabulary == again.vocabulary
    np.testing.assert_allclose(lexicon.idf, again.idf)
    np.testing.assert_allclose(rows.toarray(), again.tfidf(texts).toarray(), atol=1e-6)


def test_char_lexicon_matches_spelling_across_word_forms() -> None:
    texts = [
        "Segmentation with SegFormer-XL",
        "segmenting images",
        "speech recognition",
        "speech synthesis with SegFormer",
    ]
    lexicon, rows = lexical.fit_char_lexicon_with_rows(texts)
    assert lexicon.chars == 4 and " seg" in lexicon.vocabulary  # a 4-gram at a word's start
    assert "r-xl" not in lexicon.vocabulary  # in one text only: dropped
    np.testing.assert_allclose(lexical.cosine(rows, rows).diagonal(), 1.0, rtol=1e-5)
    np.testing.assert_allclose(lexicon.tfidf(texts).toarray(), rows.toarray(), rtol=1e-5)
    query = lexicon.tfidf(["segments"])
    # the word tokens "segments" and "segmentation" share nothing; their spelling does
    assert (query @ rows[0].T).toarray()[0, 0] > 0 == (query @ rows[2].T).toarray()[0, 0]


def test_char_lexicon_of_texts_without_shared_spelling_is_empty() -> None:
    lexicon, rows = lexical.fit_char_lexicon_with_rows(["abcd", "wxyz"])
    assert lexicon.vocabulary == {} and rows.shape == (2, 0)
    assert lexicon.tfidf(["abcd"]).shape == (1, 0)


def test_fits_with_rows_count_exactly_as_their_references() -> None:
    # the ids-based counting must keep the same terms and counts as the plain fit (words)
    # and scikit-learn's counter (character n-grams), empty texts and df cut-offs included
    from sklearn.feature_extraction.text import CountVectorizer

    texts = [
        "graph neural networks for graph molecules",
        "",
        "graph transformers and neural networks",
        "QuokkaNet: quokka networks",
        "the quokkanets of graph neural networks",
        "",
    ] * 3 + ["one-off unseen wording"]
    words, word_rows = lexical.fit_lexicon_with_rows(texts)
    reference = lexical.fit_lexicon(texts)
    assert words.vocabulary == reference.vocabulary and "one-off unseen" not in words.vocabulary
    np.testing.assert_array_equal(word_rows.toarray(), reference.tfidf(texts).toarray())

    chars, char_rows = lexical.fit_char_lexicon_with_rows(texts)
    counter = CountVectorizer(analyzer="char_wb", ngram_range=(4, 4), min_df=2).fit(texts)
    assert chars.vocabulary == counter.vocabulary_
    np.testing.assert_allclose(char_rows.toarray(), chars.tfidf(texts).toarray(), atol=1e-7)
    assert char_rows.has_sorted_indices and word_rows.has_sorted_indices


def test_tfidf_rows_leaves_its_input_unless_told_to_reuse_it() -> None:
    counts = sp.csr_matrix(np.array([[2.0, 0.0, 1.0], [0.0, 0.0, 0.0], [0.0, 3.0, 0.0]]))
    before = counts.toarray().copy()
    rows = lexical.tfidf_rows(counts, np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(counts.toarray(), before)
    expected = np.array([[1 + np.log(2), 0, 3], [0, 0, 0], [0, 1, 0]], dtype=np.float32)
    expected[0] /= np.linalg.norm(expected[0])
    np.testing.assert_allclose(rows.toarray(), expected, rtol=1e-6)
    given_up = counts.astype(np.float32)
    assert np.shares_memory(
        lexical.tfidf_rows(given_up, np.ones(3), in_place=True).data, given_up.data
    )


def test_tfidf_rows_in_blocks_match_the_whole_matrix_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dense = np.ceil(np.random.default_rng(1).random((40, 30)) * 4) - 2  # counts 1-2, else 0
    dense[dense < 0] = 0
    dense[5] = 0  # an empty row inside a block
    counts = sp.csr_matrix(dense.astype(np.float32))
    idf = np.linspace(1.0, 3.0, 30)
    whole = lexical.tfidf_rows(counts, idf)
    monkeypatch.setattr(lexical, "_BLOCK_VALUES", 7)  # blocks that cut rows
    monkeypatch.setattr(lexical, "_BLOCK_ROWS", 3)
    blocked = lexical.tfidf_rows(counts, idf)
    np.testing.assert_allclose(blocked.toarray(), whole.toarray(), rtol=1e-6)
    expected = np.zeros_like(dense)
    expected[dense > 0] = 1 + np.log(dense[dense > 0])
    expected *= idf
    norms = np.linalg.norm(expected, axis=1, keepdims=True)
    np.testing.assert_allclose(blocked.toarray(), expected / np.maximum(norms, 1e-12), rtol=1e-5)


HASHED_TEXTS = [
    "graph neural networks for molecules",
    "graph neural networks for proteins",
    "vision transformers for images",
    "vision transformers for video",
    "graph transformers",
] * 3 + ["QuokkaNet counts quokkas"]


def test_hashed_fit_rows_are_the_rows_of_the_same_texts_transformed() -> None:
    words, word_rows = lexical.fit_lexicon_with_rows(HASHED_TEXTS, max_df=0.5, hashed=64)
    chars, char_rows = lexical.fit_char_lexicon_with_rows(HASHED_TEXTS, hashed=32)
    assert word_rows.shape[1] == len(words.vocabulary) + 64 == len(words.idf)
    assert char_rows.shape[1] == len(chars.vocabulary) + 32 == len(chars.idf)
    np.testing.assert_allclose(word_rows.toarray(), words.tfidf(HASHED_TEXTS).toarray(), atol=1e-6)
    np.testing.assert_allclose(char_rows.toarray(), chars.tfidf(HASHED_TEXTS).toarray(), atol=1e-6)
    # the one-off text keeps its bigrams: in hashed columns, at the rarest weight
    assert "quokkanet count" not in words.vocabulary  # a bigram met once
    assert word_rows[-1, len(words.vocabulary) :].nnz > 0
    assert words.idf[-1] == words.idf.max()


def test_terms_the_fit_never_saw_meet_in_hashed_columns_and_are_named() -> None:
    words = lexical.fit_lexicon(HASHED_TEXTS[:15], max_df=0.5)
    hashed = lexical.fit_lexicon_with_rows(HASHED_TEXTS[:15], max_df=0.5, hashed=1024)[0]
    texts = ["a zebrafish census with graph networks", "zebrafish counting"]
    assert lexical.cosine(words.tfidf(texts[:1]), words.tfidf(texts[1:]))[0, 0] == 0.0
    rows = hashed.tfidf(texts)
    assert lexical.cosine(rows[:1], rows[1:])[0, 0] > 0.0
    product = rows[0].multiply(rows[1]).tocsr()
    names = hashed.term_names(texts)
    assert lexical.top_terms(product.indices, product.data, names) == ["zebrafish"]
    assert lexical.top_terms(product.indices, product.data, hashed.terms + [""] * 1024) == []


def test_terms_too_common_to_keep_are_not_hashed_either() -> None:
    lexicon = lexical.fit_lexicon_with_rows(HASHED_TEXTS, max_df=0.5, hashed=1024)[0]
    assert "for" in lexicon.common or "graph" in lexicon.common
    common = sorted(lexicon.common)[0]
    assert lexicon.tfidf([common]).nnz == 0


def test_hashed_columns_are_the_same_in_every_process() -> None:
    # stored spaces and models rely on it: Python's salted hash() differs per process
    code = (
        "from paperfeed import chargrams, lexical; "
        "print(lexical.word_bucket('quokkanet', 1 << 20), "
        "chargrams.bucket_of('\u00f6kka', 4, 1 << 18), "
        "chargrams.bucket_of(' ox ', 4, 1 << 18))"
    )
    here = f"{lexical.word_bucket('quokkanet', 1 << 20)} " + " ".join(
        str(chargrams.bucket_of(g, 4, 1 << 18)) for g in ("\u00f6kka", " ox ")
    )
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        assert out.stdout.split() == here.split(), out.stderr


def test_a_lexicon_without_hashed_columns_names_none() -> None:
    lexicon = lexical.fit_lexicon(HASHED_TEXTS, max_df=0.5)
    assert lexicon.hashed_names(["zebrafish census"]) == {}
    assert lexicon.tfidf(["zebrafish census"]).shape == (1, len(lexicon.vocabulary))
