"""Deliver a digest exactly once per user, day and channel (``email``, and ``chat:NAME`` for
each ``[[deliver.webhook]]`` channel): claim, send, confirm, and a journal.

A delivery the server accepted is recorded as sent with retries while another writer
holds the database; if the database stays busy past ``CONFIRM_PATIENCE`` the fact goes to
a small journal file beside it (``DB.sent``), which the next run reads before claiming, so
contention never makes a digest go out twice. A claim left by a dead process is taken over.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from paperfeed.errors import StoreBusy
from paperfeed.records import Digest
from paperfeed.store.staging import owner_is_dead, process_owner

if TYPE_CHECKING:
    from paperfeed.config import WebhookConfig
    from paperfeed.deliver.email import SmtpSettings
    from paperfeed.store import Store
    from paperfeed.urls import Site

CONFIRM_PATIENCE = 300.0  # seconds of retrying to record a delivery the server accepted
EMAIL = "email"


def send_mail(store: Store, digest: Digest, smtp: SmtpSettings, site: Site | None = None) -> str:
    """Mail a digest unless it was already sent; it counts as shown only once sent. With
    ``site`` (``base_url`` set) the mail carries rating, settings and unsubscribe links."""
    from paperfeed.deliver.email import build_message, send_digest
    from paperfeed.deliver.maillinks import mail_links
    from paperfeed.signing import site_secret

    address = store.email(digest.user)
    if not address:
        return "no address"

    def send() -> None:
        links = mail_links(digest, site, site_secret(store.path)) if site else None
        # build_message gives every attempt at (user, day) the same Message-ID
        send_digest(build_message(digest, address, smtp, links=links), smtp)

    return send_once(store, digest, EMAIL, send)


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
        # shown only once sent: the picks and the trending section
        ids = [r.paper.id for r in (*digest.recommendations, *digest.trending)]
        store.record_shown(digest.user, str(digest.date), ids, channel)


def confirm_sent(
    store: Store,
    digest: Digest,
    patience: float = CONFIRM_PATIENCE,
    sleep: Callable[[float], None] = time.sleep,
    *,
    channel: str = EMAIL,
) -> str:
    """Record an accepted mail (or post) as sent, retrying while the database is busy
    (``StoreBusy``, on either backend); past ``patience`` the journal keeps the fact for the
    next run (never a second delivery). A database server has no journal beside it: there
    the status says that the fact was not kept."""
    deadline, delay = time.monotonic() + patience, 0.25
    while True:
        try:
            _confirm(store, digest, channel)
            return "sent"
        except StoreBusy:
            if time.monotonic() > deadline:
                if _journal_write(store, digest.user, str(digest.date), channel):
                    return "sent (recorded in the journal: the database stayed busy)"
                return "sent (not recorded: the database stayed busy; a later run may resend)"
            sleep(delay)
            delay = min(delay * 2, 10.0)


def _journal_path(store: Store) -> str | None:
    if store.path == ":memory:" or "://" in store.path:  # no file beside a database server
        return None
    return store.path + ".sent"


def _journal_write(store: Store, user: str, day: str, channel: str = EMAIL) -> bool:
    """Append the accepted delivery to the journal; False when there is none (a server)."""
    path = _journal_path(store)
    if path is None:
        return False
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps({"user": user, "date": day, "channel": channel}) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return True


def journaled(store: Store, user: str, day: str, channel: str = EMAIL) -> bool:
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
    except StoreBusy:
        pass  # recorded by a later run; the journal keeps the fact meanwhile
    return True


def claim(store: Store, user: str, day: str, channel: str = EMAIL) -> bool:
    """Claim the (user, day, channel) delivery before sending, so two jobs racing cannot
    both send.

    A claim left by a process that died before sending is taken over, so a crash between
    claim and send costs no digest.
    """
    state = store.delivery_state(user, day, channel)
    if state is None:
        return bool(store.claim_delivery(user, day, channel, process_owner()))
    status, owner = state
    if status == "claimed" and owner_is_dead(owner):
        return bool(store.claim_delivery(user, day, channel, process_owner(), take_over=owner))
    return False
