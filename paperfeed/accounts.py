"""Users as every channel sees them: who a command acts for, the digest size and threshold
that apply to them, their e-mail address, and a summary of each.

The CLI (``digest``, ``send``, ``run``), the daily job and the web app all call
``digest_options``, so ``top`` and ``threshold`` mean the same on every channel:
an override given for this run (command line, form) wins over the user's own setting,
which wins over the config file (and its environment variables).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from paperfeed.errors import InvalidArgument

if TYPE_CHECKING:
    from paperfeed.config import Settings
    from paperfeed.store import Store

SCHEDULES = ("daily", "weekdays", "weekly", "never")
MAX_TOP = 500


@dataclass(frozen=True, slots=True)
class DigestOptions:
    """How many picks a user gets, and the score below which picks are dropped (None: none)."""

    top: int
    threshold: float | None


@dataclass(frozen=True, slots=True)
class UserSummary:
    """One line of `paperfeed users`."""

    name: str
    papers: int
    included: int
    last_digest: str | None
    email: str | None
    schedule: str
    top: int


def digest_options(
    store: Store,
    user: str,
    settings: Settings,
    *,
    top: int | None = None,
    threshold: float | None = None,
) -> DigestOptions:
    """``top`` and ``threshold`` for ``user``: the override given, else the user's setting,
    else the configured default."""
    if top is None:
        own = store.get_setting(user, "top")
        top = own if _is_top(own) else settings.top
    if threshold is None:
        own_threshold = store.get_setting(user, "threshold")
        if isinstance(own_threshold, int | float) and not isinstance(own_threshold, bool):
            threshold = float(own_threshold)
        else:
            threshold = settings.threshold
    return DigestOptions(top=int(top), threshold=threshold)


def _is_top(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_TOP


def resolve_user(store: Store, settings: Settings, given: str | None, *, new: bool = False) -> str:
    """The user a command acts for: ``--user``, else ``user`` from the config or
    PAPERFEED_USER, else the only user in the store. ``new`` allows a user that does not
    exist yet (a first profile import)."""
    name = (given or settings.user or "").strip()
    if not name:
        users = store.users()
        if len(users) == 1:
            return users[0]
        known = f" (users: {', '.join(users)})" if users else ""
        raise InvalidArgument(
            "user",
            f"name the user with --user, or set `user` in the config or PAPERFEED_USER{known}",
        )
    if not new and not store.has_user(name):
        raise InvalidArgument(
            "user",
            f"no user {name!r}; import a profile first: "
            f"paperfeed profile import FILE --user {name}",
        )
    return name


def summaries(store: Store, settings: Settings) -> list[UserSummary]:
    """Every user with profile size, last digest, address, schedule and digest size."""
    out = []
    for name in store.users():
        links = store.profile_links(name)
        dates = store.digest_dates(name)
        out.append(
            UserSummary(
                name=name,
                papers=len(links),
                included=sum(1 for _, included in links if included),
                last_digest=dates[-1] if dates else None,
                email=store.email(name),
                schedule=str(store.get_setting(name, "schedule", "daily")),
                top=digest_options(store, name, settings).top,
            )
        )
    return out


def set_email(store: Store, user: str, address: str | None) -> str | None:
    """Set (or with None remove) the address ``user``'s digests are mailed to; returns it.

    The address is checked as the mailer will read it: one mailbox, no line breaks.
    """
    from paperfeed.deliver.email import parse_mailbox

    if not store.has_user(user):
        raise InvalidArgument("user", f"no user {user!r}")
    if address is not None:
        address = address.strip()
        parse_mailbox(address, origin="", field_name="email")
    store.set_email(user, address)
    return address


def set_digest_settings(
    store: Store,
    user: str,
    *,
    top: int | None = None,
    threshold: float | None = None,
    clear_threshold: bool = False,
    schedule: str | None = None,
) -> None:
    """Change a user's own digest size, threshold (or clear it) and mail schedule."""
    if not store.has_user(user):
        raise InvalidArgument("user", f"no user {user!r}")
    if top is not None and not _is_top(top):
        raise InvalidArgument("top", f"top must be 1-{MAX_TOP}, got {top}")
    if schedule is not None and schedule not in SCHEDULES:
        choices = ", ".join(SCHEDULES)
        raise InvalidArgument("schedule", f"schedule must be one of {choices}")
    with store.transaction():
        if top is not None:
            store.set_setting(user, "top", top)
        if clear_threshold:
            store.set_setting(user, "threshold", None)
        elif threshold is not None:
            store.set_setting(user, "threshold", float(threshold))
        if schedule is not None:
            store.set_setting(user, "schedule", schedule)
