"""The feature space: word and character TF-IDF vocabularies and IDF, fitted rarely, kept.

A space is fitted on a history of earlier listings (or ships with the package, see
``background``); a day's candidates are only transformed into it, never refitted, so a
paper's rows do not depend on which other papers come with it. A space is known by its
``key``, the hash of what it was fitted on; models trained in it carry that key.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from paperfeed import lexical, memory
from paperfeed.embed import Progress, unheard
from paperfeed.ranking.settings import RankingSettings


@dataclass(frozen=True, eq=False)
class FeatureSpace:
    """Word (unigrams and bigrams) and character n-gram lexicons under one key."""

    words: lexical.Lexicon
    chars: lexical.Lexicon
    key: str

    def transform(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """TF-IDF rows of ``texts`` in this space: (word rows, character rows)."""
        return self.words.tfidf(texts), self.chars.tfidf(texts)

    def to_bytes(self) -> bytes:
        """The space as npz bytes (plain arrays: no pickle)."""
        arrays: dict[str, np.ndarray] = {"key": np.frombuffer(self.key.encode(), np.uint8)}
        for prefix, lexicon in (("words_", self.words), ("chars_", self.chars)):
            arrays |= lexicon_arrays(lexicon, prefix)
        return npz_bytes(arrays)

    @classmethod
    def from_bytes(cls, data: bytes) -> FeatureSpace:
        """The inverse of :meth:`to_bytes`."""
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            key = arrays["key"].tobytes().decode()
            return cls(lexicon_from(arrays, "words_"), lexicon_from(arrays, "chars_"), key)


def space_key(texts: Sequence[str], settings: RankingSettings) -> str:
    """The key of the space fitted on ``texts`` under ``settings``."""
    digest = hashlib.sha1(
        f"space-v2;{settings.word_max_df};{settings.char_n};{settings.char_min_df};"
        f"{settings.word_hashed};{settings.char_hashed}".encode()
    )
    for text in texts:
        digest.update(text.encode())
        digest.update(b"\x00")
    return digest.hexdigest()


#: The stage a space's fit reports: first the word terms (~6 s on a 20k history), then the
#: character 4-grams (~5 s).
FITTING = "fitting the feature space"


def fit_space(
    texts: Sequence[str], settings: RankingSettings, progress: Progress | None = None
) -> tuple[FeatureSpace, sp.csr_matrix, sp.csr_matrix]:
    """The space fitted on ``texts``, and the texts' word and character rows in it
    (``progress`` hears of the two fits as the steps of :data:`FITTING`)."""
    told = progress or unheard
    told(0, 2, FITTING)
    words, word_rows = lexical.fit_lexicon_with_rows(
        texts, max_df=settings.word_max_df, hashed=settings.word_hashed
    )
    told(1, 2, FITTING)
    memory.release()  # the word fit's leftovers (~40 MB) would sit under the character fit
    chars, char_rows = lexical.fit_char_lexicon_with_rows(
        texts, settings.char_n, min_df=settings.char_min_df, hashed=settings.char_hashed
    )
    told(2, 2, FITTING)
    return FeatureSpace(words, chars, space_key(texts, settings)), word_rows, char_rows


def lexicon_arrays(lexicon: lexical.Lexicon, prefix: str) -> dict[str, np.ndarray]:
    """A lexicon as named arrays (terms as newline-joined UTF-8 bytes; the hashed columns'
    IDF, all one value, once)."""
    return {
        f"{prefix}terms": np.frombuffer("\n".join(lexicon.terms).encode(), np.uint8),
        f"{prefix}common": np.frombuffer("\n".join(sorted(lexicon.common)).encode(), np.uint8),
        f"{prefix}idf": lexicon.idf[: len(lexicon.vocabulary) + min(lexicon.hashed, 1)],
        f"{prefix}kind": np.array([lexicon.bigrams, lexicon.chars, lexicon.hashed]),
    }


def lexicon_from(arrays: Any, prefix: str) -> lexical.Lexicon:
    """The inverse of :func:`lexicon_arrays` (a space stored before hashed columns has none)."""
    terms = _lines(arrays[f"{prefix}terms"])
    common = _lines(arrays[f"{prefix}common"]) if f"{prefix}common" in arrays else []
    kind = [int(v) for v in arrays[f"{prefix}kind"]] + [0]  # before hashing: two entries
    bigrams, chars, hashed = kind[:3]
    idf = arrays[f"{prefix}idf"]
    if hashed:
        idf = np.r_[idf[:-1], np.full(hashed, idf[-1], dtype=idf.dtype)]
    vocabulary = {t: i for i, t in enumerate(terms)}
    return lexical.Lexicon(vocabulary, idf, bool(bigrams), chars, hashed, frozenset(common))


def _lines(array: np.ndarray) -> list[str]:
    text = array.tobytes().decode()
    return text.split("\n") if text else []


def csr_arrays(matrix: sp.csr_matrix, name: str) -> dict[str, np.ndarray]:
    """A CSR matrix as named arrays."""
    return {
        f"{name}_data": matrix.data,
        f"{name}_indices": matrix.indices,
        f"{name}_indptr": matrix.indptr,
        f"{name}_shape": np.array(matrix.shape),
    }


def csr_from(arrays: Any, name: str) -> sp.csr_matrix:
    """The inverse of :func:`csr_arrays`."""
    parts = (arrays[f"{name}_{part}"] for part in ("data", "indices", "indptr"))
    return sp.csr_matrix(tuple(parts), shape=tuple(arrays[f"{name}_shape"]))


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """Named arrays as npz bytes."""
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]  # (numpy types **kwds as bool)
    return buffer.getvalue()
