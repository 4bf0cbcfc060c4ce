"""Cached LLM summaries: a TL;DR per paper, model, language and prompt version (written
once, read by every user), and each user's "why it matters to you" line."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from paperfeed.store.base import StoreBase, utc_now


class SummariesMixin(StoreBase):
    """Summary-cache methods of the Store."""

    def cached_summaries(
        self, paper_ids: Sequence[str], model: str, language: str, prompt: int
    ) -> dict[str, str]:
        """The cached TL;DRs of those papers that have one (paper id -> text)."""
        rows = self._rows_in(
            "SELECT paper_id, text FROM summaries WHERE model = ? AND language = ? "
            "AND prompt = ? AND paper_id IN ({in})",
            list(dict.fromkeys(paper_ids)),
            before=[model, language, prompt],
        )
        return {row[0]: row[1] for row in rows}

    def put_summaries(
        self, texts: Mapping[str, str], model: str, language: str, prompt: int
    ) -> None:
        """Cache TL;DRs (paper id -> text); one already cached is replaced."""
        now = utc_now()
        with self.transaction():
            self._conn.executemany(
                "INSERT INTO summaries (paper_id, model, language, prompt, text, created) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (paper_id, model, language, prompt) "
                "DO UPDATE SET text = excluded.text, created = excluded.created",
                [(pid, model, language, prompt, text, now) for pid, text in texts.items()],
            )

    def cached_why(
        self, user: str, paper_ids: Sequence[str], model: str, language: str, prompt: int
    ) -> dict[str, str]:
        """The cached "why it matters to you" lines of ``user`` (paper id -> text)."""
        rows = self._rows_in(
            "SELECT paper_id, text FROM summary_why WHERE user = ? AND model = ? "
            "AND language = ? AND prompt = ? AND paper_id IN ({in})",
            list(dict.fromkeys(paper_ids)),
            before=[user, model, language, prompt],
        )
        return {row[0]: row[1] for row in rows}

    def put_why(
        self, user: str, texts: Mapping[str, str], model: str, language: str, prompt: int
    ) -> None:
        """Cache ``user``'s "why it matters" lines (paper id -> text)."""
        now = utc_now()
        with self.transaction():
            self._ensure_user(user)
            self._conn.executemany(
                "INSERT INTO summary_why (user, paper_id, model, language, prompt, text, "
                "created) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user, paper_id, model, "
                "language, prompt) DO UPDATE SET text = excluded.text, created = excluded.created",
                [(user, pid, model, language, prompt, text, now) for pid, text in texts.items()],
            )
