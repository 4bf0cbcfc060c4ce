"""Signed, expiring tokens for links that work without signing in: the thumbs up/down and
unsubscribe links in the mail.

A token is ``<payload>.<signature>``: the payload is compact JSON (base64url) naming the
user, what the link does and when it expires; the signature is an HMAC-SHA256 under a key
derived from the site's secret for one purpose, so a token made for one use (a vote) is
never accepted for another (unsubscribing), and changing any byte breaks it. The secret
is the one that signs the web app's sessions: ``PAPERFEED_SECRET_KEY``, else a random key
kept beside the database (mode 0600), so the daily job and the web app agree.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import time
from pathlib import Path
from typing import Any

from paperfeed.errors import PaperfeedError

VOTE = "vote"
UNSUBSCRIBE = "unsubscribe"
VOTE_DAYS = 30
UNSUBSCRIBE_DAYS = 365
_DAY = 24 * 3600


class BadToken(PaperfeedError):
    """A link whose token is forged, damaged, made for another use, or expired."""

    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


def site_secret(db_path: str) -> str:
    """``$PAPERFEED_SECRET_KEY``, else the random key kept beside the database at
    ``db_path`` (made on first use); a fresh random key for an in-memory database. A
    database URL (PostgreSQL) needs ``$PAPERFEED_SECRET_KEY``: there is no file beside it."""
    from_env = os.environ.get("PAPERFEED_SECRET_KEY")
    if from_env:
        return from_env
    if db_path == ":memory:":
        return secrets.token_urlsafe(32)
    if "://" in db_path:  # a database server: every app process and host needs one key
        raise PaperfeedError(
            f"{db_path}: set PAPERFEED_SECRET_KEY (the same long random value for every web "
            "app process and the daily job) to sign links with a PostgreSQL database"
        )
    key_file = Path(db_path).with_name(Path(db_path).name + ".web-secret")
    if not key_file.exists():
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return key_file.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(32))
    return key_file.read_text().strip()


def _key(secret: str, purpose: str) -> bytes:
    return hmac.new(secret.encode(), f"paperfeed link: {purpose}".encode(), hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(secret: str, purpose: str, fields: dict[str, Any], days: int) -> str:
    """A token for ``purpose`` carrying ``fields``, valid for ``days`` days from now."""
    payload = {**fields, "x": int(time.time()) + days * _DAY}
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    mac = hmac.new(_key(secret, purpose), body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def verify(secret: str, purpose: str, token: str, *, now: float | None = None) -> dict[str, Any]:
    """The fields of a token made by ``sign`` for ``purpose``; BadToken when it is not
    one, or (``expired`` set) when its time is up."""
    body, _, mac = token.partition(".")
    expected = hmac.new(_key(secret, purpose), body.encode(), hashlib.sha256).digest()
    try:
        given = _unb64(mac)
        fields = json.loads(_unb64(body)) if hmac.compare_digest(given, expected) else None
    except (ValueError, binascii.Error):
        fields = None
    if not isinstance(fields, dict) or not isinstance(fields.get("x"), int):
        raise BadToken("this link is not valid: it was changed, or it was not made here")
    if fields["x"] < (time.time() if now is None else now):
        day = time.strftime("%Y-%m-%d", time.gmtime(fields["x"]))
        raise BadToken(f"this link expired on {day}", expired=True)
    return fields


def vote_token(secret: str, user: str, paper_id: str, rating: int, days: int = VOTE_DAYS) -> str:
    """A one-click rating (+1, -1, or 0 to undo) of one paper by one user."""
    return sign(secret, VOTE, {"u": user, "p": paper_id, "r": rating}, days)


def unsubscribe_token(secret: str, user: str, days: int = UNSUBSCRIBE_DAYS) -> str:
    """A link that stops ``user``'s mail."""
    return sign(secret, UNSUBSCRIBE, {"u": user}, days)
