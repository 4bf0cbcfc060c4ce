"""A user's trained models as one record: what ranking needs of a profile, stored as bytes.

Trained by ``train.py`` when the profile, the ratings or the feature space change; kept in
the store (npz bytes, never pickle) and in the ranker's memo, keyed by ``key``.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from paperfeed.ranking.space import csr_arrays, csr_from, npz_bytes
from paperfeed.records import Interest, Paper


@dataclass(frozen=True)
class Ratings:
    """The papers a user rated up and down (the latest rating of each paper counts)."""

    liked: tuple[Paper, ...] = ()
    disliked: tuple[Paper, ...] = ()


@dataclass(frozen=True, eq=False)
class UserModel:
    """What ranking needs of one profile, trained in the feature space ``space_key``.

    ``papers`` are the own papers it learned from, then the papers rated up (only id and
    title are kept, for the reasons); ``vectors`` and ``word_rows`` match them.
    ``coauthors`` are the names that wrote an own paper with the owner (a rule lifts them).
    """

    key: str
    space_key: str
    papers: tuple[Paper, ...]
    n_own: int
    vectors: np.ndarray
    word_rows: sp.csr_matrix
    dense_weights: np.ndarray
    word_weights: sp.csr_matrix
    char_weights: sp.csr_matrix
    disliked_ids: frozenset[str] = frozenset()
    coauthors: tuple[str, ...] = ()
    calibration: dict[str, tuple[float, float]] = field(default_factory=dict)
    interests: tuple[Interest, ...] = ()
    interest_of: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def own(self) -> tuple[Paper, ...]:
        return self.papers[: self.n_own]

    @property
    def liked(self) -> tuple[Paper, ...]:
        return self.papers[self.n_own :]

    def to_bytes(self) -> bytes:
        """The model as npz bytes (plain arrays and JSON: no pickle)."""
        meta = {
            "key": self.key,
            "space_key": self.space_key,
            "papers": [[p.id, p.title] for p in self.papers],
            "n_own": self.n_own,
            "disliked": sorted(self.disliked_ids),
            "coauthors": list(self.coauthors),
            "calibration": self.calibration,
            "interests": [[i.label, list(i.terms), list(i.paper_ids)] for i in self.interests],
        }
        arrays = {
            "meta": np.frombuffer(json.dumps(meta).encode(), np.uint8),
            "vectors": self.vectors,
            "dense_weights": self.dense_weights,
            "interest_of": self.interest_of,
        }
        arrays |= csr_arrays(self.word_rows, "word_rows")
        arrays |= csr_arrays(self.word_weights, "word_weights")
        arrays |= csr_arrays(self.char_weights, "char_weights")
        return npz_bytes(arrays)

    @classmethod
    def from_bytes(cls, data: bytes) -> UserModel:
        """The inverse of :meth:`to_bytes`."""
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            meta = json.loads(arrays["meta"].tobytes().decode())
            return cls(
                key=meta["key"],
                space_key=meta["space_key"],
                papers=tuple(Paper(id=i, title=t) for i, t in meta["papers"]),
                n_own=int(meta["n_own"]),
                vectors=arrays["vectors"],
                word_rows=csr_from(arrays, "word_rows"),
                dense_weights=arrays["dense_weights"],
                word_weights=csr_from(arrays, "word_weights"),
                char_weights=csr_from(arrays, "char_weights"),
                disliked_ids=frozenset(meta["disliked"]),
                coauthors=tuple(meta["coauthors"]),
                calibration={k: (float(m), float(s)) for k, (m, s) in meta["calibration"].items()},
                interests=tuple(
                    Interest(label, tuple(terms), tuple(ids))
                    for label, terms, ids in meta["interests"]
                ),
                interest_of=arrays["interest_of"],
            )
