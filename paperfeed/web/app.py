"""The web app: ``create_app(store, settings)`` builds the Starlette (ASGI) app; ``serve`` runs it.

Routes are listed in ``ROUTES``; middleware adds the signed session cookie and security
headers (a strict Content-Security-Policy: everything from this site only, no inline script).
"""

from __future__ import annotations

import logging
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
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paperfeed.errors import PaperfeedError
from paperfeed.web import account, maillinks, profile_views, views
from paperfeed.web.forms import FormError
from paperfeed.web.pages import WebContext, render

if TYPE_CHECKING:
    from paperfeed.config import Settings
    from paperfeed.embed import Embedder
    from paperfeed.store import Store

STATIC = Path(__file__).parent / "static"
SESSION_DAYS = 14
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
    Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
]


class SecurityHeaders:
    """Adds the security headers to every HTTP response (pure ASGI, no body buffering)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS.items() if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    """Errors as a small page for people (plain text for the feed and scripts)."""
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
    secret = secret or secret_key(store)
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(
            SessionMiddleware,
            secret_key=secret,
            session_cookie="paperfeed_session",
            max_age=SESSION_DAYS * 24 * 3600,
            same_site="lax",
            https_only=settings.base_url.startswith("https://"),
        ),
    ]
    handlers = {
        HTTPException: _http_error,
        FormError: _http_error,
        PaperfeedError: _http_error,
        500: _http_error,
    }
    app = Starlette(routes=ROUTES, middleware=middleware, exception_handlers=handlers)
    app.state.store = store
    app.state.secret = secret  # signs sessions and checks the mail's one-click links
    app.state.web = WebContext(store, settings, embedder)
    return app


def warm_up(context: WebContext, report: Callable[[str], object] | None = None) -> threading.Thread:
    """Prepare the newest day's index in the background (embeddings, fitted lexicon).

    The index stays in ``context`` for the views to share, and its embeddings and lexicon
    are kept in the store; a view that comes before it is done waits for it instead of
    preparing the day a second time. ``report`` gets one line when it is done.
    """

    def work() -> None:
        day = context.store.latest_date()
        try:
            if day:
                started = time.perf_counter()
                prepared = context.prepared(day)
                if report is not None:
                    seconds = time.perf_counter() - started
                    report(f"paperfeed: {day} prepared ({len(prepared)} papers) in {seconds:.1f} s")
        except Exception:  # a failed warm-up only means a slower first view
            logging.getLogger(__name__).exception("preparing %s in the background failed", day)

    thread = threading.Thread(target=work, name="paperfeed-warm-up", daemon=True)
    thread.start()
    return thread


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Open the configured database and serve the app with uvicorn until interrupted."""
    import uvicorn

    from paperfeed.store import Store

    store = Store.open(Path(settings.db).expanduser())
    try:
        app = create_app(store, settings)
        warm_up(app.state.web, report=logging.getLogger("uvicorn.error").info)
        uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)
    finally:
        store.close()
