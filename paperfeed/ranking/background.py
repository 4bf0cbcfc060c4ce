"""The background: the field's papers every user's models learn against and every signal is
calibrated on.

It is the history of earlier listings (the store's newest papers, or what a library caller
passes), split at random into the negatives of the models and a held-out sample on which
each user's signals are measured once, at training time. Without enough history, the
background that ships with the package is used (``background_data``): a sample of the arXiv
CS snapshot with its feature space, built by ``scripts/build_background.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import scipy.sparse as sp

from paperfeed.ranking.candidates import Encoded
from paperfeed.ranking.settings import RankingSettings
from paperfeed.ranking.space import FeatureSpace, csr_arrays, csr_from

EmbedTexts = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True, eq=False)
class Background:
    """Negatives of the SVMs (word and character rows) and of the dense model (vectors), and
    the held-out papers the signals are calibrated on; all in ``space``."""

    space: FeatureSpace
    word_rows: sp.csr_matrix
    char_rows: sp.csr_matrix
    vectors: np.ndarray
    held_out: Encoded

    def write(self, file: BinaryIO) -> None:
        """The background as npz into ``file`` (its space is stored on its own): written as
        it goes, where bytes in memory held ~200 MB more at a new install's first digest."""
        arrays = {
            "space": np.frombuffer(self.space.key.encode(), np.uint8),
            "vectors": self.vectors,
            "held_vectors": self.held_out.vectors,
        }
        arrays |= csr_arrays(self.word_rows, "words") | csr_arrays(self.char_rows, "chars")
        arrays |= csr_arrays(self.held_out.words, "held_words")
        arrays |= csr_arrays(self.held_out.chars, "held_chars")
        np.savez(file, **arrays)  # type: ignore[arg-type]  # (numpy types **kwds as bool)

    @classmethod
    def read(cls, file: BinaryIO, space: FeatureSpace) -> Background:
        """The inverse of :meth:`write`, in ``space`` (which must be the one it was in)."""
        with np.load(file, allow_pickle=False) as arrays:
            if arrays["space"].tobytes().decode() != space.key:
                raise ValueError("this background belongs to another feature space")
            held = Encoded(
                arrays["held_vectors"],
                csr_from(arrays, "held_words"),
                csr_from(arrays, "held_chars"),
            )
            return cls(
                space, csr_from(arrays, "words"), csr_from(arrays, "chars"), arrays["vectors"], held
            )


def split_history(n: int, settings: RankingSettings) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the held-out papers and of the dense model's negatives among ``n`` history
    papers: a fixed random split, disjoint, the held-out ones never negatives."""
    order = np.random.default_rng(0).permutation(n)
    held = min(settings.calibration_papers, n // 2)
    dense = order[held : held + settings.background_vectors]
    return np.sort(order[:held]), np.sort(dense)


def sample_texts(texts: Sequence[str], settings: RankingSettings) -> list[str]:
    """The history ``texts`` a background built from them embeds: the held-out papers and
    the dense model's negatives (see :func:`split_history`)."""
    held, dense = split_history(len(texts), settings)
    return [texts[i] for i in (*held, *dense)]


def background_from_history(
    space: FeatureSpace,
    word_rows: sp.csr_matrix,
    char_rows: sp.csr_matrix,
    texts: Sequence[str],
    embed_texts: EmbedTexts,
    settings: RankingSettings,
    *,
    in_place: bool = False,
) -> Background:
    """The background of history ``texts`` whose rows in ``space`` are given (rows match).

    ``in_place``: the negatives keep the arrays of the given rows, which the caller gives
    up (a history's rows are ~130 MB; a copy of them stayed while the model embedded)."""
    held, _ = split_history(len(texts), settings)
    negative = np.ones(len(texts), dtype=bool)
    negative[held] = False
    held_words, held_chars = word_rows[held], char_rows[held]
    word_rows = kept_rows(word_rows, negative, in_place=in_place)
    char_rows = kept_rows(char_rows, negative, in_place=in_place)
    vectors = embed_texts(sample_texts(texts, settings))  # held-out, then dense negatives
    held_out = Encoded(vectors[: len(held)], held_words, held_chars)
    return Background(space, word_rows, char_rows, vectors[len(held) :], held_out)


def kept_rows(matrix: sp.csr_matrix, keep: np.ndarray, *, in_place: bool) -> sp.csr_matrix:
    """The rows of ``matrix`` where ``keep`` is true; ``in_place`` moves each run of them
    down within the arrays of ``matrix`` (which the caller gives up) instead of copying."""
    if not in_place:
        return matrix[keep]
    indptr = matrix.indptr
    edges = np.flatnonzero(np.diff(np.r_[False, keep, False].astype(np.int8)))
    at = 0
    for first, last in zip(edges[::2], edges[1::2], strict=True):  # runs [first, last)
        start, end = indptr[first], indptr[last]
        matrix.data[at : at + end - start] = matrix.data[start:end]
        matrix.indices[at : at + end - start] = matrix.indices[start:end]
        at += end - start
    lengths = np.diff(indptr)[keep]
    new_indptr = np.r_[0, np.cumsum(lengths)].astype(indptr.dtype)
    shape = (len(lengths), matrix.shape[1])
    return sp.csr_matrix((matrix.data[:at], matrix.indices[:at], new_indptr), shape=shape)
