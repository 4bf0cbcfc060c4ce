"""Accounts for the web app: passwords, server-side sessions, CSRF tokens, sign-in throttle.

The session cookie is starlette's signed cookie (itsdangerous); for a signed-in visitor it
holds a random session id whose SHA-256 the store keeps (``sessions`` table), so signing
out, "sign out everywhere", a password change and expiry end a session on the server,
whatever copies of the cookie exist. It also holds the per-session CSRF token. The user of
a request always comes from the store's session row, never from the URL or a form field.

Passwords: argon2id, at most ``HASH_SLOTS`` hashes at once (each takes 64 MiB); a new
password must pass ``password_problem`` (length, not common or guessable: zxcvbn's lists).
User names go through ``ids.normalize_user_name`` everywhere.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from paperfeed.ids import normalize_user_name

if TYPE_CHECKING:
    from paperfeed.store import Store

USER_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,31}$")
MIN_PASSWORD, MAX_PASSWORD = 8, 128
_HASHER = PasswordHasher()
# Verified against when the user does not exist, so that timing does not reveal user names.
_DUMMY_HASH = _HASHER.hash("not a real password")
HASH_WAIT = 20.0  # seconds a request waits for a hashing slot before a 503


class _Slots:
    """How many argon2 hashes may run at once (set from ``limits.concurrent_hashes``)."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._semaphore = threading.BoundedSemaphore(count)

    def resize(self, count: int) -> None:
        if count != self.count:
            self.count, self._semaphore = count, threading.BoundedSemaphore(count)

    def run(self, work: Callable[[], Any]) -> Any:
        semaphore = self._semaphore
        if not semaphore.acquire(timeout=HASH_WAIT):
            raise HTTPException(503, "The server is busy; try again in a minute.")
        try:
            return work()
        finally:
            semaphore.release()


HASH_SLOTS = _Slots(2)

Handler = Callable[[Request], Awaitable[Response]]


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (salted; parameters inside the hash)."""
    return str(HASH_SLOTS.run(lambda: _HASHER.hash(password)))


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (False for a missing or broken hash)."""

    def verify() -> bool:
        try:
            return _HASHER.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    return bool(HASH_SLOTS.run(verify))


def password_problem(password: str, user: str) -> str | None:
    """Why ``password`` may not be a new password of ``user``, or None when it may.

    8 to 128 characters, spaces kept as typed; refused when zxcvbn (its lists of common
    passwords, words and names, and the user name) guesses it in under a million tries.
    """
    if len(password) < MIN_PASSWORD:
        return f"use at least {MIN_PASSWORD} characters"
    if len(password) > MAX_PASSWORD:
        return f"use at most {MAX_PASSWORD} characters"
    from zxcvbn import zxcvbn

    verdict = zxcvbn(password, user_inputs=[user, "paperfeed"], max_length=MAX_PASSWORD)
    if verdict["score"] < 2:
        warning = verdict["feedback"].get("warning") or "it is too easy to guess"
        return f"choose a less common password ({warning.rstrip('.')})"
    return None


def check_credentials(store: Store, user: str, password: str) -> bool:
    """Whether ``user`` exists, has a password, and ``password`` is it; rehashes old hashes."""
    stored = store.password_hash(user) if store.has_user(user) else None
    if not verify_password(stored, password):
        return False
    if stored and _HASHER.check_needs_rehash(stored):
        store.set_password_hash(user, hash_password(password))
    return True


class SignInThrottle:
    """Back-off for password guessing that nobody can turn against someone else.

    Failures are counted per (name, client address), per client address and per name,
    each in a sliding ``window``. Sign-in is refused (429) for a (name, address) pair after
    ``per_pair`` failures and for an address after ``per_address``; a name is refused
    after ``per_name`` failures from everywhere, but not on a device that signed in as that
    name before (it carries a signed device cookie): guessing from elsewhere never locks
    the owner out on their own devices.
    """

    def __init__(
        self,
        per_pair: int = 5,
        per_address: int = 30,
        per_name: int = 50,
        window: float = 900.0,
    ) -> None:
        self.limits = {"pair": per_pair, "address": per_address, "name": per_name}
        self.window = window
        self._failures: dict[tuple[str, ...], list[float]] = {}
        self._lock = threading.Lock()

    def _keys(self, name: str, address: str) -> dict[str, tuple[str, ...]]:
        return {
            "pair": ("pair", name, address),
            "address": ("address", address),
            "name": ("name", name),
        }

    def _recent(self, key: tuple[str, ...], now: float) -> list[float]:
        times = [t for t in self._failures.get(key, []) if now - t < self.window]
        if times:
            self._failures[key] = times
        else:
            self._failures.pop(key, None)
        return times

    def retry_after(self, name: str, address: str, known_device: bool = False) -> int:
        """Seconds until this sign-in may be tried (0: now)."""
        with self._lock:
            now, wait = time.monotonic(), 0.0
            for kind, key in self._keys(name, address).items():
                if kind == "name" and known_device:
                    continue
                times = self._recent(key, now)
                if len(times) >= self.limits[kind]:
                    wait = max(wait, times[-self.limits[kind]] + self.window - now)
            return int(wait) + (1 if wait else 0)

    def failed(self, name: str, address: str) -> None:
        """Count one failed attempt."""
        with self._lock:
            now = time.monotonic()
            for key in self._keys(name, address).values():
                self._failures[key] = [*self._recent(key, now), now]

    def succeeded(self, name: str, address: str) -> None:
        """Forget the pair's failures (the name's and the address's stay counted)."""
        with self._lock:
            self._failures.pop(("pair", name, address), None)


def session_hash(session_id: str) -> str:
    """What the store keeps of a session id."""
    return hashlib.sha256(session_id.encode()).hexdigest()


def start_session(
    request: Request, store: Store, user: str, lifetime: timedelta = timedelta(days=14)
) -> None:
    """Sign ``user`` in: a fresh session (no fixation) with a new id and CSRF token."""
    end_session(request)
    session_id = secrets.token_urlsafe(32)
    store.create_session(user, session_hash(session_id), lifetime)
    request.session["sid"] = session_id
    request.session["csrf"] = secrets.token_urlsafe(32)


def end_session(request: Request) -> None:
    """Sign out: revoke the session in the store and forget what the cookie held."""
    session_id = request.session.get("sid")
    if isinstance(session_id, str):
        store: Store = request.app.state.store
        store.end_session(session_hash(session_id))
    request.session.clear()


def session_user(request: Request, idle: timedelta = timedelta(hours=72)) -> str | None:
    """The signed-in user of a live session in the store, or None."""
    session_id = request.session.get("sid")
    if not isinstance(session_id, str):
        return None
    store: Store = request.app.state.store
    user = store.session_user(session_hash(session_id), idle)
    if user is None:
        request.session.clear()
    return user


def canonical_name(raw: str) -> str:
    """A typed user name in its one form (``ids.normalize_user_name``), cut to 64 chars."""
    return normalize_user_name(raw)[:64]


def csrf_token(request: Request) -> str:
    """This session's CSRF token (created on first use, e.g. for the sign-in form)."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, form: Any) -> None:
    """Reject (403) a POST whose form does not carry this session's CSRF token."""
    expected = request.session.get("csrf")
    given = form.get("csrf") if form is not None else None
    if (
        not isinstance(expected, str)
        or not isinstance(given, str)
        or not hmac.compare_digest(expected.encode(), given.encode())
    ):
        raise HTTPException(403, "The form expired or did not come from this site; reload it.")


def login_required(handler: Handler) -> Handler:
    """Run ``handler`` with ``request.state.user`` set, or send the visitor to sign in."""

    @functools.wraps(handler)
    async def guarded(request: Request) -> Response:
        from paperfeed.web.pages import blocking

        user = await blocking(session_user, request, request.app.state.web.idle)
        if user is None:
            if request.method == "GET":
                return RedirectResponse("/signin", status_code=303)
            raise HTTPException(403, "Sign in first.")
        request.state.user = user
        return await handler(request)

    return guarded


def new_feed_token() -> str:
    """A random token that authenticates a user's Atom feed URL."""
    return secrets.token_urlsafe(24)


def feed_token(store: Store, user: str) -> str:
    """The user's feed token, created on first use."""
    token = store.get_setting(user, "feed_token")
    if not isinstance(token, str) or not token:
        token = new_feed_token()
        store.set_setting(user, "feed_token", token)
    return token


def feed_token_matches(store: Store, user: str, given: str | None) -> bool:
    """Whether ``given`` is ``user``'s feed token (constant-time; False for unknown users)."""
    if not given or not store.has_user(user):
        return False
    token = store.get_setting(user, "feed_token")
    return isinstance(token, str) and hmac.compare_digest(token.encode(), given.encode())
