"""A candidate list prepared once for every profile: vectors and rows in one feature space.

An operator ranks one day's listing for many users: embedding lookups and the transform
into the feature space depend only on the candidates, so they are done here once. What the
rules need of each candidate (folded texts, author keys) is computed on first use and kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from paperfeed.ids import author_key, fold, paper_text
from paperfeed.ranking.space import FeatureSpace
from paperfeed.records import Paper


def texts_of(papers: Sequence[Paper]) -> list[str]:
    """The text of each paper as the models see it."""
    return [paper_text(p.title, p.abstract) for p in papers]


@dataclass(frozen=True, eq=False)
class Encoded:
    """Papers as the signals see them: unit vectors and word / character rows (rows match)."""

    vectors: np.ndarray
    words: sp.csr_matrix
    chars: sp.csr_matrix

    def __len__(self) -> int:
        return int(self.vectors.shape[0])

    def rows(self, indices: Sequence[int]) -> Encoded:
        """The papers at ``indices``."""
        return Encoded(self.vectors[indices], self.words[indices], self.chars[indices])


def encode(
    papers: Sequence[Paper],
    space: FeatureSpace,
    embed: Callable[[Sequence[Paper]], np.ndarray],
) -> Encoded:
    """Embed ``papers`` and transform their texts into ``space``."""
    words, chars = space.transform(texts_of(papers))
    return Encoded(embed(papers), words, chars)


@dataclass(frozen=True, eq=False)
class CandidateIndex:
    """Candidates encoded in one feature space: pass it to ``score`` or ``rank_digest``
    instead of the list to prepare the list once for many profiles."""

    papers: tuple[Paper, ...]
    encoded: Encoded
    space: FeatureSpace

    def __len__(self) -> int:
        return len(self.papers)

    @property
    def vectors(self) -> np.ndarray:
        return self.encoded.vectors

    @cached_property
    def folded_texts(self) -> list[str]:
        """Each candidate's folded text padded with spaces (keyword rules match in it)."""
        return [f" {fold(text)} " for text in texts_of(self.papers)]

    @cached_property
    def authors_by_last_name(self) -> dict[str, list[tuple[int, tuple[str, str], str]]]:
        """Folded last name -> (candidate, author key, author name) of every author."""
        found: dict[str, list[tuple[int, tuple[str, str], str]]] = {}
        for index, paper in enumerate(self.papers):
            for name in paper.authors:
                key = author_key(name)
                if key[0]:
                    found.setdefault(key[0], []).append((index, key, name))
        return found

    @cached_property
    def position(self) -> dict[str, int]:
        """Candidate index by paper id."""
        return {paper.id: index for index, paper in enumerate(self.papers)}
