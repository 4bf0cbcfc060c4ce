"""The daily job for 10,000 users end to end, once the day is embedded: every store read,
the ranking in batches, every digest saved.

Usage: .venv/bin/python bench/bench_daily.py [--users 10000] [--trained 100]

A SQLite store holds the arXiv snapshot (the history), a day of its 1,000 newest papers,
and ``--users`` users whose profiles are the papers of authors of the snapshot (3 to 50
papers each). The day is prepared (embedded and transformed) before the clock starts:
embedding is bench_embed.py's subject, and the feature space is refitted rarely. Every
user's models are kept in the store as a profile change leaves them: ``--trained`` users
are trained here; the others get a copy of one of those models under their own key (the
cost of ranking does not depend on the weights). Then `daily.run_all` runs (mail off) and
is compared with the bare matrix products for the same users, measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench_rank import RandomVectors, author_profiles, cpu, product_limit, read_corpus

from paperfeed import daily, pipeline
from paperfeed.config import Settings, SourcesConfig
from paperfeed.eval.report import Table, write_section
from paperfeed.ranking.model import Ratings
from paperfeed.ranking.stored import current_space
from paperfeed.ranking.train import model_key, newest
from paperfeed.store import Store

ROOT = Path(__file__).resolve().parents[1]
DAY = "2026-07-02"
DAY_PAPERS = 1_000


def fill(store: Store, users: int) -> list[str]:
    """The snapshot as history, the day, and ``users`` users with author profiles."""
    corpus = read_corpus()
    earlier, day = corpus[:-DAY_PAPERS], corpus[-DAY_PAPERS:]
    store.upsert_papers(earlier)
    store.upsert_papers([replace(paper, date=DAY) for paper in day])
    names = []
    for number, profile in enumerate(author_profiles(earlier, users)):
        name = f"user{number:05d}"
        store.add_user(name)
        store.add_profile_papers(name, [paper.id for paper in profile.papers])
        names.append(name)
    return names


def keep_models(store: Store, ranker, users: list[str], trained: int) -> list[float]:  # type: ignore[no-untyped-def]
    """Every user's models in the store; returns the training CPU seconds of the first
    ``trained`` users (the rest get copies of their models under their own keys)."""
    space = current_space(ranker, store)
    costs, models = [], []
    for user in users[:trained]:
        model, seconds, _ = cpu(ranker.model, store.load_profile(user), space, user=user)
        costs.append(seconds)
        models.append(model.to_bytes())
    settings = ranker.settings
    for number, user in enumerate(users[trained:]):
        profile = store.load_profile(user)
        own = newest(profile.active_papers, settings.profile_papers)
        key = model_key(user, own, Ratings(), space.key, settings)
        store.put_model(key, space.key, models[number % trained], user)
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--trained", type=int, default=100)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "bench.db")
        started = time.perf_counter()
        users = fill(store, args.users)
        rows.append(step(f"fill the store: snapshot, day, {len(users):,} users", started))
        settings = Settings(db=store.path, sources=SourcesConfig(arxiv_categories=[]))
        warm = pipeline.ranker_for(store, RandomVectors(), settings)
        (index, prep_cpu, prep_wall) = cpu(pipeline.prepare_day, store, DAY, ranker=warm)
        rows.append([f"refit the space and prepare the day ({len(index):,} papers)",
                     f"{prep_wall:.1f}", f"{prep_cpu:.1f}", "", ""])  # fmt: skip
        costs = keep_models(store, warm, users, args.trained)
        median = sorted(costs)[len(costs) // 2]
        rows.append(["train one user's models (median)", "", f"{median:.2f}", "",
                     f"{len(costs)} users trained"])  # fmt: skip
        report, run_cpu, run_wall = cpu(
            daily.run_all, store, settings, day=DAY, sources=[], send=False,
            embedder=RandomVectors(),
        )  # fmt: skip
        ranked = sum(1 for run in report.runs if run.picks)
        trained = [
            warm.model(store.load_profile(u), index.space, user=u) for u in users[: args.trained]
        ]
        models = [trained[number % len(trained)] for number in range(len(users))]
        _, limit_cpu, limit_wall = cpu(product_limit, index, models)
        size = os.path.getsize(store.path) / 1e6
        store.close()
    per_user = 1000 * run_cpu / len(users)
    rows.append([f"**daily job, {len(users):,} users (mail off)**", f"{run_wall:.1f}",
                 f"{run_cpu:.1f}", f"{per_user:.2f}", "≤ 120 s wall"])  # fmt: skip
    rows.append([f"limit: bare products + top-10, {len(users):,} users", f"{limit_wall:.1f}",
                 f"{limit_cpu:.1f}", f"{1000 * limit_cpu / len(users):.2f}", ""])  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    table = Table(
        key="bench-daily",
        title=f"The daily job end to end: {len(users):,} users, one day of 1,000 papers",
        columns=["step", "wall s", "CPU s", "CPU per user (ms)", "target / note"],
        rows=rows,
        notes=[
            f"command: `python bench/bench_daily.py --users {args.users} --trained "
            f"{args.trained}`; 2 cores; SQLite store of {size:.0f} MB; random unit vectors "
            "stand in for embeddings",
            f"{ranked:,} of {len(users):,} users got picks; the job costs "
            f"{run_cpu / max(limit_cpu, 1e-9):.1f}x the bare products (this run)",
            f"peak resident memory of the whole run: {peak:.0f} MB; load average "
            f"{os.getloadavg()[0]:.1f} at the end",
        ],
    )
    print(table.to_markdown())
    write_section(ROOT / "docs" / "benchmarks.md", table)


def step(name: str, started: float) -> list[str]:
    return [name, f"{time.perf_counter() - started:.1f}", "", "", ""]


if __name__ == "__main__":
    sys.exit(main())
