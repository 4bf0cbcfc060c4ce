"""The author split's feedback simulation with each user's figures kept, and two runs paired.

Usage: .venv/bin/python bench/feedback_paired.py run OUT.json [SETTING=VALUE ...]
       .venv/bin/python bench/feedback_paired.py compare A.json B.json

``run`` runs ``paperfeed.eval.runner.feedback_simulation`` (rate the first digest of 10,
score again, nDCG@10 on what was not shown) with the default ranking, or with the ranking
settings given (``word_hashed=0 char_hashed=0``: the vocabulary of the history alone, as
before Session 15), and writes each user's first-digest nDCG@10 and, when a positive is
left, the before and after figures. ``compare`` pairs two runs over the users measured in
both. The reported gain leaves out users whose every positive was in
the first digest, so two rankings are measured on different users; pairing shows whether
ratings help less or only the users changed (docs/relevance.md, Session 14).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from paperfeed.embed import MiniLMOnnx, NpyVectorStore
from paperfeed.eval import DEFAULT_VECTORS
from paperfeed.eval.authors import ranking
from paperfeed.eval.metrics import ndcg_at_k
from paperfeed.eval.runner import Paperfeed, author_split, feedback_simulation
from paperfeed.ranking import Ranker
from paperfeed.ranking.settings import settings_from

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def run(out: Path, assignments: list[str]) -> None:
    table = dict(a.split("=", 1) for a in assignments)
    settings = settings_from(table)
    split, history = author_split(DATA)
    ranker = Ranker(MiniLMOnnx(), NpyVectorStore(DEFAULT_VECTORS), settings)
    index = ranker.index(split.candidates, history=history)
    figures: dict[str, dict[str, float]] = {
        task.user: {
            "first": ndcg_at_k(
                ranking(ranker.score(task.profile, index), split.candidates), task.positives
            )
        }
        for task in split.tasks
    }
    result = feedback_simulation(split, Paperfeed(ranker, history))
    for user, before, after in zip(result.users, result.before, result.after, strict=True):
        figures[user] |= {"before": before, "after": after}
    out.write_text(json.dumps(figures, indent=0))
    gains = [after - before for before, after in zip(result.before, result.after, strict=True)]
    name = " ".join(assignments) or "default"
    print(f"{name}: {len(gains)} users measured, gain {np.mean(gains):+.4f}")


def interval(values: list[float]) -> str:
    data = np.asarray(values)
    picks = np.random.default_rng(0).integers(0, len(data), (2000, len(data)))
    low, high = np.percentile(data[picks].mean(axis=1), [2.5, 97.5])
    return f"{data.mean():+.4f} [{low:+.4f}, {high:+.4f}]"


def compare(first: Path, second: Path) -> None:
    a, b = json.loads(first.read_text()), json.loads(second.read_text())
    both = [u for u in a if "after" in a[u] and "after" in b.get(u, {})]
    gain_a = [a[u]["after"] - a[u]["before"] for u in both]
    gain_b = [b[u]["after"] - b[u]["before"] for u in both]
    print(f"{len(both)} users measured in both")
    print(f"gain, {first.stem}: {interval(gain_a)}")
    print(f"gain, {second.stem}: {interval(gain_b)}")
    paired = [y - x for x, y in zip(gain_a, gain_b, strict=True)]
    print(f"paired difference of the gains: {interval(paired)}")
    common = [u for u in a if u in b]
    print(f"first digest, paired: {interval([b[u]['first'] - a[u]['first'] for u in common])}")


if __name__ == "__main__":
    if sys.argv[1] == "run":
        run(Path(sys.argv[2]), sys.argv[3:])
    else:
        compare(Path(sys.argv[2]), Path(sys.argv[3]))
