"""Upvotes seen on a source (Hugging Face Daily Papers), and the trending section of saved
digests, kept in its own table so it never mixes with the personal ranking."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from paperfeed.records import Recommendation
from paperfeed.store.activity import reasons_from_json, reasons_to_json
from paperfeed.store.papers import PapersMixin, paper_from_row


class TrendingMixin(PapersMixin):
    """Upvote and trending-section methods of the Store."""

    def record_upvotes(
        self,
        votes: Sequence[tuple[str, str, int]],
        *,
        source: str = "hf",
        observed: str | None = None,
    ) -> None:
        """Keep ``(paper id, day listed, upvotes)`` as seen on ``observed`` (default today,
        UTC); a second count the same day replaces the first."""
        day = observed or datetime.now(UTC).date().isoformat()
        with self.transaction():
            self._conn.executemany(
                "INSERT INTO paper_upvotes (paper_id, source, observed, listed, upvotes) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (paper_id, source, observed) "
                "DO UPDATE SET listed = excluded.listed, upvotes = excluded.upvotes",
                [(pid, source, day, listed or "", int(count)) for pid, listed, count in votes],
            )

    def upvote_history(self, since: str) -> dict[str, list[tuple[str, str, int]]]:
        """Per source record seen since ``since``: its counts ``(observed, listed, upvotes)``,
        oldest first."""
        rows = self._rows(
            "SELECT u.paper_id, u.observed, u.listed, u.upvotes FROM paper_upvotes u "
            "JOIN papers p ON p.id = u.paper_id WHERE p.owner IS NULL AND u.paper_id IN "
            "(SELECT paper_id FROM paper_upvotes WHERE observed >= ?) "
            "ORDER BY u.paper_id, u.observed",
            (since,),
        )
        history: dict[str, list[tuple[str, str, int]]] = {}
        for pid, observed, listed, upvotes in rows:
            history.setdefault(pid, []).append((observed, listed, int(upvotes)))
        return history

    def save_trending(self, user: str, date: str, recs: Sequence[Recommendation]) -> None:
        """Save the trending section of ``user``'s digest of ``date`` (saved before)."""
        with self.transaction():
            self._conn.execute(
                "DELETE FROM digest_trending WHERE user = ? AND date = ?", (user, date)
            )
            self._conn.executemany(
                "INSERT INTO digest_trending (user, date, position, paper_id, score, reasons, "
                "signals) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        user,
                        date,
                        n,
                        rec.paper.id,
                        float(rec.score),
                        reasons_to_json(rec.reasons),
                        json.dumps({k: float(v) for k, v in rec.signals.items()}),
                    )
                    for n, rec in enumerate(recs)
                ],
            )

    def load_trending(self, user: str, date: str) -> list[Recommendation]:
        """The trending section saved with ``user``'s digest of ``date`` (empty if none)."""
        rows = self._rows(
            "SELECT p.id, p.title, p.abstract, p.authors, p.categories, p.date, p.source, "
            "p.url, p.doi, t.position, t.score, t.reasons, t.signals "
            "FROM digest_trending t JOIN papers p ON p.id = t.paper_id "
            "WHERE t.user = ? AND t.date = ? ORDER BY t.position",
            (user, date),
        )
        return [
            Recommendation(
                paper=paper_from_row(row),
                rank=row[9] + 1,
                score=row[10],
                reasons=reasons_from_json(row[11]),
                signals=json.loads(row[12]),
            )
            for row in rows
        ]
