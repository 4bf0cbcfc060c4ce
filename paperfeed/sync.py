"""Live Zotero sync: a user's profile kept in step with their Zotero library.

``sync_zotero`` asks the library what changed since the version the profile was last synced
to (all of it the first time, or when the collections asked for change), maps the items
through the CSL-JSON reader, and applies the change to the store in one step: new and
changed items become the user's own papers in the profile, deleted or trashed items (and
those that left the chosen collections) leave it again, and the new library version is
recorded. Nothing changes when the library answers 304 Not Modified.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

    from paperfeed.sources.http import PoliteFetcher
    from paperfeed.store import Store


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one sync did."""

    user: str
    library: str
    since: int
    version: int
    linked: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    problems: tuple[str, ...] = ()

    def line(self) -> str:
        if self.version == self.since and not (self.linked or self.removed):
            return f"{self.user}: Zotero {self.library} unchanged since version {self.since}"
        return (
            f"{self.user}: Zotero {self.library} version {self.since} -> {self.version}: "
            f"{self.linked} new in the profile, {self.updated} updated, "
            f"{self.removed} removed, {self.unchanged} unchanged"
        )


def sync_zotero(
    store: Store,
    user: str,
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    client: httpx.Client | PoliteFetcher | None = None,
) -> SyncReport:
    """Bring ``user``'s profile in step with the Zotero library of the environment."""
    from paperfeed.sources.zotero import ZoteroReader, library_from_env

    library, key = library_from_env(os.environ if env is None else env)
    scope = f"include={sorted(include)};exclude={sorted(exclude)}"
    state = store.sync_state(user, library.path)
    since = state[0] if state is not None and state[1] == scope else 0
    with _fetcher(client) as fetcher:
        changes = ZoteroReader(fetcher, library, key).changes(since, include, exclude)
    if changes.unchanged:
        return SyncReport(user, library.path, since, since)
    counts = store.apply_sync(
        user, library.path, changes.version, scope, changes.items, changes.removed, full=since == 0
    )
    return SyncReport(
        user,
        library.path,
        since,
        changes.version,
        counts.linked,
        counts.updated,
        counts.removed,
        counts.unchanged,
        tuple(changes.problems),
    )


@contextmanager
def _fetcher(client: httpx.Client | PoliteFetcher | None) -> Iterator[PoliteFetcher]:
    """A polite fetcher (one request a second) over ``client``, or over a client of its own,
    closed after."""
    from paperfeed.sources.http import as_fetcher, make_client

    owned = make_client() if client is None else None
    http = owned if owned is not None else client
    assert http is not None
    try:
        yield as_fetcher(http, min_interval=1.0)
    finally:
        if owned is not None:
            owned.close()
