"""What the ranking learns, kept: feature spaces with their backgrounds, and users' models.

Implements ``paperfeed.ranking.ranker.ModelStore``. Blobs are opaque npz bytes of the
ranking; large ones (a background is ~200 MB with 20k history) are written into a
``zeroblob`` in chunks and read back with one blob read: bound as one parameter, SQLite
copied them whole and the process kept that memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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

    def get_background(self, key: str) -> bytes | None:
        """The background bytes of the space ``key``, or None."""
        return self._blob("feature_spaces", "background", "key", key)

    def put_space(self, key: str, space: bytes, background: bytes, papers: int) -> None:
        """Keep a fitted space and its background; only the newest ``SPACES_KEPT`` stay, and
        models of the dropped ones go with them."""
        with self.transaction():
            if self._one("SELECT 1 FROM feature_spaces WHERE key = ?", (key,)):
                return
            self._conn.execute(
                "INSERT INTO feature_spaces (key, created, papers, space, background) "
                "VALUES (?, ?, ?, zeroblob(?), zeroblob(?))",
                (key, utc_now(), papers, len(space), len(background)),
            )
            (rowid,) = self._one("SELECT version FROM feature_spaces WHERE key = ?", (key,))
            self._write_blob("feature_spaces", "space", rowid, space)
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

    def _write_blob(self, table: str, column: str, rowid: int, data: bytes) -> None:
        with self._conn.blobopen(table, column, rowid) as blob:
            view = memoryview(data)
            for start in range(0, len(data), _BLOB_CHUNK):
                blob.write(view[start : start + _BLOB_CHUNK])
