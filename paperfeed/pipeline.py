"""The one place that strings the layers together: import, ingest, rank, record, deliver."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING

from paperfeed.errors import InputError, InvalidArgument, PaperfeedError
from paperfeed.records import Batch, Digest, Paper, Profile

if TYPE_CHECKING:
    import httpx

    from paperfeed.config import LimitsConfig, Settings, TrendingConfig
    from paperfeed.embed import Embedder, Progress
    from paperfeed.ranking import CandidateIndex, Ranker
    from paperfeed.sources.bounded import ReadLimits
    from paperfeed.sources.http import PoliteFetcher
    from paperfeed.store import Store
    from paperfeed.summarize import Summarizer

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


def ranker_for(
    store: Store, embedder: Embedder | None = None, settings: Settings | None = None
) -> Ranker:
    """A Ranker over ``store`` with the config's ``[ranking]`` table and ``model`` (one per
    process: it keeps the day's index and the users' models between calls)."""
    from paperfeed.embed import default_embedder
    from paperfeed.ranking import Ranker
    from paperfeed.ranking.settings import DEFAULTS, settings_from

    ranking = DEFAULTS
    if settings is not None and settings.ranking:
        try:
            ranking = settings_from(settings.ranking)
        except ValueError as exc:
            raise InputError("config", str(exc), field="ranking") from exc
    if embedder is None:
        try:
            embedder = default_embedder(settings.model if settings is not None else "")
        except ValueError as exc:
            raise InputError("config", str(exc), field="model") from exc
    return Ranker(embedder, store, ranking)


def prepare_day(
    store: Store,
    day: str,
    embedder: Embedder | None = None,
    *,
    ranker: Ranker | None = None,
    progress: Progress | None = None,
) -> CandidateIndex:
    """The papers listed on ``day``, encoded in the store's current feature space: what every
    user's digest of that day is ranked from (the ranker keeps it for the next call)."""
    from paperfeed.ranking.stored import current_space

    ranker = ranker or ranker_for(store, embedder)
    space = current_space(ranker, store)
    return ranker.index(store.papers_on(day), space=space, progress=progress)


def build_digest(
    store: Store,
    user: str,
    *,
    day: str | None = None,
    top: int = 10,
    threshold: float | None = None,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
    prepared: CandidateIndex | None = None,
    ranker: Ranker | None = None,
    trending: TrendingConfig | None = None,
) -> Digest:
    """Rank one listing day (default: the newest in the store) for ``user`` and save it.

    ``prepared`` is ``prepare_day(store, day)`` when the caller ranks that day for many
    users; without it the day is prepared here (``progress`` hears of the embedding).
    A user who opted in also gets the trending section (``trending`` holds its knobs).
    """
    wanted = DigestWanted(user, top, threshold)
    return build_digests(
        store,
        [wanted],
        day=day,
        embedder=embedder,
        progress=progress,
        prepared=prepared,
        ranker=ranker,
        trending=trending,
    )[0]


@dataclass(frozen=True, slots=True)
class DigestWanted:
    """Whose digest to build, with how many picks and which threshold."""

    user: str
    top: int = 10
    threshold: float | None = None


def check_rankable(store: Store, user: str) -> Profile:
    """``user``'s profile, when it holds something to rank against (else EmptyProfile)."""
    if not store.has_user(user):
        raise InvalidArgument("user", f"no user {user!r}; import a profile first")
    profile = store.load_profile(user)
    if not (
        profile.active_papers
        or profile.followed_authors
        or profile.include_keywords
        or any(f.rating > 0 for f in profile.feedback)
    ):
        raise EmptyProfile(user)
    return profile


def train_user(store: Store, user: str, ranker: Ranker | None = None) -> None:
    """Train ``user``'s models now (after a rating or a profile change) and keep them, so
    that the next digest finds them ready."""
    from paperfeed.ranking.stored import current_space

    ranker = ranker or ranker_for(store)
    profile = check_rankable(store, user)
    rated = store.get_papers([f.paper_id for f in profile.feedback], user=user)
    ranker.model(profile, current_space(ranker, store), rated=rated, user=user)


def build_digests(
    store: Store,
    wanted: Sequence[DigestWanted],
    *,
    day: str | None = None,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
    prepared: CandidateIndex | None = None,
    ranker: Ranker | None = None,
    trending: TrendingConfig | None = None,
) -> list[Digest]:
    """:func:`build_digest` of a batch of users, scored together (one product per signal).
    Every user must be rankable (see :func:`check_rankable`)."""
    from paperfeed.insight import capped_note
    from paperfeed.ranking.ranker import Request
    from paperfeed.trending import trending_section

    profiles = [check_rankable(store, item.user) for item in wanted]
    day = day or store.latest_date()
    if day is None:
        note = "The store holds no papers yet: run `paperfeed ingest`."
        return [Digest(item.user, None, (), note=note) for item in wanted]
    ranker = ranker or ranker_for(store, embedder)
    if prepared is None:
        prepared = prepare_day(store, day, ranker=ranker, progress=progress)
    if not len(prepared):
        note = nothing_listed(store, day)
        return [Digest(item.user, day, (), note=note) for item in wanted]
    cap = ranker.settings.profile_papers
    requests = []
    for item, profile in zip(wanted, profiles, strict=True):
        rated = store.get_papers([f.paper_id for f in profile.feedback], user=item.user)
        shown = store.shown_ids(item.user, before=day)
        requests.append(Request(profile, item.top, item.threshold, shown, rated, item.user))
    digests = []
    for request, (recs, interests) in zip(
        requests, ranker.digests(requests, prepared), strict=True
    ):
        user = request.user or ""
        rising = trending_section(store, ranker, request, recs, prepared, day, trending)
        with store.transaction():
            store.save_digest(user, day, recs)
            store.save_trending(user, day, rising)
        note = capped_note(len(request.profile.papers), cap)
        digests.append(
            Digest(user, day, tuple(recs), tuple(interests), len(prepared), note, tuple(rising))
        )
    return digests


def build_digests_apart(
    store: Store,
    wanted: Sequence[DigestWanted],
    *,
    day: str | None,
    prepare: Callable[[], CandidateIndex | None],
    ranker: Ranker,
    trending: TrendingConfig | None = None,
) -> list[Digest | Exception]:
    """:func:`build_digests` of ``wanted``; when the batch fails, each user alone, so that a
    failure stays the user's whose data caused it (their entry is the exception).
    ``prepare`` gives the day's index (called again for each retry)."""
    try:
        prepared = prepare()
        return list(
            build_digests(
                store, wanted, day=day, prepared=prepared, ranker=ranker, trending=trending
            )
        )
    except Exception as exc:
        if len(wanted) == 1:
            return [exc]
    return [
        outcome
        for item in wanted
        for outcome in build_digests_apart(
            store, [item], day=day, prepare=prepare, ranker=ranker, trending=trending
        )
    ]


class EmptyProfile(PaperfeedError):
    """A digest asked for a user with nothing to rank against: no papers in the profile
    (or all left out), no paper rated up, no followed author or keyword."""

    def __init__(self, user: str) -> None:
        self.user = user
        super().__init__(
            f"the profile of {user} holds no papers to rank against: import your papers "
            f"with `paperfeed profile import FILE --user {user}` (BibTeX, CSL-JSON, a listing)"
        )


def nothing_listed(store: Store, day: str) -> str:
    """Why a day has no candidates: arXiv announces nothing on weekends; on a weekday the
    store simply holds nothing of that date (an InputError saying how to ingest it)."""
    weekday = Date.fromisoformat(day).weekday()
    if weekday >= 5:
        name = "Saturday" if weekday == 5 else "Sunday"
        return f"arXiv announces no new papers on weekends ({day} is a {name})."
    newest = store.latest_date()
    stored = f" The newest stored day is {newest}." if newest else ""
    raise InvalidArgument(
        "date",
        f"nothing listed on {day} is stored.{stored} Ingest that day with "
        f"`paperfeed ingest arxiv:cs.LG --since {day}` (the arXiv API; name your categories) "
        f"or from a snapshot with `paperfeed ingest FILE --date {day}`; if arXiv announced "
        "nothing that day (a holiday), there is nothing to rank.",
    )


def mark_shown(store: Store, digest: Digest, channel: str) -> None:
    """Remember what the user saw (picks and trending section), so later digests never
    repeat it."""
    if digest.date and (digest.recommendations or digest.trending):
        ids = [r.paper.id for r in (*digest.recommendations, *digest.trending)]
        store.record_shown(digest.user, digest.date, ids, channel)


def summarizer_for(
    store: Store, settings: Settings, http: httpx.Client | None = None
) -> Summarizer | None:
    """The run's LLM summarizer when ``[llm]`` is configured, else None."""
    from paperfeed.summarize import summarizer_for as make

    return make(store, settings.llm, http)


def summarize(summarizer: Summarizer | None, digest: Digest) -> tuple[Digest, list[str]]:
    """The digest with LLM summaries, and notes for the run report (never an error)."""
    from paperfeed.summarize import summarize_safely

    return summarize_safely(summarizer, digest)


def with_summaries(store: Store, digest: Digest, settings: Settings) -> Digest:
    """The digest with the summaries already in the store (never calls the endpoint)."""
    from paperfeed.summarize import with_cached

    return with_cached(store, digest, settings.llm)


def render(digest: Digest, fmt: str, *, base_url: str = "") -> str:
    """The digest in one of the output formats: text, json, html, atom.

    The Atom feed links to itself on the web app only when ``base_url`` says where that is.
    """
    from paperfeed import deliver, urls

    if fmt == "text":
        return deliver.render_text(digest)
    if fmt == "json":
        return deliver.render_json(digest)
    if fmt == "html":
        return deliver.render_html(digest)
    if fmt == "atom":
        found = urls.site(base_url)
        url = found.feed(digest.user) if found else None
        return deliver.render_atom(digest, feed_url=url, self_id=urls.feed_id(digest.user))
    raise InvalidArgument("format", f"unknown format {fmt!r}")


def give_feedback(store: Store, user: str, paper_id: str, rating: int) -> None:
    """Store a thumbs up (+1), down (-1) or withdraw one (0); the next digest learns from it."""
    from datetime import UTC, datetime

    from paperfeed.records import Feedback

    if rating not in (1, 0, -1):
        raise InputError(
            "feedback", f"rating must be +1, -1 or 0 (withdraw), got {rating}", field="rating"
        )
    if not store.has_user(user):
        raise InvalidArgument("user", f"no user {user!r}")
    if store.get_paper(paper_id, user=user) is None:
        raise InvalidArgument("paper_id", f"no paper {paper_id!r} in the store")
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    store.add_feedback(Feedback(user, paper_id, rating, stamp))


def update_rules(
    store: Store,
    user: str,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    follow: tuple[str, ...],
    clear: bool = False,
) -> Profile:
    """Add keyword rules / followed authors (or clear them); the profile with its rules."""
    if not store.has_user(user):
        raise InvalidArgument("user", f"no user {user!r}")
    current = store.load_profile(user)
    keep = not clear

    def merged(old: tuple[str, ...], new: tuple[str, ...]) -> list[str]:
        return list(dict.fromkeys([*(old if keep else ()), *(s.strip() for s in new if s.strip())]))

    with store.transaction():
        store.set_rules(
            user,
            include_keywords=merged(current.include_keywords, include),
            exclude_keywords=merged(current.exclude_keywords, exclude),
            followed_authors=merged(current.followed_authors, follow),
        )
    return store.load_profile(user)
