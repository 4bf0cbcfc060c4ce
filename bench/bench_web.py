"""Web app latency: the digest page of a user with 1,000 stored recommendations.

Usage: .venv/bin/python bench/bench_web.py [--requests 200] [--days 10]
A user gets ``--days`` saved digests of 1000/days picks each (realistic titles, abstracts,
five authors, three reasons per pick) and 200 ratings. Each page is requested ``--requests``
times signed in, in process (starlette TestClient) and over real HTTP (uvicorn on 127.0.0.1,
httpx client); p50/p95 per page, beside /healthz (the framework's floor) and the bare store
reads the digest page needs (its data cost). The table goes into its marked section of
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import random
import re
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.testclient import TestClient

from paperfeed.config import Settings
from paperfeed.eval.report import Table, write_section
from paperfeed.records import Feedback, Paper, Reason, Recommendation
from paperfeed.store import Store
from paperfeed.web import cards
from paperfeed.web.app import create_app
from paperfeed.web.auth import hash_password

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "benchmarks.md"
USER, PASSWORD = "bench", "bench password"
TOTAL_PICKS = 1000
WORDS = [
    "graph",
    "neural",
    "network",
    "transformer",
    "attention",
    "diffusion",
    "retrieval",
    "language",
    "model",
    "speech",
    "vision",
    "robust",
    "sparse",
    "contrastive",
    "federated",
    "causal",
    "benchmark",
    "agent",
    "policy",
    "reinforcement",
    "protein",
    "molecule",
    "kernel",
]


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def day_papers(rng: random.Random, index: int, day: str, count: int) -> list[Paper]:
    """``count`` papers listed on ``day``: ten-word titles, 160-word abstracts, five authors."""
    return [
        Paper(
            id=f"2606.{index:02d}{n:03d}",
            title=_text(rng, 10).capitalize(),
            abstract=_text(rng, 160),
            authors=tuple(f"Author {rng.randint(1, 999)}" for _ in range(5)),
            categories=("cs.LG",),
            date=day,
            source="bench",
        )
        for n in range(count)
    ]


def picks_of(rng: random.Random, papers: list[Paper]) -> list[Recommendation]:
    """The papers as ranked picks, each with three reasons and one of four interests."""
    return [
        Recommendation(
            paper=p,
            score=1 - n / len(papers),
            rank=n + 1,
            interest=f"topic {n % 4}",
            reasons=(
                Reason("similar", f"close to your paper “{_text(rng, 6)}”"),
                Reason("terms", "shared terms: graph, attention"),
                Reason("interest", f"interest: topic {n % 4}"),
            ),
        )
        for n, p in enumerate(papers)
    ]


def build_store(path: Path, days: int) -> tuple[Store, list[str]]:
    """A store with ``days`` saved digests totalling 1,000 picks, and 200 ratings."""
    rng = random.Random(7)
    store = Store.open(path)
    dates = [f"2026-06-{day + 1:02d}" for day in range(days)]
    store.add_user(USER)
    store.set_password_hash(USER, hash_password(PASSWORD))
    for index, day in enumerate(dates):
        papers = day_papers(rng, index, day, TOTAL_PICKS // days)
        store.upsert_papers(papers)
        store.save_digest(USER, day, picks_of(rng, papers))
        for p in rng.sample(papers, 200 // days):
            store.add_feedback(Feedback(USER, p.id, rng.choice((1, -1))))
    return store, dates


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def timed(call: Callable[[], object], count: int) -> tuple[float, float]:
    """p50/p95 of ``count`` calls after five warm-up calls."""
    for _ in range(5):
        call()
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return percentiles(samples)


def sign_in(client: httpx.Client | TestClient) -> None:
    page = client.get("/signin").text
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token, "no CSRF token on /signin"
    response = client.post(
        "/signin", data={"user": USER, "password": PASSWORD, "csrf": token.group(1)}
    )
    assert response.status_code == 303, response.text


def page_call(client: httpx.Client | TestClient, path: str) -> Callable[[], object]:
    def call() -> object:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response

    return call


def live_server(app: Starlette) -> tuple[uvicorn.Server, threading.Thread, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


Row = tuple[str, str, float, float]


def in_process_rows(app: Starlette, store: Store, dates: list[str], count: int) -> list[Row]:
    """Bare store reads, then pages through starlette's TestClient (no network)."""

    def reads() -> object:
        return (
            store.load_digest(USER, dates[-1]),
            store.feedback(USER),
            store.digest_dates(USER),
            store.latest_date(),
        )

    rows: list[Row] = [
        ("store reads of the digest page (no web)", "direct call", *timed(reads, count))
    ]
    with TestClient(app, follow_redirects=False) as client:
        sign_in(client)
        for what, path in (
            ("/healthz (floor)", "/healthz"),
            ("digest page /", "/"),
            ("search /search?q=graph attention", "/search?q=graph+attention"),
        ):
            rows.append((what, "TestClient", *timed(page_call(client, path), count)))
        warm = page_call(client, "/")

        def cold() -> object:
            cards.clear_display_cache()
            return warm()

        rows.append(
            (
                "digest page /, display cache emptied before each (a day's first view)",
                "TestClient",
                *timed(cold, max(20, count // 4)),
            )
        )
    return rows


def live_rows(app: Starlette, store: Store, dates: list[str], count: int) -> list[Row]:
    """Pages over real HTTP: uvicorn on 127.0.0.1 and an httpx client."""
    server, thread, base = live_server(app)
    try:
        with httpx.Client(base_url=base, follow_redirects=False) as client:
            sign_in(client)
            client.get("/profile")  # makes the feed token
            feed = f"/feed/{USER}.atom?token={store.get_setting(USER, 'feed_token')}"
            via = "uvicorn + httpx"
            return [
                ("/healthz (floor)", via, *timed(page_call(client, "/healthz"), count)),
                ("digest page /", via, *timed(page_call(client, "/"), count)),
                (
                    f"Atom feed ({len(dates)} days, {TOTAL_PICKS} entries)",
                    via,
                    *timed(page_call(client, feed), max(20, count // 10)),
                ),
            ]
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def measure(store: Store, dates: list[str], count: int) -> list[Row]:
    """(what, client, p50 ms, p95 ms) rows."""
    settings = Settings(db=store.path, base_url="http://127.0.0.1:8000")
    app = create_app(store, settings, secret="bench-secret")
    return in_process_rows(app, store, dates, count) + live_rows(app, store, dates, count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--days", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store, dates = build_store(Path(folder) / "bench.db", args.days)
        try:
            rows = measure(store, dates, args.requests)
        finally:
            store.close()
    per_day = TOTAL_PICKS // args.days
    table = Table(
        key="bench-web",
        title=f"Web app: digest page, {TOTAL_PICKS:,} stored picks ({args.days} days × {per_day})",
        columns=["request", "client", "p50 ms", "p95 ms"],
        rows=[[what, how, f"{p50:.1f}", f"{p95:.1f}"] for what, how, p50, p95 in rows],
        notes=[
            f"command: `python bench/bench_web.py --requests {args.requests} --days {args.days}`;"
            f" 2 cores; the page shows the newest day's {per_day} picks with reasons and thumbs,"
            " 200 ratings on file",
            "target: digest page under 100 ms",
        ],
    )
    print(table.to_markdown())
    write_section(DOCS, table)


if __name__ == "__main__":
    main()
