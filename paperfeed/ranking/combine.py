"""One combined score from the signals: each calibrated against the background, weighted, summed.

A signal's raw values mean different things for different users (one profile's cosines run
higher than another's), so each is put in standard units of the same signal over the
background's held-out papers, measured when the user's models were trained. That makes a
paper's score independent of the other candidates it comes with: ten papers or a day's
thousand, a paper scores the same. The SVMs add a bonus in their far tail.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from paperfeed.ranking.model import UserModel
from paperfeed.ranking.settings import RankingSettings


def calibrated(raw: np.ndarray, mean: np.ndarray, spread: np.ndarray) -> np.ndarray:
    """Values in standard units of the background: ``(raw - mean) / spread`` per user (row)."""
    safe = np.where(spread > 1e-12, spread, 1.0)
    return ((raw - mean[:, None]) / safe[:, None]).astype(np.float32)


def tail(standard: np.ndarray, start: float) -> np.ndarray:
    """How far each value lies beyond ``start`` standard units (0 below it)."""
    return np.maximum(standard - start, 0.0).astype(np.float32)


def standardized(
    signals: Mapping[str, np.ndarray], models: Sequence[UserModel]
) -> dict[str, np.ndarray]:
    """Every signal in the background's standard units of its user."""
    out = {}
    for name, raw in signals.items():
        mean = np.array([m.calibration.get(name, (0.0, 1.0))[0] for m in models])
        spread = np.array([m.calibration.get(name, (0.0, 1.0))[1] for m in models])
        out[name] = calibrated(raw, mean, spread)
    return out


def combine(standard: Mapping[str, np.ndarray], settings: RankingSettings) -> np.ndarray:
    """The weighted sum of the standardized signals, plus the tail bonus of the two SVMs."""
    shape = next(iter(standard.values())).shape if standard else (0, 0)
    total = np.zeros(shape, dtype=np.float32)
    for name, weight in settings.weights.items():
        if weight and name in standard:
            total += weight * standard[name]
    tails = (
        ("lexical_model", settings.lexical_tail_from, settings.lexical_tail_weight),
        ("char_model", settings.char_tail_from, settings.char_tail_weight),
    )
    for name, start, weight in tails:
        if weight and name in standard:
            total += weight * tail(standard[name], start)
    return total
