"""What the ranking learns, kept: feature spaces with their backgrounds, and users' models.

Implements ``paperfeed.ranking.ranker.ModelStore``. Blobs are opaque npz bytes of the
ranking; a background (~130 MB with a 20k history) comes as a file and is copied into a
``zeroblob`` in chunks, and read back as a file (never whole bytes: bound as one
parameter, SQLite copied it whole and the process kept that memory).
"""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, BinaryIO

from paperfeed.store.base import StoreBase, utc_now

#: Feature spaces kept (the newest); models of older spaces go with them.
SPACES_KEPT = 2
_BLOB_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class SpaceInfo:
    """A stored feature space: its version, key, when it was fitted, and on how many papers."""

    version: int
    key: str
    created: str
    papers: int


class ModelsMixin(StoreBase):
    """Feature spaces and users' models."""

    def latest_space(self) -> SpaceInfo | None:
        """The newest stored feature space, or None."""
        row = self._one(
            "SELECT version, key, created, papers FROM feature_spaces ORDER BY version DESC"
        )
        return SpaceInfo(*row) if row else None

    def get_space(self, key: str) -> bytes | None:
        """The space bytes stored under ``key``, or None."""
        return self._blob("feature_spaces", "space", "key", key)

    @contextmanager
    def background_file(self, key: str) -> Iterator[BinaryIO | None]:
        """The background of the space ``key`` as a file read from the store as it goes
        (None: no such space); valid inside the ``with``."""
        with self._read() as conn:  # one snapshot: the row cannot change in between
            row = conn.execute("SELECT rowid FROM feature_spaces WHERE key = ?", (key,)).fetchone()
            if row is None:
                yield None
                return
            with conn.blobopen("feature_spaces", "background", row[0], readonly=True) as blob:
                yield io.BufferedReader(_BlobFile(blob), _BLOB_CHUNK)

    def put_space(self, key: str, space: bytes, background: BinaryIO, papers: int) -> None:
        """Keep a fitted space and its background (read from ``background``, a file at its
        start); only the newest ``SPACES_KEPT`` stay, and models of the dropped ones go
        with them."""
        with self.transaction():
            if self._one("SELECT 1 FROM feature_spaces WHERE key = ?", (key,)):
                return
            size = background.seek(0, io.SEEK_END)
            background.seek(0)
            self._conn.execute(
                "INSERT INTO feature_spaces (key, created, papers, space, background) "
                "VALUES (?, ?, ?, zeroblob(?), zeroblob(?))",
                (key, utc_now(), papers, len(space), size),
            )
            (rowid,) = self._one("SELECT version FROM feature_spaces WHERE key = ?", (key,))
            self._write_blob("feature_spaces", "space", rowid, io.BytesIO(space))
            self._write_blob("feature_spaces", "background", rowid, background)
            self._conn.execute(
                "DELETE FROM feature_spaces WHERE version NOT IN "
                "(SELECT version FROM feature_spaces ORDER BY version DESC LIMIT ?)",
                (SPACES_KEPT,),
            )
            self._conn.execute(
                "DELETE FROM user_models WHERE space_key NOT IN (SELECT key FROM feature_spaces)"
            )

    def get_model(self, key: str) -> bytes | None:
        """The trained model stored under ``key``, or None."""
        return self._blob("user_models", "data", "key", key)

    def put_model(self, key: str, space_key: str, data: bytes, user: str | None = None) -> None:
        """Keep a trained model; a user's older models are replaced (library calls, with no
        user, keep theirs until their space goes)."""
        with self.transaction():
            if user is not None:
                self._conn.execute("DELETE FROM user_models WHERE user = ?", (user,))
            self._conn.execute(
                "INSERT OR REPLACE INTO user_models (key, space_key, user, trained, data) "
                "VALUES (?, ?, ?, ?, ?)",
                (key, space_key, user, utc_now(), data),
            )

    def model_keys(self, users: Sequence[str]) -> dict[str, str]:
        """The key of each user's current model (users without one are left out)."""
        rows = self._rows_in("SELECT user, key FROM user_models WHERE user IN ({in})", list(users))
        return {user: key for user, key in rows}

    def _blob(self, table: str, column: str, key_column: str, key: str) -> bytes | None:
        with self._read() as conn:  # one snapshot: the row cannot change in between
            row = conn.execute(
                f"SELECT rowid FROM {table} WHERE {key_column} = ?", (key,)
            ).fetchone()
            if row is None:
                return None
            with conn.blobopen(table, column, row[0], readonly=True) as blob:
                return blob.read()

    def _write_blob(self, table: str, column: str, rowid: int, source: BinaryIO) -> None:
        with self._conn.blobopen(table, column, rowid) as blob:
            while chunk := source.read(_BLOB_CHUNK):
                blob.write(chunk)


class _BlobFile(io.RawIOBase):
    """A read-only SQLite blob as a seekable raw file (``sqlite3.Blob`` lacks ``readinto``
    and ``seekable``, which ``zipfile`` and ``io.BufferedReader`` ask for)."""

    def __init__(self, blob: sqlite3.Blob) -> None:
        self._blob = blob

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._blob.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._blob.seek(offset, whence)
        return self._blob.tell()

    def tell(self) -> int:
        return self._blob.tell()
