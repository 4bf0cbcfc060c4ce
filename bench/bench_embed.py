"""Embedding throughput and memory: paperfeed's default against the settings it replaced.

Usage: .venv/bin/python bench/bench_embed.py [--n 300]
Each variant runs in its own process (so its peak memory is its own) on the same abstracts,
all with MiniLMOnnx (all-MiniLM-L6-v2 int8 ONNX, one text per run, no padding):
- texts cut at 256 tokens (the model's limit), one thread: the former default;
- 256 tokens, two texts side by side on two threads;
- 128 tokens, one thread;
- 128 tokens, two threads: paperfeed's default.
The note gives the mean cosine of each variant's vectors to the 256-token ones.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
from measured import run_measured

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
VARIANTS = {
    "256x1": "256 tokens, one thread (the former default)",
    "256x2": "256 tokens, two texts side by side on two threads",
    "128x1": "128 tokens, one thread",
    "128x2": "**128 tokens, two threads (paperfeed's default)**",
}


def sample_texts(n: int) -> list[str]:
    from paperfeed.ids import paper_text

    with gzip.open(DATA / "arxiv-cs-2025.jsonl.gz", "rt") as lines:
        rows = [json.loads(line) for line in itertools.islice(lines, 5000, 5000 + n)]
    return [paper_text(r["title"], r["abstract"]) for r in rows]


def encoder(variant: str):  # type: ignore[no-untyped-def]
    from paperfeed.embed import MiniLMOnnx

    length, workers = (int(part) for part in variant.split("x"))
    return MiniLMOnnx(max_length=length, workers=workers).embed


def run_variant(variant: str, n: int, out: Path) -> None:
    """Child process: embed, save the vectors, print papers/s."""
    texts = sample_texts(n)
    embed = encoder(variant)
    embed(texts[:4])  # warm-up: model load, first allocations
    start = time.perf_counter()
    vectors = np.asarray(embed(texts), dtype=np.float32)
    rate = len(texts) / (time.perf_counter() - start)
    np.save(out, vectors)
    print(json.dumps({"rate": rate}))


def measure(variant: str, n: int, folder: Path) -> tuple[float, float, np.ndarray | None]:
    """Parent: run one variant in a child; (papers/s, peak RSS MB, vectors)."""
    out = folder / f"{variant}.npy"
    cmd = [sys.executable, __file__, "--n", str(n), "--variant", variant, "--out", str(out)]
    result = run_measured(cmd)
    if result.status != 0:
        return float("nan"), float("nan"), None
    rate = json.loads(result.stdout.strip().splitlines()[-1])["rate"]
    return rate, result.peak_mb, np.load(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=300, help="papers to embed")
    parser.add_argument("--variant", choices=list(VARIANTS), help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        run_variant(args.variant, args.n, args.out)
        return
    import tempfile

    from paperfeed.eval.report import Table, write_section

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        results = {v: measure(v, args.n, Path(folder)) for v in VARIANTS}
    reference = results["256x1"][2]
    for variant, (rate, rss, vectors) in results.items():
        note = "failed" if vectors is None else ""
        if reference is not None and vectors is not None:
            cosine = float(np.mean(np.sum(vectors * reference, 1)))
            note = f"mean cosine to 256 tokens: {cosine:.4f}"
        rows.append([VARIANTS[variant], f"{rate:.1f}", f"{rss:.0f}", note])
    table = Table(
        key="bench-embed",
        title=f"Embedding throughput ({args.n} arXiv abstracts)",
        columns=["model run", "papers/s", "peak RSS MB", "note"],
        rows=rows,
        notes=[
            f"command: `python bench/bench_embed.py --n {args.n}`; 2 cores, no GPU; "
            "each row its own process",
            f"load average {os.getloadavg()[0]:.1f} at the end (other work slows every row)",
            "target: ≥ 100 papers/s; batching was measured before and gains nothing",
        ],
    )
    print(table.to_markdown())
    write_section(ROOT / "docs" / "benchmarks.md", table)


if __name__ == "__main__":
    main()
