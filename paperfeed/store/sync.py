"""A user's profile kept in step with an outside library (Zotero): the library version it
was synced to, which item is which paper, and one all-or-nothing step applying a change.

An item's paper is stored as the user's upload (``upsert_papers(owner=user)``) and linked
to the profile. ``linked`` remembers whether the sync made that link: only such a link is
taken away again when the item is deleted (or leaves the synced collections), so a paper
the user had imported from a file stays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from paperfeed.records import Paper
from paperfeed.store.accounts import AccountsMixin
from paperfeed.store.base import utc_now


@dataclass(frozen=True, slots=True)
class SyncCounts:
    """What one sync step changed in the profile."""

    linked: int = 0  # papers newly in the profile
    updated: int = 0  # items whose paper record changed or moved
    removed: int = 0  # papers taken out of the profile
    unchanged: int = 0


class SyncMixin(AccountsMixin):
    """Sync-state methods of the Store."""

    def sync_state(self, user: str, library: str) -> tuple[int, str] | None:
        """``(version, scope)`` the profile was last synced to from ``library``, or None."""
        row = self._one(
            "SELECT version, scope FROM zotero_sync WHERE user = ? AND library = ?",
            (user, library),
        )
        return None if row is None else (int(row[0]), str(row[1]))

    def synced_items(self, user: str, library: str) -> dict[str, str]:
        """Item key -> paper id of the items synced from ``library``."""
        rows = self._rows(
            "SELECT item_key, paper_id FROM zotero_items WHERE user = ? AND library = ?",
            (user, library),
        )
        return {row[0]: row[1] for row in rows}

    def apply_sync(
        self,
        user: str,
        library: str,
        version: int,
        scope: str,
        items: Sequence[tuple[str, Paper]],
        removed: Sequence[str],
        *,
        full: bool = False,
    ) -> SyncCounts:
        """Store changed ``items`` (key, paper), drop ``removed`` keys (with ``full``, also
        every known key not among ``items``), and record ``version``; all or nothing."""
        with self.transaction():
            self._ensure_user(user)
            self._conn.execute(
                "INSERT INTO zotero_sync (user, library, version, scope, synced_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user, library) DO UPDATE SET "
                "version = excluded.version, scope = excluded.scope, "
                "synced_at = excluded.synced_at",
                (user, library, version, scope, utc_now()),
            )
            known = self.synced_items(user, library)
            gone = set(removed) | ({k for k in known if k not in dict(items)} if full else set())
            counts = {"linked": 0, "updated": 0, "removed": 0, "unchanged": 0}
            for key in sorted(gone & known.keys()):
                counts["removed"] += self._release(user, library, key)
            if items:
                stored = self.upsert_papers([paper for _, paper in items], owner=user)
                for (key, _), pid in zip(items, stored.ids, strict=True):
                    outcome = self._keep(user, library, key, pid, known.get(key))
                    counts[outcome] += 1
        return SyncCounts(**counts)

    def _keep(self, user: str, library: str, key: str, pid: str, before: str | None) -> str:
        """Record item ``key`` as paper ``pid``, linking it; what happened to the profile."""
        if before is not None and before != pid:
            self._release(user, library, key)
        made = self._conn.execute(
            "INSERT OR IGNORE INTO profile_papers (user, paper_id) VALUES (?, ?)", (user, pid)
        ).rowcount
        owned = made or self._sync_owns(user, library, pid)
        self._conn.execute(
            "INSERT INTO zotero_items (user, library, item_key, paper_id, linked) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user, library, item_key) "
            "DO UPDATE SET paper_id = excluded.paper_id, linked = excluded.linked",
            (user, library, key, pid, int(bool(owned))),
        )
        if made:
            return "linked"
        return "unchanged" if before == pid else "updated"

    def _sync_owns(self, user: str, library: str, pid: str) -> bool:
        row = self._conn.execute(
            "SELECT max(linked) FROM zotero_items WHERE user = ? AND library = ? AND paper_id = ?",
            (user, library, pid),
        ).fetchone()
        return bool(row and row[0])

    def _release(self, user: str, library: str, key: str) -> int:
        """Forget item ``key``; unlink its paper when the sync linked it and no other item
        of the library is that paper. 1 when a paper left the profile."""
        row = self._conn.execute(
            "SELECT paper_id, linked FROM zotero_items WHERE user = ? AND library = ? "
            "AND item_key = ?",
            (user, library, key),
        ).fetchone()
        if row is None:
            return 0
        pid, linked = row
        owned = bool(linked) or self._sync_owns(user, library, pid)
        self._conn.execute(
            "DELETE FROM zotero_items WHERE user = ? AND library = ? AND item_key = ?",
            (user, library, key),
        )
        if not owned or self._sync_owns_any(user, library, pid):
            return 0
        try:
            self.remove_profile_paper(user, pid)
        except KeyError:  # the user took it out already
            return 0
        return 1

    def _sync_owns_any(self, user: str, library: str, pid: str) -> bool:
        return (
            self._conn.execute(
                "SELECT 1 FROM zotero_items WHERE user = ? AND library = ? AND paper_id = ?",
                (user, library, pid),
            ).fetchone()
            is not None
        )
