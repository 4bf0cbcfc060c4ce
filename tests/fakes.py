"""Test doubles: a deterministic bag-of-words embedder, fast enough for unit tests.

Each word is hashed to a fixed random direction; a text's vector is the normalized sum of
its words' directions, so texts sharing words are close. The real model is covered by the
tests marked ``slow``.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence

import numpy as np


@functools.lru_cache(maxsize=1 << 16)
def _direction(word: str, dim: int) -> np.ndarray:
    seed = int.from_bytes(hashlib.sha1(word.encode()).digest()[:8], "little")
    return np.random.default_rng(seed).standard_normal(dim)


class HashingEmbedder:
    """An Embedder whose vectors come from hashed words (no model, no files)."""

    def __init__(self, dim: int = 64) -> None:
        self.name = f"test-hashing-{dim}"
        self.dim = dim
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row] = _text_vector(text, self.dim)
        return out


class UnloadingEmbedder(HashingEmbedder):
    """A hashing embedder that counts how often it is unloaded, and embeds after it."""

    def __init__(self) -> None:
        super().__init__()
        self.unloads = 0
        self.after_unload = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.after_unload += len(texts) if self.unloads else 0
        return super().embed(texts)

    def unload(self) -> None:
        self.unloads += 1


@functools.lru_cache(maxsize=1 << 14)
def _text_vector(text: str, dim: int) -> np.ndarray:
    """The unit sum of the directions of a text's words (memoized: the same background
    texts are embedded by many tests)."""
    vector = np.zeros(dim, dtype=np.float64)
    for word in re.findall(r"[a-z]+", text.lower()):
        if len(word) > 3:
            vector += _direction(word, dim)
    norm = np.linalg.norm(vector)
    return (vector / norm if norm > 0 else vector).astype(np.float32)
