"""Listings in the store: which source records were listed on which day, and the history
of listed papers a feature space is fitted on."""

from __future__ import annotations

from paperfeed.records import Paper
from paperfeed.store.papers import PAPER_COLUMNS, PapersMixin, paper_from_row


class ListingsMixin(PapersMixin):
    """Listing days and the papers listed on them."""

    def papers_on(self, date: str) -> list[Paper]:
        """The source records listed on ``date`` (any source), in the order first seen."""
        rows = self._rows(
            f"SELECT {', '.join('p.' + c for c in PAPER_COLUMNS.split(', '))} "
            "FROM listings l JOIN papers p ON p.id = l.paper_id "
            "WHERE l.date = ? AND p.owner IS NULL "
            "GROUP BY p.id ORDER BY min(l.seq)",
            (date,),
        )
        return [paper_from_row(row) for row in rows]

    def history_texts(self, before: str | None, limit: int) -> list[tuple[str, str]]:
        """(title, abstract) of up to ``limit`` papers listed before ``before`` (None: of all
        listed papers), newest first: the history a feature space is fitted on."""
        if limit <= 0:
            return []
        before = before or "9999-12-31"
        rows = self._rows(
            "SELECT p.title, p.abstract FROM papers p JOIN ("
            "  SELECT paper_id, max(date) AS last FROM listings WHERE date < ? "
            "  GROUP BY paper_id ORDER BY last DESC, paper_id LIMIT ?"
            ") recent ON recent.paper_id = p.id ORDER BY recent.last DESC, p.id",
            (before, limit),
        )
        return [(row[0], row[1]) for row in rows]

    def listing_dates(self) -> list[str]:
        """Every day with at least one listed paper, oldest first."""
        return [row[0] for row in self._rows("SELECT DISTINCT date FROM listings ORDER BY date")]

    def latest_date(self) -> str | None:
        """The most recent listing day, or None when nothing was listed."""
        return self._one("SELECT max(date) FROM listings")[0]

    def count_listed(self) -> int:
        """Number of source records some listing named (the history a feature space is
        fitted on)."""
        return int(
            self._one(
                "SELECT count(DISTINCT l.paper_id) FROM listings l "
                "JOIN papers p ON p.id = l.paper_id WHERE p.owner IS NULL"
            )[0]
        )
