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

_Fitted = tuple[lexical.Lexicon, sp.csr_matrix, sp.csr_matrix]
_LEXICONS: OrderedDict[str, _Fitted] = OrderedDict()
_LEXICON_SLOTS = 4
#: Earlier listings (newest first) the day's TF-IDF is fitted on and the lexical model
#: learns against: about three weeks of arXiv CS. docs/relevance.md measures what it adds.
HISTORY_PAPERS = 20_000


@dataclass(frozen=True, slots=True, eq=False)
class CandidateIndex:
    """Candidates with their unit vectors (rows match) and TF-IDF rows under their lexicon,
    and the TF-IDF rows of the history (earlier listings) the lexicon was also fitted on."""

    papers: tuple[Paper, ...]
    vectors: np.ndarray
    lexicon: lexical.Lexicon
    rows: sp.csr_matrix
    history_rows: sp.csr_matrix | None = None

    def __len__(self) -> int:
        return len(self.papers)


def texts_of(papers: Sequence[Paper]) -> list[str]:
    """The text of each paper as the models see it."""
    return [paper_text(p.title, p.abstract) for p in papers]


def candidate_lexicon(texts: Sequence[str], background: Sequence[str] = ()) -> _Fitted:
    """Lexicon fitted on the candidate texts plus ``background`` (earlier listings), the
    candidates' TF-IDF rows and the background's; cached per (candidates, background)."""
    digest = hashlib.sha1("\x00".join(texts).encode())
    digest.update(b"\x01" + "\x00".join(background).encode())
    key = digest.hexdigest()
    if key in _LEXICONS:
        _LEXICONS.move_to_end(key)
        return _LEXICONS[key]
    lexicon, rows = lexical.fit_lexicon_with_rows([*background, *texts])
    split = len(background)
    entry = (lexicon, rows[split:], rows[:split])
    _LEXICONS[key] = entry
    while len(_LEXICONS) > _LEXICON_SLOTS:
        _LEXICONS.popitem(last=False)
    return entry


def clear_lexicons() -> None:
    """Forget the fitted lexicons."""
    _LEXICONS.clear()


def build_index(
    papers: Sequence[Paper], cache: EmbeddingCache, background: Sequence[str] = ()
) -> CandidateIndex:
    """Embed (or look up) the candidates and fit the day's TF-IDF on them and ``background``
    (texts of earlier listings: with months of history, term rarity is judged better)."""
    vectors = cache.embed_papers(papers, progress=len(papers) > 2000)
    lexicon, rows, history_rows = candidate_lexicon(texts_of(papers), background)
    return CandidateIndex(tuple(papers), vectors, lexicon, rows, history_rows)
