"""The daily job: ingest the day's listings, rank for every user, deliver once per user, day
and channel (mail, and each ``[[deliver.webhook]]`` chat channel), with LLM summaries when
``[llm]`` is on (a summary that fails falls back to the abstract and is noted).

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

from paperfeed import pipeline
from paperfeed.config import DeliverConfig, LimitsConfig, Settings, WebhookConfig
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
    from paperfeed.summarize import Summarizer


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
        """Whether the mail or a post failed."""
        return any(s.startswith("failed") for s in (self.status, *(p[1] for p in self.posts)))

    @property
    def delivered(self) -> bool:
        """Whether the mail or a post went out in this run."""
        return any(s.startswith("sent") for s in (self.status, *(p[1] for p in self.posts)))


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
    """The SOURCE specs `paperfeed run` ingests: arXiv categories, feeds, and Hugging Face's
    daily papers of ``day`` (default today) when ``hf_daily`` is on."""
    from datetime import date

    specs = []
    if settings.sources.arxiv_categories:
        specs.append("arxiv:" + ",".join(settings.sources.arxiv_categories))
    specs.extend(settings.sources.feeds)
    specs.extend(settings.sources.specs)
    if settings.sources.hf_daily:
        specs.append(f"hf:{day or date.today().isoformat()}")
    return specs


def ingest_all(
    store: Store,
    specs: Sequence[str],
    *,
    day: str | None = None,
    client: httpx.Client | PoliteFetcher | None = None,
    allow_private: bool = False,
    limits: LimitsConfig | None = None,
) -> list[str]:
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
                problems.append(f"{spec}: {exc}")
    finally:
        if owned is not None:
            owned.close()
    return problems


CONFIRM_PATIENCE = 300.0  # seconds of retrying to record a mail the server accepted


def send_mail(store: Store, digest: Digest, smtp: SmtpSettings) -> str:
    """Mail a digest unless it was already sent; it counts as shown only once sent."""
    from paperfeed.deliver.email import build_message, send_digest

    address = store.email(digest.user)
    if not address:
        return "no address"
    # build_message gives every attempt at (user, day) the same Message-ID
    return send_once(
        store, digest, "email", lambda: send_digest(build_message(digest, address, smtp), smtp)
    )


def post_chat(store: Store, digest: Digest, hook: WebhookConfig) -> str:
    """Post a digest to one ``[[deliver.webhook]]`` channel unless it was already posted
    there for this user and day (the same claim-then-send as mail)."""
    from paperfeed.deliver.chat import post_chat as post
    from paperfeed.deliver.chat import render_chat

    url = hook.url or (os.environ.get(hook.url_env, "") if hook.url_env else "")
    if not url.strip() and hook.url_env:
        return f"skipped: {hook.url_env} is not set"
    if not url.strip():
        return "failed: the channel has neither url nor url_env"
    title, body = render_chat(digest)
    return send_once(store, digest, f"chat:{hook.name}", lambda: post(url.strip(), title, body))


def send_once(store: Store, digest: Digest, channel: str, send: Callable[[], object]) -> str:
    """Claim (user, day, channel), send, confirm: exactly once, whatever runs at once."""
    from paperfeed.deliver.email import DeliveryError

    if not digest.date or not digest.recommendations:
        return "no papers"
    user, day = digest.user, digest.date
    if journaled(store, user, day, channel) or not claim(store, user, day, channel):
        return "already sent"
    try:
        send()
    except DeliveryError as exc:
        store.unmark_sent(user, day, channel)
        return f"failed: {exc}"
    except Exception as exc:  # an optional part missing, a plugin's bug: the claim is let go
        store.unmark_sent(user, day, channel)
        return f"failed: {type(exc).__name__}: {exc}"
    return confirm_sent(store, digest, channel=channel)


def _confirm(store: Store, digest: Digest, channel: str) -> None:
    with store.transaction():
        store.confirm_delivery(digest.user, str(digest.date), channel)
        pipeline.mark_shown(store, digest, channel)


def confirm_sent(
    store: Store,
    digest: Digest,
    patience: float = CONFIRM_PATIENCE,
    sleep: Callable[[float], None] = time.sleep,
    *,
    channel: str = "email",
) -> str:
    """Record an accepted mail (or post) as sent, retrying while the database is busy; past
    ``patience`` the journal keeps the fact for the next run (never a second mail)."""
    deadline, delay = time.monotonic() + patience, 0.25
    while True:
        try:
            _confirm(store, digest, channel)
            return "sent"
        except sqlite3.OperationalError as exc:
            if not is_busy(exc):
                raise
            if time.monotonic() > deadline:
                _journal_write(store, digest.user, str(digest.date), channel)
                return "sent (recorded in the journal: the database stayed busy)"
            sleep(delay)
            delay = min(delay * 2, 10.0)


def _journal_path(store: Store) -> str | None:
    return None if store.path == ":memory:" else store.path + ".sent"


def _journal_write(store: Store, user: str, day: str, channel: str = "email") -> None:
    path = _journal_path(store)
    if path is None:
        return
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps({"user": user, "date": day, "channel": channel}) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def journaled(store: Store, user: str, day: str, channel: str = "email") -> bool:
    """Whether the journal says this (user, day, channel) delivery was accepted; if so,
    try to record it in the store now."""
    path = _journal_path(store)
    if path is None or not os.path.exists(path):
        return False
    with open(path, encoding="utf-8") as handle:
        entries = [json.loads(line) for line in handle if line.strip()]
    if {"user": user, "date": day, "channel": channel} not in entries:
        return False
    try:
        if store.delivery_state(user, day, channel) is not None:
            store.confirm_delivery(user, day, channel)
    except sqlite3.OperationalError as exc:
        if not is_busy(exc):
            raise
    return True


def _owner() -> str:
    return process_owner()


def _owner_is_dead(owner: str) -> bool:
    """True when ``owner`` (host:pid) is a process of this host that no longer runs."""
    return owner_is_dead(owner)


def claim(store: Store, user: str, day: str, channel: str = "email") -> bool:
    """Claim the (user, day, channel) delivery before sending, so two jobs racing cannot
    both send.

    A claim left by a process that died before sending is taken over, so a crash between
    claim and send costs no digest.
    """
    state = store.delivery_state(user, day, channel)
    if state is None:
        return bool(store.claim_delivery(user, day, channel, _owner()))
    status, owner = state
    if status == "claimed" and _owner_is_dead(owner):
        return bool(store.claim_delivery(user, day, channel, _owner(), take_over=owner))
    return False


def hooks_for(settings: Settings | None, user: str) -> list[WebhookConfig]:
    """The ``[[deliver.webhook]]`` channels that ``user``'s digests go to."""
    hooks = settings.deliver.webhook if settings is not None else []
    return [hook for hook in hooks if not hook.users or user in hook.users]


def run_user(
    store: Store,
    user: str,
    *,
    day: str | None,
    top: int,
    smtp: SmtpSettings | None,
    embedder: Embedder | None = None,
    prepare: Callable[[], CandidateIndex] | None = None,
    ranker: Ranker | None = None,
    settings: Settings | None = None,
    summarizer: Summarizer | None = None,
) -> UserRun:
    """Rank and deliver for one user (``prepare`` gives the day's index shared by all users,
    ``ranker`` the run's ranker); with ``settings``, also to the user's chat channels and
    with the trending section; with ``summarizer``, with LLM summaries."""
    hooks = hooks_for(settings, user)
    mailed = smtp is not None and bool(store.email(user))
    channels = (["email"] if mailed else []) + [f"chat:{hook.name}" for hook in hooks]
    if day and all(store.was_sent(user, day, channel) for channel in channels or ["email"]):
        return UserRun(user, day, 0, "already sent")
    prepared = prepare() if prepare is not None else None
    trending = settings.trending if settings is not None else None
    digest = pipeline.build_digest(
        store,
        user,
        day=day,
        top=top,
        embedder=embedder,
        prepared=prepared,
        ranker=ranker,
        trending=trending,
    )
    if not digest.recommendations:
        return UserRun(user, digest.date, 0, "no papers: " + (digest.note or "nothing matched"))
    digest, notes = pipeline.summarize(summarizer, digest)
    status = send_mail(store, digest, smtp) if smtp else "not sent (mail off)"
    posts = tuple((hook.name, post_chat(store, digest, hook)) for hook in hooks)
    return UserRun(user, digest.date, len(digest.recommendations), status, posts, tuple(notes))


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
) -> tuple[list[UserRun], list[str]]:
    """The whole daily job. Running it twice a day sends nothing twice (mail and posts).
    ``llm`` is the HTTP client of the LLM endpoint (tests hand one in)."""
    specs = configured_sources(settings, day) if sources is None else list(sources)
    problems = ingest_all(
        store,
        specs,
        day=day,
        client=client,
        allow_private=settings.sources.allow_private_feeds,
        limits=settings.limits,
    )
    day = day or store.latest_date()
    smtp = smtp_settings(settings) if send else None
    runs = []
    ranker = pipeline.ranker_for(store, embedder, settings)
    prepare = _day_index(store, day, ranker) if day else None
    job = _Job(settings, smtp, ranker, prepare, pipeline.summarizer_for(store, settings, llm))
    try:
        for user in users if users is not None else store.users():
            try:
                runs.append(_serve_user(store, job, user, day, send))
            except PaperfeedError as exc:
                runs.append(UserRun(user, day, 0, f"failed: {exc}"))
            except Exception as exc:  # any failure stays this user's: the next user is served
                runs.append(UserRun(user, day, 0, f"failed: {type(exc).__name__}: {exc}"))
    finally:
        if job.summarizer is not None:
            job.summarizer.client.close()
    return runs, problems


@dataclass(frozen=True, slots=True)
class _Job:
    """What every user's part of one run shares."""

    settings: Settings
    smtp: SmtpSettings | None
    ranker: Ranker
    prepare: Callable[[], CandidateIndex] | None
    summarizer: Summarizer | None


def _serve_user(store: Store, job: _Job, user: str, day: str | None, send: bool) -> UserRun:
    if not is_due(str(store.get_setting(user, "schedule", "daily")), day):
        return UserRun(user, day, 0, "not scheduled today")
    settings = job.settings
    top = int(store.get_setting(user, "top", settings.top) or settings.top)
    return run_user(
        store,
        user,
        day=day,
        top=top,
        smtp=job.smtp,
        prepare=job.prepare,
        ranker=job.ranker,
        settings=settings if send else settings.model_copy(update={"deliver": DeliverConfig()}),
        summarizer=job.summarizer,
    )
