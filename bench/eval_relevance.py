"""Relevance benchmarks: gold standard and author split, paperfeed vs baselines, with ablations.

Usage: .venv/bin/python bench/eval_relevance.py [goldstandard|authors|all] [--no-ablations]
       [--data ../shared/data] [--vectors DIR] [--out docs/benchmarks.md]

Prints each table and writes it between its markers in docs/benchmarks.md
(``<!-- eval:goldstandard -->`` / ``<!-- eval:authors -->``). Embeddings come from the
vector directory (an NpyVectorStore; missing ones are computed and added).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from paperfeed.embed import MiniLMOnnx, NpyVectorStore
from paperfeed.eval import DEFAULT_VECTORS, RUNNERS, write_section

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "which", nargs="?", default="all", choices=["goldstandard", "authors", "all"]
    )
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--vectors", type=Path, default=DEFAULT_VECTORS)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--no-ablations", action="store_true")
    args = parser.parse_args(argv)
    store = NpyVectorStore(args.vectors)
    embedder = MiniLMOnnx()
    ablations = not args.no_ablations

    def progress(line: str) -> None:
        print(f"  {line}", file=sys.stderr, flush=True)

    for name, run in RUNNERS.items():
        if args.which not in (name, "all"):
            continue
        started = time.perf_counter()
        table = run(
            args.data, store=store, embedder=embedder, ablations=ablations, progress=progress
        )
        table.notes.append(f"run time {time.perf_counter() - started:.0f} s")
        print(table.to_markdown(), flush=True)
        write_section(args.out, table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
