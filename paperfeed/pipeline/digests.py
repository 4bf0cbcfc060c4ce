"""Ranking a listing day into digests: the day prepared once, every user's picks scored
in batches, saved; a user whose data breaks the batch fails alone."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date as Date
from typing import TYPE_CHECKING

from paperfeed.errors import InputError, InvalidArgument, PaperfeedError
from paperfeed.records import Digest, Paper, Profile

if TYPE_CHECKING:
    from paperfeed.config import Settings, TrendingConfig
    from paperfeed.embed import Embedder, Progress
    from paperfeed.ranking import CandidateIndex, Ranker
    from paperfeed.ranking.ranker import Request
    from paperfeed.store import Store


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
    ahead: Sequence[Paper] = (),
) -> CandidateIndex:
    """The papers listed on ``day``, encoded in the store's current feature space: what every
    user's digest of that day is ranked from (the ranker keeps it for the next call).
    ``ahead``: other papers ranked next (the users' own), embedded with the day's when the
    space is refitted first (see ``ranking.stored.refit``)."""
    from paperfeed.ranking.stored import current_space

    ranker = ranker or ranker_for(store, embedder)
    papers = store.papers_on(day)
    space = current_space(ranker, store, ahead=[*papers, *ahead], progress=progress)
    return ranker.index(papers, space=space, progress=progress)


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
    users; without it the day is prepared here (``progress`` hears of the embedding, and of
    the models trained).
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
    profiles = [check_rankable(store, item.user) for item in wanted]
    day = day or store.latest_date()
    if day is None:
        note = "The store holds no papers yet: run `paperfeed ingest`."
        return [Digest(item.user, None, (), note=note) for item in wanted]
    ranker = ranker or ranker_for(store, embedder)
    if prepared is None:
        own = [paper for profile in profiles for paper in ranker.own_papers(profile)]
        prepared = prepare_day(store, day, ranker=ranker, progress=progress, ahead=own)
    if not len(prepared):
        note = nothing_listed(store, day)
        return [Digest(item.user, day, (), note=note) for item in wanted]
    requests = digest_requests(store, wanted, profiles, day)
    return _saved_digests(store, ranker, requests, prepared, day, trending, progress)


def _saved_digests(
    store: Store,
    ranker: Ranker,
    requests: Sequence[Request],
    prepared: CandidateIndex,
    day: str,
    trending: TrendingConfig | None,
    progress: Progress | None = None,
) -> list[Digest]:
    """The digests of ``requests`` on the ``prepared`` day, each saved with its trending
    section as it is made (``progress`` hears of the models trained)."""
    from paperfeed.insight import capped_note
    from paperfeed.trending import trending_section

    cap = ranker.settings.profile_papers
    digests = []
    for request, (recs, interests) in zip(
        requests, ranker.digests(requests, prepared, progress), strict=True
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


def digest_requests(
    store: Store, wanted: Sequence[DigestWanted], profiles: Sequence[Profile], day: str
) -> list[Request]:
    """What the ranker is asked for each user: their profile, options, papers rated (for
    the ratings) and the papers shown before ``day``."""
    from paperfeed.ranking.ranker import Request

    requests = []
    for item, profile in zip(wanted, profiles, strict=True):
        rated = store.get_papers([f.paper_id for f in profile.feedback], user=item.user)
        shown = store.shown_ids(item.user, before=day)
        requests.append(Request(profile, item.top, item.threshold, shown, rated, item.user))
    return requests


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
