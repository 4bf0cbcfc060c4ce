"""The daily job: ingest the day's listings, rank for every user, deliver once per user and day."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from paperfeed import pipeline
from paperfeed.config import Settings
from paperfeed.errors import PaperfeedError
from paperfeed.records import Digest

if TYPE_CHECKING:
    import httpx

    from paperfeed.deliver.email import SmtpSettings
    from paperfeed.embed import Embedder
    from paperfeed.store import Store


@dataclass(frozen=True, slots=True)
class UserRun:
    """What the daily job did for one user."""

    user: str
    date: str | None
    picks: int
    status: str  # sent | already sent | no address | no papers | failed: ...


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


def configured_sources(settings: Settings) -> list[str]:
    """The SOURCE specs `paperfeed run` ingests: arXiv categories, feeds, Hugging Face."""
    specs = []
    if settings.sources.arxiv_categories:
        specs.append("arxiv:" + ",".join(settings.sources.arxiv_categories))
    specs.extend(settings.sources.feeds)
    return specs


def ingest_all(
    store: Store,
    specs: Sequence[str],
    *,
    day: str | None = None,
    client: httpx.Client | None = None,
) -> list[str]:
    """Ingest every source; a failing source is reported and the others still run.

    One PoliteFetcher serves the whole run, so arXiv's pause holds across sources.
    """
    from paperfeed.sources.http import as_fetcher, make_client

    owned = client is None and any(pipeline.is_network_source(s) for s in specs)
    http = make_client() if owned else client
    fetcher = as_fetcher(http) if http is not None else None
    problems: list[str] = []
    try:
        for spec in specs:
            try:
                report = pipeline.ingest(store, spec, day=day, client=fetcher)
                problems.extend(report.problems)
            except PaperfeedError as exc:
                problems.append(f"{spec}: {exc}")
    finally:
        if owned and http is not None:
            http.close()
    return problems


def send_mail(store: Store, digest: Digest, smtp: SmtpSettings) -> str:
    """Mail a digest unless it was already sent; it counts as shown only once sent."""
    from paperfeed.deliver.email import DeliveryError, build_message, send_digest

    address = store.email(digest.user)
    if not address:
        return "no address"
    if not digest.date or not digest.recommendations:
        return "no papers"
    # Claim the (user, day) slot before sending, so two jobs racing cannot both send;
    # a failed send gives the claim back for the next run to retry.
    if not store.mark_sent(digest.user, digest.date, "email"):
        return "already sent"
    try:
        send_digest(build_message(digest, address, smtp), smtp)
    except DeliveryError as exc:
        store.unmark_sent(digest.user, digest.date, "email")
        return f"failed: {exc}"
    pipeline.mark_shown(store, digest, "email")
    return "sent"


def run_user(
    store: Store,
    user: str,
    *,
    day: str | None,
    top: int,
    smtp: SmtpSettings | None,
    embedder: Embedder | None = None,
) -> UserRun:
    """Rank and deliver for one user."""
    if day and store.was_sent(user, day, "email"):
        return UserRun(user, day, 0, "already sent")
    digest = pipeline.build_digest(store, user, day=day, top=top, embedder=embedder)
    if not digest.recommendations:
        return UserRun(user, digest.date, 0, "no papers: " + (digest.note or "nothing matched"))
    status = send_mail(store, digest, smtp) if smtp else "not sent (mail off)"
    return UserRun(user, digest.date, len(digest.recommendations), status)


def run_all(
    store: Store,
    settings: Settings,
    *,
    users: Sequence[str] | None = None,
    day: str | None = None,
    sources: Sequence[str] | None = None,
    send: bool = True,
    client: httpx.Client | None = None,
    embedder: Embedder | None = None,
) -> tuple[list[UserRun], list[str]]:
    """The whole daily job. Running it twice a day sends nothing twice."""
    specs = configured_sources(settings) if sources is None else list(sources)
    problems = ingest_all(store, specs, day=day, client=client)
    day = day or store.latest_date()
    smtp = smtp_settings(settings) if send else None
    runs = []
    for user in users if users is not None else store.users():
        top = int(store.get_setting(user, "top", settings.top) or settings.top)
        try:
            runs.append(run_user(store, user, day=day, top=top, smtp=smtp, embedder=embedder))
        except PaperfeedError as exc:
            runs.append(UserRun(user, day, 0, f"failed: {exc}"))
    return runs, problems
