"""The author split's feedback simulation (one round of ratings) under given ranking settings.

Usage: .venv/bin/python bench/feedback_variants.py [name=value ...]
(for example ``disliked_weight=6 weights.lexical=0.5``; the rest are the defaults). Prints
nDCG@10 on the unseen papers before and after, and the change with its 95% CI, as the
"feedback simulation" note of ``paperfeed eval authors`` does (``PAPERFEED_EVAL_VECTORS``:
where embeddings are cached, if not the eval's default).
"""

import dataclasses
import os
import sys
from pathlib import Path

from paperfeed.embed import MiniLMOnnx, NpyVectorStore
from paperfeed.eval import DEFAULT_VECTORS, authors
from paperfeed.eval.runner import Paperfeed, author_split, feedback_simulation
from paperfeed.ranking import DEFAULTS, Ranker


def main(assignments: list[str]) -> None:
    changes: dict = {}
    for item in assignments:
        name, value = item.split("=", 1)
        if name.startswith("weights."):
            weights = changes.setdefault("weights", dict(DEFAULTS.weights))
            weights[name.removeprefix("weights.")] = float(value)
        else:
            changes[name] = type(getattr(DEFAULTS, name))(value)
    settings = dataclasses.replace(DEFAULTS, **changes)
    data = Path(__file__).resolve().parents[1].parent / "shared" / "data"
    split, history = author_split(data)
    vectors = NpyVectorStore(os.environ.get("PAPERFEED_EVAL_VECTORS") or DEFAULT_VECTORS)
    ranker = Ranker(MiniLMOnnx(), vectors, settings)
    result = feedback_simulation(split, Paperfeed(ranker, history))
    print(f"feedback {changes or 'defaults'}:", *authors.feedback_notes(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
