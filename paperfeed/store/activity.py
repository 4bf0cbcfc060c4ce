"""What happens to users in the store: feedback, shown history, saved digests, deliveries.

Feedback is an append-only log of events; the latest event per user and paper counts, and a
rating of 0 withdraws an earlier thumbs up or down. Reasons of saved digests are stored as
JSON data (the fields of ``records.Reason``), never as pickles.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, fields
from typing import Any

from paperfeed.records import Feedback, Reason, Recommendation
from paperfeed.store.base import utc_now
from paperfeed.store.papers import PapersMixin, paper_from_row

RATINGS = (-1, 0, 1)
_REASON_FIELDS = {f.name for f in fields(Reason)}


def reasons_to_json(reasons: Sequence[Reason]) -> str:
    """The reasons as a JSON list of objects (numpy numbers become plain floats)."""
    items = []
    for reason in reasons:
        data = asdict(reason)
        if data["similarity"] is not None:
            data["similarity"] = float(data["similarity"])
        data["terms"] = [str(term) for term in data["terms"]]
        items.append(data)
    return json.dumps(items)


def reasons_from_json(text: str) -> tuple[Reason, ...]:
    """Reasons back from ``reasons_to_json`` (unknown keys from newer versions ignored)."""
    out = []
    for data in json.loads(text):
        known = {key: value for key, value in data.items() if key in _REASON_FIELDS}
        known["terms"] = tuple(known.get("terms", ()))
        out.append(Reason(**known))
    return tuple(out)


class ActivityMixin(PapersMixin):
    """Feedback, shown-history, digest and delivery methods of the Store."""

    def _canonical(self, paper_id: str, user: str) -> str:
        """The canonical id of a paper ``user`` may see (a source record or their own)."""
        canonical = self._resolve(paper_id, user)
        if canonical is None:
            raise KeyError(f"no stored paper has the id {paper_id!r}")
        return canonical

    def add_feedback(self, fb: Feedback) -> None:
        """Record one rating (+1, -1, or 0 to withdraw) as a new event; ``at`` defaults to now."""
        if fb.rating not in RATINGS:
            raise ValueError(f"a rating must be one of {RATINGS}, not {fb.rating!r}")
        with self.transaction():
            self._ensure_user(fb.user)
            self._conn.execute(
                "INSERT INTO feedback_events (user, paper_id, rating, at) VALUES (?, ?, ?, ?)",
                (
                    fb.user,
                    self._canonical(fb.paper_id, fb.user),
                    int(fb.rating),
                    fb.at or utc_now(),
                ),
            )

    def feedback(self, user: str) -> list[Feedback]:
        """The latest rating per paper (withdrawn ones left out), in the order given."""
        rows = self._rows(
            "SELECT user, paper_id, rating, at FROM feedback_events e WHERE user = ? "
            "AND seq = (SELECT max(seq) FROM feedback_events "
            "           WHERE user = e.user AND paper_id = e.paper_id) "
            "AND rating != 0 ORDER BY seq",
            (user,),
        )
        return [Feedback(*row) for row in rows]

    def feedback_events(self, user: str) -> list[Feedback]:
        """Every rating the user ever gave, oldest first."""
        rows = self._rows(
            "SELECT user, paper_id, rating, at FROM feedback_events WHERE user = ? ORDER BY seq",
            (user,),
        )
        return [Feedback(*row) for row in rows]

    def record_shown(
        self, user: str, date: str | None, paper_ids: Iterable[str], channel: str
    ) -> int:
        """Remember that papers were shown to the user; return how many were new to them.

        The first showing of a paper is kept; showing it again changes nothing.
        """
        added = 0
        with self.transaction():
            self._ensure_user(user)
            for pid in paper_ids:
                cursor = self._conn.execute(
                    "INSERT OR IGNORE INTO shown (user, paper_id, date, channel) "
                    "VALUES (?, ?, ?, ?)",
                    (user, self._canonical(pid, user), date, channel),
                )
                added += cursor.rowcount
        return added

    def shown_ids(self, user: str, before: str | None = None) -> set[str]:
        """Ids of the papers shown to the user (only those first shown before ``before``).

        ``before`` lets a day be ranked again as it was: what that day's digest showed
        does not count against it. Showings without a date count as earlier than any day.
        """
        sql, params = "SELECT paper_id FROM shown WHERE user = ?", [user]
        if before is not None:
            sql += " AND (date IS NULL OR date < ?)"
            params.append(before)
        return {row[0] for row in self._rows(sql, params)}

    def save_digest(self, user: str, date: str, recommendations: Sequence[Recommendation]) -> None:
        """Save the user's digest for ``date``, replacing any saved before for that day."""
        with self.transaction():
            self._ensure_user(user)
            self._conn.execute("DELETE FROM digests WHERE user = ? AND date = ?", (user, date))
            self._conn.execute(
                "INSERT INTO digests (user, date, saved_at) VALUES (?, ?, ?)",
                (user, date, utc_now()),
            )
            self._conn.executemany(
                "INSERT INTO digest_items (user, date, position, paper_id, rank, score, "
                "interest, reasons, signals) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [self._item_row(user, date, n, rec) for n, rec in enumerate(recommendations)],
            )

    def _item_row(
        self, user: str, date: str, position: int, rec: Recommendation
    ) -> tuple[Any, ...]:
        signals = {str(key): float(value) for key, value in rec.signals.items()}
        return (
            user,
            date,
            position,
            self._canonical(rec.paper.id, user),
            int(rec.rank),
            float(rec.score),
            rec.interest,
            reasons_to_json(rec.reasons),
            json.dumps(signals),
        )

    def load_digest(self, user: str, date: str) -> list[Recommendation]:
        """The digest saved for the user and day, in its order (empty if none was saved)."""
        rows = self._rows(
            "SELECT p.id, p.title, p.abstract, p.authors, p.categories, p.date, p.source, "
            "p.url, p.doi, i.rank, i.score, i.interest, i.reasons, i.signals "
            "FROM digest_items i JOIN papers p ON p.id = i.paper_id "
            "WHERE i.user = ? AND i.date = ? ORDER BY i.position",
            (user, date),
        )
        return [
            Recommendation(
                paper=paper_from_row(row),
                rank=row[9],
                score=row[10],
                interest=row[11],
                reasons=reasons_from_json(row[12]),
                signals=json.loads(row[13]),
            )
            for row in rows
        ]

    def digest_dates(self, user: str) -> list[str]:
        """The days with a saved digest for the user, oldest first."""
        rows = self._rows("SELECT date FROM digests WHERE user = ? ORDER BY date", (user,))
        return [row[0] for row in rows]

    def claim_delivery(
        self, user: str, date: str, channel: str, owner: str, *, take_over: str | None = None
    ) -> bool:
        """Claim the sending of a digest for ``owner``; True when the claim is now ours.

        A new claim succeeds once. With ``take_over``, a claim still held (not sent) by that
        owner is taken over atomically: the caller checked that the owner died.
        """
        with self.transaction():
            self._ensure_user(user)
            cursor = self._conn.execute(
                "INSERT OR IGNORE INTO deliveries (user, date, channel, sent_at, state, owner) "
                "VALUES (?, ?, ?, ?, 'claimed', ?)",
                (user, date, channel, utc_now(), owner),
            )
            if cursor.rowcount == 1 or take_over is None:
                return cursor.rowcount == 1
            cursor = self._conn.execute(
                "UPDATE deliveries SET owner = ?, sent_at = ? WHERE user = ? AND date = ? "
                "AND channel = ? AND state = 'claimed' AND owner = ?",
                (owner, utc_now(), user, date, channel, take_over),
            )
            return cursor.rowcount == 1

    def confirm_delivery(self, user: str, date: str, channel: str) -> None:
        """Mark a claimed delivery as sent."""
        with self.transaction():
            self._conn.execute(
                "UPDATE deliveries SET state = 'sent', sent_at = ? "
                "WHERE user = ? AND date = ? AND channel = ?",
                (utc_now(), user, date, channel),
            )

    def delivery_state(self, user: str, date: str, channel: str) -> tuple[str, str] | None:
        """``(state, owner)`` of a delivery — state 'claimed' or 'sent' — or None."""
        row = self._one(
            "SELECT state, owner FROM deliveries WHERE user = ? AND date = ? AND channel = ?",
            (user, date, channel),
        )
        return None if row is None else (str(row[0]), str(row[1]))

    def unmark_sent(self, user: str, date: str, channel: str) -> bool:
        """Release a claim after the sending failed, so that a retry may send; True if held."""
        with self.transaction():
            cursor = self._conn.execute(
                "DELETE FROM deliveries WHERE user = ? AND date = ? AND channel = ?",
                (user, date, channel),
            )
            return cursor.rowcount == 1

    def was_sent(self, user: str, date: str, channel: str) -> bool:
        """Whether the user's digest for ``date`` was sent on ``channel`` (not merely claimed)."""
        row = self._one(
            "SELECT 1 FROM deliveries WHERE user = ? AND date = ? AND channel = ? "
            "AND state = 'sent'",
            (user, date, channel),
        )
        return row is not None
