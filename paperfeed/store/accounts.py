"""A user's account as a whole: server-side sessions, removing an upload, deleting everything
of theirs, and their data as one JSON-able record (export) that can be restored (import).

Sessions: the cookie carries a random id; only its SHA-256 is stored, with the user, an
absolute expiry and the last time it was used (idle timeout). Signing out deletes the
row, a password change deletes all of the user's rows.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from paperfeed.ids import content_hash
from paperfeed.records import Feedback, Paper, Recommendation
from paperfeed.store.activity import reasons_from_json, reasons_to_json
from paperfeed.store.base import utc_now
from paperfeed.store.papers import paper_from_row
from paperfeed.store.users import UsersMixin

ACCOUNT_FORMAT = "paperfeed-account"
ACCOUNT_VERSION = 1
TOUCH_EVERY = timedelta(minutes=5)  # last_seen is written at most this often
_SECRET_SETTINGS = ("feed_token", "session_epoch")
#: Tables with a ``user`` column, children first (the order of deletion).
_USER_TABLES = (
    "sessions",
    "deliveries",
    "zotero_items",
    "zotero_sync",
    "summary_why",
    "digest_trending",
    "digest_items",
    "digests",
    "shown",
    "feedback_events",
    "profile_papers",
    "settings",
)

#: Tables pointing at papers, cleared of a private paper before it is deleted.
_PAPER_TABLES = (
    "feedback_events",
    "shown",
    "digest_items",
    "digest_trending",
    "profile_papers",
    "zotero_items",
    "summary_why",
    "summaries",
    "paper_upvotes",
)


def _at(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).isoformat(timespec="microseconds")


class AccountsMixin(UsersMixin):
    """Session, removal, deletion, export and restore methods of the Store."""

    # --- sessions ------------------------------------------------------------------------

    def create_session(self, user: str, id_hash: str, lifetime: timedelta) -> None:
        """Record a new session of ``user`` that ends after ``lifetime`` at the latest."""
        now = utc_now()
        with self.transaction():
            self._conn.execute(
                "INSERT INTO sessions (id_hash, user, created, last_seen, expires) "
                "VALUES (?, ?, ?, ?, ?)",
                (id_hash, user, now, now, _at(lifetime)),
            )
            self._conn.execute("DELETE FROM sessions WHERE expires < ?", (now,))

    def session_user(self, id_hash: str, idle: timedelta) -> str | None:
        """The user of a live session (not expired, used within ``idle``), else None."""
        row = self._one(
            "SELECT user, last_seen, expires FROM sessions WHERE id_hash = ?", (id_hash,)
        )
        if row is None:
            return None
        user, last_seen, expires = row
        now = datetime.now(UTC)
        seen = datetime.fromisoformat(last_seen)
        if datetime.fromisoformat(expires) <= now or seen + idle <= now:
            self.end_session(id_hash)
            return None
        if now - seen > TOUCH_EVERY:
            with self.transaction():
                self._conn.execute(
                    "UPDATE sessions SET last_seen = ? WHERE id_hash = ?", (utc_now(), id_hash)
                )
        return str(user)

    def end_session(self, id_hash: str) -> None:
        """Revoke one session."""
        with self.transaction():
            self._conn.execute("DELETE FROM sessions WHERE id_hash = ?", (id_hash,))

    def end_sessions(self, user: str) -> int:
        """Revoke every session of ``user``; how many there were."""
        with self.transaction():
            return self._conn.execute("DELETE FROM sessions WHERE user = ?", (user,)).rowcount

    def set_password_hash(self, user: str, password_hash: str | None) -> None:
        """Store the user's password hash and end all of the user's sessions."""
        with self.transaction():
            super().set_password_hash(user, password_hash)
            self._conn.execute("DELETE FROM sessions WHERE user = ?", (user,))

    # --- removing and deleting -----------------------------------------------------------

    def remove_profile_paper(self, user: str, paper_id: str) -> None:
        """Take one paper out of ``user``'s profile; an upload of theirs is deleted with
        their ratings of it. KeyError when it is not in the profile."""
        with self.transaction():
            canonical = self._resolve(paper_id, user)
            cursor = self._conn.execute(
                "DELETE FROM profile_papers WHERE user = ? AND paper_id = ?", (user, canonical)
            )
            if cursor.rowcount == 0:
                raise KeyError(f"{paper_id!r} is not a paper of {user!r}'s profile")
            self._delete_private(user, "id = ?", (canonical,))

    def delete_user(self, user: str) -> bool:
        """Remove the user and everything of theirs (uploads, ratings, digests, sessions,
        deliveries, settings); source records stay. False when there was no such user."""
        with self.transaction():
            if not self.has_user(user):
                return False
            for table in _USER_TABLES:
                self._conn.execute(f"DELETE FROM {table} WHERE user = ?", (user,))
            self._delete_private(user, "TRUE", ())
            self._conn.execute("DELETE FROM users WHERE name = ?", (user,))
        return True

    def _delete_private(self, user: str, condition: str, params: tuple[Any, ...]) -> None:
        """Delete private rows of ``user`` (and what of the user points at them, and cached
        vectors of their text that no other paper shares)."""
        rows = self._conn.execute(
            f"SELECT id, title, abstract, title_key FROM papers WHERE owner = ? AND {condition}",
            (user, *params),
        ).fetchall()
        for pid, title, abstract, title_key in rows:
            for table in _PAPER_TABLES:
                self._conn.execute(f"DELETE FROM {table} WHERE paper_id = ?", (pid,))
            self._conn.execute("DELETE FROM papers WHERE id = ?", (pid,))
            twins = self._conn.execute(
                "SELECT 1 FROM papers WHERE title_key = ? AND title = ? AND abstract = ? LIMIT 1",
                (title_key, title, abstract),
            ).fetchone()
            if twins is None:
                self._conn.execute(
                    "DELETE FROM vectors WHERE content_hash = ?", (content_hash(title, abstract),)
                )

    # --- export and restore --------------------------------------------------------------

    def account_data(self, user: str) -> dict[str, Any]:
        """Everything of ``user`` as JSON-able data: profile (papers, rules, settings,
        address), uploads, ratings, digests. No password hash, feed token or session."""
        with self._read():
            if not self.has_user(user):
                raise KeyError(f"no user {user!r}")
            links = self.profile_links(user)
            owned = {
                row[0]
                for row in self._conn.execute("SELECT id FROM papers WHERE owner = ?", (user,))
            }
            return {
                "format": ACCOUNT_FORMAT,
                "version": ACCOUNT_VERSION,
                "exported_at": utc_now(),
                "user": user,
                "email": self.email(user),
                "settings": self._exported_settings(user),
                "rules": {k: list(v) for k, v in self.rules(user).items()},
                "papers": [
                    {**_paper_data(p), "included": inc, "upload": p.id in owned} for p, inc in links
                ],
                "uploads_not_in_profile": [
                    _paper_data(p) for p in self._owned_unlinked(user, {p.id for p, _ in links})
                ],
                "ratings": [
                    {"paper": _paper_data(p), "rating": fb.rating, "at": fb.at}
                    for fb, p in self._rated(user)
                ],
                "digests": [
                    {
                        "date": day,
                        "items": [_item_data(rec) for rec in self.load_digest(user, day)],
                    }
                    for day in self.digest_dates(user)
                ],
            }

    def _exported_settings(self, user: str) -> dict[str, Any]:
        """``user``'s settings by key, secrets left out."""
        rows = self._conn.execute(
            "SELECT key, value FROM settings WHERE user = ? ORDER BY key", (user,)
        )
        return {key: json.loads(value) for key, value in rows if key not in _SECRET_SETTINGS}

    def _owned_unlinked(self, user: str, linked: set[str]) -> list[Paper]:
        rows = self._conn.execute(
            "SELECT id, title, abstract, authors, categories, date, source, url, doi "
            "FROM papers WHERE owner = ? ORDER BY pk",
            (user,),
        ).fetchall()
        return [paper_from_row(row) for row in rows if row[0] not in linked]

    def _rated(self, user: str) -> list[tuple[Feedback, Paper]]:
        events = self.feedback_events(user)
        papers = {p.id: p for p in self.get_papers([e.paper_id for e in events], user=user)}
        return [(e, papers[e.paper_id]) for e in events if e.paper_id in papers]

    def restore_account(self, data: dict[str, Any], user: str | None = None) -> str:
        """Create an account from ``account_data`` output (as ``user`` if given), all or
        nothing. Every paper in it is the user's upload: a source record it names is only
        linked, anything else becomes theirs. ValueError if the user exists."""
        name = user or str(data["user"])
        with self.transaction():
            if self.has_user(name):
                raise ValueError(f"the user {name!r} exists; delete it first or pick a name")
            self._ensure_user(name)
            if data.get("email"):
                self.set_email(name, str(data["email"]))
            for key, value in dict(data.get("settings") or {}).items():
                if key not in _SECRET_SETTINGS:
                    self.set_setting(name, str(key), value)
            rules = dict(data.get("rules") or {})
            self.set_rules(
                name,
                include_keywords=[str(x) for x in rules.get("include_keywords", [])],
                exclude_keywords=[str(x) for x in rules.get("exclude_keywords", [])],
                followed_authors=[str(x) for x in rules.get("followed_authors", [])],
            )
            self._restore_papers(name, data)
            self._restore_activity(name, data)
        return name

    def _own(self, user: str, item: dict[str, Any]) -> str:
        """The stored id for an exported paper, as ``user``'s upload."""
        paper = _paper_of(item)
        return self.upsert_papers([paper], owner=user).ids[0]

    def _restore_papers(self, user: str, data: dict[str, Any]) -> None:
        for item in data.get("papers") or []:
            pid = self._own(user, item)
            self.add_profile_papers(user, [pid])
            if not item.get("included", True):
                self.set_included(user, pid, False)
        for item in data.get("uploads_not_in_profile") or []:
            self._own(user, item)

    def _restore_activity(self, user: str, data: dict[str, Any]) -> None:
        for item in data.get("ratings") or []:
            pid = self._own(user, item["paper"])
            self.add_feedback(Feedback(user, pid, int(item["rating"]), str(item.get("at") or "")))
        for digest in data.get("digests") or []:
            recs = []
            for item in digest.get("items") or []:
                pid = self._own(user, item["paper"])
                paper = self.get_paper(pid, user=user)
                assert paper is not None
                recs.append(
                    Recommendation(
                        paper=paper,
                        score=float(item["score"]),
                        rank=int(item["rank"]),
                        reasons=reasons_from_json(json.dumps(item.get("reasons") or [])),
                        interest=item.get("interest"),
                        signals={str(k): float(v) for k, v in (item.get("signals") or {}).items()},
                    )
                )
            self.save_digest(user, str(digest["date"]), recs)


def _paper_data(paper: Paper) -> dict[str, Any]:
    return {
        "id": paper.id,
        "title": paper.title,
        "abstract": paper.abstract,
        "authors": list(paper.authors),
        "categories": list(paper.categories),
        "date": paper.date,
        "source": paper.source,
        "url": paper.url,
        "doi": paper.doi,
    }


def _paper_of(item: dict[str, Any]) -> Paper:
    """A paper from exported data; a private id is turned back into the paper's own id."""
    pid = str(item["id"])
    if pid.startswith("own:"):
        pid = pid.split(":", 2)[2]
    return Paper(
        id=pid,
        title=str(item.get("title") or ""),
        abstract=str(item.get("abstract") or ""),
        authors=tuple(str(a) for a in item.get("authors") or ()),
        categories=tuple(str(c) for c in item.get("categories") or ()),
        date=item.get("date"),
        source=str(item.get("source") or ""),
        url=str(item.get("url") or ""),
        doi=item.get("doi"),
    )


def _item_data(rec: Recommendation) -> dict[str, Any]:
    return {
        "paper": _paper_data(rec.paper),
        "rank": rec.rank,
        "score": float(rec.score),
        "interest": rec.interest,
        "reasons": json.loads(reasons_to_json(rec.reasons)),
        "signals": {k: float(v) for k, v in rec.signals.items()},
    }
