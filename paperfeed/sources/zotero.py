"""Zotero Web API v3: what changed in a library since a version, read incrementally.

``GET /users/ID/items?since=V&includeTrashed=1&include=data,csljson`` (100 a page, with
``If-Modified-Since-Version: V``: a 304 means nothing changed) gives the changed items with
their CSL-JSON, read by the CSL-JSON reader; ``GET /users/ID/deleted?since=V`` the keys of
deleted items. The answer's ``Last-Modified-Version`` is the version to ask from next time;
if it moves between pages the library changed under the sync, which is then refused (run
it again). Attachments, notes and annotations are not papers. A trashed item, or one outside
the collections asked for (``include``, with their subcollections, minus ``exclude``), is
reported as removed. The key goes in the ``Zotero-API-Key`` header, never in a URL.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from paperfeed.errors import InputError, SourceError
from paperfeed.records import Paper
from paperfeed.sources.csljson import read_csl_json
from paperfeed.sources.http import PoliteFetcher
from paperfeed.sources.jsonapi import whole

API_URL = "https://api.zotero.org"
PAGE = 100
MAX_PAGES = 200  # 20,000 items
NOT_PAPERS = frozenset({"attachment", "note", "annotation"})
HOSTS = {"api.zotero.org": 1.0}


@dataclass(frozen=True, slots=True)
class Library:
    """A Zotero library: ``users/123`` or ``groups/456``."""

    kind: str
    id: str

    @property
    def path(self) -> str:
        return f"{self.kind}/{self.id}"


def library_from_env(env: Mapping[str, str]) -> tuple[Library, str]:
    """The library and key from PAPERFEED_ZOTERO_LIBRARY_ID (digits; ``groups/N`` for a
    group library; PAPERFEED_ZOTERO_LIBRARY_TYPE=group works too) and
    PAPERFEED_ZOTERO_API_KEY; InputError naming the variable that is missing."""
    raw = env.get("PAPERFEED_ZOTERO_LIBRARY_ID", "").strip()
    key = env.get("PAPERFEED_ZOTERO_API_KEY", "").strip()
    kind = (
        "groups"
        if env.get("PAPERFEED_ZOTERO_LIBRARY_TYPE", "user").startswith("group")
        else "users"
    )
    if "/" in raw:
        prefix, _, raw = raw.partition("/")
        kind = "groups" if prefix.startswith("group") else "users"
    if not raw.isdigit():
        raise InputError(
            "environment",
            "set it to your Zotero library id (digits; zotero.org/settings/keys shows it)",
            field="PAPERFEED_ZOTERO_LIBRARY_ID",
        )
    if not key:
        raise InputError(
            "environment", "set it to a Zotero API key", field="PAPERFEED_ZOTERO_API_KEY"
        )
    return Library(kind, raw), key


@dataclass
class Changes:
    """What changed since the version asked from."""

    version: int
    items: list[tuple[str, Paper]] = field(default_factory=list)  # key, paper
    removed: list[str] = field(default_factory=list)  # keys
    unchanged: bool = False
    problems: list[str] = field(default_factory=list)


class ZoteroReader:
    """Reads one library with one key through the run's polite fetcher."""

    def __init__(self, fetcher: PoliteFetcher, library: Library, key: str, url: str = API_URL):
        self.fetcher, self.library, self.base = fetcher, library, f"{url}/{library.path}"
        self.headers = {"Zotero-API-Key": key, "Zotero-API-Version": "3"}
        fetcher.pace(HOSTS)

    def changes(
        self, since: int, include: Collection[str] = (), exclude: Collection[str] = ()
    ) -> Changes:
        """The items changed since version ``since`` (0: all), in scope or removed."""
        wanted, unwanted = self.scope(include), self.scope(exclude) or set()
        changes = Changes(since)
        for page in self._item_pages(since):
            if page is None:
                return Changes(since, unchanged=True)
            version, items = page
            if changes.version not in (since, version):
                raise SourceError(f"{self.base}: the library changed during the sync; run again")
            changes.version = version
            for item in items:
                self._take(item, wanted, unwanted, changes)
        if since:
            changes.removed += self._deleted(since)
        return changes

    def _take(
        self, item: object, wanted: set[str] | None, unwanted: set[str], changes: Changes
    ) -> None:
        if not isinstance(item, dict) or not isinstance(item.get("data"), dict):
            changes.problems.append(f"{self.base}: an item without data was skipped")
            return
        data, key = item["data"], str(item.get("key") or item["data"].get("key") or "")
        if not key or data.get("itemType") in NOT_PAPERS:
            return
        collections = set(data.get("collections") or [])
        in_scope = (wanted is None or bool(collections & wanted)) and not collections & unwanted
        if data.get("deleted") or not in_scope:
            changes.removed.append(key)
            return
        try:
            batch = read_csl_json(json.dumps(item.get("csljson") or {}), f"{self.base}/items/{key}")
        except InputError as exc:
            changes.problems.append(str(exc))
            return
        changes.items.extend((key, paper) for paper in batch.papers[:1])

    def _item_pages(self, since: int) -> Iterator[tuple[int, list[Any]] | None]:
        """(library version, items) per page; None when nothing changed (304)."""
        start = 0
        for _ in range(MAX_PAGES):
            params: dict[str, str | int] = {"since": since, "includeTrashed": 1, "limit": PAGE}
            params.update({"include": "data,csljson", "start": start, "format": "json"})
            headers = dict(self.headers)
            if since:
                headers["If-Modified-Since-Version"] = str(since)
            response = self.fetcher.get(f"{self.base}/items", params, headers)
            if response.status_code == 304:
                yield None
                return
            items = _list(response.text, f"{self.base}/items")
            yield whole(response.headers.get("Last-Modified-Version")), items
            start += len(items)
            if not items or start >= whole(response.headers.get("Total-Results")):
                return
        raise SourceError(f"{self.base}: more than {MAX_PAGES * PAGE} changed items")

    def _deleted(self, since: int) -> list[str]:
        response = self.fetcher.get(f"{self.base}/deleted", {"since": since}, self.headers)
        data = json.loads(response.text) if response.text.strip() else {}
        items = data.get("items") if isinstance(data, dict) else None
        return [str(key) for key in items or [] if isinstance(key, str)]

    def scope(self, names: Collection[str]) -> set[str] | None:
        """The keys of the collections named (by key or name), with their subcollections;
        None when none is named. InputError for a name the library does not have."""
        if not names:
            return None
        found = self._collections()
        keys: set[str] = set()
        for name in names:
            matches = [k for k, (n, _) in found.items() if name in (k, n)]
            if not matches:
                raise InputError(self.base, f"no collection {name!r} in this library")
            keys.update(matches)
        grown = True
        while grown:
            more = {k for k, (_, parent) in found.items() if parent in keys} - keys
            keys |= more
            grown = bool(more)
        return keys

    def _collections(self) -> dict[str, tuple[str, str]]:
        """Key -> (name, parent key) of every collection."""
        found: dict[str, tuple[str, str]] = {}
        start = 0
        while True:
            params: dict[str, str | int] = {"limit": PAGE, "start": start, "format": "json"}
            response = self.fetcher.get(f"{self.base}/collections", params, self.headers)
            page = _list(response.text, f"{self.base}/collections")
            for entry in page:
                data = entry.get("data") if isinstance(entry, dict) else None
                if isinstance(data, dict) and isinstance(data.get("key"), str):
                    found[data["key"]] = (
                        str(data.get("name", "")),
                        str(data.get("parentCollection") or ""),
                    )
            start += len(page)
            if not page or start >= whole(response.headers.get("Total-Results")):
                return found


def _list(text: str, origin: str) -> list[Any]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise InputError(origin, f"not JSON: {exc}") from exc
    if not isinstance(data, list):
        raise InputError(origin, f"expected a JSON list, found {type(data).__name__}")
    return data
