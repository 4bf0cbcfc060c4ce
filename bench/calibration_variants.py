"""How each signal is put in standard units, compared on the gold standard or the author split.

Every profile's models are trained once; the raw signals of its candidates and of the
background's held-out papers are kept, and each calibration recombines them.

Usage: .venv/bin/python bench/calibration_variants.py gold|authors [MODE ...] [--cache FILE]
(modes: calibration, weights, tails, signals, local, near, gates, field; calibration if none)
(``PAPERFEED_EVAL_VECTORS``: where embeddings are cached, if not the eval's default)
(``--cache FILE``: the raw signals are read from FILE if it exists, else written to it at
the end, so that a second run trains nothing: ~1 minute instead of ~15)
"""

import dataclasses
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from calibration_signals import (
    Calibrate,
    FieldLexical,
    NearNegatives,
    ProfileSignal,
    Raw,
    Signals,
    units,
    whole,
)

from paperfeed.embed import MiniLMOnnx, NpyVectorStore
from paperfeed.eval import DEFAULT_VECTORS, authors, goldstandard
from paperfeed.eval.runner import HISTORY_CUTOFF, author_split, read_history
from paperfeed.ranking import DEFAULTS, Ranker
from paperfeed.ranking.combine import combine


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


def gated(transform: Callable[[dict[str, np.ndarray]], dict[str, np.ndarray]]) -> Calibrate:
    """The whole background's units, then the lexical signals reshaped per candidate (by
    their own values and the candidate's dense value only: still list-independent)."""

    def calibrate(cand: Raw, held: Raw, nearest: np.ndarray) -> dict[str, np.ndarray]:
        out = units(cand, held)
        return {**out, **transform(out)}

    return calibrate


def log_beyond(z: np.ndarray, start: float) -> np.ndarray:
    return np.where(z > start, start + np.log1p(np.maximum(z - start, 0.0)), z)


#: ``gates``: the lexical signals' far tail (where the gold standard's candidates lie)
#: clipped, log-compressed, or allowed only as far as the dense signal goes.
GATES: dict[str, tuple[Calibrate, object]] = {"default (whole background)": (whole, D)}
for cap in (4.0, 6.0, 8.0):
    GATES[f"lexical signals clipped at {cap}"] = (
        gated(lambda u, c=cap: {n: np.minimum(u[n], c) for n in LEXICAL}),
        D,
    )
for start in (1.0, 2.0, 3.0):
    GATES[f"lexical signals log-compressed beyond {start}"] = (
        gated(lambda u, s=start: {n: log_beyond(u[n], s) for n in LEXICAL}),
        D,
    )
for margin in (1.0, 2.0, 3.0):
    GATES[f"lexical signals at most dense + {margin}"] = (
        gated(lambda u, m=margin: {n: np.minimum(u[n], u["dense"] + m) for n in LEXICAL}),
        D,
    )
for slope in (2.0, 4.0):
    GATES[f"lexical signals at most {slope} x max(dense, 0) + 1"] = (
        gated(
            lambda u, a=slope: {
                n: np.minimum(u[n], a * np.maximum(u["dense"], 0.0) + 1.0) for n in LEXICAL
            }
        ),
        D,
    )


def replacing_scorer(sig: Signals, replacement: ProfileSignal, settings):
    """Scores with ``replacement`` in place of the default signal of its name."""

    def score(own, candidates):
        cand, held, _ = sig.get(own, candidates)
        new_cand, new_held = replacement.get(own, candidates)
        cand, held = {**cand, replacement.name: new_cand}, {**held, replacement.name: new_held}
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


#: ``field``: the word TF-IDF cosine with the IDF of the owner's field.
FIELD: dict[str, tuple[int, object]] = {}
for size in (500, 2000):
    FIELD[f"lexical alone, IDF of the nearest {size}"] = (
        size,
        dataclasses.replace(NO_TAILS, weights={"lexical": 1.0}),
    )
    FIELD[f"dense + 0.1 lexical, IDF of the nearest {size}"] = (
        size,
        dataclasses.replace(NO_TAILS, weights={"dense": 1.0, "lexical": 0.1}),
    )
    for weight in (0.25, 0.5, 0.75):
        FIELD[f"default, lexical {weight} with the IDF of the nearest {size}"] = (
            size,
            dataclasses.replace(D, weights={**W, "lexical": weight}),
        )


def scorer(sig: Signals, calibrate: Calibrate, settings):
    def score(own, candidates):
        cand, held, nearest = sig.get(own, candidates)
        return combine(calibrate(cand, held, nearest), settings)[0].tolist()

    return score


def main(which: str, extra: list[str]) -> None:
    data = Path(__file__).resolve().parents[1].parent / "shared" / "data"
    store = NpyVectorStore(os.environ.get("PAPERFEED_EVAL_VECTORS") or DEFAULT_VECTORS)
    cache = Path(extra.pop(extra.index("--cache") + 1)) if "--cache" in extra else None
    extra = [mode for mode in extra if mode != "--cache"]
    modes = {
        "calibration": CALIBRATIONS,
        "weights": WEIGHTS,
        "tails": TAILS,
        "signals": SINGLES,
        "local": LOCAL,
        "gates": GATES,
        "near": {},
        "field": {},
    }
    variants = {name: v for mode in extra or ["calibration"] for name, v in modes[mode].items()}
    score = {name: lambda sig, v=v: scorer(sig, *v) for name, v in variants.items()}
    for mode, kind, table in (("near", NearNegatives, NEAR), ("field", FieldLexical, FIELD)):
        if mode in extra:
            score |= {
                name: lambda sig, k=kind, v=v: replacing_scorer(sig, sig.replacement(k, v[0]), v[1])
                for name, v in table.items()
            }
    if which == "gold":
        sig = Signals(Ranker(MiniLMOnnx(), store), read_history(data, HISTORY_CUTOFF))
        evaluate = gold_runner(data / "goldstandard")
    else:
        split, history = author_split(data)
        sig = Signals(Ranker(MiniLMOnnx(), store), history)
        evaluate = authors_runner(split)
    if cache is not None and cache.exists():
        sig.load(cache)
    for name, make in score.items():
        print(f"{which} {name}: {evaluate(name, make(sig))}", flush=True)
    if cache is not None and not cache.exists():
        sig.save(cache)


def gold_runner(root: Path) -> Callable[[str, Any], str]:
    def evaluate(name: str, score: Any) -> str:
        return f"{goldstandard.evaluate_method(root, name, score, goldstandard.DRAWS).mean:.3f}"

    return evaluate


def authors_runner(split: Any) -> Callable[[str, Any], str]:
    tune, held = authors.halves(len(split.tasks))

    def evaluate(name: str, score: Any) -> str:
        nd = np.array(authors.evaluate_method(split, name, score).ndcg)
        return f"all {nd.mean():.3f} tune {nd[tune].mean():.3f} held-out {nd[held].mean():.3f}"

    return evaluate


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
