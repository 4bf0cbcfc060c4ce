"""Character n-grams within words, counted with array operations.

A text's grams are those of scikit-learn's ``char_wb`` analyzer (:func:`char_grams`):
lower-cased words, each padded with a space on both sides, cut into every run of ``n``
characters (a padded word shorter than ``n`` is one gram). For speed, an ASCII text is
handled as bytes: each gram becomes one integer (its ``n`` bytes), found for all texts at
once; other texts and short words go through :func:`char_grams`. Counting 20,000 abstracts
this way takes a second or two instead of half a minute.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

#: Gram ids from here on stand for grams held as strings (below: an ASCII gram's bytes).
_STRING_IDS = np.uint64(1 << 32)
_MAX_N = 4
#: Bits of the text index in a (gram, text) sort key.
_DOC_BITS = np.uint64(31)
#: Characters of text counted at once when fitting (the gram arrays take ~60 bytes each):
#: larger chunks while finding document frequencies (each chunk's distinct grams are kept
#: until all are merged), smaller ones while counting into the matrix (which is held).
_FREQ_CHUNK_CHARS = 1 << 20
_COUNT_CHUNK_CHARS = 1 << 18
#: Fibonacci hashing of an ASCII gram's id into the hashed columns (see :func:`buckets`).
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def char_grams(text: str, n: int) -> list[str]:
    """The character ``n``-grams within the words of ``text``, as ``char_wb`` makes them."""
    grams: list[str] = []
    for word in text.lower().split():
        padded = f" {word} "
        if len(padded) <= n:
            grams.append(padded)
        else:
            grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


class GramIds:
    """Ids of grams: an ASCII gram of ``n`` characters is its bytes as one integer; any other
    gram gets an id of its own from ``_STRING_IDS`` on."""

    def __init__(self, n: int) -> None:
        if not 2 <= n <= _MAX_N:
            raise ValueError(f"character n-grams of length 2 to {_MAX_N}, not {n}")
        self.n = n
        self.strings: dict[str, int] = {}

    def of_string(self, gram: str) -> int:
        if len(gram) == self.n and gram.isascii():
            return int.from_bytes(gram.encode("ascii"), "big")
        return int(_STRING_IDS) + self.strings.setdefault(gram, len(self.strings))

    def term(self, gram_id: int) -> str:
        """The gram an id stands for."""
        if gram_id >= _STRING_IDS:
            if not hasattr(self, "_by_id"):
                self._by_id = {i: s for s, i in self.strings.items()}
            return self._by_id[gram_id - int(_STRING_IDS)]
        return gram_id.to_bytes(self.n, "big").decode("ascii")

    def of_texts(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(text index, gram id) of every gram occurrence in ``texts``."""
        fast = [i for i, t in enumerate(texts) if t.isascii()]
        if len(texts) >= 1 << int(_DOC_BITS):
            raise ValueError(f"at most {1 << int(_DOC_BITS)} texts at once")
        docs, ids = self._ascii(fast, [texts[i] for i in fast])
        slow_docs: list[int] = []
        slow_ids: list[int] = []
        fast_set = set(fast)
        for index, text in enumerate(texts):
            if index in fast_set:
                grams = [f" {w} " for w in text.lower().split() if len(w) + 2 < self.n]
            else:
                grams = char_grams(text, self.n)
            slow_ids.extend(self.of_string(g) for g in grams)
            slow_docs.extend([index] * len(grams))
        all_docs = np.concatenate([docs, np.array(slow_docs, dtype=np.int64)])
        all_ids = np.concatenate([ids, np.array(slow_ids, dtype=np.uint64)])
        return all_docs, all_ids

    def _ascii(self, indices: Sequence[int], texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Grams of ASCII texts of ``n`` characters, all texts at once: padded words are
        joined with two spaces, and a window holding two spaces crosses a word boundary."""
        n = self.n
        padded = [" " + "  ".join(t.lower().split()) + " " for t in texts]
        if not padded:
            return np.zeros(0, np.int64), np.zeros(0, np.uint64)
        data = np.frombuffer("".join(padded).encode("ascii"), np.uint8)
        if len(data) < n:
            return np.zeros(0, np.int64), np.zeros(0, np.uint64)
        width = len(data) - n + 1
        codes = data[:width].astype(np.uint64)
        for column in range(1, n):  # in place: no temporary arrays of 8 bytes a character
            codes <<= np.uint64(8)
            codes |= data[column : column + width]
        space = data == ord(" ")
        boundary = np.r_[0, np.cumsum(space[:-1] & space[1:])]  # boundaries before k
        crossing = boundary[n - 1 : n - 1 + width] - boundary[:width]  # at k in [i, i+n-2]
        lengths = np.array([len(p) for p in padded], dtype=np.int64)
        doc = np.repeat(np.asarray(indices, dtype=np.int64), lengths)[:width]
        valid = crossing == 0
        return doc[valid], codes[valid]


def buckets(ids: GramIds, grams: np.ndarray, hashed: int) -> np.ndarray:
    """The hashed column (0 to ``hashed`` - 1) of each gram id: stable across processes, so
    a gram no vocabulary holds lands in the same column in every text and every run."""
    ascii_grams = grams < _STRING_IDS
    out = np.empty(len(grams), dtype=np.int64)
    with np.errstate(over="ignore"):
        mixed = (grams[ascii_grams] * _GOLDEN) >> np.uint64(32)
    out[ascii_grams] = (mixed % np.uint64(hashed)).astype(np.int64)
    for at in np.flatnonzero(~ascii_grams):
        out[at] = zlib.crc32(ids.term(int(grams[at])).encode()) % hashed
    return out


def bucket_of(gram: str, n: int, hashed: int) -> int:
    """The hashed column of one gram, as :func:`buckets` finds it in a text."""
    ids = GramIds(n)
    return int(buckets(ids, np.array([ids.of_string(gram)], dtype=np.uint64), hashed)[0])


def _count_rows(docs: np.ndarray, columns: np.ndarray, shape: tuple[int, int]) -> sp.csr_matrix:
    """A CSR matrix of how often each (doc, column) pair occurs."""
    ones = np.ones(len(docs), dtype=np.float32)
    matrix = sp.csr_matrix((ones, (docs, columns)), shape=shape)
    matrix.sum_duplicates()
    matrix.sort_indices()
    return matrix


def _runs(ordered: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of a sorted array and how often each occurs."""
    if not len(ordered):
        return ordered, np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    return ordered[starts], np.diff(np.r_[starts, len(ordered)])


def fit_grams(
    texts: Sequence[str], n: int, *, min_df: int, max_df: float, hashed: int = 0
) -> tuple[list[str], np.ndarray, sp.csr_matrix]:
    """The grams of ``texts`` in at least ``min_df`` and at most ``max_df`` of them (sorted),
    their document frequencies, and the texts' counts over them (with ``hashed``, the rarer
    grams counted in that many hashed columns after the kept ones; see :func:`buckets`).

    Two passes over chunks of the texts (:func:`_chunks`): the first finds the document
    frequencies, the second writes the counts of the kept grams straight into the matrix's
    arrays. All 20,000 abstracts of a history at once took ~1.6 GB of gram arrays."""
    ids = GramIds(n)
    unique, doc_freq = _doc_freqs(ids, texts, _chunks(texts, _FREQ_CHUNK_CHARS))
    ceiling = max_df * len(texts) if len(texts) > 10 else len(texts)
    kept = (doc_freq >= min_df) & (doc_freq <= ceiling)
    terms = [ids.term(int(g)) for g in unique[kept]]
    order = sorted(range(len(terms)), key=terms.__getitem__)
    column = np.full(len(unique), -1, dtype=np.int64)
    column[np.flatnonzero(kept)[order]] = np.arange(len(order))
    if hashed:
        rare = doc_freq < min_df
        column[rare] = len(order) + buckets(ids, unique[rare], hashed)
    nnz = int(doc_freq[column >= 0].sum())
    chunks = _chunks(texts, _COUNT_CHUNK_CHARS)
    counts = _kept_counts(ids, texts, chunks, (unique, column), (len(order) + hashed, nnz))
    return [terms[i] for i in order], doc_freq[kept][order], counts


def _chunks(texts: Sequence[str], chars: int) -> list[tuple[int, int]]:
    """Ranges of ``texts`` of about ``chars`` characters each."""
    bounds: list[tuple[int, int]] = []
    start, size = 0, 0
    for index, text in enumerate(texts):
        size += len(text)
        if size >= chars:
            bounds.append((start, index + 1))
            start, size = index + 1, 0
    if start < len(texts):
        bounds.append((start, len(texts)))
    return bounds


def _pairs(ids: GramIds, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct (gram, text) pairs of ``texts``, sorted by gram then text: their grams,
    text indices and counts (one sort of (gram, text) keys)."""
    docs, grams = ids.of_texts(texts)
    grams <<= _DOC_BITS
    grams |= docs.astype(np.uint64)
    del docs
    grams.sort()
    pairs, counts = _runs(grams)
    docs = (pairs & ((np.uint64(1) << _DOC_BITS) - np.uint64(1))).astype(np.int64)
    return pairs >> _DOC_BITS, docs, counts


def _doc_freqs(
    ids: GramIds, texts: Sequence[str], chunks: Sequence[tuple[int, int]]
) -> tuple[np.ndarray, np.ndarray]:
    """Every gram of ``texts`` (sorted) and the number of texts it is in."""
    grams, freqs = [np.zeros(0, np.uint64)], [np.zeros(0, np.int64)]
    for start, end in chunks:
        unique, freq = _runs(_pairs(ids, texts[start:end])[0])
        grams.append(unique)
        freqs.append(freq)
    all_grams = np.concatenate(grams)
    order = np.argsort(all_grams, kind="stable")
    all_grams, all_freqs = all_grams[order], np.concatenate(freqs)[order]
    if not len(all_grams):
        return all_grams, all_freqs
    starts = np.flatnonzero(np.r_[True, all_grams[1:] != all_grams[:-1]])
    return all_grams[starts], np.add.reduceat(all_freqs, starts)


def _kept_counts(
    ids: GramIds,
    texts: Sequence[str],
    chunks: Sequence[tuple[int, int]],
    columns: tuple[np.ndarray, np.ndarray],
    size: tuple[int, int],
) -> sp.csr_matrix:
    """The counts of ``texts`` over the kept grams: ``columns`` maps each gram (sorted) to
    its column (-1: not kept); ``size`` is (kept grams, nonzeros)."""
    unique, column = columns
    width, nnz = size
    data = np.zeros(nnz, dtype=np.float32)
    indices = np.zeros(nnz, dtype=np.int32)
    lengths = np.zeros(len(texts), dtype=np.int64)
    at = 0
    for start, end in chunks:
        grams, docs, counts = _pairs(ids, texts[start:end])
        cols = column[np.searchsorted(unique, grams)]
        found = cols >= 0
        docs, cols, counts = docs[found], cols[found], counts[found]
        order = np.lexsort((cols, docs))  # row by row, columns ascending
        data[at : at + len(order)] = counts[order]
        indices[at : at + len(order)] = cols[order]
        lengths[start:end] = np.bincount(docs, minlength=end - start)
        at += len(order)
    indptr = np.r_[0, np.cumsum(lengths)]
    matrix = sp.csr_matrix((data, indices, indptr), shape=(len(texts), width))
    matrix.sum_duplicates()  # two rare grams of a text may share a hashed column
    matrix.sort_indices()
    return matrix


def count_grams(
    texts: Sequence[str], n: int, vocabulary: dict[str, int], hashed: int = 0
) -> sp.csr_matrix:
    """Counts of the grams of ``texts`` over ``vocabulary``; unknown grams are dropped, or
    with ``hashed`` counted in that many hashed columns after it (see :func:`buckets`)."""
    ids = GramIds(n)
    known = np.array([ids.of_string(t) for t in vocabulary], dtype=np.uint64)
    columns = np.fromiter(vocabulary.values(), dtype=np.int64, count=len(vocabulary))
    order = np.argsort(known)
    known, columns = known[order], columns[order]
    docs, grams = ids.of_texts(texts)
    shape = (len(texts), len(vocabulary) + hashed)
    at = np.minimum(np.searchsorted(known, grams), max(len(known) - 1, 0))
    found = known[at] == grams if len(known) else np.zeros(len(grams), dtype=bool)
    cols = np.full(len(grams), -1, dtype=np.int64)
    cols[found] = columns[at[found]]
    if hashed:
        cols[~found] = len(vocabulary) + buckets(ids, grams[~found], hashed)
    kept = cols >= 0
    return _count_rows(docs[kept], cols[kept], shape)
