"""The daily job: ingest the day's listings, rank for every user, deliver once per user and day.

Users are isolated: a failure of any kind while serving one user (bad data, a bug, a
MemoryError) is reported in that user's ``UserRun`` and the next user is served; the
command exits non-zero at the end. A mail the server accepted is recorded as sent with
retries while another writer holds the database; if the database stays busy past
``CONFIRM_PATIENCE`` the fact goes to a small journal file beside it (``DB.sent``), which
the next run reads before claiming, so contention never makes a digest go out twice.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from paperfeed import pipeline, urls
from paperfeed.accounts import DigestOptions, digest_options
from paperfeed.config import LimitsConfig, Settings
from paperfeed.errors import PaperfeedError
from paperfeed.records import Digest
from paperfeed.store.base import is_busy
from paperfeed.store.staging import owner_is_dead, process_owner

if TYPE_CHECKING:
    import httpx

    from paperfeed.deliver.email import SmtpSettings
    from paperfeed.embed import Embedder
    from paperfeed.ranking import CandidateIndex, Ranker
    from paperfeed.sources.http import PoliteFetcher
    from paperfeed.store import Store
    from paperfeed.urls import Site

NO_BASE_URL = (
    "base_url is not set: the mail carries no rating, settings or unsubscribe links "
    "(set it to the web app's address in the config, or PAPERFEED_BASE_URL)"
)


@dataclass(frozen=True, slots=True)
class UserRun:
    """What the daily job did for one user."""

    user: str
    date: str | None
    picks: int
    status: str  # sent | already sent | no address | no papers | failed: ...

    @property
    def failed(self) -> bool:
        """Whether this user's run went wrong (the job then exits non-zero)."""
        return self.status.startswith("failed")


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
    """The SOURCE specs `paperfeed run` ingests: arXiv categories, feeds, and Hugging Face
    Daily Papers of ``day`` (default: today, UTC) when ``hf_daily`` is on."""
    from datetime import UTC, datetime

    specs = []
    if settings.sources.arxiv_categories:
        specs.append("arxiv:" + ",".join(settings.sources.arxiv_categories))
    specs.extend(settings.sources.feeds)
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


CONFIRM_PATIENCE = 300.0  # seconds of retrying to record a mail the server accepted


def send_mail(store: Store, digest: Digest, smtp: SmtpSettings, site: Site | None = None) -> str:
    """Mail a digest unless it was already sent; it counts as shown only once sent. With
    ``site`` (``base_url`` set) the mail carries rating, settings and unsubscribe links."""
    from paperfeed.deliver.email import DeliveryError, build_message, send_digest
    from paperfeed.deliver.maillinks import mail_links
    from paperfeed.signing import site_secret

    address = store.email(digest.user)
    if not address:
        return "no address"
    if not digest.date or not digest.recommendations:
        return "no papers"
    if journaled(store, digest.user, digest.date) or not claim(store, digest.user, digest.date):
        return "already sent"
    links = mail_links(digest, site, site_secret(store.path)) if site else None
    try:  # build_message gives every attempt at (user, day) the same Message-ID
        send_digest(build_message(digest, address, smtp, links=links), smtp)
    except DeliveryError as exc:
        store.unmark_sent(digest.user, digest.date, "email")
        return f"failed: {exc}"
    return confirm_sent(store, digest)


def _confirm(store: Store, digest: Digest) -> None:
    with store.transaction():
        store.confirm_delivery(digest.user, str(digest.date), "email")
        pipeline.mark_shown(store, digest, "email")


def confirm_sent(
    store: Store,
    digest: Digest,
    patience: float = CONFIRM_PATIENCE,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Record an accepted mail as sent, retrying while the database is busy; past
    ``patience`` the journal keeps the fact for the next run (never a second mail)."""
    deadline, delay = time.monotonic() + patience, 0.25
    while True:
        try:
            _confirm(store, digest)
            return "sent"
        except sqlite3.OperationalError as exc:
            if not is_busy(exc):
                raise
            if time.monotonic() > deadline:
                _journal_write(store, digest.user, str(digest.date))
                return "sent (recorded in the journal: the database stayed busy)"
            sleep(delay)
            delay = min(delay * 2, 10.0)


def _journal_path(store: Store) -> str | None:
    if store.path == ":memory:" or "://" in store.path:  # no file beside a database server
        return None
    return store.path + ".sent"


def _journal_write(store: Store, user: str, day: str) -> None:
    path = _journal_path(store)
    if path is None:
        return
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps({"user": user, "date": day, "channel": "email"}) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def journaled(store: Store, user: str, day: str) -> bool:
    """Whether the journal says this (user, day) mail was accepted; if so, try to record
    it in the store now."""
    path = _journal_path(store)
    if path is None or not os.path.exists(path):
        return False
    with open(path, encoding="utf-8") as handle:
        entries = [json.loads(line) for line in handle if line.strip()]
    if {"user": user, "date": day, "channel": "email"} not in entries:
        return False
    try:
        if store.delivery_state(user, day, "email") is not None:
            store.confirm_delivery(user, day, "email")
    except sqlite3.OperationalError as exc:
        if not is_busy(exc):
            raise
    return True


def _owner() -> str:
    return process_owner()


def _owner_is_dead(owner: str) -> bool:
    """True when ``owner`` (host:pid) is a process of this host that no longer runs."""
    return owner_is_dead(owner)


def claim(store: Store, user: str, day: str) -> bool:
    """Claim the (user, day) mail before sending, so two jobs racing cannot both send.

    A claim left by a process that died before sending is taken over, so a crash between
    claim and send costs no digest.
    """
    state = store.delivery_state(user, day, "email")
    if state is None:
        return bool(store.claim_delivery(user, day, "email", _owner()))
    status, owner = state
    if status == "claimed" and _owner_is_dead(owner):
        return bool(store.claim_delivery(user, day, "email", _owner(), take_over=owner))
    return False


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
    ranked: Digest | str | None = None,
) -> UserRun:
    """Rank and deliver for one user (``prepare`` gives the day's index shared by all users,
    ``ranker`` the run's ranker); ``options`` come from ``accounts.digest_options``, as on
    every channel. ``ranked`` is the digest a cluster already ranked and saved (or why
    there is none): then it is only delivered."""
    if day and store.was_sent(user, day, "email"):
        return UserRun(user, day, 0, "already sent")
    if isinstance(ranked, str):
        return UserRun(user, day, 0, ranked)
    prepared = prepare() if prepare is not None and ranked is None else None
    try:
        digest = ranked or pipeline.build_digest(
            store,
            user,
            day=day,
            top=options.top,
            threshold=options.threshold,
            embedder=embedder,
            prepared=prepared,
            ranker=ranker,
        )
    except pipeline.EmptyProfile as exc:  # not a failure of the job: nothing to rank for
        return UserRun(user, day, 0, f"no papers: {exc}")
    if not digest.recommendations:
        return UserRun(user, digest.date, 0, "no papers: " + (digest.note or "nothing matched"))
    status = send_mail(store, digest, smtp, site) if smtp else "not sent (mail off)"
    return UserRun(user, digest.date, len(digest.recommendations), status)


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
    cluster: str | None = None,
) -> DailyReport:
    """The whole daily job. Running it twice a day sends nothing twice. With ``cluster``
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
    smtp = smtp_settings(settings) if send else None
    site = urls.site(settings.base_url)
    notes = () if site or not send else (NO_BASE_URL,)
    runs = []
    ranker = pipeline.ranker_for(store, embedder, settings)
    prepare = _day_index(store, day, ranker) if day else None
    chosen = list(users) if users is not None else store.users()
    ranked = _cluster_digests(store, settings, chosen, day, cluster) if cluster and day else {}
    for user in chosen:
        try:
            runs.append(
                _serve_user(store, settings, user, day, smtp, site, ranker, prepare, ranked)
            )
        except PaperfeedError as exc:
            runs.append(UserRun(user, day, 0, f"failed: {exc}"))
        except Exception as exc:  # any failure stays this user's: the next user is served
            runs.append(UserRun(user, day, 0, f"failed: {type(exc).__name__}: {exc}"))
    return DailyReport(tuple(runs), fetched, notes)


def _serve_user(
    store: Store,
    settings: Settings,
    user: str,
    day: str | None,
    smtp: SmtpSettings | None,
    site: Site | None,
    ranker: Ranker,
    prepare: Callable[[], CandidateIndex] | None,
    ranked: dict[str, Digest | str] | None = None,
) -> UserRun:
    if not is_due(str(store.get_setting(user, "schedule", "daily")), day):
        return UserRun(user, day, 0, "not scheduled today")
    options = digest_options(store, user, settings)
    return run_user(
        store,
        user,
        day=day,
        options=options,
        smtp=smtp,
        prepare=prepare,
        site=site,
        ranker=ranker,
        ranked=(ranked or {}).get(user),
    )


def _cluster_digests(
    store: Store, settings: Settings, users: Sequence[str], day: str, address: str
) -> dict[str, Digest | str]:
    """The digests of the users due ``day`` and not yet sent, ranked on the cluster."""
    from paperfeed import cluster

    wanted = []
    for user in users:
        due = is_due(str(store.get_setting(user, "schedule", "daily")), day)
        if due and store.has_user(user) and not store.was_sent(user, day, "email"):
            options = digest_options(store, user, settings)
            wanted.append(pipeline.DigestWanted(user, options.top, options.threshold))
    job = cluster.ClusterJob(cluster.store_locator(store), settings, day)
    with cluster.connect(address) as client:
        return cluster.rank_users(
            client,
            job,
            wanted,
            len(store.papers_on(day)),
            users_per_task=settings.cluster.users_per_task,
        )
