"""What the web pages share: the app's context, page rendering, today's digest.

Handlers get the ``WebContext`` from ``request.app.state.web``; every page goes through
``render`` so the signed-in user and the CSRF token reach each template.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from paperfeed.accounts import DigestOptions, digest_options
from paperfeed.errors import PaperfeedError, StoreBusy
from paperfeed.records import Digest
from paperfeed.search import VectorTable
from paperfeed.urls import Site, site
from paperfeed.web.auth import SignInThrottle, csrf_token
from paperfeed.web.preparing import DayPreparations, Preparation

if TYPE_CHECKING:
    from paperfeed.config import Settings
    from paperfeed.embed import Embedder, Progress
    from paperfeed.ranking import CandidateIndex, Ranker
    from paperfeed.store import Store

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
MAP_LAYOUTS = 16
NO_PAPERS = "Import your papers to get a digest: paperfeed ranks new papers against them."
_LOCAL_PATH = re.compile(r"^/(?![/\\])[\w\-./?=&%+~]*$")


@dataclass
class WebContext:
    """The store, settings and embedder the app serves; the embedder loads on first use."""

    store: Store
    settings: Settings
    embedder_given: Embedder | None = None
    _embedder: Embedder | None = field(default=None, init=False, repr=False)
    _marked: set[tuple[str, str | None, int]] = field(default_factory=set, init=False, repr=False)
    _asked: set[tuple[str, str | None, int]] = field(default_factory=set, init=False, repr=False)
    throttle: SignInThrottle = field(default_factory=SignInThrottle, init=False, repr=False)
    _loading: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _preparing: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _ranker: Ranker | None = field(default=None, init=False, repr=False)
    vector_table: VectorTable = field(default_factory=VectorTable, init=False, repr=False)

    @property
    def idle(self) -> timedelta:
        """How long a session may go unused."""
        return timedelta(hours=self.settings.web.session_idle_hours)

    @property
    def lifetime(self) -> timedelta:
        """How long a session lives at most."""
        return timedelta(days=self.settings.web.session_max_days)

    _layouts: OrderedDict[str, tuple[np.ndarray, str]] = field(
        default_factory=OrderedDict, init=False, repr=False
    )
    _laying_out: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def embedder(self) -> Embedder:
        """The embedder passed in, else the default model (loaded lazily, once)."""
        with self._loading:  # the warm-up thread and a request may ask at once
            return self._load_embedder()

    def _load_embedder(self) -> Embedder:
        if self._embedder is None:
            if self.embedder_given is not None:
                self._embedder = self.embedder_given
            else:
                from paperfeed.embed import default_embedder

                self._embedder = default_embedder(self.settings.model)
        return self._embedder

    @property
    def ranker(self) -> Ranker:
        """The app's one Ranker: it keeps the day's index and the users' models."""
        from paperfeed.pipeline import ranker_for

        with self._loading:
            if self._ranker is None:
                self._ranker = ranker_for(self.store, self._load_embedder(), self.settings)
            return self._ranker

    def prepared(self, day: str, progress: Progress | None = None) -> CandidateIndex:
        """``pipeline.prepare_day`` of ``day``: encoded once by the ranker and shared by the
        warm-up and every view (a view arriving during the warm-up waits for it)."""
        from paperfeed.pipeline import prepare_day

        with self._preparing:
            return prepare_day(self.store, day, ranker=self.ranker, progress=progress)

    def __post_init__(self) -> None:
        self.preparations = DayPreparations(self.prepared)
        self.training = ThreadPoolExecutor(max_workers=1, thread_name_prefix="paperfeed-train")

    def train_later(self, user: str) -> Future[None]:
        """Train ``user``'s models in the background after a rating, so that a re-rank finds
        them ready; no view waits for it (a failure is logged, and the next digest trains)."""
        return self.training.submit(self._train, user)

    def _train(self, user: str) -> None:
        from paperfeed.pipeline import EmptyProfile, train_user

        try:
            train_user(self.store, user, self.ranker)
        except EmptyProfile:
            pass
        except Exception:
            logging.getLogger(__name__).exception("training the models of %s failed", user)

    def still_preparing(self, user: str) -> Preparation | None:
        """The preparation of today's listing when ``user``'s page would have to wait for it
        longer than ``[web] listing_wait_seconds`` (the page then shows its progress)."""
        day = day_to_rank(self.store, user)
        if day is None or not self.store.profile_links(user):
            return None
        return self.preparations.wait(day, self.settings.web.listing_wait_seconds)

    def layout(self, vectors: np.ndarray) -> tuple[np.ndarray, str]:
        """``web.layout.layout`` of ``vectors``, kept for the last few maps drawn (a map is
        seconds of t-SNE; the same reader on the same day gets the same picture)."""
        from paperfeed.web.layout import layout

        key = hashlib.sha1(np.ascontiguousarray(vectors, dtype=np.float32).tobytes()).hexdigest()
        with self._laying_out:
            if key not in self._layouts:
                self._layouts[key] = layout(vectors)
                while len(self._layouts) > MAP_LAYOUTS:
                    self._layouts.popitem(last=False)
            self._layouts.move_to_end(key)
            return self._layouts[key]

    def mark_shown(self, digest: Digest) -> None:
        """Record a displayed digest as shown (once per process; the store keeps the first)."""
        from paperfeed.pipeline import mark_shown

        key = (digest.user, digest.date, hash(tuple(r.paper.id for r in digest.recommendations)))
        if key not in self._marked:
            mark_shown(self.store, digest, "web")
            self._marked.add(key)

    def summarize_later(self, digest: Digest) -> None:
        """Make the LLM summaries of a new digest in the background (when ``[llm]`` is on):
        the page shows the abstracts now and the summaries once they are cached."""
        key = (digest.user, digest.date, hash(tuple(r.paper.id for r in digest.recommendations)))
        if not self.settings.llm.enabled or not digest.recommendations or key in self._asked:
            return
        self._asked.add(key)
        threading.Thread(
            target=_summarize_quietly, args=(self, digest), name="paperfeed-llm", daemon=True
        ).start()

    def options(self, user: str) -> DigestOptions:
        """The user's digest size and threshold, as every channel resolves them."""
        return digest_options(self.store, user, self.settings)


def _summarize_quietly(context: WebContext, digest: Digest) -> None:
    from paperfeed.pipeline import summarize, summarizer_for

    summarizer = summarizer_for(context.store, context.settings)
    try:
        _, notes = summarize(summarizer, digest)
    finally:
        if summarizer is not None:
            summarizer.client.close()
    for note in notes:
        logging.getLogger(__name__).warning("%s", note)


BUSY_RETRIES = 4


async def blocking(func: Callable[..., Any], *args: Any) -> Any:
    """``func(*args)`` in the thread pool, tried again (with back-off) while another writer
    holds the database; still busy after ``BUSY_RETRIES`` tries, the error goes up and the
    app answers 503 with Retry-After. A try that met a busy database wrote nothing."""
    for attempt in range(BUSY_RETRIES):
        try:
            return await run_in_threadpool(func, *args)
        except StoreBusy:
            if attempt == BUSY_RETRIES - 1:
                raise
            await asyncio.sleep(0.25 * 2**attempt * (1 + random.random()))
    raise AssertionError("unreachable")


def web(request: Request) -> WebContext:
    """The app's context."""
    context: WebContext = request.app.state.web
    return context


def site_of(request: Request) -> Site:
    """Where absolute links point: ``base_url`` when set, else this request's own address."""
    found = site(web(request).settings.base_url, str(request.base_url))
    assert found is not None  # a request always has an address
    return found


def render(
    request: Request,
    template: str,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **values: Any,
) -> Response:
    """A page from ``template`` with the user, CSRF token and current path added."""
    values.setdefault("user", getattr(request.state, "user", None))
    values["csrf"] = csrf_token(request)
    values["flash"] = Flash.from_session(request.session.pop("flash", None))
    values["path"] = request.url.path
    return TEMPLATES.TemplateResponse(
        request, template, values, status_code=status, headers=headers
    )


@dataclass(frozen=True, slots=True)
class Flash:
    """The one-line message shown after a change: ``kind`` ok, warning or error; ``notes``
    list details (an import's skipped lines); ``rerank`` offers to re-rank today's list."""

    text: str
    kind: str = "ok"
    notes: tuple[str, ...] = ()
    rerank: bool = False

    def to_session(self) -> dict[str, Any]:
        """What the session cookie keeps until the next page."""
        return {"text": self.text, "kind": self.kind, "notes": list(self.notes[:5]),
                "more": max(len(self.notes) - 5, 0), "rerank": self.rerank}  # fmt: skip

    @classmethod
    def from_session(cls, value: object) -> Flash | None:
        """The flash a redirect left, if any (a bare string from an older version is ok)."""
        if isinstance(value, str):
            return cls(value)
        if not isinstance(value, dict) or not isinstance(value.get("text"), str):
            return None
        notes = [str(n) for n in value.get("notes") or []]
        more = int(value.get("more") or 0)
        if more:
            notes.append(f"… and {more} more")
        kind = value.get("kind") if value.get("kind") in ("ok", "warning", "error") else "ok"
        return cls(value["text"], str(kind), tuple(notes), bool(value.get("rerank")))


def flash(request: Request, message: Flash) -> None:
    """Show ``message`` on the next page."""
    request.session["flash"] = message.to_session()


def local_path(target: str | None, default: str = "/") -> str:
    """``target`` if it is a path on this site (no scheme, no //host), else ``default``."""
    if target and _LOCAL_PATH.match(target):
        return target
    return default


def ratings(store: Store, user: str) -> dict[str, int]:
    """The user's current rating per paper id."""
    return {fb.paper_id: fb.rating for fb in store.feedback(user)}


def stored_digest(store: Store, user: str, day: str, settings: Settings | None = None) -> Digest:
    """The digest saved for ``user`` on ``day`` as a Digest record (its trending section,
    and with ``settings`` the LLM summaries the store holds for it)."""
    digest = Digest(
        user,
        day,
        tuple(store.load_digest(user, day)),
        trending=tuple(store.load_trending(user, day)),
    )
    if settings is None:
        return digest
    from paperfeed.pipeline import with_summaries

    return with_summaries(store, digest, settings)


def day_to_rank(store: Store, user: str) -> str | None:
    """Today (the newest listing day) when ``user`` has no digest of it (or a later) yet."""
    dates = store.digest_dates(user)
    latest = store.latest_date()
    if not latest or latest in dates or (dates and latest <= dates[-1]):
        return None
    return latest


def current_digest(context: WebContext, user: str, day: str | None = None) -> Digest:
    """The digest to show: a saved one for ``day``, else today's (built when missing).

    Today is the newest listing day in the store; when no digest is saved for it yet it is
    ranked now with ``pipeline.build_digest`` (which saves it).
    """
    store = context.store
    dates = store.digest_dates(user)
    settings = context.settings
    if day is not None and day in dates:
        return stored_digest(store, user, day, settings)
    latest = day_to_rank(store, user)
    if latest and not store.profile_links(user):
        return Digest(user, latest, (), note=NO_PAPERS)
    if latest:
        from paperfeed.pipeline import build_digest

        options = context.options(user)
        try:
            built = build_digest(
                store,
                user,
                day=latest,
                top=options.top,
                threshold=options.threshold,
                prepared=context.prepared(latest),
                ranker=context.ranker,
                trending=settings.trending,
            )
        except PaperfeedError as exc:
            problem = f"Today's listing ({latest}) could not be ranked: {exc}"
            if not dates:
                return Digest(user, latest, (), note=problem)
            return replace(stored_digest(store, user, dates[-1], settings), note=problem)
        context.summarize_later(built)
        return built
    if dates:
        return stored_digest(store, user, dates[-1], settings)
    return Digest(user, None, (), note="No papers have been taken in yet.")
