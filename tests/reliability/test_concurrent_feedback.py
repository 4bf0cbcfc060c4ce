"""Concurrent use: many people rate papers in the web app while the daily job writes.

The web app runs under uvicorn on loopback over the same database file that a
`paperfeed run` child process is writing (a 3000-paper ingest, ranking, digests, mail to
a loopback SMTP server). 20 clients, signed in as 5 users with CSRF tokens from the
pages, post 25 ratings each. Every rating must be stored exactly once; p50/p99 latency is
reported (not asserted).
"""

from __future__ import annotations

import asyncio
import random
import statistics
import subprocess
import time
from collections import Counter
from pathlib import Path

from paperfeed.records import Paper
from paperfeed.store import Store

from .ledger import record
from .procs import child_env, paperfeed_cmd
from .smtpsink import Inbox, smtp_server
from .synth import synthetic_papers, write_jsonl
from .webserver import add_web_user, asign_in, serving

DAY = "2026-06-30"
USERS = [f"reader{n}" for n in range(5)]
CLIENTS, REQUESTS = 20, 25


def seed(db: Path) -> list[str]:
    """Users with a profile and an address, and the listing they will rate."""
    listing = synthetic_papers(200, day="2026-06-29", seed=21, prefix="2605")
    with Store.open(db) as store:
        store.upsert_papers(listing)
        for n, user in enumerate(USERS):
            add_web_user(store, user, f"{user}@example.org")
            own = Paper(
                id=f"2301.{n:05d}",
                title=f"Own work {n} on graph kernels",
                abstract="graph kernels and sparse attention",
                date="2023-01-01",
            )
            store.upsert_papers([own], listed=False)
            store.add_profile_papers(user, [own.id])
    return [p.id for p in listing]


async def one_client(
    base: str, n: int, paper_ids: list[str], latencies: list[float]
) -> list[tuple[str, str, int]]:
    """Sign in, post REQUESTS ratings; the (user, paper, rating) of each one accepted."""
    user = USERS[n % len(USERS)]
    client, token = await asign_in(base, user)
    rng = random.Random(n)
    accepted = []
    try:
        for _ in range(REQUESTS):
            paper_id, rating = rng.choice(paper_ids), rng.choice(["up", "down"])
            started = time.perf_counter()
            answer = await client.post(
                "/feedback",
                data={"paper_id": paper_id, "rating": rating, "csrf": token},
                headers={"Accept": "application/json"},
            )
            latencies.append(time.perf_counter() - started)
            assert answer.status_code == 200, answer.text[:300]
            assert answer.json()["ok"] is True
            accepted.append((user, paper_id, 1 if rating == "up" else -1))
    finally:
        await client.aclose()
    return accepted


async def all_clients(
    base: str, paper_ids: list[str], latencies: list[float]
) -> list[tuple[str, str, int]]:
    results = await asyncio.gather(
        *(one_client(base, n, paper_ids, latencies) for n in range(CLIENTS))
    )
    return [item for result in results for item in result]


def test_every_rating_is_stored_once_while_the_daily_job_writes(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    paper_ids = seed(db)
    day_listing = write_jsonl(tmp_path / "day.jsonl", synthetic_papers(3000, day=DAY, seed=22))
    cfg = tmp_path / "config.toml"
    latencies: list[float] = []
    inbox = Inbox()
    with smtp_server(inbox) as port, Store.open(db) as store, serving(store) as base:
        cfg.write_text(
            f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
            "[sources]\narxiv_categories = []\n",
            "utf-8",
        )
        cmd = paperfeed_cmd(db, "run", "--date", DAY, "--source", str(day_listing), config=cfg)
        with subprocess.Popen(
            cmd,
            env=child_env(PAPERFEED_EMBEDDER="hashing"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as job:
            sent = asyncio.run(all_clients(base, paper_ids, latencies))
            overlapped = job.poll() is None
            out, err = job.communicate(timeout=300)
        assert job.returncode == 0, err
        stored = [(f.user, f.paper_id, f.rating) for u in USERS for f in store.feedback_events(u)]
    want, have = Counter(sent), Counter(stored)
    lost, doubled = sum((want - have).values()), sum((have - want).values())
    ordered = sorted(latencies)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    record(
        "concurrent: web feedback during daily run",
        inputs=len(sent),
        lost=lost,
        duplicates=doubled,
        note=f"{CLIENTS} clients x {REQUESTS} posts, latency p50 {p50 * 1000:.0f} ms, "
        f"p99 {p99 * 1000:.0f} ms; daily job still running at the end: {overlapped}; "
        f"mails sent {sum(inbox.per_recipient().values())}",
    )
    assert len(sent) == CLIENTS * REQUESTS
    assert (lost, doubled) == (0, 0)
    assert sorted(inbox.per_recipient().values()) == [1] * len(USERS), out
