"""Users in the store: accounts, settings, rules, and the own papers that make a profile.

Any write that names a user creates that user if needed, so one command can set up a
profile in a single transaction; reads for an unknown user return empty results.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from paperfeed.records import Paper, Profile
from paperfeed.store.activity import ActivityMixin
from paperfeed.store.papers import paper_from_row

_RULES = ("include_keywords", "exclude_keywords", "followed_authors")


class UsersMixin(ActivityMixin):
    """User, settings and profile methods of the Store."""

    def add_user(self, name: str) -> None:
        """Create the user ``name`` (nothing happens if it exists)."""
        with self.transaction():
            self._ensure_user(name)

    def users(self) -> list[str]:
        """All user names, sorted."""
        return [row[0] for row in self._rows("SELECT name FROM users ORDER BY name")]

    def has_user(self, name: str) -> bool:
        """Whether ``name`` is a user."""
        return self._one("SELECT 1 FROM users WHERE name = ?", (name,)) is not None

    def set_password_hash(self, user: str, password_hash: str | None) -> None:
        """Store the user's password hash (hashing is the caller's job); None removes it."""
        self._set_user_column(user, "password_hash", password_hash)

    def password_hash(self, user: str) -> str | None:
        """The user's password hash, or None."""
        return self._user_column(user, "password_hash")

    def set_email(self, user: str, address: str | None) -> None:
        """Store the user's e-mail address; None removes it."""
        self._set_user_column(user, "email", address)

    def email(self, user: str) -> str | None:
        """The user's e-mail address, or None."""
        return self._user_column(user, "email")

    def _set_user_column(self, user: str, column: str, value: Any) -> None:
        with self.transaction():
            self._ensure_user(user)
            self._conn.execute(f"UPDATE users SET {column} = ? WHERE name = ?", (value, user))

    def _user_column(self, user: str, column: str) -> Any:
        row = self._one(f"SELECT {column} FROM users WHERE name = ?", (user,))
        return None if row is None else row[0]

    def set_rules(
        self,
        user: str,
        *,
        include_keywords: Iterable[str] | None = None,
        exclude_keywords: Iterable[str] | None = None,
        followed_authors: Iterable[str] | None = None,
    ) -> None:
        """Replace the given rule lists (None leaves a list as it is)."""
        given = dict(
            zip(_RULES, (include_keywords, exclude_keywords, followed_authors), strict=True)
        )
        with self.transaction():
            self._ensure_user(user)
            for column, values in given.items():
                if values is not None:
                    if isinstance(values, str):
                        raise TypeError(f"{column} must be a list of strings, not one string")
                    text = json.dumps(list(dict.fromkeys(str(v) for v in values)))
                    self._conn.execute(
                        f"UPDATE users SET {column} = ? WHERE name = ?", (text, user)
                    )

    def rules(self, user: str) -> dict[str, tuple[str, ...]]:
        """The user's rule lists by name (empty for an unknown user)."""
        row = self._one(f"SELECT {', '.join(_RULES)} FROM users WHERE name = ?", (user,))
        texts = row or ("[]",) * len(_RULES)
        return {name: tuple(json.loads(text)) for name, text in zip(_RULES, texts, strict=True)}

    def set_setting(self, user: str, key: str, value: Any) -> None:
        """Store a JSON-serializable ``value`` under ``key`` for ``user``."""
        text = json.dumps(value, sort_keys=True)
        with self.transaction():
            self._ensure_user(user)
            self._conn.execute(
                "INSERT INTO settings (user, key, value) VALUES (?, ?, ?) "
                "ON CONFLICT (user, key) DO UPDATE SET value = excluded.value",
                (user, key, text),
            )

    def get_setting(self, user: str, key: str, default: Any = None) -> Any:
        """The value stored under ``key`` for ``user``, or ``default``."""
        row = self._one("SELECT value FROM settings WHERE user = ? AND key = ?", (user, key))
        return default if row is None else json.loads(row[0])

    def add_profile_papers(self, user: str, ids: Iterable[str]) -> int:
        """Link stored papers (any of their ids) to the user's profile; return links made.

        An unknown paper id (or another user's upload) raises KeyError and links nothing.
        """
        made = 0
        with self.transaction():
            self._ensure_user(user)
            for pid in ids:
                canonical = self._resolve(pid, user)
                if canonical is None:
                    raise KeyError(f"no stored paper has the id {pid!r}")
                cursor = self._conn.execute(
                    "INSERT OR IGNORE INTO profile_papers (user, paper_id) VALUES (?, ?)",
                    (user, canonical),
                )
                made += cursor.rowcount
        return made

    def set_included(self, user: str, paper_id: str, included: bool) -> None:
        """Include or leave out one of the user's own papers; KeyError if it is not linked."""
        with self.transaction():
            canonical = self._resolve(paper_id, user) or paper_id
            cursor = self._conn.execute(
                "UPDATE profile_papers SET included = ? WHERE user = ? AND paper_id = ?",
                (int(bool(included)), user, canonical),
            )
            if cursor.rowcount == 0:
                raise KeyError(f"{paper_id!r} is not a paper of {user!r}'s profile")

    def profile_links(self, user: str) -> list[tuple[Paper, bool]]:
        """The user's own papers in the order they were added, each with its included flag."""
        rows = self._rows(
            "SELECT p.id, p.title, p.abstract, p.authors, p.categories, p.date, p.source, "
            "p.url, p.doi, l.included FROM profile_papers l JOIN papers p ON p.id = l.paper_id "
            "WHERE l.user = ? ORDER BY l.seq",
            (user,),
        )
        return [(paper_from_row(row), bool(row[9])) for row in rows]

    def load_profile(self, user: str) -> Profile:
        """The user's Profile: own papers, left-out ids, rules and latest feedback."""
        with self._read():
            links = self.profile_links(user)
            rules = self.rules(user)
            feedback = self.feedback(user)
        return Profile(
            owner=user,
            papers=tuple(paper for paper, _ in links),
            excluded=frozenset(paper.id for paper, included in links if not included),
            feedback=tuple(feedback),
            **rules,
        )
