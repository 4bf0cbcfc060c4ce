"""The daily job: ingest the day's listings, rank for every user, deliver once per user, day
and channel (mail, and each ``[[deliver.webhook]]`` chat channel), with LLM summaries when
``[llm]`` is on (a summary that fails falls back to the abstract and is noted).

Users are ranked in batches (one set of matrix products per batch) and isolated: a
failure of any kind while serving one user (bad data, a bug, a MemoryError) is reported in
that user's ``UserRun`` and the next user is served; the command exits non-zero at the
end. Sending once per user, day and channel is :mod:`paperfeed.deliver.once`'s job.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from paperfeed import pipeline, urls
from paperfeed.accounts import DigestOptions, digest_options
from paperfeed.config import LimitsConfig, Settings, TrendingConfig, WebhookConfig
from paperfeed.deliver.once import post_chat, send_mail
from paperfeed.errors import PaperfeedError
from paperfeed.records import Digest

if TYPE_CHECKING:
    import httpx

    from paperfeed.deliver.email import SmtpSettings
    from paperfeed.embed import Embedder
    from paperfeed.ranking import CandidateIndex, Ranker
    from paperfeed.sources.http import PoliteFetcher
    from paperfeed.store import Store
    from paperfeed.summarize import Summarizer
    from paperfeed.urls import Site

NO_BASE_URL = (
    "base_url is not set: the mail carries no rating, settings or unsubscribe links "
    "(set it to the web app's address in the config, or PAPERFEED_BASE_URL)"
)


@dataclass(frozen=True, slots=True)
class UserRun:
    """What the daily job did for one user: the mail's status, each chat channel's
    (``posts``: channel, status) and notes for the run report (summaries that fell back)."""

    user: str
    date: str | None
    picks: int
    status: str  # sent | already sent | no address | no papers | failed: ...
    posts: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        """Whether the mail or a post went wrong (the job then exits non-zero)."""
        return any(s.startswith("failed") for s in (self.status, *(p[1] for p in self.posts)))

    @property
    def delivered(self) -> bool:
        """Whether the mail or a post went out in this run."""
        return any(s.startswith("sent") for s in (self.status, *(p[1] for p in self.posts)))


@dataclass(frozen=True, slots=True)
class SourcesReport:
    """What ingesting the configured sources met: ``failed`` are sources that delivered
    nothing (network down, server error); ``problems`` are notes on parts of the others."""

    failed: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DailyReport:
    """The whole daily job: one run per user, and what the sources met."""

    runs: tuple[UserRun, ...]
    sources: SourcesReport
    notes: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        """A source or a user's delivery failed: what could be served was, but the job
        must exit non-zero so that cron or systemd reports it."""
        return bool(self.sources.failed) or any(run.failed for run in self.runs)


def smtp_settings(settings: Settings) -> SmtpSettings:
    """SMTP settings from the config file; the password only from the environment."""
    from paperfeed.deliver.email import SmtpSettings

    smtp = settings.smtp
    return SmtpSettings(
        host=smtp.host,
        port=smtp.port,
        security=smtp.security,
        username=smtp.username,
        password=os.environ.get("PAPERFEED_SMTP_PASSWORD", ""),
        sender=smtp.sender,
    )


def configured_sources(settings: Settings, day: str | None = None) -> list[str]:
    """The SOURCE specs `paperfeed run` ingests: arXiv categories, feeds, the other registry
    sources (``specs``), and Hugging Face Daily Papers of ``day`` (default: today, UTC) when
    ``hf_daily`` is on."""
    from datetime import UTC, datetime

    specs = []
    if settings.sources.arxiv_categories:
        specs.append("arxiv:" + ",".join(settings.sources.arxiv_categories))
    specs.extend(settings.sources.feeds)
    specs.extend(settings.sources.specs)
    if settings.sources.hf_daily:
        specs.append(f"hf:{day or datetime.now(UTC).date().isoformat()}")
    return specs


def ingest_all(
    store: Store,
    specs: Sequence[str],
    *,
    day: str | None = None,
    client: httpx.Client | PoliteFetcher | None = None,
    allow_private: bool = False,
    limits: LimitsConfig | None = None,
) -> SourcesReport:
    """Ingest every source; a failing source is reported and the others still run.

    One PoliteFetcher serves the whole run, so arXiv's pause holds across sources.
    """
    from paperfeed.sources.http import as_fetcher, make_client

    needed = client is None and any(map(pipeline.is_network_source, specs))
    owned = make_client(allow_private=allow_private) if needed else None
    http = owned if owned is not None else client
    cap = (limits or LimitsConfig()).feed_bytes
    fetcher = as_fetcher(http, max_bytes=cap) if http is not None else None
    problems: list[str] = []
    failed: list[str] = []
    try:
        for spec in specs:
            try:
                report = pipeline.ingest(
                    store,
                    spec,
                    day=day,
                    client=fetcher,
                    allow_private=allow_private,
                    limits=limits,
                )
                problems.extend(report.problems)
            except PaperfeedError as exc:
                failed.append(f"{spec}: {exc}")
    finally:
        if owned is not None:
            owned.close()
    return SourcesReport(tuple(failed), tuple(problems))


def run_user(
    store: Store,
    user: str,
    *,
    day: str | None,
    options: DigestOptions,
    smtp: SmtpSettings | None,
    embedder: Embedder | None = None,
    prepare: Callable[[], CandidateIndex] | None = None,
    site: Site | None = None,
    ranker: Ranker | None = None,
    trending: TrendingConfig | None = None,
    hooks: Sequence[WebhookConfig] = (),
    summarizer: Summarizer | None = None,
) -> UserRun:
    """Rank and deliver for one user (``prepare`` gives the day's index shared by all users,
    ``ranker`` the run's ranker); ``options`` come from ``accounts.digest_options``, as on
    every channel. ``trending`` holds the knobs of the trending section (for a user who
    opted in), ``hooks`` the chat channels to post to, ``summarizer`` makes LLM summaries."""
    job = _Job(smtp, site, summarizer, tuple(hooks))
    if day and _all_sent(store, job, user, day):
        return UserRun(user, day, 0, "already sent")
    prepared = prepare() if prepare is not None else None
    try:
        digest = pipeline.build_digest(
            store,
            user,
            day=day,
            top=options.top,
            threshold=options.threshold,
            embedder=embedder,
            prepared=prepared,
            ranker=ranker,
            trending=trending,
        )
    except pipeline.EmptyProfile as exc:  # not a failure of the job: nothing to rank for
        return UserRun(user, day, 0, f"no papers: {exc}")
    return _deliver(store, user, day, digest, job)


def _day_index(store: Store, day: str, ranker: Ranker) -> Callable[[], CandidateIndex]:
    """The day's index, built when the first user needs it and shared by the rest (a
    failed build is tried again for the next user)."""
    return functools.cache(lambda: pipeline.prepare_day(store, day, ranker=ranker))


def is_due(schedule: str, day: str | None) -> bool:
    """Whether a user's schedule (daily, weekdays, weekly = Mondays, never) includes ``day``."""
    from datetime import date

    if schedule == "never":
        return False
    if schedule == "daily" or day is None:
        return True
    weekday = date.fromisoformat(day).weekday()
    return weekday < 5 if schedule == "weekdays" else weekday == 0


def run_all(
    store: Store,
    settings: Settings,
    *,
    users: Sequence[str] | None = None,
    day: str | None = None,
    sources: Sequence[str] | None = None,
    send: bool = True,
    client: httpx.Client | PoliteFetcher | None = None,
    embedder: Embedder | None = None,
    llm: httpx.Client | None = None,
    cluster: str | None = None,
) -> DailyReport:
    """The whole daily job. Running it twice a day sends nothing twice (mail and posts).
    ``llm`` is the HTTP client of the LLM endpoint (tests hand one in). With ``cluster``
    (a dask scheduler address or ``local:N``) the ranking runs there (``paperfeed.cluster``)."""
    specs = configured_sources(settings, day) if sources is None else list(sources)
    fetched = ingest_all(
        store,
        specs,
        day=day,
        client=client,
        allow_private=settings.sources.allow_private_feeds,
        limits=settings.limits,
    )
    day = day or store.latest_date()
    ranker = pipeline.ranker_for(store, embedder, settings)
    job = _Job.of(store, settings, send, llm)  # its summarizer's client is closed below
    notes = () if job.site or not send else (NO_BASE_URL,)
    try:
        runs = _serve_all(store, settings, job, users, day, ranker, cluster)
    finally:
        if job.summarizer is not None:
            job.summarizer.client.close()
    return DailyReport(runs, fetched, notes)


#: Users ranked together in one call (their day's products are computed as one).
BATCH_USERS = 256


@dataclass(frozen=True, slots=True)
class _Job:
    """How every user's digest of one run is delivered."""

    smtp: SmtpSettings | None
    site: Site | None
    summarizer: Summarizer | None
    hooks: tuple[WebhookConfig, ...]

    @classmethod
    def of(cls, store: Store, settings: Settings, send: bool, llm: httpx.Client | None) -> _Job:
        """The delivery the settings ask for (no mail and no posts unless ``send``)."""
        return cls(
            smtp_settings(settings) if send else None,
            urls.site(settings.base_url),
            pipeline.summarizer_for(store, settings, llm),
            tuple(settings.deliver.webhook) if send else (),
        )

    def hooks_for(self, user: str) -> list[WebhookConfig]:
        """The chat channels that ``user``'s digests go to."""
        return [hook for hook in self.hooks if not hook.users or user in hook.users]


def _serve_all(
    store: Store,
    settings: Settings,
    job: _Job,
    users: Sequence[str] | None,
    day: str | None,
    ranker: Ranker,
    cluster: str | None = None,
) -> tuple[UserRun, ...]:
    listed = list(users if users is not None else store.users())
    runs: dict[str, UserRun] = {}
    wanted = []
    for user in listed:
        try:
            early = _before_ranking(store, settings, job, user, day)
        except Exception as exc:  # any failure stays this user's: the next user is served
            early = _failed(user, day, exc)
        if isinstance(early, UserRun):
            runs[user] = early
        else:
            wanted.append(early)
    if cluster and day and wanted:
        ranked = _cluster_digests(store, settings, wanted, day, cluster)
        for item in wanted:
            got = ranked.get(item.user, "failed: the cluster returned nothing")
            if isinstance(got, str):
                runs[item.user] = UserRun(item.user, day, 0, got)
            else:
                runs[item.user] = _deliver(store, item.user, day, got, job)
        return tuple(runs[user] for user in listed)
    prepare = _day_index(store, day, ranker) if day else lambda: None
    for start in range(0, len(wanted), BATCH_USERS):
        batch = wanted[start : start + BATCH_USERS]
        outcomes = pipeline.build_digests_apart(
            store, batch, day=day, prepare=prepare, ranker=ranker, trending=settings.trending
        )
        for item, outcome in zip(batch, outcomes, strict=True):
            runs[item.user] = _deliver(store, item.user, day, outcome, job)
    return tuple(runs[user] for user in listed)


def _cluster_digests(
    store: Store,
    settings: Settings,
    wanted: Sequence[pipeline.DigestWanted],
    day: str,
    address: str,
) -> dict[str, Digest | str]:
    """The digests of ``wanted`` ranked on the cluster (or why there is none)."""
    from paperfeed import cluster

    job = cluster.ClusterJob(cluster.store_locator(store), settings, day)
    with cluster.connect(address) as client:
        return cluster.rank_users(
            client,
            job,
            wanted,
            len(store.papers_on(day)),
            users_per_task=settings.cluster.users_per_task,
        )


def _all_sent(store: Store, job: _Job, user: str, day: str) -> bool:
    """Whether every channel ``user``'s digest of ``day`` goes to has it already."""
    mailed = job.smtp is not None and bool(store.email(user))
    channels = (["email"] if mailed else []) + [f"chat:{h.name}" for h in job.hooks_for(user)]
    return all(store.was_sent(user, day, channel) for channel in channels or ["email"])


def _before_ranking(
    store: Store, settings: Settings, job: _Job, user: str, day: str | None
) -> UserRun | pipeline.DigestWanted:
    """A user's run when it ends before ranking (not scheduled, sent on every channel,
    nothing to rank against), else what to rank for them."""
    if not is_due(str(store.get_setting(user, "schedule", "daily")), day):
        return UserRun(user, day, 0, "not scheduled today")
    if day and _all_sent(store, job, user, day):
        return UserRun(user, day, 0, "already sent")
    try:
        pipeline.check_rankable(store, user)
    except pipeline.EmptyProfile as exc:  # not a failure of the job: nothing to rank for
        return UserRun(user, day, 0, f"no papers: {exc}")
    options = digest_options(store, user, settings)
    return pipeline.DigestWanted(user, options.top, options.threshold)


def _deliver(
    store: Store, user: str, day: str | None, outcome: Digest | Exception, job: _Job
) -> UserRun:
    """Summarize and send one ranked digest by mail and to the user's chat channels (or
    report why there is none)."""
    if isinstance(outcome, Exception):
        return _failed(user, day, outcome)
    try:
        if not outcome.recommendations:
            note = outcome.note or "nothing matched"
            return UserRun(user, outcome.date, 0, "no papers: " + note)
        digest, notes = pipeline.summarize(job.summarizer, outcome)
        status = send_mail(store, digest, job.smtp, job.site) if job.smtp else "not sent (mail off)"
        posts = tuple((hook.name, post_chat(store, digest, hook)) for hook in job.hooks_for(user))
        picks = len(digest.recommendations)
        return UserRun(user, digest.date, picks, status, posts, tuple(notes))
    except Exception as exc:
        return _failed(user, day, exc)


def _failed(user: str, day: str | None, exc: BaseException) -> UserRun:
    if isinstance(exc, PaperfeedError):
        return UserRun(user, day, 0, f"failed: {exc}")
    return UserRun(user, day, 0, f"failed: {type(exc).__name__}: {exc}")
