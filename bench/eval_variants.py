"""A few combinations of paperfeed's signals on the gold standard (shared and per-researcher
lists) or the author split, the signals computed once per profile (models trained once).

Usage: .venv/bin/python bench/eval_variants.py gold|authors
Prints one line per variant; docs/relevance.md (Session 6) quotes them.
"""

import dataclasses
import sys
from pathlib import Path

from paperfeed.embed import MiniLMOnnx, NpyVectorStore
from paperfeed.eval import DEFAULT_VECTORS, authors, goldstandard
from paperfeed.eval.runner import HISTORY_CUTOFF, Paperfeed, author_split, read_history
from paperfeed.ranking import DEFAULTS, Ranker

which = sys.argv[1]
data = Path(__file__).resolve().parents[1].parent / "shared" / "data"
D = DEFAULTS
W = dict(D.weights)
variants = {
    "default": D,
    "no tails": dataclasses.replace(D, lexical_tail_weight=0.0, char_tail_weight=0.0),
    "no lexical tail": dataclasses.replace(D, lexical_tail_weight=0.0),
    "lexical_model 0.1, no lexical tail": dataclasses.replace(
        D, lexical_tail_weight=0.0, weights={**W, "lexical_model": 0.1}
    ),
    "char tail from 4": dataclasses.replace(D, lexical_tail_weight=0.0, char_tail_from=4.0),
}
store = NpyVectorStore(DEFAULT_VECTORS)
if which == "gold":
    history = read_history(data, HISTORY_CUTOFF)
    pf = Paperfeed(Ranker(MiniLMOnnx(), store), history)
    root = data / "goldstandard"
    for name, s in variants.items():
        for per in (False, True):
            r = goldstandard.evaluate_method(root, name, pf.scorer(s), goldstandard.DRAWS, per)
            print(f"gold {name} {'per-researcher' if per else 'shared'}: {r.mean:.3f}", flush=True)
else:
    split, history = author_split(data)
    pf = Paperfeed(Ranker(MiniLMOnnx(), store), history)
    for name, s in variants.items():
        r = authors.evaluate_method(split, name, pf.scorer(s))
        print(f"authors {name}: {sum(r.ndcg) / len(r.ndcg):.3f}", flush=True)
