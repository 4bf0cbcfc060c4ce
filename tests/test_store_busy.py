"""A database kept busy by another connection, on both backends: the store raises
``StoreBusy`` and stays usable, the web app answers JSON 503 with ``Retry-After`` (and
stores the rating once when asked again), recording a sent digest retries until the lock
is let go or gives up cleanly past its patience.

The lock is held by a real second connection, as another writer holds it: SQLite's write
lock (``BEGIN IMMEDIATE``), the PostgreSQL store's advisory write lock (another paperfeed
process), or a row lock on Alice's user row (an outside PostgreSQL session). The lock is
let go by the test itself at a known point, so nothing depends on timing."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from paperfeed.deliver.once import claim, confirm_sent, journaled
from paperfeed.errors import StoreBusy
from paperfeed.records import Digest, Feedback
from paperfeed.store import Store, is_postgres_url, open_store
from paperfeed.store.busy import PG_BUSY_STATES
from paperfeed.store.pgschema import WRITE_LOCK
from paperfeed.web.app import create_app
from tests.web_data import (
    DAY,
    LISTING,
    PASSWORD,
    fake_embedder,
    recommendation,
    seed_store,
    settings_for,
)

WAIT = 0.2  # the stores' busy_timeout: seconds a statement waits for another one's lock
TAKE = {
    "sqlite-write": ("BEGIN IMMEDIATE",),
    "pg-write": ("BEGIN", f"SELECT pg_advisory_xact_lock({WRITE_LOCK})"),
    "pg-row": ("BEGIN", "SELECT name FROM users WHERE name = 'alice' FOR UPDATE"),
}
LOCKS = [
    "sqlite-write",
    pytest.param("pg-write", marks=pytest.mark.postgres),
    pytest.param("pg-row", marks=pytest.mark.postgres),
]


class LockHolder:
    """A second connection to ``db`` that takes its kind of lock and holds it until
    ``release()``."""

    def __init__(self, db: str, kind: str) -> None:
        self.db, self.kind = db, kind
        self.conn: Any
        if is_postgres_url(db):
            import psycopg

            self.conn = psycopg.connect(db, autocommit=True)
        else:
            self.conn = sqlite3.connect(db, isolation_level=None, check_same_thread=False)

    def take(self) -> None:
        for statement in TAKE[self.kind]:
            self.conn.execute(statement)

    def release(self) -> None:
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


@pytest.fixture(params=LOCKS)
def holder(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LockHolder]:
    """A seeded database (the web tests' listing, Alice and Bob) and a lock holder on it."""
    if request.param == "sqlite-write":
        db = str(tmp_path / "busy.db")
    else:
        db = str(request.getfixturevalue("postgres_db"))
    seed_store(db).close()
    held = LockHolder(db, request.param)
    try:
        yield held
    finally:
        held.close()


@pytest.fixture
def store(holder: LockHolder) -> Iterator[Store]:
    """The store under test: its statements wait ``WAIT`` seconds for a lock."""
    with open_store(holder.db, busy_timeout=WAIT) as opened:
        yield opened


def test_a_held_lock_raises_store_busy_and_the_store_stays_usable(
    holder: LockHolder, store: Store
) -> None:
    rating = Feedback("alice", LISTING[0].id, 1)
    holder.take()
    with pytest.raises(StoreBusy) as raised:
        store.add_feedback(rating)
    if not is_postgres_url(holder.db):  # still the error SQLite code knows
        assert isinstance(raised.value, sqlite3.OperationalError)
    assert store.feedback_events("alice") == []  # nothing written; readers do not wait
    holder.release()
    store.add_feedback(rating)  # the failed try left no transaction open
    assert [f.paper_id for f in store.feedback_events("alice")] == [LISTING[0].id]


def _signed_in(store: Store) -> tuple[TestClient, str]:
    """A client signed in as Alice, and its CSRF token."""
    app = create_app(
        store, settings_for(store.path), embedder=fake_embedder(), secret="test-secret"
    )
    client = TestClient(app, follow_redirects=False)
    signed = client.post(
        "/signin", data={"user": "alice", "password": PASSWORD, "csrf": _csrf(client, "/signin")}
    )
    assert signed.status_code == 303, signed.text
    return client, _csrf(client, "/profile")


def _csrf(client: TestClient, path: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def test_web_answers_json_503_with_retry_after_then_stores_the_rating_once(
    holder: LockHolder, store: Store
) -> None:
    client, token = _signed_in(store)
    pid = LISTING[0].id

    def rate() -> Any:
        form = {"paper_id": pid, "rating": "up", "csrf": token}
        return client.post("/feedback", data=form, headers={"Accept": "application/json"})

    holder.take()
    busy = rate()  # retried with back-off inside the app, then given up
    assert busy.status_code == 503, busy.text
    assert busy.json() == {"ok": False, "error": "the database is busy; try again in a moment"}
    assert busy.headers["Retry-After"] == "2"
    assert store.feedback_events("alice") == []
    holder.release()
    done = rate()
    assert done.status_code == 200 and done.json() == {"ok": True, "paper_id": pid, "rating": 1}
    assert [f.paper_id for f in store.feedback_events("alice")] == [pid]


def _claimed_digest(store: Store) -> Digest:
    """Alice's digest of ``DAY``, its mail claimed by this process (as before sending)."""
    picks = (recommendation(LISTING[0], 1, "graph networks"),)
    assert claim(store, "alice", DAY)
    return Digest("alice", DAY, picks)


def test_recording_a_sent_digest_retries_until_the_lock_is_let_go(
    holder: LockHolder, store: Store
) -> None:
    digest = _claimed_digest(store)
    waits: list[float] = []

    def sleep(seconds: float) -> None:  # the retry's pause: the other writer commits now
        waits.append(seconds)
        holder.release()

    holder.take()
    assert confirm_sent(store, digest, patience=600.0, sleep=sleep) == "sent"
    assert len(waits) == 1
    assert store.delivery_state("alice", DAY, "email") == ("sent", _owner(store))
    assert LISTING[0].id in store.shown_ids("alice")


def test_recording_a_sent_digest_gives_up_cleanly_past_its_patience(
    holder: LockHolder, store: Store
) -> None:
    digest = _claimed_digest(store)
    holder.take()
    status = confirm_sent(store, digest, patience=0.0, sleep=_no_sleep)
    holder.release()
    if is_postgres_url(holder.db):  # no journal file beside a database server
        assert status == "sent (not recorded: the database stayed busy; a later run may resend)"
        assert not journaled(store, "alice", DAY)
        assert store.delivery_state("alice", DAY, "email") == ("claimed", _owner(store))
    else:
        assert status == "sent (recorded in the journal: the database stayed busy)"
        assert journaled(store, "alice", DAY)  # the next run reads it, and records it now
        assert store.delivery_state("alice", DAY, "email") == ("sent", _owner(store))
    assert LISTING[0].id not in store.shown_ids("alice")  # the busy try wrote nothing


def _owner(store: Store) -> str:
    state = store.delivery_state("alice", DAY, "email")
    assert state is not None
    return state[1]


def _no_sleep(seconds: float) -> None:
    raise AssertionError(f"no retry was due past the patience (asked to sleep {seconds} s)")


@pytest.mark.postgres
def test_the_postgres_store_bounds_every_lock_wait_by_busy_timeout(postgres_db: str) -> None:
    with open_store(postgres_db, busy_timeout=WAIT) as short, open_store(postgres_db) as usual:
        assert short._conn.native("SHOW lock_timeout").fetchone()[0] == "200ms"
        assert usual._conn.native("SHOW lock_timeout").fetchone()[0] == "10s"


@pytest.mark.postgres
@pytest.mark.parametrize("state", sorted(PG_BUSY_STATES))
def test_postgres_busy_errors_are_store_busy_and_roll_back(postgres_db: str, state: str) -> None:
    raise_it = f"DO $$ BEGIN RAISE EXCEPTION 'held up' USING ERRCODE = '{state}'; END $$"
    with open_store(postgres_db) as store:
        with pytest.raises(StoreBusy, match=PG_BUSY_STATES[state]), store.transaction():
            store.add_user("carol")
            store._conn.native(raise_it)
        assert store.users() == []
        store.add_user("dave")
        assert store.users() == ["dave"]


@pytest.mark.postgres
def test_a_postgres_statement_timeout_is_not_busy(postgres_db: str) -> None:
    import psycopg

    with open_store(postgres_db) as store:
        store._conn.native("SET statement_timeout = 50")
        with pytest.raises(psycopg.errors.QueryCanceled) as raised:
            store._conn.native("SELECT pg_sleep(5)")
        assert not isinstance(raised.value, StoreBusy)
