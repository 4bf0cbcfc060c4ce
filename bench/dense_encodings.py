"""The dense signal alone on the gold standard, its texts cut or windowed in different ways.

Each researcher's rated papers are scored by the mean of their three (or one, or five)
closest own papers, as the default's ``dense`` signal does; only the text encoding varies,
for the own papers and the candidates separately ("own/candidates"):

- ``128``, ``256``, ``512``: all-MiniLM-L6-v2 with texts cut at that many tokens;
- ``chunk128x4``, ``chunk256x2``: the mean of the vectors of consecutive windows.

Usage: .venv/bin/python bench/dense_encodings.py 128/128 256/256 256/128 ...
Vectors are kept per encoding in ``PAPERFEED_EVAL_VECTORS`` (default /tmp/dense_encodings).
"""

import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

from paperfeed.embed import MiniLMOnnx, normalize_rows, pooled
from paperfeed.eval import goldstandard
from paperfeed.eval.baselines import best_k
from paperfeed.eval.metrics import goldstandard_loss
from paperfeed.ids import paper_text

ROOT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "goldstandard"
CACHE = Path(os.environ.get("PAPERFEED_EVAL_VECTORS") or "/tmp/dense_encodings")


def text(paper: dict) -> str:
    return paper_text(paper["title"], paper["abstract"])


class Windowed(MiniLMOnnx):
    """The mean of the vectors of up to ``windows`` consecutive windows of ``window`` tokens."""

    def __init__(self, window: int, windows: int) -> None:
        super().__init__(max_length=window * windows + 2)
        self.window, self.windows = window, windows

    def vector_of(self, session: Any, tokenizer: Any, text: str) -> np.ndarray:
        encoding = tokenizer.encode(text)
        first, body, last = encoding.ids[0], encoding.ids[1:-1], encoding.ids[-1]
        step = self.window - 2
        starts = range(0, max(len(body), 1), step)[: self.windows]
        vectors = [pooled(session, [first, *body[at : at + step], last]) for at in starts]
        return normalize_rows(np.mean(normalize_rows(np.array(vectors)), axis=0)[None, :])[0]


ENCODINGS = {
    "128": lambda: MiniLMOnnx(128),
    "256": lambda: MiniLMOnnx(256),
    "512": lambda: MiniLMOnnx(512),
    "chunk128x4": lambda: Windowed(128, 4),
    "chunk256x2": lambda: Windowed(256, 2),
}


def vectors_of(encoding: str, texts: list[str]) -> dict[str, np.ndarray]:
    """Each text's vector under ``encoding``, embedded once and kept in ``CACHE``."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{encoding}.npz"
    known: dict[str, np.ndarray] = {}
    if path.exists():
        with np.load(path) as kept:
            known = dict(zip(kept["keys"].tolist(), kept["vectors"], strict=True))
    missing = [t for t in texts if t not in known]
    if missing:
        known |= dict(zip(missing, ENCODINGS[encoding]().embed(missing), strict=True))
        keys = list(known)
        np.savez(path, keys=np.array(keys), vectors=np.stack([known[k] for k in keys]))
    return known


def main(pairs: list[str]) -> None:
    ratings = goldstandard.load_ratings(ROOT / "evaluations.csv")
    draws = [goldstandard.load_draw(ROOT, n) for n in goldstandard.DRAWS]
    own = sorted({text(p) for d in draws for r in ratings for p in d.archives[r]})
    rated = sorted({text(d.submissions[i]) for d in draws for r in ratings for i in ratings[r]})
    print(f"{len(own)} own papers, {len(rated)} rated submissions", flush=True)
    print("| own / candidates | best-1 | best-3 | best-5 |\n|---|---|---|---|")
    for pair in pairs:
        own_encoding, candidate_encoding = pair.split("/")
        own_vectors = vectors_of(own_encoding, own)
        candidate_vectors = vectors_of(candidate_encoding, rated)
        losses = []
        for k in (1, 3, 5):
            per_draw = []
            for draw in draws:
                predictions = {}
                for researcher, rated_ids in ratings.items():
                    mine = np.stack([own_vectors[text(p)] for p in draw.archives[researcher]])
                    ids = list(rated_ids)
                    theirs = np.stack([candidate_vectors[text(draw.submissions[i])] for i in ids])
                    closest = best_k(theirs @ mine.T, k)
                    predictions[researcher] = dict(zip(ids, closest.tolist(), strict=True))
                per_draw.append(goldstandard_loss(predictions, ratings))
            losses.append(float(np.mean(per_draw)))
        print(f"| {pair} | " + " | ".join(f"{x:.3f}" for x in losses) + " |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
