"""How each signal is put in standard units, compared on the gold standard or the author split.

Every profile's models are trained once; the raw signals of its candidates and of the
background's held-out papers are kept, and each calibration recombines them.

Usage: .venv/bin/python bench/calibration_variants.py gold|authors [MODE ...]
(modes: calibration, weights, tails, signals, local, near; calibration if none)
(``PAPERFEED_EVAL_VECTORS``: where embeddings are cached, if not the eval's default)
"""

import dataclasses
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from paperfeed.embed import MiniLMOnnx, NpyVectorStore
from paperfeed.eval import DEFAULT_VECTORS, authors, goldstandard
from paperfeed.eval.runner import HISTORY_CUTOFF, author_split, read_history
from paperfeed.ranking import DEFAULTS, Ranker, to_papers
from paperfeed.ranking.combine import calibrated, combine
from paperfeed.ranking.papers import as_profile
from paperfeed.ranking.signals import SIGNALS, top_k_mean
from paperfeed.ranking.train import logistic_weights

Raw = dict[str, np.ndarray]
#: (candidates' raw signals, held-out raw signals, each candidate's nearest held-out papers)
Calibrate = Callable[[Raw, Raw, np.ndarray], dict[str, np.ndarray]]
#: How many nearest held-out papers (by embedding) are kept per candidate.
NEAREST = 50


class Signals:
    """Raw candidate and held-out signals per (profile, candidates), computed once."""

    def __init__(self, ranker: Ranker, history: list[str]) -> None:
        self.ranker, self.history = ranker, history
        self.memo: dict[tuple, tuple[Raw, Raw]] = {}
        self.nearest: dict[tuple, np.ndarray] = {}
        self.near_models: dict[float, NearNegatives] = {}

    def prepared(self, own, candidates) -> tuple[tuple, Any, Any]:
        """The key of (profile, candidates), the candidates' index, and a call that gets the
        profile's models (from the ranker's memo, or trained then)."""
        index = self.ranker.index(candidates, history=self.history)
        papers = to_papers(own)
        key = (tuple(p.id for p in papers), tuple(p.id for p in index.papers))
        return key, index, lambda: self.ranker.model(as_profile(papers), index.space)

    def get(self, own, candidates) -> tuple[Raw, Raw, np.ndarray]:
        key, index, model_of = self.prepared(own, candidates)
        held = self.ranker.background(index.space).held_out
        if key not in self.memo:
            model, s = model_of(), DEFAULTS
            self.memo[key] = (
                {n: f(index.encoded, [model], s)[0].astype(np.float64) for n, f in SIGNALS.items()},
                {n: f(held, [model], s)[0].astype(np.float64) for n, f in SIGNALS.items()},
            )
        if key[1] not in self.nearest:
            closeness = index.encoded.vectors @ held.vectors.T
            self.nearest[key[1]] = np.argsort(-closeness, axis=1)[:, :NEAREST]
        return (*self.memo[key], self.nearest[key[1]])


def units(cand: Raw, sample: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The candidates' signals in standard units of ``sample`` (as ``combine`` does it)."""
    return {
        n: calibrated(v[None, :], np.array([sample[n].mean()]), np.array([sample[n].std()]))
        for n, v in cand.items()
    }


def whole(cand: Raw, held: Raw, nearest: np.ndarray) -> dict[str, np.ndarray]:
    return units(cand, held)


def top_by_dense(share: float) -> Calibrate:
    def calibrate(cand: Raw, held: Raw, nearest: np.ndarray) -> dict[str, np.ndarray]:
        k = max(10, int(len(held["dense"]) * share))
        idx = np.argsort(-held["dense"])[:k]
        return units(cand, {n: v[idx] for n, v in held.items()})

    return calibrate


def top_each(share: float) -> Calibrate:
    def calibrate(cand: Raw, held: Raw, nearest: np.ndarray) -> dict[str, np.ndarray]:
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

    def calibrate(cand: Raw, held: Raw, nearest: np.ndarray) -> dict[str, np.ndarray]:
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


#: ``signals``: each signal alone, and dense with one other, in the background's units.
SINGLES: dict[str, tuple[Calibrate, object]] = {}
for name in ("dense", "lexical", "dense_model", "lexical_model", "char_model"):
    SINGLES[f"{name} alone"] = (whole, dataclasses.replace(NO_TAILS, weights={name: 1.0}))
for name in ("lexical", "dense_model", "lexical_model", "char_model"):
    for weight in (0.1, 0.25):
        SINGLES[f"dense + {weight} {name}"] = (
            whole,
            dataclasses.replace(NO_TAILS, weights={"dense": 1.0, name: weight}),
        )
SINGLES["dense + 0.25 lexical + 0.25 dense_model"] = (
    whole,
    dataclasses.replace(NO_TAILS, weights={"dense": 1.0, "lexical": 0.25, "dense_model": 0.25}),
)


def local(names: tuple[str, ...], k: int, share: float) -> Calibrate:
    """Signals ``names`` measured from a mean that is, by ``share``, the mean over the
    candidate's ``k`` nearest held-out papers (its topic in the field) instead of the whole
    background's: they then tell a paper from others on its topic, the dense signal still
    finds the topic. The spread stays the whole background's."""

    def calibrate(cand: Raw, held: Raw, nearest: np.ndarray) -> dict[str, np.ndarray]:
        out = units(cand, held)
        for name in names:
            spread = held[name].std() or 1.0
            near_mean = held[name][nearest[:, :k]].mean(axis=1)
            reference = (1 - share) * held[name].mean() + share * near_mean
            out[name] = ((cand[name] - reference) / spread)[None, :].astype(np.float32)
        return out

    return calibrate


LEXICAL = ("lexical", "lexical_model", "char_model")
#: ``local``: the lexical signals measured against the candidate's topic in the field.
LOCAL: dict[str, tuple[Calibrate, object]] = {"default (whole background)": (whole, D)}
for k in (10, 30):
    for share in (0.5, 1.0):
        LOCAL[f"lexical signals local, k {k}, share {share}"] = (local(LEXICAL, k, share), D)
        LOCAL[f"lexical signals local, k {k}, share {share}, no tails"] = (
            local(LEXICAL, k, share),
            NO_TAILS,
        )
    LOCAL[f"lexical + dense_model local, k {k}, share 1.0"] = (
        local((*LEXICAL, "dense_model"), k, 1.0),
        D,
    )


class NearNegatives:
    """The dense model trained against only the background papers nearest the profile.

    Before issue 11 the logistic regression learned against the day's candidates: on the
    gold standard, other machine-learning papers. Against a CS-wide background it learns
    "machine learning or not" instead; these negatives are the ``share`` of the background
    closest to the profile (mean of its 3 closest own papers by embedding)."""

    def __init__(self, sig: Signals, share: float) -> None:
        self.sig, self.share = sig, share
        self.memo: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}

    def get(self, own, candidates) -> tuple[np.ndarray, np.ndarray]:
        key, index, model_of = self.sig.prepared(own, candidates)
        if key not in self.memo:
            model = model_of()
            background = self.sig.ranker.background(index.space)
            closeness = top_k_mean(background.vectors @ model.vectors.T, DEFAULTS.dense_k)
            nearest = np.argsort(-closeness)[: max(20, int(self.share * len(closeness)))]
            weights = logistic_weights(model.vectors, background.vectors[nearest], DEFAULTS)
            self.memo[key] = (
                index.encoded.vectors @ weights,
                background.held_out.vectors @ weights,
            )
        return self.memo[key]


def near_scorer(sig: Signals, share: float, settings):
    """Scores with the dense model trained against the nearest ``share`` of the background."""
    near = sig.near_models.setdefault(share, NearNegatives(sig, share))

    def score(own, candidates):
        cand, held, _ = sig.get(own, candidates)
        near_cand, near_held = near.get(own, candidates)
        cand = {**cand, "dense_model": near_cand.astype(np.float64)}
        held = {**held, "dense_model": near_held.astype(np.float64)}
        return combine(whole(cand, held, np.zeros(0)), settings)[0].tolist()

    return score


#: ``near``: the dense model's negatives the background's papers nearest the profile.
NEAR: dict[str, tuple[float, object]] = {}
for share in (1.0, 0.25, 0.1, 0.05):
    NEAR[f"default, dense_model against the nearest {share:.0%}"] = (share, D)
for share in (0.25, 0.1, 0.05):
    for weight in (0.25, 0.5):
        NEAR[f"dense + {weight} dense_model against the nearest {share:.0%}"] = (
            share,
            dataclasses.replace(NO_TAILS, weights={"dense": 1.0, "dense_model": weight}),
        )
    NEAR[f"default, dense_model 0.5 against the nearest {share:.0%}"] = (
        share,
        dataclasses.replace(D, weights={**W, "dense_model": 0.5}),
    )


def scorer(sig: Signals, calibrate: Calibrate, settings):
    def score(own, candidates):
        cand, held, nearest = sig.get(own, candidates)
        return combine(calibrate(cand, held, nearest), settings)[0].tolist()

    return score


def main(which: str, extra: list[str]) -> None:
    data = Path(__file__).resolve().parents[1].parent / "shared" / "data"
    store = NpyVectorStore(os.environ.get("PAPERFEED_EVAL_VECTORS") or DEFAULT_VECTORS)
    modes = {
        "calibration": CALIBRATIONS,
        "weights": WEIGHTS,
        "tails": TAILS,
        "signals": SINGLES,
        "local": LOCAL,
        "near": {},
    }
    variants = {name: v for mode in extra or ["calibration"] for name, v in modes[mode].items()}
    score = {name: lambda sig, v=v: scorer(sig, *v) for name, v in variants.items()}
    if "near" in extra:
        score |= {name: lambda sig, v=v: near_scorer(sig, *v) for name, v in NEAR.items()}
    if which == "gold":
        sig = Signals(Ranker(MiniLMOnnx(), store), read_history(data, HISTORY_CUTOFF))
        root = data / "goldstandard"
        for name, make in score.items():
            r = goldstandard.evaluate_method(root, name, make(sig), goldstandard.DRAWS)
            print(f"gold {name}: {r.mean:.3f}", flush=True)
        return
    split, history = author_split(data)
    sig = Signals(Ranker(MiniLMOnnx(), store), history)
    tune, held = authors.halves(len(split.tasks))
    for name, make in score.items():
        r = authors.evaluate_method(split, name, make(sig))
        nd = np.array(r.ndcg)
        print(
            f"authors {name}: all {nd.mean():.3f} tune {nd[tune].mean():.3f} "
            f"held-out {nd[held].mean():.3f}",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
