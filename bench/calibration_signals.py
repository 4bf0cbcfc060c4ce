"""The raw signals the calibration variants recombine: computed once per (profile, candidates).

``Signals`` trains each profile's models once (or reads them from an npz cache) and keeps the
raw signals of the candidates and of the background's held-out papers; a ``ProfileSignal``
(``NearNegatives``, ``FieldLexical``) computes one signal some variants put in place of the
default one (see calibration_variants.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from paperfeed.ranking import DEFAULTS, Ranker, to_papers
from paperfeed.ranking.candidates import texts_of
from paperfeed.ranking.combine import calibrated
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
        self.replacements: dict[tuple[type, float], ProfileSignal] = {}

    def prepared(self, own, candidates) -> tuple[tuple, Any, Any]:
        """The key of (profile, candidates), the candidates' index, and a call that gets the
        profile's models (from the ranker's memo, or trained then)."""
        index = self.ranker.index(candidates, history=self.history)
        papers = to_papers(own)
        key = (tuple(p.id for p in papers), tuple(p.id for p in index.papers))
        return key, index, lambda: self.ranker.model(as_profile(papers), index.space)

    def replacement(self, kind: type[ProfileSignal], parameter: float) -> ProfileSignal:
        """The ``kind`` signal with ``parameter`` (one per pair, its values kept)."""
        return self.replacements.setdefault((kind, parameter), kind(self, parameter))

    def save(self, path: Path) -> None:
        """The raw signals computed so far, as npz (the keys as JSON: no pickle)."""
        arrays = {"keys": np.frombuffer(json.dumps(list(self.memo)).encode(), np.uint8)}
        for i, (cand, held) in enumerate(self.memo.values()):
            arrays |= {f"{i}/c/{n}": v for n, v in cand.items()}
            arrays |= {f"{i}/h/{n}": v for n, v in held.items()}
        np.savez(path, **arrays)

    def load(self, path: Path) -> None:
        """The raw signals :meth:`save` wrote (those it has: a signal added since is absent)."""
        with np.load(path) as arrays:
            keys = json.loads(arrays["keys"].tobytes().decode())
            names = {f.split("/")[2] for f in arrays.files if f.startswith("0/c/")}
            for i, (own, cand) in enumerate(keys):
                self.memo[(tuple(own), tuple(cand))] = (
                    {n: arrays[f"{i}/c/{n}"] for n in names},
                    {n: arrays[f"{i}/h/{n}"] for n in names},
                )

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


class ProfileSignal:
    """A signal computed per (profile, candidates) in place of the default one of the same
    ``name`` (a subclass's ``compute``), kept once computed: raw values of the candidates and
    of the held-out background."""

    name = ""

    def __init__(self, sig: Signals, parameter: float) -> None:
        self.sig, self.parameter = sig, parameter
        self.memo: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}

    def get(self, own, candidates) -> tuple[np.ndarray, np.ndarray]:
        key, index, model_of = self.sig.prepared(own, candidates)
        if key not in self.memo:
            cand, held = self.compute(own, index, model_of)
            self.memo[key] = (cand.astype(np.float64), held.astype(np.float64))
        return self.memo[key]

    def compute(self, own, index, model_of) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError


class NearNegatives(ProfileSignal):
    """``dense_model`` trained against only the background papers nearest the profile.

    Before issue 11 the logistic regression learned against the day's candidates: on the
    gold standard, other machine-learning papers. Against a CS-wide background it learns
    "machine learning or not" instead; these negatives are the ``parameter`` share of the
    background closest to the profile (mean of its 3 closest own papers by embedding)."""

    name = "dense_model"

    def compute(self, own, index, model_of) -> tuple[np.ndarray, np.ndarray]:
        model = model_of()
        background = self.sig.ranker.background(index.space)
        closeness = top_k_mean(background.vectors @ model.vectors.T, DEFAULTS.dense_k)
        nearest = np.argsort(-closeness)[: max(20, int(self.parameter * len(closeness)))]
        weights = logistic_weights(model.vectors, background.vectors[nearest], DEFAULTS)
        return index.encoded.vectors @ weights, background.held_out.vectors @ weights


class FieldLexical(ProfileSignal):
    """``lexical`` in the owner's field: each term's IDF counted over the ``parameter``
    background papers closest to the profile (by their word cosine, mean of the 3 closest
    own papers) instead of over the whole history. Terms every paper of the field uses (for
    a machine-learning researcher: "neural", "training") then count less than those that
    set the owner apart within it. A property of the profile: list-independent."""

    name = "lexical"

    def compute(self, own, index, model_of) -> tuple[np.ndarray, np.ndarray]:
        space, size, k = index.space, int(self.parameter), DEFAULTS.lexical_k
        background = self.sig.ranker.background(space)
        # the own rows straight from the space: a profile read from --cache is not trained
        profile = space.words.tfidf(texts_of(to_papers(own)))
        closeness = top_k_mean(np.asarray((background.word_rows @ profile.T).todense()), k)
        field = background.word_rows[np.argsort(-closeness)[:size]]
        df = np.asarray((field > 0).sum(axis=0)).ravel()
        field_idf = np.log((size + 1) / (df + 1)) + 1
        scale = sp.diags((field_idf / space.words.idf).astype(np.float32))
        own_rows = normalize(profile @ scale)

        def best_k(rows: sp.csr_matrix) -> np.ndarray:
            return top_k_mean(np.asarray((normalize(rows @ scale) @ own_rows.T).todense()), k)

        return best_k(index.encoded.words), best_k(background.held_out.words)
