"""A candidate list prepared once — vectors and TF-IDF rows — and shared by every profile.

An operator ranks one day's listing for many users: embedding lookups, content hashes and
the TF-IDF fit depend only on the candidates (and the history of earlier listings), so
they are done here once (``build_index``) and each user's ranking starts from the prepared
matrices. A fit with history is also kept in a ``LexiconStore`` (the store), so the next
process of the day reads it back instead of fitting it again.
"""

from __future__ import annotations

import hashlib
import io
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np
import scipy.sparse as sp

from paperfeed import lexical
from paperfeed.embed import EmbeddingCache
from paperfeed.ids import paper_text
from paperfeed.records import Paper

_Fitted = tuple[lexical.Lexicon, sp.csr_matrix, sp.csr_matrix]  # lexicon, rows, history rows
_Fits = tuple[_Fitted, _Fitted]  # words, character 4-grams
_LEXICONS: OrderedDict[str, _Fits] = OrderedDict()
_LEXICON_SLOTS = 4
#: Earlier listings (newest first) the day's TF-IDF is fitted on and the lexical model
#: learns against: about four weeks of arXiv CS. docs/relevance.md measures what it adds.
HISTORY_PAPERS = 20_000


@runtime_checkable
class LexiconStore(Protocol):
    """Where a fitted lexicon outlives the process, as bytes by key (the store has it)."""

    def get_lexicon(self, key: str) -> bytes | None: ...

    def put_lexicon(self, key: str, data: bytes, keep: int = 2) -> None: ...


@dataclass(frozen=True, slots=True, eq=False)
class CandidateIndex:
    """Candidates with their unit vectors (rows match) and TF-IDF rows under their lexicon,
    and the TF-IDF rows of the history (earlier listings) the lexicon was also fitted on;
    the same for character 4-grams (``char_*``)."""

    papers: tuple[Paper, ...]
    vectors: np.ndarray
    lexicon: lexical.Lexicon
    rows: sp.csr_matrix
    history_rows: sp.csr_matrix | None = None
    char_lexicon: lexical.Lexicon | None = None
    char_rows: sp.csr_matrix | None = None
    char_history_rows: sp.csr_matrix | None = None

    def __len__(self) -> int:
        return len(self.papers)


def texts_of(papers: Sequence[Paper]) -> list[str]:
    """The text of each paper as the models see it."""
    return [paper_text(p.title, p.abstract) for p in papers]


def candidate_lexicon(
    texts: Sequence[str], background: Sequence[str] = (), saved: LexiconStore | None = None
) -> _Fits:
    """Lexicons (words, character 4-grams) fitted on the candidate texts plus ``background``
    (earlier listings), each with the candidates' TF-IDF rows and the background's; cached
    per (candidates, background) in the process, and in ``saved`` when there is a background."""
    digest = hashlib.sha1(b"words+chars4\x01" + "\x00".join(texts).encode())
    digest.update(b"\x01" + "\x00".join(background).encode())
    key = digest.hexdigest()
    if key in _LEXICONS:
        _LEXICONS.move_to_end(key)
        return _LEXICONS[key]
    data = saved.get_lexicon(key) if saved is not None and background else None
    if data is not None:
        entry = fitted_from_bytes(data)
    else:
        entry = _fit_both([*background, *texts], len(background))
        if saved is not None and background:
            saved.put_lexicon(key, fitted_to_bytes(entry))
    _LEXICONS[key] = entry
    while len(_LEXICONS) > _LEXICON_SLOTS:
        _LEXICONS.popitem(last=False)
    return entry


def _fit_both(texts: Sequence[str], n_background: int) -> _Fits:
    """Word and character lexicons of ``texts``; their rows split into (candidates, history)."""
    words, word_rows = lexical.fit_lexicon_with_rows(texts)
    chars, char_rows = lexical.fit_char_lexicon_with_rows(texts)
    return (
        (words, word_rows[n_background:], word_rows[:n_background]),
        (chars, char_rows[n_background:], char_rows[:n_background]),
    )


def clear_lexicons() -> None:
    """Forget the fitted lexicons."""
    _LEXICONS.clear()


def build_index(
    papers: Sequence[Paper],
    cache: EmbeddingCache,
    background: Sequence[str] = (),
    saved: LexiconStore | None = None,
) -> CandidateIndex:
    """Embed (or look up) the candidates and fit the day's TF-IDF on them and ``background``
    (texts of earlier listings: with months of history, term rarity is judged better)."""
    vectors = cache.embed_papers(papers, progress=len(papers) > 2000)
    words, chars = candidate_lexicon(texts_of(papers), background, saved)
    return CandidateIndex(tuple(papers), vectors, *words, *chars)


def fitted_to_bytes(fits: _Fits) -> bytes:
    """Fitted lexicons and their rows as npz bytes (plain arrays: no pickle)."""
    arrays: dict[str, np.ndarray] = {}
    for prefix, (lexicon, rows, history_rows) in zip(_PREFIXES, fits, strict=True):
        arrays[f"{prefix}terms"] = np.frombuffer("\n".join(lexicon.terms).encode(), np.uint8)
        arrays[f"{prefix}idf"] = lexicon.idf
        arrays[f"{prefix}kind"] = np.array([lexicon.bigrams, lexicon.chars])
        for name, matrix in (("rows", rows), ("history", history_rows)):
            arrays |= {f"{prefix}{name}_{part}": getattr(matrix, part) for part in _CSR_PARTS}
            arrays[f"{prefix}{name}_shape"] = np.array(matrix.shape)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]  # (numpy types **kwds as bool)
    return buffer.getvalue()


def fitted_from_bytes(data: bytes) -> _Fits:
    """The inverse of :func:`fitted_to_bytes`."""
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        words, chars = (_fitted_from(arrays, prefix) for prefix in _PREFIXES)
    return words, chars


def _fitted_from(arrays: Any, prefix: str) -> _Fitted:
    text = arrays[f"{prefix}terms"].tobytes().decode()
    terms = text.split("\n") if text else []
    bigrams, chars = (int(v) for v in arrays[f"{prefix}kind"])
    lexicon = lexical.Lexicon(
        {t: i for i, t in enumerate(terms)}, arrays[f"{prefix}idf"], bool(bigrams), chars
    )
    rows, history = (
        sp.csr_matrix(
            tuple(arrays[f"{prefix}{name}_{part}"] for part in _CSR_PARTS),
            shape=tuple(arrays[f"{prefix}{name}_shape"]),
        )
        for name in ("rows", "history")
    )
    return lexicon, rows, history


_CSR_PARTS = ("data", "indices", "indptr")
_PREFIXES = ("", "chars_")
