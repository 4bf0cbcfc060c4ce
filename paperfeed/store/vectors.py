"""Caches of derived data in the store: embeddings and fitted TF-IDF lexicons.

Implements ``paperfeed.embed.VectorStore``: one float32 vector per (model, content hash),
kept as its float32 bytes in a BLOB beside its dimension, so it comes back bit for bit.
And ``paperfeed.index.LexiconStore``: the day's fitted lexicon as opaque bytes by key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from paperfeed.store.base import StoreBase, utc_now


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

    def get_lexicon(self, key: str) -> bytes | None:
        """The cached lexicon bytes under ``key``, or None (read straight into one bytes
        object: a plain SELECT materializes the blob in SQLite first, then copies it)."""
        with self._read() as conn:  # one snapshot: the row cannot change in between
            row = conn.execute("SELECT rowid FROM lexicon_cache WHERE key = ?", (key,)).fetchone()
            if row is None:
                return None
            with conn.blobopen("lexicon_cache", "data", row[0], readonly=True) as blob:
                return blob.read()

    def put_lexicon(self, key: str, data: bytes, keep: int = 2) -> None:
        """Cache lexicon bytes under ``key``; only the ``keep`` newest entries stay.

        The bytes (~170 MB with 20k history) are written into a zeroblob in chunks: bound
        as one parameter, SQLite copied them whole, and the process kept that memory."""
        with self.transaction():
            self._conn.execute("DELETE FROM lexicon_cache WHERE key = ?", (key,))
            self._conn.execute(
                "INSERT INTO lexicon_cache (key, created, data) VALUES (?, ?, zeroblob(?))",
                (key, utc_now(), len(data)),
            )
            (rowid,) = self._one("SELECT rowid FROM lexicon_cache WHERE key = ?", (key,))
            with self._conn.blobopen("lexicon_cache", "data", rowid) as blob:
                view = memoryview(data)
                for start in range(0, len(data), _BLOB_CHUNK):
                    blob.write(view[start : start + _BLOB_CHUNK])
            self._conn.execute(
                "DELETE FROM lexicon_cache WHERE key NOT IN "
                "(SELECT key FROM lexicon_cache ORDER BY created DESC LIMIT ?)",
                (keep,),
            )


_BLOB_CHUNK = 1 << 20


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
