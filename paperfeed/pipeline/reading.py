"""Reading into the store: a researcher's publication list into their profile, and
listings from files and network sources into the shared records, all or nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING

from paperfeed.errors import InputError, InvalidArgument
from paperfeed.records import Batch, Paper

if TYPE_CHECKING:
    import httpx

    from paperfeed.config import LimitsConfig
    from paperfeed.sources.bounded import ReadLimits
    from paperfeed.sources.http import PoliteFetcher
    from paperfeed.store import Store

    Client = httpx.Client | PoliteFetcher

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CHUNK = 5000


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What `profile import` did."""

    user: str
    origin: str
    read: int
    added: int
    merged: int
    unchanged: int
    linked: int
    owner: str | None
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What `ingest` did; ``problems`` are the parts a source could not deliver."""

    origin: str
    read: int
    added: int
    merged: int
    unchanged: int
    problems: tuple[str, ...] = ()


def check_date(value: str, field: str = "date") -> str:
    """Validate an ISO date given by a user; returns it unchanged."""
    if not _DATE.match(value):
        raise InvalidArgument(field, f"expected YYYY-MM-DD, got {value!r}")
    try:
        Date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidArgument(field, str(exc)) from exc
    return value


def read_limits(limits: LimitsConfig | None, *, upload: bool = False) -> ReadLimits:
    """The caps for reading one file: a web upload's, or a file given to the command line."""
    from paperfeed.config import LimitsConfig
    from paperfeed.sources.bounded import ReadLimits

    limits = limits or LimitsConfig()
    if upload:
        return ReadLimits(limits.upload_bytes, limits.upload_expanded_bytes, limits.archive_members)
    return ReadLimits(limits.file_bytes, limits.file_expanded_bytes, limits.archive_members)


def import_profile(
    store: Store,
    path: Path | str,
    user: str,
    *,
    kind: str | None = None,
    limits: ReadLimits | None = None,
    client: Client | None = None,
) -> ImportReport:
    """Read a publication list and link its papers to ``user``'s profile, all or nothing.

    ``path`` is a file, or (as text) a profile source of the registry such as
    ``orcid:0000-...``, fetched through ``client``. The papers are ``user``'s upload: a
    paper that is a source record is linked as it is (the upload never changes it), any
    other is stored privately for ``user``.
    """
    if isinstance(path, str) and is_network_source(path):
        batch = fetch_source(path, kind="profile", client=client)
    else:
        from paperfeed.sources.files import read_path

        batch = read_path(Path(path), kind=kind, limits=limits)
        if not batch.papers:
            found = "; ".join(batch.problems[:3])
            raise InputError(
                str(path),
                "no papers found in the file (expected BibTeX entries, CSL-JSON, JSONL, CSV, "
                "or a listing: your name, then title / authors / abstract lines)"
                + (f": {found}" if found else ""),
            )
    return link_batch(store, batch, user, str(path))


def link_batch(store: Store, batch: Batch, user: str, origin: str) -> ImportReport:
    """Store a batch as ``user``'s upload and link it to the profile, all or nothing."""
    with store.transaction():
        store.add_user(user)
        result = store.upsert_papers(batch.papers, owner=user)
        linked = store.add_profile_papers(user, result.ids)
        if batch.owner and store.get_setting(user, "owner_name") is None:
            store.set_setting(user, "owner_name", batch.owner)
    return ImportReport(
        user,
        origin,
        len(batch.papers),
        result.added,
        result.merged,
        result.unchanged,
        linked,
        batch.owner,
        batch.problems,
    )


def _file_batches(
    path: Path, since: str | None, day: str | None, limits: ReadLimits | None
) -> Iterator[Batch]:
    """Papers of a local file; big JSONL(.gz) files are streamed in chunks."""
    name = path.name.lower()
    if name.endswith((".jsonl", ".jsonl.gz")):
        from paperfeed.sources.jsonl import iter_jsonl_path

        chunk: list[Paper] = []
        for paper in iter_jsonl_path(path, date=day, limits=limits):
            if since and (paper.date or "") < since:
                continue
            chunk.append(paper)
            if len(chunk) >= _CHUNK:
                yield Batch(tuple(chunk), origin=str(path))
                chunk = []
        yield Batch(tuple(chunk), origin=str(path))
        return
    from paperfeed.sources.files import read_path

    batch = read_path(path, limits=limits)
    keep = [
        p
        for p in batch.papers
        if (not since or (p.date or "") >= since) and (not day or p.date == day)
    ]
    yield Batch(tuple(keep), origin=batch.origin, problems=batch.problems)


def is_network_source(spec: str) -> bool:
    """True for a SOURCE spec of the source registry (``arxiv:``, ``biorxiv:``, a URL ...)."""
    from paperfeed.sources import registry

    return registry.find(spec) is not None


def source_batches(
    spec: str,
    *,
    since: str | None = None,
    day: str | None = None,
    client: Client | None = None,
    allow_private: bool = False,
    limits: LimitsConfig | None = None,
) -> Iterator[Batch]:
    """Resolve a SOURCE argument to batches of papers (see `paperfeed ingest --help`).

    Pass one ``client`` (a PoliteFetcher) for a whole run so arXiv's pause between calls
    holds across sources; without one, a client is made and closed here.
    """
    if is_network_source(spec):
        batch = fetch_source(
            spec, since=since, day=day, client=client, allow_private=allow_private, limits=limits
        )
        if day:
            kept = tuple(p for p in batch.papers if p.date == day)
            ids = {p.id for p in kept}
            votes = tuple(pair for pair in batch.upvotes if pair[0] in ids)
            batch = Batch(kept, batch.origin, problems=batch.problems, upvotes=votes)
        yield batch
        return
    path = Path(spec).expanduser()
    if not path.exists():
        from paperfeed.sources.registry import forms

        raise InputError(spec, f"no such file, and not a source ({', '.join(forms())})")
    yield from _file_batches(path, since, day, read_limits(limits))


def fetch_source(
    spec: str,
    *,
    kind: str = "listing",
    since: str | None = None,
    day: str | None = None,
    client: Client | None = None,
    allow_private: bool = False,
    limits: LimitsConfig | None = None,
) -> Batch:
    """The papers of a registry source (``kind`` listing or profile), through one polite
    fetcher: ``client``'s, else a client made and closed here."""
    from paperfeed.sources import registry
    from paperfeed.sources.http import MAX_BODY_BYTES, as_fetcher, make_client

    cap = (limits.feed_bytes if limits else None) or MAX_BODY_BYTES

    def fetch(http: Client) -> Batch:
        fetcher = as_fetcher(http, max_bytes=cap)
        return registry.fetch(
            spec, fetcher, kind=kind, since=since, day=day, allow_private=allow_private
        )

    if client is not None:
        return fetch(client)
    with make_client(allow_private=allow_private) as http:
        return fetch(http)


def ingest(
    store: Store,
    spec: str,
    *,
    since: str | None = None,
    day: str | None = None,
    client: Client | None = None,
    allow_private: bool = False,
    limits: LimitsConfig | None = None,
) -> IngestReport:
    """Take a source's papers into the store: all or nothing, written in short chunks
    (``Store.ingest_papers``) so that other writers are never held up for long."""
    batches = list(
        source_batches(
            spec,
            since=since,
            day=day,
            client=client,
            allow_private=allow_private,
            limits=limits,
        )
    )
    result = store.ingest_papers([batch.papers for batch in batches], origin=spec)
    _record_upvotes(store, batches, result.ids)
    read = sum(len(batch.papers) for batch in batches)
    problems = [problem for batch in batches for problem in batch.problems]
    return IngestReport(spec, read, result.added, result.merged, result.unchanged, tuple(problems))


def _record_upvotes(store: Store, batches: Sequence[Batch], ids: Sequence[str]) -> None:
    """Keep the upvotes a source counted (Hugging Face's), under the papers' stored ids."""
    stored = dict(zip((p.id for b in batches for p in b.papers), ids, strict=False))
    dates = {p.id: p.date for b in batches for p in b.papers}
    votes = [
        (stored[pid], dates.get(pid) or "", count)
        for batch in batches
        for pid, count in batch.upvotes
        if pid in stored
    ]
    if votes:
        store.record_upvotes(votes)
