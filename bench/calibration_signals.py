"""The raw signals the calibration variants recombine: computed once per (profile, candidates).

``Signals`` trains each profile's models once (or reads them from an npz cache) and keeps the
raw signals of the candidates and of the background's held-out papers; ``NearNegatives`` and
``FieldLexical`` compute the two signals some variants replace (see calibration_variants.py).
"""

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
        self.near_models: dict[float, NearNegatives] = {}
        self.field_models: dict[int, FieldLexical] = {}

    def prepared(self, own, candidates) -> tuple[tuple, Any, Any]:
        """The key of (profile, candidates), the candidates' index, and a call that gets the
        profile's models (from the ranker's memo, or trained then)."""
        index = self.ranker.index(candidates, history=self.history)
        papers = to_papers(own)
        key = (tuple(p.id for p in papers), tuple(p.id for p in index.papers))
        return key, index, lambda: self.ranker.model(as_profile(papers), index.space)

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


class FieldLexical:
    """The ``lexical`` signal in the owner's field: each term's IDF counted over the
    ``size`` background papers closest to the profile (by their word cosine, mean of the
    3 closest own papers) instead of over the whole history. Terms every paper of the field
    uses (for a machine-learning researcher: "neural", "training") then count less than
    those that set the owner apart within it. A property of the profile: list-independent."""

    def __init__(self, sig: Signals, size: int) -> None:
        self.sig, self.size = sig, size
        self.memo: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}

    def get(self, own, candidates) -> tuple[np.ndarray, np.ndarray]:
        key, index, _ = self.sig.prepared(own, candidates)
        if key not in self.memo:
            space, papers = index.space, to_papers(own)
            background = self.sig.ranker.background(space)
            profile = space.words.tfidf(texts_of(papers))
            closeness = top_k_mean(np.asarray((background.word_rows @ profile.T).todense()), 3)
            field = background.word_rows[np.argsort(-closeness)[: self.size]]
            df = np.asarray((field > 0).sum(axis=0)).ravel()
            field_idf = np.log((self.size + 1) / (df + 1)) + 1
            scale = sp.diags((field_idf / space.words.idf).astype(np.float32))
            own_rows = normalize(profile @ scale)

            def best3(rows: sp.csr_matrix) -> np.ndarray:
                similarity = np.asarray((normalize(rows @ scale) @ own_rows.T).todense())
                return top_k_mean(similarity, 3).astype(np.float64)

            self.memo[key] = (best3(index.encoded.words), best3(background.held_out.words))
        return self.memo[key]
