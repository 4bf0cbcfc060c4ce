"""What ranking costs once models are kept: per user and day, beside the bare products.

Usage: .venv/bin/python bench/bench_rank.py [--users 10000] [--trained 100]

From the arXiv snapshot: the day is the 1,000 newest papers, the history the 20,000
papers listed before them, and each user's profile the papers one author of the snapshot
wrote before the day (authors with 3 to 50 papers). Embeddings are random unit vectors (the
cost does not depend on their values; embedding is measured in bench_embed.py). Rows:
- refitting the feature space on the history (rare: when it is due) with its background;
- training one user's models (when their profile changes), over ``--trained`` users;
- preparing the day: transforming it into the space (never a fit);
- scoring the day for ``--users`` users (copies of the trained users' models) as batched
  matrix products, and the same with rules, diversity and reasons (whole digests);
- the limit, measured on the same models in the same run: only the matrix products, the
  standardization, the tails and a top-10 per user, nothing else.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from paperfeed.embed import normalize_rows
from paperfeed.eval.report import Table, write_section
from paperfeed.ids import content_hash, paper_text
from paperfeed.ranking import DEFAULTS, Ranker
from paperfeed.ranking.ranker import Request
from paperfeed.records import Paper, Profile

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
DAY_PAPERS = 1_000


class RandomVectors:
    """An embedder that returns a fixed random unit vector per text (timing only)."""

    name = "bench-random-384"
    dim = 384

    def embed(self, texts):  # type: ignore[no-untyped-def]
        rows = [
            np.random.default_rng(int(content_hash(t, "")[:8], 16)).normal(size=self.dim)
            for t in texts
        ]
        return normalize_rows(np.array(rows, dtype=np.float32))


def read_corpus() -> list[Paper]:
    """The snapshot's papers, oldest first."""
    with gzip.open(DATA / "arxiv-cs-2025.jsonl.gz", "rt") as lines:
        rows = [json.loads(line) for line in lines]
    rows.sort(key=lambda r: (r.get("date") or "", str(r["id"])))
    return [
        Paper(
            id=str(r["id"]),
            title=r.get("title") or "",
            abstract=r.get("abstract") or "",
            authors=tuple(r.get("authors") or ()),
            date=r.get("date"),
        )
        for r in rows
    ]


def author_profiles(papers: list[Paper], count: int) -> list[Profile]:
    """``count`` profiles: the papers of a fixed random sample of the authors with 3 to 50
    papers (arXiv's mix of sizes)."""
    by_author: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        for author in paper.authors:
            by_author[author].append(paper)
    fitting = sorted(a for a, ps in by_author.items() if 3 <= len(ps) <= 50)
    chosen = np.random.default_rng(0).choice(len(fitting), count, replace=False)
    return [Profile(owner=fitting[i], papers=tuple(by_author[fitting[i]])) for i in chosen]


def cpu(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    """(result, CPU seconds of this process, wall seconds)."""
    started, wall = time.process_time(), time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.process_time() - started, time.perf_counter() - wall


def product_limit(index, models) -> None:  # type: ignore[no-untyped-def]
    """The bare work of scoring: the five products, standardization, tails, top-10."""
    vectors, words, chars = index.encoded.vectors, index.encoded.words, index.encoded.chars
    for start in range(0, len(models), 256):
        batch = models[start : start + 256]
        dense = vectors @ np.vstack([m.vectors for m in batch]).T
        lexical = (words @ sp.vstack([m.word_rows for m in batch], format="csr").T).toarray()
        lr = np.vstack([m.dense_weights for m in batch]) @ vectors.T
        svm = (sp.vstack([m.word_weights for m in batch], format="csr") @ words.T).toarray()
        char = (sp.vstack([m.char_weights for m in batch], format="csr") @ chars.T).toarray()
        total = (lr - lr.mean()) / lr.std() + (svm - svm.mean()) / svm.std()
        total += np.maximum((char - char.mean()) / char.std() - 3.0, 0.0)
        offset = 0
        for row, model in enumerate(batch):
            size = len(model.vectors)
            total[row] += dense[:, offset : offset + size].max(axis=1)
            total[row] += lexical[:, offset : offset + size].max(axis=1)
            offset += size
        np.argpartition(-total, 10, axis=1)[:, :10]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--trained", type=int, default=100)
    args = parser.parse_args()
    corpus = read_corpus()
    day, earlier = corpus[-DAY_PAPERS:], corpus[:-DAY_PAPERS]
    history = [paper_text(p.title, p.abstract) for p in earlier[-DEFAULTS.history_papers :]]
    profiles = author_profiles(earlier, args.trained)
    ranker = Ranker(RandomVectors())
    rows: list[list[str]] = []

    (space, _), fit_cpu, fit_wall = cpu(ranker.fit, history)
    rows.append(row(f"refit the feature space on {len(history):,} papers", fit_wall, fit_cpu, 1))
    index, prep_cpu, prep_wall = cpu(ranker.index, day, space=space)
    rows.append(row(f"prepare the day: {len(day):,} papers into the space", prep_wall, prep_cpu, 1))

    trained = []
    costs = []
    for profile in profiles:
        model, seconds, _ = cpu(ranker.model, profile, space)
        trained.append(model)
        costs.append(seconds)
    sizes = [len(p.papers) for p in profiles]
    rows.append(
        row(
            f"train one user's models ({len(profiles)} users, {min(sizes)}-{max(sizes)} papers)",
            float(np.median(costs)),
            float(np.median(costs)),
            1,
            note=f"slowest {max(costs):.2f} s",
        )
    )
    many = [profiles[i % len(profiles)] for i in range(300)]
    _, many_cpu, many_wall = cpu(ranker.score_many, many, index)
    rows.append(row("score_many: 300 profiles, the day prepared (models trained)", many_wall,
                    many_cpu, len(many), note="target < 10 ms per profile"))  # fmt: skip
    models = [trained[i % len(trained)] for i in range(args.users)]
    _, limit_cpu, limit_wall = cpu(product_limit, index, models)
    _, score_cpu, score_wall = cpu(ranker.scores, index, models)
    requests = [Request(replace(profiles[i % len(profiles)]), top=10) for i in range(args.users)]
    _, digest_cpu, digest_wall = cpu(ranker.digests, requests, index)
    n = f"{args.users:,} users"
    rows.append(row(f"limit: bare products + top-10, {n}", limit_wall, limit_cpu, args.users))
    rows.append(row(f"score the day, {n} (batched products)", score_wall, score_cpu, args.users))
    rows.append(
        row(
            f"digests: score + rules + diversity + reasons, {n}",
            digest_wall,
            digest_cpu,
            args.users,
        )
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    table = Table(
        key="bench-rank",
        title="Ranking with kept models: one day of 1,000 papers, 20,000 history papers",
        columns=["step", "wall s", "CPU s", "CPU per user (ms)", "note"],
        rows=rows,
        notes=[
            f"command: `python bench/bench_rank.py --users {args.users} --trained "
            f"{args.trained}`; 2 cores; random unit vectors stand in for embeddings",
            f"scoring costs {score_cpu / max(limit_cpu, 1e-9):.1f}x the bare products, whole "
            f"digests {digest_cpu / max(limit_cpu, 1e-9):.1f}x (measured in this run)",
            f"peak resident memory of the whole run: {peak:.0f} MB",
            "targets: ≤ 5 ms CPU per user per day; training ≤ 1.5 s; preparing the day ≤ 5 s",
        ],
    )
    print(table.to_markdown())
    write_section(ROOT / "docs" / "benchmarks.md", table)


def row(step: str, wall: float, seconds: float, users: int, note: str = "") -> list[str]:
    per_user = f"{1000 * seconds / users:.2f}" if users > 1 else "—"
    return [step, f"{wall:.2f}", f"{seconds:.2f}", per_user, note]


if __name__ == "__main__":
    sys.exit(main())
