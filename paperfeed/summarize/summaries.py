"""LLM summaries of a digest's picks, cached in the store, never in a digest's way.

``Summarizer`` lives for one run (the daily job, one CLI command). For a digest it takes
the cached TL;DRs (per paper, model, language and prompt version: one for every reader)
and the reader's cached "why" lines, asks the endpoint for the missing ones with at most
``concurrency`` requests in flight, and waits at most ``budget`` seconds: what is not back
by then, and every failure, refusal or malformed answer, falls back to the abstract and is
counted in the ``SummaryReport``. A TL;DR that failed is not asked again in the same run,
and once several attempts in a row have not reached the endpoint (with nothing answered),
the rest of the run falls back at once (``Breaker``). Results are written by the calling
thread only.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from paperfeed.records import Digest, Paper, Recommendation, Summary
from paperfeed.summarize.client import Breaker, ChatClient, LlmError
from paperfeed.summarize.prompts import (
    PROMPT_VERSION,
    TLDR_CHARS,
    WHY_CHARS,
    checked,
    tldr_messages,
    why_messages,
)

if TYPE_CHECKING:
    import httpx

    from paperfeed.config import LlmConfig
    from paperfeed.store import Store

DOWN_AFTER = 4  # attempts in a row that reached nothing, with nothing answered: stop trying


@dataclass
class SummaryReport:
    """What the summaries of one digest cost and where they fell back to the abstract."""

    asked: int = 0  # summaries wanted (TL;DRs and "why" lines)
    cached: int = 0
    made: int = 0
    failed: Counter[str] = field(default_factory=Counter)  # kind -> count

    def notes(self, user: str = "") -> list[str]:
        """One line for the run report when anything fell back (else nothing)."""
        lost = sum(self.failed.values())
        if not lost:
            return []
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(self.failed.items()))
        who = f" for {user}" if user else ""
        return [f"LLM summaries{who}: {lost} of {self.asked} fell back to the abstract ({kinds})"]


def make_client(config: LlmConfig, api_key: str, http: httpx.Client | None = None) -> ChatClient:
    """The chat client of ``config`` (over ``http`` when given)."""
    return ChatClient(
        config.base_url,
        config.model,
        api_key=api_key,
        timeout=config.timeout,
        retries=config.retries,
        max_tokens=config.max_tokens,
        http=http,
    )


class Summarizer:
    """Summaries for the digests of one run (see the module docstring)."""

    def __init__(
        self,
        store: Store,
        config: LlmConfig,
        client: ChatClient,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store, self.config, self.client, self._clock = store, config, client, clock
        self.key = (config.model, config.language, PROMPT_VERSION)
        self._failed: dict[str, str] = {}  # paper id -> kind, for this run
        self.breaker = Breaker(DOWN_AFTER)

    def summarize(self, digest: Digest) -> tuple[Digest, SummaryReport]:
        """The digest with summaries attached (cached or made now), and the report."""
        report = SummaryReport()
        papers = [r.paper for r in (*digest.recommendations, *digest.trending)]
        if not papers:
            return digest, report
        deadline = self._clock() + self.config.budget
        tldrs = self._tldrs(papers, deadline, report)
        whys = self._whys(digest, tldrs, deadline, report)
        return attach(digest, tldrs, whys, self.config), report

    def _tldrs(
        self, papers: Sequence[Paper], deadline: float, report: SummaryReport
    ) -> dict[str, str]:
        ids = [p.id for p in papers]
        found = self.store.cached_summaries(ids, *self.key)
        missing = [p for p in dict((p.id, p) for p in papers).values() if p.id not in found]
        report.asked += len(set(ids))
        report.cached += len(found)
        for paper in [p for p in missing if p.id in self._failed]:
            report.failed[self._failed[paper.id]] += 1
        missing = [p for p in missing if p.id not in self._failed]
        jobs = {p.id: (tldr_messages(p, self.config.language), TLDR_CHARS) for p in missing}
        made = self._run(jobs, deadline, report, remember=True)
        if made:
            self.store.put_summaries(made, *self.key)
        return {**found, **made}

    def _whys(
        self, digest: Digest, tldrs: dict[str, str], deadline: float, report: SummaryReport
    ) -> dict[str, str]:
        picks = list(digest.recommendations)
        found = self.store.cached_why(digest.user, [r.paper.id for r in picks], *self.key)
        report.asked += len(picks)
        report.cached += sum(1 for r in picks if r.paper.id in found)
        jobs = {
            r.paper.id: (
                why_messages(
                    r.paper, tldrs.get(r.paper.id, ""), r.reasons, r.interest, self.config.language
                ),
                WHY_CHARS,
            )
            for r in picks
            if r.paper.id not in found
        }
        made = self._run(jobs, deadline, report, remember=False)
        if made:
            self.store.put_why(digest.user, made, *self.key)
        return {**found, **made}

    def _run(
        self,
        jobs: dict[str, tuple[list[dict[str, str]], int]],
        deadline: float,
        report: SummaryReport,
        *,
        remember: bool,
    ) -> dict[str, str]:
        """Ask for every job, ``concurrency`` at a time, until ``deadline``; the answers."""
        if not jobs:
            return {}
        if self.breaker.open:
            report.failed["unreachable"] += len(jobs)
            return {}
        pool = ThreadPoolExecutor(self.config.concurrency, thread_name_prefix="paperfeed-llm")
        futures = {
            pid: pool.submit(self._ask, m, limit, deadline) for pid, (m, limit) in jobs.items()
        }
        wait(futures.values(), timeout=max(0.0, deadline - self._clock()))
        pool.shutdown(wait=False, cancel_futures=True)
        return self._collect(futures, report, remember)

    def _collect(
        self, futures: dict[str, Future[str]], report: SummaryReport, remember: bool
    ) -> dict[str, str]:
        made: dict[str, str] = {}
        for pid, future in futures.items():
            if not future.done() or future.cancelled():
                kind = "over budget"
            elif isinstance(future.exception(), LlmError):
                kind = future.exception().kind  # type: ignore[union-attr]
            elif future.exception() is not None:
                kind = type(future.exception()).__name__
            else:
                made[pid] = future.result()
                continue
            report.failed[kind] += 1
            if remember:
                self._failed[pid] = kind
        report.made += len(made)
        return made

    def _ask(self, messages: list[dict[str, str]], limit: int, deadline: float) -> str:
        answer = self.client.complete(messages, deadline=deadline, breaker=self.breaker)
        return checked(answer.text, limit, cut=answer.cut)


def attach(
    digest: Digest, tldrs: dict[str, str], whys: dict[str, str], config: LlmConfig
) -> Digest:
    """The digest with each pick's Summary (picks without any keep ``summary`` None)."""

    def with_summary(rec: Recommendation, why: bool) -> Recommendation:
        tldr, line = tldrs.get(rec.paper.id, ""), whys.get(rec.paper.id, "") if why else ""
        if not tldr and not line:
            return rec
        return replace(rec, summary=Summary(tldr, line, config.model, config.language))

    return replace(
        digest,
        recommendations=tuple(with_summary(r, True) for r in digest.recommendations),
        trending=tuple(with_summary(r, False) for r in digest.trending),
    )


def with_cached(store: Store, digest: Digest, config: LlmConfig) -> Digest:
    """The digest with the summaries the store holds (no call to the endpoint)."""
    if not config.enabled:
        return digest
    key = (config.model, config.language, PROMPT_VERSION)
    ids = [r.paper.id for r in (*digest.recommendations, *digest.trending)]
    if not ids:
        return digest
    tldrs = store.cached_summaries(ids, *key)
    whys = store.cached_why(digest.user, [r.paper.id for r in digest.recommendations], *key)
    return attach(digest, tldrs, whys, config)


def summarizer_for(
    store: Store, config: LlmConfig, http: httpx.Client | None = None
) -> Summarizer | None:
    """A summarizer for one run when ``config`` is on (key from PAPERFEED_LLM_API_KEY)."""
    import os

    if not config.enabled:
        return None
    key = os.environ.get("PAPERFEED_LLM_API_KEY", "")
    return Summarizer(store, config, make_client(config, key, http))


def summarize_safely(summarizer: Summarizer | None, digest: Digest) -> tuple[Digest, list[str]]:
    """The digest with summaries, and notes for the run report; any failure leaves the
    digest as it was (its channels show the abstracts) and becomes a note."""
    if summarizer is None or not digest.recommendations:
        return digest, []
    try:
        summarized, report = summarizer.summarize(digest)
    except Exception as exc:  # summaries are optional: nothing of theirs may break a digest
        return digest, [f"LLM summaries for {digest.user} skipped: {type(exc).__name__}: {exc}"]
    return summarized, report.notes(digest.user)
