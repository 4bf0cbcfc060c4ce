"""Character n-grams within words, counted with array operations.

A text's grams are those of scikit-learn's ``char_wb`` analyzer (:func:`char_grams`):
lower-cased words, each padded with a space on both sides, cut into every run of ``n``
characters (a padded word shorter than ``n`` is one gram). For speed, an ASCII text is
handled as bytes: each gram becomes one integer (its ``n`` bytes), found for all texts at
once; other texts and short words go through :func:`char_grams`. Counting 20,000 abstracts
this way takes a second or two instead of half a minute.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

#: Gram ids from here on stand for grams held as strings (below: an ASCII gram's bytes).
_STRING_IDS = np.uint64(1 << 32)
_MAX_N = 4
#: Bits of the text index in a (gram, text) sort key.
_DOC_BITS = np.uint64(31)


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
        wide = data.astype(np.uint64)
        codes = np.zeros(width, dtype=np.uint64)
        for column in range(n):
            codes = (codes << np.uint64(8)) | wide[column : column + width]
        space = data == ord(" ")
        boundary = np.r_[0, np.cumsum(space[:-1] & space[1:])]  # boundaries before k
        crossing = boundary[n - 1 : n - 1 + width] - boundary[:width]  # at k in [i, i+n-2]
        lengths = np.array([len(p) for p in padded], dtype=np.int64)
        doc = np.repeat(np.asarray(indices, dtype=np.int64), lengths)[:width]
        valid = crossing == 0
        return doc[valid], codes[valid]


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
    texts: Sequence[str], n: int, *, min_df: int, max_df: float
) -> tuple[list[str], np.ndarray, sp.csr_matrix]:
    """The grams of ``texts`` in at least ``min_df`` and at most ``max_df`` of them (sorted),
    their document frequencies, and the texts' counts over them.

    One sort of (gram, text) keys gives both: its runs are the (gram, text) pairs with their
    counts, and the runs of their grams the document frequencies."""
    ids = GramIds(n)
    docs, grams = ids.of_texts(texts)
    pairs, pair_counts = _runs(np.sort((grams << _DOC_BITS) | docs.astype(np.uint64)))
    pair_grams = pairs >> _DOC_BITS
    unique, doc_freq = _runs(pair_grams)
    ceiling = max_df * len(texts) if len(texts) > 10 else len(texts)
    kept = (doc_freq >= min_df) & (doc_freq <= ceiling)
    terms = [ids.term(int(g)) for g in unique[kept]]
    order = sorted(range(len(terms)), key=terms.__getitem__)
    column = np.full(len(unique), -1, dtype=np.int64)
    column[np.flatnonzero(kept)[order]] = np.arange(len(order))
    columns = column[np.searchsorted(unique, pair_grams)]
    found = columns >= 0
    pair_docs = (pairs & ((np.uint64(1) << _DOC_BITS) - np.uint64(1))).astype(np.int64)
    counts = sp.csr_matrix(
        (pair_counts[found].astype(np.float32), (pair_docs[found], columns[found])),
        shape=(len(texts), len(order)),
    )
    counts.sort_indices()
    return [terms[i] for i in order], doc_freq[kept][order], counts


def count_grams(texts: Sequence[str], n: int, vocabulary: dict[str, int]) -> sp.csr_matrix:
    """Counts of the grams of ``texts`` over ``vocabulary`` (unknown grams dropped)."""
    ids = GramIds(n)
    known = np.array([ids.of_string(t) for t in vocabulary], dtype=np.uint64)
    columns = np.fromiter(vocabulary.values(), dtype=np.int64, count=len(vocabulary))
    order = np.argsort(known)
    known, columns = known[order], columns[order]
    docs, grams = ids.of_texts(texts)
    if not len(known):
        return sp.csr_matrix((len(texts), len(vocabulary)), dtype=np.float32)
    at = np.minimum(np.searchsorted(known, grams), len(known) - 1)
    found = known[at] == grams
    return _count_rows(docs[found], columns[at[found]], (len(texts), len(vocabulary)))
