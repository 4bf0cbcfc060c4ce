"""Test doubles: a deterministic bag-of-words embedder, fast enough for unit tests.

Each word is hashed to a fixed random direction; a text's vector is the normalized sum of
its words' directions, so texts sharing words are close. The real model is covered by the
tests marked ``slow``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np


class HashingEmbedder:
    """An Embedder whose vectors come from hashed words (no model, no files)."""

    def __init__(self, dim: int = 64) -> None:
        self.name = f"test-hashing-{dim}"
        self.dim = dim
        self.calls = 0

    def _word(self, word: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha1(word.encode()).digest()[:8], "little")
        return np.random.default_rng(seed).standard_normal(self.dim)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = [w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 3]
            for word in words:
                out[row] += self._word(word)
            norm = np.linalg.norm(out[row])
            if norm > 0:
                out[row] /= norm
        return out
