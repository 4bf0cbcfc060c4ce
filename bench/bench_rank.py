"""Ranking time for 10k and 100k candidates against a 50-paper profile, and peak memory.

Usage: .venv/bin/python bench/bench_rank.py
Candidates are real arXiv abstracts from the snapshot (repeated with a suffix to reach 100k);
their vectors are random unit vectors (embedding 100k papers takes hours here, and the cost
of ranking does not depend on the values). Rows:
- index: what is done once per listing and shared by every user (TF-IDF fit + rows,
  vectors looked up by content hash);
- per user: one profile ranked against the index (`paperfeed.score(profile, index)`: every
  signal, both per-user models, the combination); and against the plain list, which
  prepares the candidates again inside the call;
- baseline: arxiv-sanity-lite's method (tf-idf + linear SVM per user) on the same data.
"""

from __future__ import annotations

import gzip
import itertools
import json
import resource
import time
from pathlib import Path

import numpy as np

from paperfeed import api
from paperfeed.embed import normalize_rows
from paperfeed.eval.baselines import arxiv_sanity
from paperfeed.eval.report import Table, write_section
from paperfeed.ids import content_hash

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


class RandomVectors:
    """An embedder that returns a fixed random unit vector per text (timing only)."""

    name = "bench-random-384"
    dim = 384

    def embed(self, texts):
        rows = [
            np.random.default_rng(int(content_hash(t, "")[:8], 16)).normal(size=self.dim)
            for t in texts
        ]
        return normalize_rows(np.array(rows, dtype=np.float32))


def load_papers(n: int) -> list[dict[str, str]]:
    with gzip.open(DATA / "arxiv-cs-2025.jsonl.gz", "rt") as lines:
        rows = [json.loads(line) for line in lines]
    papers = [
        {"id": r["id"], "title": r["title"], "abstract": r["abstract"], "date": r["date"]}
        for r in rows
    ]
    copies = itertools.cycle(papers)
    while len(papers) < n:
        base = next(copies)
        papers.append({**base, "id": f"x{len(papers)}", "title": base["title"] + " (copy)"})
    return papers


def timed(fn, *args, **kwargs) -> float:
    start = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - start


def measure(
    corpus: list[dict[str, str]], n: int, embedder: RandomVectors, history: int = 0
) -> list[str]:
    """Seconds: index the day (with ``history`` earlier papers), rank one profile on the
    index, another profile on the index, a profile on the plain list (prepared again
    inside), and the arxiv-sanity SVM."""
    candidates, profile, other = corpus[:n], corpus[-50:], corpus[n - 120 : n - 70]
    earlier = [f"{p['title']}. {p['abstract']}" for p in corpus[n : n + history]]
    start = time.perf_counter()
    day = api.index(candidates, history=earlier, embedder=embedder)
    build = time.perf_counter() - start
    first = timed(api.score, profile, day, embedder=embedder)
    second = timed(api.score, other, day, embedder=embedder)
    plain = timed(api.score, other, candidates, embedder=embedder)
    svm = timed(arxiv_sanity(), profile, candidates)
    seconds = [build, first, second, plain, svm]
    return [f"{n:,}", f"{history:,}", *(f"{x:.2f}" for x in seconds)]


def main() -> None:
    corpus = load_papers(100_000)
    embedder = RandomVectors()
    rows = [measure(corpus, 1_000, embedder, history=20_000)]  # a day as the pipeline ranks it
    rows += [measure(corpus, n, embedder) for n in (10_000, 100_000)]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    table = Table(
        key="bench-rank",
        title="Ranking against a 50-paper profile (seconds)",
        columns=[
            "candidates",
            "history papers",
            "index the day (once, all users)",
            "one profile on the index",
            "another profile on the index",
            "a profile on the plain list",
            "arxiv-sanity-lite SVM, same data",
        ],
        rows=rows,
        notes=[
            "command: `python bench/bench_rank.py`; 2 cores; random unit vectors stand in "
            "for embeddings (timing does not depend on their values)",
            f"peak resident memory of the whole run: {peak:.0f} MB",
            "target: ranking 100k candidates against a 50-paper profile under 0.2 s",
        ],
    )
    print(table.to_markdown())
    write_section(ROOT / "docs" / "benchmarks.md", table)


if __name__ == "__main__":
    main()
