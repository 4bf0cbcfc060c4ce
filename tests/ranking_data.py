"""Small synthetic corpora for the ranking tests: topics of a few words, a history, settings."""

from __future__ import annotations

import dataclasses

import numpy as np

from paperfeed.ranking import DEFAULTS, RankingSettings
from paperfeed.records import Paper

TOPICS = [
    "graph neural networks molecule property message passing",
    "protein structure folding transformers attention",
    "image segmentation convolutional networks pixels",
    "reinforcement learning robot control policy",
    "speech recognition acoustic models audio",
    "database query optimization indexes",
    "compiler optimization loops code generation",
    "cryptography protocol security encryption",
]

#: The default ranking on a small history: a space fits on 40 papers, calibration on 20.
SMALL = dataclasses.replace(DEFAULTS, min_history=40, calibration_papers=20, background_vectors=40)


def topic_paper(pid: str, topic: int, seed: int, date: str | None = "2026-03-02") -> Paper:
    """A paper of ``topic``: its words in a random order with a few words of noise."""
    rng = np.random.default_rng(seed)
    words = TOPICS[topic].split()
    noise = [TOPICS[int(t)].split()[int(w)] for t, w in rng.integers(0, 5, (2, 2))]
    picked = [words[int(i)] for i in rng.permutation(len(words))]
    title = " ".join(picked[:4])
    abstract = " ".join([*picked, *noise, f"method{seed % 7}"])
    return Paper(id=pid, title=title, abstract=abstract, date=date, authors=(f"Author {seed}",))


def corpus(prefix: str, n_per_topic: int, seed: int = 0) -> list[Paper]:
    """``n_per_topic`` papers of every topic."""
    return [
        topic_paper(f"{prefix}{t}-{i}", t, seed * 10_000 + t * 100 + i)
        for t in range(len(TOPICS))
        for i in range(n_per_topic)
    ]


def history(n_per_topic: int = 10) -> list[Paper]:
    """Earlier listings: ``n_per_topic`` papers of every topic."""
    return corpus("h", n_per_topic, seed=9)


def own_papers(topics: tuple[int, ...] = (0, 1), n: int = 3) -> list[Paper]:
    """A researcher's papers on ``topics``."""
    return [topic_paper(f"own{t}-{i}", t, 500 + 10 * t + i) for t in topics for i in range(n)]


def settings(**changes: object) -> RankingSettings:
    return dataclasses.replace(SMALL, **changes)  # type: ignore[arg-type]
