"""The web app: ``create_app(store, settings)`` builds the Starlette (ASGI) app; ``serve`` runs it.

Routes are listed in ``ROUTES``. Middleware, outermost first: security headers (a strict
Content-Security-Policy, HSTS under https, ``Cache-Control: no-store`` on every page but
the static files), the request body limit (``BodyLimit``: counted while the body is read,
before any parsing; uploads have their own larger limit), the signed session cookie.
A database kept busy by another writer past the retries (``StoreBusy``, from SQLite or
PostgreSQL alike) answers JSON 503 with Retry-After.
The feed token never reaches the access log.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paperfeed.errors import PaperfeedError, StoreBusy
from paperfeed.web import account, account_data, maillinks, profile_views, views
from paperfeed.web.auth import HASH_SLOTS
from paperfeed.web.forms import FormError
from paperfeed.web.pages import WebContext, render

if TYPE_CHECKING:
    from paperfeed.config import Settings
    from paperfeed.embed import Embedder
    from paperfeed.store import Store

STATIC = Path(__file__).parent / "static"
SECURITY_HEADERS = {
    b"content-security-policy": b"default-src 'self'; "
    b"frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"same-origin",
    b"x-content-type-options": b"nosniff",
    b"cross-origin-opener-policy": b"same-origin",
}

ROUTES = [
    Route("/", views.digest_page),
    Route("/feedback", views.feedback, methods=["POST"]),
    Route("/rerank", views.rerank, methods=["POST"]),
    Route("/search", views.search),
    Route("/map", views.topic_map),
    Route("/feed/{user}.atom", views.atom_feed),
    Route("/healthz", views.healthz),
    Route("/vote", maillinks.vote, methods=["GET", "POST"]),
    Route("/unsubscribe", maillinks.unsubscribe, methods=["GET", "POST"]),
    Route("/signup", account.sign_up, methods=["GET", "POST"]),
    Route("/signin", account.sign_in, methods=["GET", "POST"]),
    Route("/signout", account.sign_out, methods=["POST"]),
    Route("/profile", profile_views.profile_page),
    Route("/profile/include", profile_views.set_included, methods=["POST"]),
    Route("/profile/rules", profile_views.set_rules, methods=["POST"]),
    Route("/profile/settings", profile_views.set_settings, methods=["POST"]),
    Route("/profile/feed-token", profile_views.new_feed_token, methods=["POST"]),
    Route("/profile/import", profile_views.import_papers, methods=["POST"]),
    Route("/profile/signout-everywhere", profile_views.sign_out_everywhere, methods=["POST"]),
    Route("/profile/remove", account_data.remove_paper, methods=["POST"]),
    Route("/profile/password", account_data.change_password, methods=["POST"]),
    Route("/account/export", account_data.export_account),
    Route("/account/delete", account_data.delete_account, methods=["POST"]),
    Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
]
#: Routes that take a file upload: their body limit is ``limits.upload_bytes`` (plus the
#: form around the file); every other route gets ``limits.request_bytes``.
UPLOAD_ROUTES = frozenset({"/profile/import"})
UPLOAD_OVERHEAD = 64 * 1024
HSTS = b"max-age=31536000; includeSubDomains"
_TOKEN = re.compile(r"([?&]token=)[^&\s\"]+")


class RequestTooLarge(Exception):
    """A request body went past its route's limit while being read."""


class BodyLimit:
    """Refuses (413) a request body over its route's limit: at once when Content-Length
    says so, else as soon as the bytes read pass it; nothing is parsed or spooled first."""

    def __init__(self, app: ASGIApp, request_bytes: int, upload_bytes: int) -> None:
        self.app, self.request_bytes, self.upload_bytes = app, request_bytes, upload_bytes

    def limit(self, path: str) -> int:
        if path in UPLOAD_ROUTES:
            return self.upload_bytes + UPLOAD_OVERHEAD
        return self.request_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope["path"])
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _too_large(send, limit)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise RequestTooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except RequestTooLarge:
            if not started:
                await _too_large(send, limit)


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps({"ok": False, "error": f"the request body is over {limit:,} bytes"})
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body.encode()})


class RedactTokens(logging.Filter):
    """Hides ``token=...`` query values in log records (uvicorn's access log)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _TOKEN.sub(r"\1[redacted]", a) if isinstance(a, str) else a for a in record.args
            )
        if isinstance(record.msg, str):
            record.msg = _TOKEN.sub(r"\1[redacted]", record.msg)
        return True


def redact_access_log() -> None:
    """Install ``RedactTokens`` on uvicorn's loggers (once)."""
    for name in ("uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())


class SecurityHeaders:
    """Adds the security headers to every HTTP response (pure ASGI, no body buffering):
    HSTS when served over https, ``Cache-Control: no-store`` on all but static files."""

    def __init__(self, app: ASGIApp, https: bool = False) -> None:
        self.app, self.https = app, https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(SECURITY_HEADERS)
        if self.https:
            headers[b"strict-transport-security"] = HSTS
        if not scope["path"].startswith("/static/"):
            headers[b"cache-control"] = b"no-store"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in headers.items() if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    """Errors as a small page for people (plain text for the feed and scripts)."""
    if isinstance(exc, StoreBusy):
        return JSONResponse(
            {"ok": False, "error": "the database is busy; try again in a moment"},
            status_code=503,
            headers={"Retry-After": "2"},
        )
    if isinstance(exc, HTTPException):
        status, detail = exc.status_code, str(exc.detail)
    elif isinstance(exc, FormError | PaperfeedError):
        status, detail = 400, str(exc)
    else:
        status, detail = 500, "Internal Server Error"
    wants_page = "text/html" in request.headers.get("accept", "")
    plain = "session" not in request.scope or request.url.path.startswith("/feed/")
    if plain or not wants_page:
        return PlainTextResponse(detail, status_code=status)
    return render(request, "error.html", status=status, status_code=status, detail=detail)


def secret_key(store: Store) -> str:
    """The session signing key: $PAPERFEED_SECRET_KEY, else a random key kept beside the db
    (the same one the daily job signs mail links with)."""
    from paperfeed.signing import site_secret

    return site_secret(store.path)


def create_app(
    store: Store,
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    secret: str | None = None,
) -> Starlette:
    """The ASGI app over ``store``; ``embedder`` defaults to the bundled model (loaded lazily)."""
    https = settings.base_url.startswith("https://")
    key = secret or secret_key(store)
    limits = settings.limits
    HASH_SLOTS.resize(limits.concurrent_hashes)
    redact_access_log()
    middleware = [
        Middleware(SecurityHeaders, https=https),
        Middleware(BodyLimit, request_bytes=limits.request_bytes, upload_bytes=limits.upload_bytes),
        Middleware(
            SessionMiddleware,
            secret_key=key,
            session_cookie="__Host-paperfeed_session" if https else "paperfeed_session",
            max_age=int(settings.web.session_max_days * 24 * 3600),
            same_site="lax",
            https_only=https,
        ),
    ]
    handlers = {
        HTTPException: _http_error,
        FormError: _http_error,
        PaperfeedError: _http_error,
        StoreBusy: _http_error,
        500: _http_error,
    }
    app = Starlette(routes=ROUTES, middleware=middleware, exception_handlers=handlers)
    app.state.store = store
    app.state.secret = key  # signs sessions and checks the mail's one-click links
    app.state.web = WebContext(store, settings, embedder)
    return app


def warm_up(context: WebContext, report: Callable[[str], object] | None = None) -> threading.Thread:
    """Prepare the newest day's listing in the background (embeddings, its rows in the
    feature space); a view that comes before it is done shows its progress.

    The index stays in ``context`` for the views to share, and its embeddings are kept in
    the store. ``report`` gets one line when it is done.
    """

    def work() -> None:
        day = context.store.latest_date()
        if not day:
            return
        started = time.perf_counter()
        preparation = context.preparations.start(day)
        preparation.finished.wait()
        if report is not None and not preparation.failed:
            seconds = time.perf_counter() - started
            report(f"paperfeed: {day} prepared ({preparation.papers} papers) in {seconds:.1f} s")

    thread = threading.Thread(target=work, name="paperfeed-warm-up", daemon=True)
    thread.start()
    return thread


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Open the configured database and serve the app with uvicorn until interrupted."""
    import uvicorn

    from paperfeed.store import open_store

    store = open_store(settings.db, busy_timeout=settings.store.busy_timeout)
    try:
        app = create_app(store, settings)
        warm_up(app.state.web, report=logging.getLogger("uvicorn.error").info)
        uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)
    finally:
        store.close()
