"""Mail a digest exactly once per user and day: claim, send, confirm, and a journal.

A mail the server accepted is recorded as sent with retries while another writer holds
the database; if the database stays busy past ``CONFIRM_PATIENCE`` the fact goes to a
small journal file beside it (``DB.sent``), which the next run reads before claiming, so
contention never makes a digest go out twice. A claim left by a dead process is taken over.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from paperfeed.records import Digest
from paperfeed.store.base import is_busy
from paperfeed.store.staging import owner_is_dead, process_owner

if TYPE_CHECKING:
    from paperfeed.deliver.email import SmtpSettings
    from paperfeed.store import Store
    from paperfeed.urls import Site

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
        ids = [r.paper.id for r in digest.recommendations]  # shown only once sent
        store.record_shown(digest.user, str(digest.date), ids, "email")


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
    return None if store.path == ":memory:" else store.path + ".sent"


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


def claim(store: Store, user: str, day: str) -> bool:
    """Claim the (user, day) mail before sending, so two jobs racing cannot both send.

    A claim left by a process that died before sending is taken over, so a crash between
    claim and send costs no digest.
    """
    state = store.delivery_state(user, day, "email")
    if state is None:
        return bool(store.claim_delivery(user, day, "email", process_owner()))
    status, owner = state
    if status == "claimed" and owner_is_dead(owner):
        return bool(store.claim_delivery(user, day, "email", process_owner(), take_over=owner))
    return False
