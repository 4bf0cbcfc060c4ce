"""Accounts for the web app: password hashing, the signed session, CSRF tokens, sign-in guard.

The session is starlette's signed cookie (itsdangerous); it holds only the user name, a
per-session CSRF token, and the user's session epoch (bumped by "sign out everywhere").
The user of a request always comes from the session, never from the URL or a form field.
"""

from __future__ import annotations

import functools
import hmac
import re
import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

if TYPE_CHECKING:
    from paperfeed.store import Store

USER_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,31}$")
MIN_PASSWORD = 8
_HASHER = PasswordHasher()
# Verified against when the user does not exist, so that timing does not reveal user names.
_DUMMY_HASH = _HASHER.hash("not a real password")

Handler = Callable[[Request], Awaitable[Response]]


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (salted; parameters inside the hash)."""
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (False for a missing or broken hash)."""
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_credentials(store: Store, user: str, password: str) -> bool:
    """Whether ``user`` exists, has a password, and ``password`` is it; rehashes old hashes."""
    stored = store.password_hash(user) if store.has_user(user) else None
    if not verify_password(stored, password):
        return False
    if stored and _HASHER.check_needs_rehash(stored):
        store.set_password_hash(user, hash_password(password))
    return True


class SignInThrottle:
    """Slows password guessing: after ``limit`` failures for one name within ``window``
    seconds, sign-in for that name is refused until the oldest failure ages out."""

    def __init__(self, limit: int = 5, window: float = 900.0) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, user: str, now: float) -> list[float]:
        times = [t for t in self._failures.get(user, []) if now - t < self.window]
        if times:
            self._failures[user] = times
        else:
            self._failures.pop(user, None)
        return times

    def blocked(self, user: str) -> bool:
        """Whether sign-in for ``user`` is refused for now."""
        with self._lock:
            return len(self._recent(user, time.monotonic())) >= self.limit

    def failed(self, user: str) -> None:
        """Count one failed attempt for ``user``."""
        with self._lock:
            now = time.monotonic()
            self._failures[user] = [*self._recent(user, now), now]

    def succeeded(self, user: str) -> None:
        """Forget the failures of ``user``."""
        with self._lock:
            self._failures.pop(user, None)


def start_session(request: Request, store: Store, user: str) -> None:
    """Sign ``user`` in: a fresh session (no fixation) with a new CSRF token."""
    request.session.clear()
    request.session["user"] = user
    request.session["epoch"] = int(store.get_setting(user, "session_epoch", 0))
    request.session["csrf"] = secrets.token_urlsafe(32)


def end_session(request: Request) -> None:
    """Sign out: forget everything the session held."""
    request.session.clear()


def session_user(request: Request) -> str | None:
    """The signed-in user, or None; a session older than the user's epoch is dropped."""
    user = request.session.get("user")
    if not isinstance(user, str):
        return None
    store: Store = request.app.state.store
    if not store.has_user(user) or request.session.get("epoch") != int(
        store.get_setting(user, "session_epoch", 0)
    ):
        request.session.clear()
        return None
    return user


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
        user = session_user(request)
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
