"""Trust attacks through the real web app (uvicorn on loopback): each one of issue 12.

1. an upload rewriting a shared record; 2. a private upload read or rated by another
user; 3. a decompression bomb uploaded; 5. unbounded bodies before sign-in;
6. sign-in throttle evasion and lock-out; 7. sessions outliving sign-out and a password
change; 11. concurrent password hashing. Each test says what it counted to the summary.
"""

from __future__ import annotations

import asyncio
import gzip
import logging
import time
from contextlib import closing
from pathlib import Path

import httpx
from click.testing import CliRunner

from paperfeed import pipeline
from paperfeed.cli import cli
from paperfeed.config import LimitsConfig, Settings, WebConfig
from paperfeed.records import Paper
from paperfeed.store import Store
from paperfeed.web.app import ROUTES, UPLOAD_ROUTES

from .ledger import record
from .synth import paper_record, synthetic_papers
from .trustkit import (
    client_from,
    current_rss_kib,
    jsonl,
    peak_rss_kib,
    raw_post,
    reset_peak_rss,
    try_sign_in,
    upload,
)
from .webserver import PASSWORD, add_web_user, csrf_of, serving, sign_in

DAY = "2026-07-01"
PHISH = "URGENT verify your account at evil.example"
REAL = "Sparse attention kernels for graph transformers"
DRAFT = "Zyxwvut unpublished draft on quokka kernels"


def _world(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "trust.db")
    for user in ("alice", "bob"):
        add_web_user(store, user)
    own = Paper("2301.00077", "Graph transformers with sparse kernels", "graph sparse kernels")
    store.upsert_papers([own], owner="bob")
    store.add_profile_papers("bob", [store.find_paper_id(own, owner="bob") or ""])
    return store


def _ingest(tmp_path: Path, store: Store, title: str, name: str) -> None:
    path = tmp_path / name
    record = {"id": "2607.00042", "title": title, "abstract": "graph sparse kernels", "date": DAY}
    others = [paper_record(p) for p in synthetic_papers(20, day=DAY, seed=4, prefix="2607")[1:]]
    path.write_bytes(jsonl([record, *others]))
    pipeline.ingest(store, str(path))


def test_upload_never_rewrites_a_source_record(tmp_path: Path) -> None:
    store = _world(tmp_path)
    with serving(store) as base, closing(sign_in(base, "alice")) as alice:
        staged = [{"id": "2607.00042", "title": PHISH, "abstract": "click here", "date": DAY}]
        upload(alice, "ahead.jsonl", jsonl(staged))  # staged ahead of the listing
        _ingest(tmp_path, store, REAL, "listing.jsonl")  # the operator's ingest
        with closing(sign_in(base, "bob")) as bob:
            pages = bob.get("/").text + bob.get("/search", params={"q": "sparse kernels"}).text
        upload(alice, "after.jsonl", jsonl(staged))  # and again after the ingest
        shared_after_upload = store.get_paper("2607.00042")
        _ingest(tmp_path, store, REAL + " (v2)", "listing-v2.jsonl")  # a new arXiv version
        shared_after_reingest = store.get_paper("2607.00042")
        alice_sees = alice.get("/search", params={"q": "evil example verify"}).text
    record("attack 1: upload vs shared record", inputs=3, faults=2, lost=0, duplicates=0)
    assert PHISH not in pages and REAL in pages
    assert shared_after_upload is not None and shared_after_upload.title == REAL
    assert shared_after_reingest is not None and shared_after_reingest.title == REAL + " (v2)"
    assert PHISH in alice_sees  # her upload is still hers


def test_private_upload_is_invisible_to_others(tmp_path: Path) -> None:
    store = _world(tmp_path)
    with serving(store) as base, closing(sign_in(base, "alice")) as alice:
        upload(alice, "draft.jsonl", jsonl([{"title": DRAFT, "abstract": "quokka kernels"}]))
        draft_id = next(p.id for p, _ in store.profile_links("alice"))
        with closing(sign_in(base, "bob")) as bob:
            token = csrf_of(bob.get("/profile").text)
            seen = bob.get("/search", params={"q": "zyxwvut quokka"}).text + bob.get("/map").text
            plain = draft_id.split(":", 2)[2]
            rated = [
                bob.post(
                    "/feedback",
                    data={"paper_id": pid, "rating": "up", "csrf": token},
                    headers={"Accept": "application/json"},
                ).status_code
                for pid in (draft_id, plain)
            ]
        mine = alice.get("/search", params={"q": "zyxwvut quokka"}).text
    record(
        "attack 2: private upload seen or rated by another",
        inputs=4,
        faults=2,
        lost=0,
        duplicates=len(store.feedback_events("bob")),
    )
    assert "Zyxwvut" not in seen
    assert rated == [400, 400] and store.feedback_events("bob") == []
    assert "Zyxwvut" in mine


def test_decompression_bomb_upload_is_refused(tmp_path: Path) -> None:
    store = _world(tmp_path)
    bomb = gzip.compress(b"title\n" + b"x\n" * (60 * 1024 * 1024), 9)  # ~120 MB inside
    settings = Settings(db=store.path, limits=LimitsConfig(upload_expanded_bytes=16 << 20))
    before = store.count_papers()
    reset_peak_rss()
    start_rss = current_rss_kib()
    with serving(store, settings) as base, closing(sign_in(base, "alice")) as alice:
        page = upload(alice, "bomb.csv.gz", bomb)
    grew = (peak_rss_kib() - start_rss) // 1024
    record(
        "attack 3: decompression bomb upload",
        inputs=1,
        faults=1,
        note=f"{len(bomb):,} bytes of gzip; peak memory grew {grew} MB",
    )
    assert "bomb.csv.gz" in page and "expands to more than" in page
    assert store.count_papers() == before and store.profile_links("alice") == []
    assert grew < 200


def test_request_bodies_are_limited_while_read(tmp_path: Path) -> None:
    store = _world(tmp_path)
    posts = sorted(r.path for r in ROUTES if "POST" in (getattr(r, "methods", None) or ()))
    megabyte = b"a" * 65536
    with serving(store) as base:
        status, sent = raw_post(  # 500 MB announced: refused before any of it is sent
            base, "/signin", {"Content-Length": str(500 << 20)}, iter([])
        )
        chunked = raw_post(
            base,
            "/signin",
            {"Transfer-Encoding": "chunked", "Content-Type": "application/x-www-form-urlencoded"},
            (b"user=" + megabyte if n == 0 else megabyte for n in range(320)),  # 20 MB
        )
        per_route = {
            path: raw_post(base, path, {"Transfer-Encoding": "chunked"}, iter([megabyte] * 16))
            for path in posts
            if path not in UPLOAD_ROUTES
        }
        with closing(sign_in(base, "alice")) as alice:
            token = csrf_of(alice.get("/profile").text)
            big = alice.post(
                "/profile/import",
                data={"csrf": token},
                files={"file": ("big.txt", b"x" * (6 << 20), "text/plain")},
            )
    refused = [  # 413 by the limit, 403 before reading at all (signed-in routes), or 400
        # (the signed-link routes /vote and /unsubscribe: no token, so nothing to read)
        p
        for p, (code, took) in per_route.items()
        if code in (400, 403, 413) and took <= 256 << 10
    ]
    record(
        "attack 5: request bodies before sign-in",
        inputs=2 + len(per_route) + 1,
        faults=2 + len(per_route) + 1,
        note=f"chunked /signin: {chunked[1]:,} of 20,971,520 bytes read before the 413",
    )
    assert (status, sent) == (413, 0)
    assert chunked[0] == 413 and chunked[1] < 1 << 20
    assert refused == sorted(per_route), per_route
    assert big.status_code == 413


def test_sign_in_throttle_cannot_be_evaded_or_turned_against_the_owner(tmp_path: Path) -> None:
    store = _world(tmp_path)
    pads = [" ", "\t", "\u00a0", "\u2003", "\n", "  ", "\u3000"]
    variants = [p + n + q for n in ("bob", "BOB", "Bob") for p in pads for q in ("", " ")][:41]
    with serving(store) as base:
        with closing(client_from(base, "127.0.0.1")) as owner:
            assert try_sign_in(owner, "bob") == 303  # the owner's device is known now
        answers = []
        with closing(client_from(base, "127.0.0.2")) as attacker:
            for name in variants:
                answers += [try_sign_in(attacker, name, "wrong guess") for _ in range(5)]
        guesses = answers.count(400)
        with closing(client_from(base, "127.0.0.1")) as fresh:
            owner_elsewhere = try_sign_in(fresh, "  BOB\u00a0")
        for n in range(3, 14):  # a botnet: 5 guesses from each of 11 addresses
            with closing(client_from(base, f"127.0.0.{n}")) as bot:
                for _ in range(5):
                    try_sign_in(bot, "bob", "wrong guess")
        with closing(client_from(base, "127.0.0.1")) as stranger:
            stranger_answer = try_sign_in(stranger, "bob")
        weak = _sign_up(base, "carol", "password1")
        spaced = _sign_up(base, "dave", "  my spaced pass phrase  ")
        with closing(client_from(base, "127.0.0.1")) as dave:
            stripped = try_sign_in(dave, "dave", "my spaced pass phrase")
            exact = try_sign_in(dave, "dave", "  my spaced pass phrase  ")
    record(
        "attack 6: sign-in throttle",
        inputs=len(answers) + 55,
        faults=len(variants),
        note=f"{guesses} of {len(answers)} padded guesses evaluated",
    )
    assert guesses <= 5
    assert owner_elsewhere == 303  # same name in one form; the attacker's address only
    assert stranger_answer == 429  # a name under a storm: unknown devices wait
    assert weak == 400 and spaced == 303
    assert (stripped, exact) == (400, 303)


def _sign_up(base: str, user: str, password: str) -> int:
    with closing(httpx.Client(base_url=base, timeout=60)) as client:
        token = csrf_of(client.get("/signup").text)
        data = {"user": user, "password": password, "csrf": token}
        return client.post("/signup", data=data).status_code


def test_known_device_signs_in_during_a_guessing_storm(tmp_path: Path) -> None:
    store = _world(tmp_path)
    with serving(store) as base, closing(client_from(base, "127.0.0.1")) as owner:
        assert try_sign_in(owner, "bob") == 303
        owner.post("/signout", data={"csrf": csrf_of(owner.get("/profile").text)})
        for n in range(2, 14):
            with closing(client_from(base, f"127.0.0.{n}")) as bot:
                for _ in range(5):
                    try_sign_in(bot, "bob", "wrong guess")
        with closing(client_from(base, "127.0.0.1")) as stranger:
            locked = try_sign_in(stranger, "bob")
        again = try_sign_in(owner, "bob")
    assert locked == 429 and again == 303


def test_sessions_end_on_sign_out_password_change_and_expiry(tmp_path: Path) -> None:
    store = _world(tmp_path)
    settings = Settings(db=store.path, web=WebConfig(session_max_days=2.0 / 86400))
    with serving(store) as base:
        bob = sign_in(base, "bob")
        stolen = dict(bob.cookies)
        bob.post("/signout", data={"csrf": csrf_of(bob.get("/profile").text)})
        with closing(httpx.Client(base_url=base, cookies=stolen)) as replay:
            after_signout = replay.get("/profile").status_code
        alice = sign_in(base, "alice")
        result = CliRunner().invoke(
            cli, ["--db", store.path, "passwd", "--user", "alice", "--password", PASSWORD + "!"]
        )
        assert result.exit_code == 0, result.output
        after_passwd = alice.get("/profile").status_code
        stored = store._one("SELECT count(*) FROM sessions")[0]
    with serving(store, settings) as base:
        brief = sign_in(base, "bob")
        time.sleep(2.5)
        after_expiry = brief.get("/profile").status_code
    record("attack 7: sessions after sign-out, passwd, expiry", inputs=3, faults=3)
    assert (after_signout, after_passwd, after_expiry) == (303, 303, 303)
    assert stored == 0


def test_password_hashing_is_bounded_under_load(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "load.db")
    from paperfeed.web.auth import hash_password

    shared_hash = hash_password(PASSWORD)
    users = [f"reader{n:02d}" for n in range(40)]
    for user in users:
        store.add_user(user)
        store.set_password_hash(user, shared_hash)

    async def one(base: str, user: str) -> int:
        async with httpx.AsyncClient(base_url=base, timeout=120) as client:
            token = csrf_of((await client.get("/signin")).text)
            data = {"user": user, "password": PASSWORD, "csrf": token}
            return (await client.post("/signin", data=data)).status_code

    async def all_of(base: str) -> list[int]:
        return await asyncio.gather(*(one(base, u) for u in users))

    with serving(store) as base:
        logging.getLogger("uvicorn.error").setLevel(logging.ERROR)
        reset_peak_rss()
        start = current_rss_kib()
        codes = asyncio.run(all_of(base))
        grew = (peak_rss_kib() - start) // 1024
    record(
        "attack 11: 40 concurrent sign-ins",
        inputs=len(users),
        faults=len(users),
        note=f"peak memory grew {grew} MB (argon2 64 MiB per hash, 2 at once)",
    )
    assert codes == [303] * len(users)
    assert grew < 600
