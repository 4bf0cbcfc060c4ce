"""Security: one user cannot read or change another user's data through any route.

The routes are enumerated from the app's router; every one must have a probe here (a new
route without one fails the test). Signed in as Bob, each probe aims at Alice's data:
her digest day, her own papers, her feed, her name in form fields. Afterwards Alice's rows
in every table are unchanged, none of Bob's pages shows her secrets (e-mail, feed token,
rules, digest-only paper), and Alice's own session still works.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import httpx
from starlette.routing import Mount, Route

from paperfeed.records import Feedback, Paper, Recommendation
from paperfeed.store import Store

from .ledger import record
from .webserver import add_web_user, csrf_of, serving, sign_in

DAY, EARLIER = "2026-06-30", "2026-06-29"
ALICE_EMAIL = "alice.secret@example.org"
ALICE_RULE = "alicesecretkeyword"
ALICE_ONLY = Paper(
    id="2606.77701",
    title="Canary paper only in Alice's digest",
    abstract="graph kernels",
    date=EARLIER,
    source="arxiv",
)
ALICE_OWN = Paper(
    id="2301.00001", title="Alice own graph kernels", abstract="graph kernels", date="2023-01-01"
)
BOB_OWN = Paper(
    id="2302.00001",
    title="Bob own speech recognition",
    abstract="speech recognition",
    date="2023-02-01",
)
LISTED = Paper(
    id="2606.77702",
    title="Graph kernels for speech",
    abstract="graph speech",
    date=DAY,
    source="arxiv",
)


@dataclass
class World:
    """What the probes need: the store, Bob's client, Alice's secrets."""

    store: Store
    bob: httpx.Client
    alice_token: str
    answers: list[httpx.Response]

    def csrf(self) -> str:
        return csrf_of(self.bob.get("/profile").text)

    @property
    def alice_own(self) -> str:
        """The stored id of Alice's own (uploaded, private) paper."""
        return next(paper.id for paper, _ in self.store.profile_links("alice"))

    def get(self, path: str, **params: str) -> None:
        self.answers.append(self.bob.get(path, params=params))

    def post(self, path: str, data: dict[str, str], **extra: object) -> httpx.Response:
        answer = self.bob.post(path, data={**data, "user": "alice", "csrf": self.csrf()}, **extra)  # type: ignore[arg-type]
        self.answers.append(answer)
        return answer


def seed(store: Store) -> str:
    add_web_user(store, "alice", ALICE_EMAIL)
    add_web_user(store, "bob", "bob@example.org")
    alice_own = store.upsert_papers([ALICE_OWN], listed=False, owner="alice").ids
    bob_own = store.upsert_papers([BOB_OWN], listed=False, owner="bob").ids
    store.upsert_papers([ALICE_ONLY, LISTED])
    store.add_profile_papers("alice", list(alice_own))  # their uploads, as the web app stores
    store.add_profile_papers("bob", list(bob_own))
    store.set_rules(
        "alice", include_keywords=[ALICE_RULE], exclude_keywords=[], followed_authors=[]
    )
    store.add_feedback(Feedback("alice", LISTED.id, 1, "2026-06-30T00:00:00+00:00"))
    store.save_digest("alice", EARLIER, [Recommendation(ALICE_ONLY, 0.9, 1)])
    store.set_setting("alice", "feed_token", "alice-feed-token-secret")
    return "alice-feed-token-secret"


def alice_rows(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table that mentions Alice."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        out = {}
        for (table,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' "
            "AND name NOT LIKE '%fts%' AND name NOT LIKE 'sqlite_%' "
            "AND name != 'sessions'"  # her own sign-in makes one
        ):
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
            key = "user" if "user" in columns else "name" if table == "users" else None
            if key:
                out[table] = sorted(
                    conn.execute(f"SELECT * FROM {table} WHERE {key} = 'alice'").fetchall()
                )
        return out
    finally:
        conn.close()


Probe = Callable[[World], None]


def _import(w: World) -> None:
    files = {"file": ("mine.txt", b"Bob\nBob paper two\nBob\nAn abstract.\n", "text/plain")}
    w.post("/profile/import", {}, files=files)


PROBES: dict[str, Probe] = {
    "/": lambda w: (w.get("/"), w.get("/", date=EARLIER)),  # type: ignore[func-returns-value]
    "/feedback": lambda w: w.post("/feedback", {"paper_id": LISTED.id, "rating": "down"}),
    "/rerank": lambda w: w.post("/rerank", {}),
    "/search": lambda w: (  # type: ignore[func-returns-value]
        w.get("/search", q="canary"),
        w.get("/search", q="own kernels"),
        w.get("/search", like=ALICE_OWN.id),
        w.get("/search", like=w.alice_own),
    ),
    "/map": lambda w: w.get("/map"),
    "/feed/{user}.atom": lambda w: (  # type: ignore[func-returns-value]
        w.get("/feed/alice.atom"),
        w.get("/feed/alice.atom", token="bob-guess"),
        w.get("/feed/alice.atom", token=str(w.store.get_setting("bob", "feed_token"))),
    ),
    "/healthz": lambda w: w.get("/healthz"),
    "/vote": lambda w: (  # type: ignore[func-returns-value]
        w.get("/vote", t="forged.token"),
        w.post("/vote", {"t": "forged.token", "p": w.alice_own, "r": "-1"}),
    ),
    "/unsubscribe": lambda w: (  # type: ignore[func-returns-value]
        w.get("/unsubscribe", t="forged.token"),
        w.post("/unsubscribe", {"t": "forged.token"}),
    ),
    "/signup": lambda w: w.post("/signup", {"password": "another password 123"}),
    "/signin": lambda w: w.post("/signin", {"password": "wrong password"}),
    "/signout": lambda w: None,  # run last, by the test: it ends Bob's session
    "/profile": lambda w: w.get("/profile"),
    "/profile/include": lambda w: w.post(
        "/profile/include", {"paper_id": w.alice_own, "included": "no"}
    ),
    "/profile/rules": lambda w: w.post("/profile/rules", {"include_keywords": "bobword"}),
    "/profile/settings": lambda w: w.post(
        "/profile/settings", {"top": "5", "schedule": "weekly", "email": "bob2@example.org"}
    ),
    "/profile/feed-token": lambda w: w.post("/profile/feed-token", {}),
    "/profile/import": _import,
    "/profile/signout-everywhere": lambda w: None,  # run last, like /signout
    "/profile/remove": lambda w: w.post("/profile/remove", {"paper_id": w.alice_own}),
    "/profile/password": lambda w: w.post(
        "/profile/password", {"current": "wrong", "new": "x" * 20, "repeat": "x" * 20}
    ),
    "/account/export": lambda w: w.get("/account/export"),
    "/account/delete": lambda w: w.post(
        "/account/delete", {"confirm": "alice", "password": "correct horse battery staple"}
    ),
    "/static": lambda w: w.get("/static/style.css"),
}
SESSION_ENDERS = ("/profile/signout-everywhere", "/signout")


def route_paths(app_routes: list[object]) -> set[str]:
    paths = set()
    for route in app_routes:
        if isinstance(route, Route | Mount):
            paths.add(route.path)
    return paths


def test_bob_cannot_reach_alice_through_any_route(tmp_path: Path) -> None:
    from paperfeed.web.app import ROUTES

    routes = route_paths(ROUTES)
    assert routes - PROBES.keys() == set(), "routes without an isolation probe"
    db = tmp_path / "two.db"
    with Store.open(db) as store:
        alice_token = seed(store)
        before = alice_rows(db)
        with (
            serving(store) as base,
            closing(sign_in(base, "alice")) as alice,
            closing(sign_in(base, "bob")) as bob,
        ):
            world = World(store, bob, alice_token, [])
            for path in sorted(routes - set(SESSION_ENDERS)):
                PROBES[path](world)
            feed_answers = [a for a in world.answers if "/feed/" in str(a.url)]
            for path in SESSION_ENDERS:
                world.post(path, {})
                world.bob.close()
                world.bob = sign_in(base, "bob")  # a fresh session for the next one
            world.bob.close()
            after = alice_rows(db)  # before Alice's own visit, which builds her digest
            alice_after = alice.get("/")
    leaks = [
        str(a.url)
        for a in world.answers
        if any(
            s in a.text
            for s in (ALICE_EMAIL, alice_token, ALICE_RULE, ALICE_ONLY.title, ALICE_OWN.title)
        )
    ]
    record(
        "security: isolation (web routes)",
        inputs=len(world.answers),
        faults=len(routes),
        lost=sum(len(set(before[t]) - set(after.get(t, []))) for t in before),
        duplicates=sum(len(set(after[t]) - set(before.get(t, []))) for t in after),
    )
    assert leaks == []
    assert all(a.status_code == 404 for a in feed_answers), [a.status_code for a in feed_answers]
    assert after == before
    assert alice_after.status_code == 200 and "alice" in alice_after.text
    with Store.open(db) as store:  # the probes did reach their handlers: Bob's data changed
        assert [(f.paper_id, f.rating) for f in store.feedback_events("bob")] == [(LISTED.id, -1)]
        assert tuple(store.rules("bob")["include_keywords"]) == ("bobword",)
        assert store.email("bob") == "bob2@example.org"
