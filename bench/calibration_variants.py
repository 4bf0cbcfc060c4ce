"""How each signal is put in standard units, compared on the gold standard or the author split.

Every profile's models are trained once; the raw signals of its candidates and of the
background's held-out papers are kept, and each calibration recombines them.

Usage: .venv/bin/python bench/calibration_variants.py gold|authors [calibration] [weights] [tails]
(``PAPERFEED_EVAL_VECTORS``: where embeddings are cached, if not the eval's default)
"""

import dataclasses
import os
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from paperfeed.embed import MiniLMOnnx, NpyVectorStore
from paperfeed.eval import DEFAULT_VECTORS, authors, goldstandard
from paperfeed.eval.runner import HISTORY_CUTOFF, author_split, read_history
from paperfeed.ranking import DEFAULTS, Ranker, to_papers
from paperfeed.ranking.combine import calibrated, combine
from paperfeed.ranking.papers import as_profile
from paperfeed.ranking.signals import SIGNALS

Raw = dict[str, np.ndarray]
Calibrate = Callable[[Raw, Raw], dict[str, np.ndarray]]


class Signals:
    """Raw candidate and held-out signals per (profile, candidates), computed once."""

    def __init__(self, ranker: Ranker, history: list[str]) -> None:
        self.ranker, self.history = ranker, history
        self.memo: dict[tuple, tuple[Raw, Raw]] = {}

    def get(self, own, candidates) -> tuple[Raw, Raw]:
        index = self.ranker.index(candidates, history=self.history)
        papers = to_papers(own)
        key = (tuple(p.id for p in papers), tuple(p.id for p in index.papers))
        if key not in self.memo:
            model = self.ranker.model(as_profile(papers), index.space)
            held = self.ranker.background(index.space).held_out
            s = DEFAULTS
            self.memo[key] = (
                {n: f(index.encoded, [model], s)[0].astype(np.float64) for n, f in SIGNALS.items()},
                {n: f(held, [model], s)[0].astype(np.float64) for n, f in SIGNALS.items()},
            )
        return self.memo[key]


def units(cand: Raw, sample: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The candidates' signals in standard units of ``sample`` (as ``combine`` does it)."""
    return {
        n: calibrated(v[None, :], np.array([sample[n].mean()]), np.array([sample[n].std()]))
        for n, v in cand.items()
    }


def whole(cand: Raw, held: Raw) -> dict[str, np.ndarray]:
    return units(cand, held)


def top_by_dense(share: float) -> Calibrate:
    def calibrate(cand: Raw, held: Raw) -> dict[str, np.ndarray]:
        k = max(10, int(len(held["dense"]) * share))
        idx = np.argsort(-held["dense"])[:k]
        return units(cand, {n: v[idx] for n, v in held.items()})

    return calibrate


def top_each(share: float) -> Calibrate:
    def calibrate(cand: Raw, held: Raw) -> dict[str, np.ndarray]:
        k = max(10, int(len(held["dense"]) * share))
        return units(cand, {n: np.sort(v)[-k:] for n, v in held.items()})

    return calibrate


D = DEFAULTS
W = dict(D.weights)
NO_TAILS = dataclasses.replace(D, lexical_tail_weight=0.0, char_tail_weight=0.0)
DENSE = dataclasses.replace(NO_TAILS, weights={"dense": 1.0})
#: ``calibration``: where each signal's standard units are measured.
CALIBRATIONS: dict[str, tuple[Calibrate, object]] = {
    "default (whole background)": (whole, D),
    "dense only": (whole, DENSE),
    "whole, no tails": (whole, NO_TAILS),
}
for share in (0.05, 0.1, 0.2):
    CALIBRATIONS[f"top {share:.0%} by dense"] = (top_by_dense(share), D)
    CALIBRATIONS[f"top {share:.0%} by dense, no tails"] = (top_by_dense(share), NO_TAILS)
    CALIBRATIONS[f"top {share:.0%} each"] = (top_each(share), D)
    CALIBRATIONS[f"top {share:.0%} each, no tails"] = (top_each(share), NO_TAILS)
#: ``weights``: the whole background, the weights and the character tail varied.
WEIGHTS: dict[str, tuple[Calibrate, object]] = {}
for dense_w in (1.0, 1.5, 2.0):
    for lexical_model in (0.25, 0.1):
        for char_tail in (1.5, 0.75):
            name = f"dense {dense_w}, lexical_model {lexical_model}, char tail {char_tail}"
            settings = dataclasses.replace(
                D,
                weights={**W, "dense": dense_w, "lexical_model": lexical_model},
                char_tail_weight=char_tail,
            )
            WEIGHTS[name] = (whole, settings)


def char_tail_shaped(shape: Callable[[np.ndarray], np.ndarray]) -> Calibrate:
    """The whole background, with the character SVM's tail (beyond its start) reshaped."""
    start = D.char_tail_from

    def calibrate(cand: Raw, held: Raw) -> dict[str, np.ndarray]:
        out = units(cand, held)
        z = out["char_model"]
        beyond = np.maximum(z - start, 0.0)
        out["char_model"] = np.where(z > start, start + shape(beyond), z).astype(np.float32)
        return out

    return calibrate


#: ``tails``: the character tail capped or log-compressed, so that dense decides inside it.
TAILS: dict[str, tuple[Calibrate, object]] = {"default (uncapped)": (whole, D)}
for cap in (1.0, 2.0, 3.0):
    TAILS[f"char tail capped at {cap}"] = (char_tail_shaped(lambda b, c=cap: np.minimum(b, c)), D)
TAILS["char tail log1p"] = (char_tail_shaped(np.log1p), D)
TAILS["char tail sqrt"] = (char_tail_shaped(np.sqrt), D)
for cap in (1.0, 2.0):
    TAILS[f"char tail capped at {cap}, weight 3"] = (
        char_tail_shaped(lambda b, c=cap: np.minimum(b, c)),
        dataclasses.replace(D, char_tail_weight=3.0),
    )


def scorer(sig: Signals, calibrate: Calibrate, settings):
    def score(own, candidates):
        cand, held = sig.get(own, candidates)
        return combine(calibrate(cand, held), settings)[0].tolist()

    return score


def main(which: str, extra: list[str]) -> None:
    data = Path(__file__).resolve().parents[1].parent / "shared" / "data"
    store = NpyVectorStore(os.environ.get("PAPERFEED_EVAL_VECTORS") or DEFAULT_VECTORS)
    modes = {"calibration": CALIBRATIONS, "weights": WEIGHTS, "tails": TAILS}
    variants = {name: v for mode in extra or ["calibration"] for name, v in modes[mode].items()}
    if which == "gold":
        sig = Signals(Ranker(MiniLMOnnx(), store), read_history(data, HISTORY_CUTOFF))
        root = data / "goldstandard"
        for name, (cal, s) in variants.items():
            r = goldstandard.evaluate_method(root, name, scorer(sig, cal, s), goldstandard.DRAWS)
            print(f"gold {name}: {r.mean:.3f}", flush=True)
        return
    split, history = author_split(data)
    sig = Signals(Ranker(MiniLMOnnx(), store), history)
    tune, held = authors.halves(len(split.tasks))
    for name, (cal, s) in variants.items():
        r = authors.evaluate_method(split, name, scorer(sig, cal, s))
        nd = np.array(r.ndcg)
        print(
            f"authors {name}: all {nd.mean():.3f} tune {nd[tune].mean():.3f} "
            f"held-out {nd[held].mean():.3f}",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
