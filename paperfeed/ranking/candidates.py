"""A candidate list prepared once for every profile: vectors and rows in one feature space.

An operator ranks one day's listing for many users: embedding lookups and the transform
into the feature space depend only on the candidates, so they are done here once. What the
rules need of each candidate (folded texts, author keys) is computed on first use and kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence, Set
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
    def authors(self) -> AuthorIndex:
        """Every candidate's authors, indexed for the rules' name matching."""
        index = AuthorIndex()
        for number, paper in enumerate(self.papers):
            for name in paper.authors:
                index.add(number, author_key(name))
        return index

    @cached_property
    def position(self) -> dict[str, int]:
        """Candidate index by paper id."""
        return {paper.id: index for index, paper in enumerate(self.papers)}


_NOBODY: frozenset[int] = frozenset()


class AuthorIndex:
    """Candidates by author name, answering "which candidates has this person written"
    with dict lookups under the rule of ``ids.same_person``: full first names must agree,
    an initial agrees with any name it starts, and a missing first name with any."""

    def __init__(self) -> None:
        self._full: dict[tuple[str, str], set[int]] = {}  # (last, first without spaces)
        self._initial: dict[tuple[str, str], set[int]] = {}  # (last, initial): everyone
        self._short: dict[tuple[str, str], set[int]] = {}  # (last, initial): initials only
        self._last: dict[str, set[int]] = {}

    def add(self, candidate: int, key: tuple[str, str]) -> None:
        last, first = key[0], key[1].replace(" ", "")
        if not last:
            return
        self._last.setdefault(last, set()).add(candidate)
        self._initial.setdefault((last, first[:1]), set()).add(candidate)
        if len(first) <= 2:
            self._short.setdefault((last, first[:1]), set()).add(candidate)
        else:
            self._full.setdefault((last, first), set()).add(candidate)

    def written_by(self, key: tuple[str, str]) -> Set[int]:
        """The candidates with an author who may be the person ``key`` (last, first)."""
        last, first = key[0], key[1].replace(" ", "")
        if last not in self._last:
            return _NOBODY
        if not first:
            return self._last.get(last, set())
        anonymous = self._short.get((last, ""), set())  # authors without a first name
        if len(first) <= 2:
            return self._initial.get((last, first[:1]), set()) | anonymous
        exact = self._full.get((last, first), set())
        return exact | self._short.get((last, first[:1]), set()) | anonymous
