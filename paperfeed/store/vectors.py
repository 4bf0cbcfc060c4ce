"""The embedding cache in the store (a ``paperfeed.embed.VectorStore``).

One float32 vector per (model, content hash), kept as its float32 bytes in a BLOB beside
its dimension, so it comes back bit for bit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from paperfeed.store.base import StoreBase


class VectorsMixin(StoreBase):
    """Embedding-cache methods of the Store."""

    def get_vectors(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """The cached vectors of ``model`` for those of ``hashes`` that are cached."""
        rows = self._rows_in(
            "SELECT content_hash, dim, vector FROM vectors "
            "WHERE model = ? AND content_hash IN ({in})",
            list(dict.fromkeys(hashes)),
            before=[model],
        )
        return {key: _from_blob(dim, blob) for key, dim, blob in rows}

    def put_vectors(self, model: str, vectors: Mapping[str, np.ndarray]) -> None:
        """Cache vectors of ``model`` by content hash (a stored vector is replaced)."""
        rows = [(model, key, *_to_blob(key, vector)) for key, vector in vectors.items()]
        with self.transaction():
            self._conn.executemany(
                "INSERT INTO vectors (model, content_hash, dim, vector) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (model, content_hash) DO UPDATE "
                "SET dim = excluded.dim, vector = excluded.vector "
                "WHERE vector != excluded.vector",
                rows,
            )

    def count_vectors(self, model: str | None = None) -> int:
        """Number of cached vectors, of one model or of all."""
        if model is None:
            return int(self._one("SELECT count(*) FROM vectors")[0])
        return int(self._one("SELECT count(*) FROM vectors WHERE model = ?", (model,))[0])


def _to_blob(key: str, vector: np.ndarray) -> tuple[int, bytes]:
    array = np.asarray(vector)
    if array.ndim != 1:
        raise ValueError(f"the vector for {key!r} must be one row, not shape {array.shape}")
    return int(array.shape[0]), np.ascontiguousarray(array, dtype="<f4").tobytes()


def _from_blob(dim: int, blob: bytes) -> np.ndarray:
    vector = np.frombuffer(blob, dtype="<f4").astype(np.float32)
    if vector.shape[0] != dim:
        raise ValueError(f"a cached vector has {vector.shape[0]} values, expected {dim}")
    return vector
