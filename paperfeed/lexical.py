"""Lexical term statistics: TF-IDF weights, sparse cosines and shared terms.

Small pure functions in the spirit of bm25s: text goes in, scipy.sparse rows come out
(tokenizing and stop words live in ``paperfeed.tokens``). A fitted :class:`Lexicon` holds
the vocabulary and IDF of one background corpus; texts are turned into L2-normalized rows
with sublinear term frequency, so a dot product is a cosine.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp

from paperfeed.chargrams import bucket_of, char_grams, count_grams, fit_grams
from paperfeed.tokens import analyze, analyze_once, is_boilerplate

#: Values (and rows) scaled at once by :func:`tfidf_rows` (and :func:`normalize_sparse`).
_BLOCK_VALUES = 1 << 20
_BLOCK_ROWS = 2048


class Terms(Protocol):
    """The term of a column (a list of terms, or :class:`TermNames`)."""

    def __getitem__(self, column: int, /) -> str: ...


@dataclass(frozen=True)
class Lexicon:
    """Vocabulary and IDF of a background corpus: turns texts into TF-IDF rows.

    Its terms are words and bigrams, or with ``chars`` = n the character n-grams inside
    words (the spelling of a text: method names, compounds, inflections). With ``hashed``,
    a term the vocabulary lacks (a method named after the fit, a bigram the corpus had once)
    is counted in one of that many columns after the vocabulary, chosen by a stable hash of
    the term, at the IDF of a term the corpus never had; ``common`` terms (in more than
    ``max_df`` of the corpus) stay out. ``idf`` covers every column.
    """

    vocabulary: dict[str, int]
    idf: np.ndarray
    bigrams: bool = True
    chars: int = 0
    hashed: int = 0
    common: frozenset[str] = frozenset()

    @cached_property
    def terms(self) -> list[str]:
        """Term of each vocabulary column (built once: the vocabulary holds hundreds of
        thousands); hashed columns are named from texts by :meth:`term_names`."""
        out = [""] * len(self.vocabulary)
        for term, col in self.vocabulary.items():
            out[col] = term
        return out

    def counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Raw term counts of ``texts`` over this lexicon's columns."""
        if self.chars:
            return count_grams(texts, self.chars, self.vocabulary, self.hashed)
        docs = [analyze(t, self.bigrams) for t in texts]
        return count_matrix(docs, self.vocabulary, self.hashed, self.common)

    def tfidf(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Sublinear-tf, IDF-weighted, L2-normalized rows of ``texts``."""
        return tfidf_rows(self.counts(texts), self.idf)

    def term_names(self, texts: Sequence[str]) -> TermNames:
        """The term of every column, hashed columns named by the terms ``texts`` put there."""
        return TermNames(self, texts)

    def hashed_names(self, texts: Sequence[str]) -> dict[int, str]:
        """The hashed columns of ``texts`` and a term of theirs in each (the first one met:
        within a few texts, two terms rarely share a column)."""
        named: dict[int, str] = {}
        for text in texts if self.hashed else ():
            terms = char_grams(text, self.chars) if self.chars else analyze(text, self.bigrams)
            for term in dict.fromkeys(terms):  # each once, in the text's order
                if term not in self.vocabulary and term not in self.common:
                    named.setdefault(self._hashed_column(term), term)
        return named

    def _hashed_column(self, term: str) -> int:
        if self.chars:
            return len(self.vocabulary) + bucket_of(term, self.chars, self.hashed)
        return len(self.vocabulary) + word_bucket(term, self.hashed)


class TermNames:
    """The terms of a lexicon's columns: its vocabulary's, then hashed ones named from
    texts, once one is asked for (an unnamed column is "", which nothing shows)."""

    def __init__(self, lexicon: Lexicon, texts: Sequence[str]) -> None:
        self.lexicon, self.texts = lexicon, texts
        self._hashed: dict[int, str] | None = None

    def __getitem__(self, column: int, /) -> str:
        if column < len(self.lexicon.vocabulary):
            return self.lexicon.terms[column]
        if self._hashed is None:
            self._hashed = self.lexicon.hashed_names(self.texts)
        return self._hashed.get(int(column), "")


def word_bucket(term: str, hashed: int) -> int:
    """The hashed column (0 to ``hashed`` - 1) of a word or bigram: stable across processes
    (Python's own ``hash`` of a string is not)."""
    return zlib.crc32(term.encode()) % hashed


def count_matrix(
    docs: Sequence[Sequence[str]],
    vocabulary: dict[str, int],
    hashed: int = 0,
    common: frozenset[str] = frozenset(),
) -> sp.csr_matrix:
    """A documents x columns matrix of term counts: the vocabulary's, then ``hashed``
    columns for the other terms, ``common`` ones left out (no hashed columns: dropped)."""
    indptr: list[int] = [0]
    indices: list[int] = []
    data: list[int] = []
    width = len(vocabulary)
    for doc in docs:
        counted: Counter[int] = Counter()
        for term in doc:
            column = vocabulary.get(term)
            if column is not None:
                counted[column] += 1
            elif hashed and term not in common:
                counted[width + word_bucket(term, hashed)] += 1
        indices.extend(counted.keys())
        data.extend(counted.values())
        indptr.append(len(indices))
    shape = (len(docs), width + hashed)
    matrix = sp.csr_matrix((np.array(data, np.float32), indices, indptr), shape=shape)
    matrix.sort_indices()
    return matrix


def fit_lexicon(
    texts: Iterable[str], *, min_df: int = 1, max_df: float = 0.5, bigrams: bool = True
) -> Lexicon:
    """Fit vocabulary and smoothed IDF (``ln((1+n)/(1+df)) + 1``) on a background corpus.

    Terms in fewer than ``min_df`` documents or in more than ``max_df`` of them are dropped
    (a bigram must reach ``max(min_df, 2)`` to keep the vocabulary small).
    """
    docs = (analyze(text, bigrams) for text in texts)
    return _lexicon_with_rows(docs, min_df=min_df, max_df=max_df, bigrams=bigrams, chars=0)[0]


def fit_lexicon_with_rows(
    texts: Sequence[str], *, max_df: float = 0.5, bigrams: bool = True, hashed: int = 0
) -> tuple[Lexicon, sp.csr_matrix]:
    """:func:`fit_lexicon` plus the TF-IDF rows of the same texts, each text analyzed once
    (a background of tens of thousands of papers would not fit the analysis memo); with
    ``hashed`` columns for the terms the vocabulary leaves out (see :class:`Lexicon`)."""
    docs = (analyze_once(text, bigrams) for text in texts)  # not through the memo
    return _lexicon_with_rows(
        docs, min_df=1, max_df=max_df, bigrams=bigrams, chars=0, hashed=hashed
    )


def fit_char_lexicon_with_rows(
    texts: Sequence[str], n: int = 4, *, min_df: int = 2, hashed: int = 0
) -> tuple[Lexicon, sp.csr_matrix]:
    """A lexicon of the character ``n``-grams within words (lower-cased, a word padded with
    a space each side) found in at least ``min_df`` of the ``texts``, and the texts' rows
    (with ``hashed`` columns for the rarer grams, see :class:`Lexicon`)."""
    terms, doc_freq, counts = fit_grams(texts, n, min_df=min_df, max_df=1.0, hashed=hashed)
    idf = _idf(np.r_[doc_freq, np.zeros(hashed, np.int64)], len(texts))
    lexicon = Lexicon({t: i for i, t in enumerate(terms)}, idf, False, n, hashed)
    return lexicon, tfidf_rows(counts, lexicon.idf, in_place=True)


def _lexicon_with_rows(
    docs: Iterable[Sequence[str]],
    *,
    min_df: int,
    max_df: float,
    bigrams: bool,
    chars: int,
    hashed: int = 0,
) -> tuple[Lexicon, sp.csr_matrix]:
    vocabulary, doc_freq, counts, common = _fit_counts(
        docs, min_df=min_df, max_df=max_df, hashed=hashed
    )
    idf = _idf(np.r_[doc_freq, np.zeros(hashed, np.int64)], counts.shape[0])
    lexicon = Lexicon(vocabulary, idf, bigrams, chars, hashed, common)
    return lexicon, tfidf_rows(counts, lexicon.idf, in_place=True)


def _idf(doc_freq: np.ndarray, n_docs: int) -> np.ndarray:
    """Smoothed IDF, ``ln((1 + n) / (1 + df)) + 1``."""
    return (np.log((1.0 + n_docs) / (1.0 + doc_freq)) + 1.0).astype(np.float32)


def _fit_counts(
    docs: Iterable[Sequence[str]], *, min_df: int, max_df: float, hashed: int = 0
) -> tuple[dict[str, int], np.ndarray, sp.csr_matrix, frozenset[str]]:
    """The kept terms of ``docs`` (see :func:`_kept_terms`) with their document
    frequencies, the docs' term counts over them (and over ``hashed`` columns for the
    rarer terms), and the terms left out for being too common."""
    ids_of, ids, values, sizes = _term_ids(docs)
    doc_freq = np.bincount(ids, minlength=len(ids_of))
    kept = _kept_terms(((t, doc_freq[i]) for t, i in ids_of.items()), len(sizes), min_df, max_df)
    old_id = np.array([ids_of[t] for t in kept], dtype=np.int64)
    too_common = doc_freq > _ceiling(len(sizes), max_df)
    common = frozenset(t for t, i in ids_of.items() if too_common[i])
    new_col = np.full(len(doc_freq), -1, dtype=np.int32)
    new_col[old_id] = np.arange(len(kept), dtype=np.int32)
    if hashed:
        rare = np.flatnonzero((new_col < 0) & ~too_common)
        every_term = list(ids_of)  # in id order: ids were given as terms were first met
        new_col[rare] = [len(kept) + word_bucket(every_term[i], hashed) for i in rare]
        del every_term
    del ids_of
    columns = new_col[ids]
    del ids
    keep = columns >= 0
    lengths = np.zeros(len(sizes), dtype=np.int64)
    if keep.size:
        starts = np.r_[0, np.cumsum(sizes)[:-1]]
        lengths[sizes > 0] = np.add.reduceat(keep, starts[sizes > 0], dtype=np.int64)
    columns, values = columns[keep], values[keep]
    indptr = np.r_[0, np.cumsum(lengths)]
    counts = sp.csr_matrix((values, columns, indptr), shape=(len(sizes), len(kept) + hashed))
    counts.sum_duplicates()  # two rare terms of a doc may share a hashed column
    counts.sort_indices()
    return {t: i for i, t in enumerate(kept)}, doc_freq[old_id], counts, common


def _term_ids(
    docs: Iterable[Sequence[str]],
) -> tuple[dict[str, int], np.ndarray, np.ndarray, np.ndarray]:
    """Every term of ``docs`` numbered; each doc's distinct term ids and their counts, all
    docs end to end, and the number of distinct terms of each doc.

    Each doc becomes numbers as it is analyzed: 21k analyzed abstracts held as strings took
    ~300 MB, and scikit-learn's counter ~400 MB for their character n-grams."""
    ids_of: dict[str, int] = {}
    id_rows, count_rows = [], []
    for doc in docs:
        counted = Counter(doc)
        id_rows.append(np.fromiter((ids_of.setdefault(t, len(ids_of)) for t in counted), np.int32))
        count_rows.append(np.fromiter(counted.values(), np.float32, len(counted)))
    sizes = np.array([len(row) for row in id_rows], dtype=np.int64)
    ids = np.concatenate([np.zeros(0, np.int32), *id_rows])
    del id_rows
    values = np.concatenate([np.zeros(0, np.float32), *count_rows])
    return ids_of, ids, values, sizes


def _kept_terms(
    doc_freqs: Iterable[tuple[str, Any]], n_docs: int, min_df: int, max_df: float
) -> list[str]:
    """Terms in at least ``min_df`` docs (a bigram at least 2) and at most ``max_df`` of
    them, sorted."""
    ceiling = _ceiling(n_docs, max_df)
    return sorted(
        t for t, df in doc_freqs if df <= ceiling and df >= (max(min_df, 2) if " " in t else min_df)
    )


def _ceiling(n_docs: int, max_df: float) -> float:
    """The most documents a kept term may be in (no ceiling on a corpus of ten or fewer)."""
    return max_df * n_docs if n_docs > 10 else n_docs


def tfidf_rows(counts: sp.csr_matrix, idf: np.ndarray, *, in_place: bool = False) -> sp.csr_matrix:
    """Sublinear tf (``1 + ln tf``) times IDF, each row scaled to unit length.

    Computed on the data array, a block at a time: scipy's copy-multiply-scale chain held
    three copies of the matrix at once, and whole-array temporaries one more (~50 MB for
    a 20k history's character rows). ``in_place`` reuses the arrays of ``counts``, which
    the caller gives up.
    """
    rows = sp.csr_matrix(counts, copy=not in_place)
    data = rows.data.astype(np.float32, copy=False)
    idf = idf.astype(np.float32)
    for start in range(0, len(data), _BLOCK_VALUES):
        block = data[start : start + _BLOCK_VALUES]
        np.log(block, out=block)
        block += 1.0
        block *= idf[rows.indices[start : start + _BLOCK_VALUES]]
    rows.data = data
    return normalize_sparse(rows, in_place=True)


def normalize_sparse(matrix: sp.csr_matrix, *, in_place: bool = False) -> sp.csr_matrix:
    """Rows scaled to unit L2 length (empty rows stay empty), as float32; ``in_place``
    scales the data array of ``matrix`` itself when it is already float32."""
    rows = sp.csr_matrix(matrix, copy=not in_place)
    data = rows.data.astype(np.float32, copy=False)
    for first in range(0, rows.shape[0], _BLOCK_ROWS):
        starts = rows.indptr[first : first + _BLOCK_ROWS + 1]
        block = data[starts[0] : starts[-1]]
        lengths = np.diff(starts)
        squares = np.zeros(len(lengths), dtype=np.float32)
        if block.size:
            filled = lengths > 0
            squares[filled] = np.add.reduceat(block * block, (starts[:-1] - starts[0])[filled])
        block *= np.repeat((1.0 / np.maximum(np.sqrt(squares), 1e-12)).astype(np.float32), lengths)
    rows.data = data
    return rows


def cosine(a: sp.spmatrix, b: sp.spmatrix) -> np.ndarray:
    """Dense matrix of cosines between the rows of ``a`` and of ``b`` (both L2-normalized)."""
    return np.asarray((a @ b.T).todense(), dtype=np.float32)


def top_terms(
    columns: np.ndarray, contributions: np.ndarray, terms: Terms, k: int = 5
) -> list[str]:
    """The ``k`` terms of ``columns`` with the largest ``contributions`` (to a cosine, say),
    best first; zero contributions and unnamed columns are never chosen.

    A bigram counts double (it stands for two words); a term sharing a word with one already
    chosen is skipped, so "language model" does not come with "language" and "model" again.
    """
    keep = contributions > 0
    columns, contributions = columns[keep], contributions[keep]
    words = [len(terms[col].split()) for col in columns]
    order = np.argsort(-contributions * np.array(words), kind="stable")
    chosen: list[str] = []
    for col in columns[order]:
        term = terms[col]
        if not term or is_boilerplate(term):
            continue
        if any(set(term.split()) & set(c.split()) for c in chosen):
            continue
        chosen.append(term)
        if len(chosen) == k:
            break
    return chosen
