"""The web app served by uvicorn on 127.0.0.1 in a background thread, and signed-in clients.

``serving(store)`` yields the base URL; ``sign_in`` / ``asign_in`` give an httpx client
with a session cookie, and ``csrf_of`` reads the session's CSRF token from a page, as a
browser would.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn

from paperfeed.config import Settings
from paperfeed.embed import HashingEmbedder
from paperfeed.store import Store
from paperfeed.web.app import create_app
from paperfeed.web.auth import hash_password
from tests.web_data import patient

from .smtpsink import free_port

PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def add_web_user(store: Store, user: str, email: str | None = None) -> None:
    """A user who can sign in with PASSWORD."""
    store.add_user(user)
    store.set_password_hash(user, hash_password(PASSWORD))
    if email:
        store.set_email(user, email)


@contextmanager
def serving(store: Store, settings: Settings | None = None) -> Iterator[str]:
    """Run the app over ``store`` with uvicorn until the block ends; yields the base URL."""
    app = create_app(
        store,
        patient(settings or Settings(db=store.path)),
        embedder=HashingEmbedder(),
        secret="reliability-tests",
    )
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(base: str, user: str) -> httpx.Client:
    """A client signed in as ``user`` (cookies kept by the client)."""
    client = httpx.Client(base_url=base, timeout=60)
    token = csrf_of(client.get("/signin").text)
    answer = client.post("/signin", data={"user": user, "password": PASSWORD, "csrf": token})
    assert answer.status_code == 303 and answer.headers["location"] == "/", answer.text[:300]
    return client


async def asign_in(base: str, user: str) -> tuple[httpx.AsyncClient, str]:
    """An async client signed in as ``user``, and its session's CSRF token."""
    client = httpx.AsyncClient(base_url=base, timeout=120)
    token = csrf_of((await client.get("/signin")).text)
    answer = await client.post("/signin", data={"user": user, "password": PASSWORD, "csrf": token})
    assert answer.status_code == 303, answer.text[:300]
    page = await client.get("/search", params={"q": "graph"})
    return client, csrf_of(page.text)
