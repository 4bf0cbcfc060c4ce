"""A candidate list prepared once — vectors and TF-IDF rows — and shared by every profile.

An operator ranks one day's listing for many users: embedding lookups, content hashes and
the TF-IDF fit depend only on the candidates, so they are done here once
(``build_index``) and each user's ranking starts from the prepared matrices.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from paperfeed import lexical
from paperfeed.embed import EmbeddingCache
from paperfeed.ids import paper_text
from paperfeed.records import Paper

_LEXICONS: OrderedDict[str, tuple[lexical.Lexicon, sp.csr_matrix]] = OrderedDict()
_LEXICON_SLOTS = 4


@dataclass(frozen=True, slots=True, eq=False)
class CandidateIndex:
    """Candidates with their unit vectors (rows match) and TF-IDF rows under their lexicon."""

    papers: tuple[Paper, ...]
    vectors: np.ndarray
    lexicon: lexical.Lexicon
    rows: sp.csr_matrix

    def __len__(self) -> int:
        return len(self.papers)


def texts_of(papers: Sequence[Paper]) -> list[str]:
    """The text of each paper as the models see it."""
    return [paper_text(p.title, p.abstract) for p in papers]


def candidate_lexicon(texts: Sequence[str]) -> tuple[lexical.Lexicon, sp.csr_matrix]:
    """Lexicon fitted on the candidate texts and their TF-IDF rows, cached per candidate set."""
    key = hashlib.sha1("\x00".join(texts).encode()).hexdigest()
    if key in _LEXICONS:
        _LEXICONS.move_to_end(key)
        return _LEXICONS[key]
    lexicon = lexical.fit_lexicon(texts)
    entry = (lexicon, lexicon.tfidf(texts))
    _LEXICONS[key] = entry
    while len(_LEXICONS) > _LEXICON_SLOTS:
        _LEXICONS.popitem(last=False)
    return entry


def clear_lexicons() -> None:
    """Forget the fitted lexicons."""
    _LEXICONS.clear()


def build_index(papers: Sequence[Paper], cache: EmbeddingCache) -> CandidateIndex:
    """Embed (or look up) the candidates and fit the day's TF-IDF on them."""
    vectors = cache.embed_papers(papers, progress=len(papers) > 2000)
    lexicon, rows = candidate_lexicon(texts_of(papers))
    return CandidateIndex(tuple(papers), vectors, lexicon, rows)
