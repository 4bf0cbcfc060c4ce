"""Build the background that ships with the package: paperfeed/ranking/data/background.npz.

Usage: .venv/bin/python scripts/build_background.py [--data ../shared/data] [--sample 5000]

From the arXiv CS snapshot it takes the newest ``HISTORY`` papers listed before
``BEFORE``: 2025-05-12 to 2025-09-09, a window disjoint from the history the relevance
benchmarks give paperfeed (the 20,000 papers before 2026-03-01, from 2025-09-10 on), so
their "without history" rows test a background from another time, as a user's papers
would meet it. It fits the feature space on them, and keeps the texts of a fixed
random sample of ``--sample`` of them with the default model's vectors of the sample's
held-out and dense-model papers (float16). Nothing is downloaded; the file is a few MB.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
from pathlib import Path

import numpy as np

from paperfeed.embed import EmbeddingCache, default_embedder
from paperfeed.ids import content_hash, paper_text
from paperfeed.ranking.background import split_history
from paperfeed.ranking.settings import DEFAULTS
from paperfeed.ranking.space import fit_space, lexicon_arrays

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "2025-09-10"
OUT = ROOT / "paperfeed" / "ranking" / "data" / "background.npz"
#: The packaged space has no hashed columns: with them, its 5,000 negatives ranked the
#: author split 0.153 against 0.156 without, and in the two-user story of
#: tests/test_e2e_two_users.py ratings put an unrated paper of the rated topic behind
#: others (docs/relevance.md, Session 15). A store's own history gets them.
PACKAGED = dataclasses.replace(DEFAULTS, word_hashed=0, char_hashed=0)


def history_texts(snapshot: Path, before: str, size: int) -> list[str]:
    """Texts of the newest ``size`` papers listed before ``before`` (oldest first)."""
    rows = []
    with gzip.open(snapshot, "rt") as lines:
        for line in lines:
            row = json.loads(line)
            if (row.get("date") or "") < before:
                rows.append(((row.get("date") or ""), str(row["id"]), row))
    rows.sort(key=lambda r: r[:2])
    return [paper_text(r["title"] or "", r.get("abstract") or "") for *_, r in rows[-size:]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--sample", type=int, default=5000)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    texts = history_texts(args.data / "arxiv-cs-2025.jsonl.gz", BEFORE, DEFAULTS.history_papers)
    space, _, _ = fit_space(texts, PACKAGED)
    rng = np.random.default_rng(0)
    sample = [texts[i] for i in np.sort(rng.choice(len(texts), args.sample, replace=False))]
    held, dense = split_history(len(sample), DEFAULTS)
    embedded = [sample[i] for i in np.r_[held, dense]]
    cache = EmbeddingCache(default_embedder())
    vectors = cache.embed_papers([{"title": t} for t in embedded], progress=print_progress)
    arrays = {
        "key": np.frombuffer(space.key.encode(), np.uint8),
        "texts": np.frombuffer("\n".join(sample).encode(), np.uint8),
        "model": np.frombuffer(cache.embedder.name.encode(), np.uint8),
        "vector_hashes": np.frombuffer(
            "\n".join(content_hash(t, "") for t in embedded).encode(), np.uint8
        ),
        "vectors": vectors.astype(np.float16),
    }
    arrays |= lexicon_arrays(space.words, "words_") | lexicon_arrays(space.chars, "chars_")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **arrays)  # type: ignore[arg-type]
    size = args.out.stat().st_size / 1e6
    print(f"{args.out}: {size:.1f} MB, {len(sample)} texts, {len(embedded)} vectors")


def print_progress(done: int, total: int) -> None:
    if done == total or done % 640 == 0:
        print(f"embedded {done} of {total}", flush=True)


if __name__ == "__main__":
    main()
