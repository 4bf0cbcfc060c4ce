"""Entry points of the relevance benchmarks: which methods run, and the tables they give.

``run_goldstandard`` and ``run_authors`` are what ``paperfeed eval goldstandard|authors`` and
``bench/eval_relevance.py`` call. Each compares paperfeed's default ranking with the
baselines in the same run; ``ablations=True`` adds paperfeed with each signal removed/alone.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from paperfeed import api
from paperfeed.embed import Embedder, VectorStore
from paperfeed.eval import authors, baselines, goldstandard
from paperfeed.eval.report import Scorer, Table

DEFAULT_NAME = "paperfeed (default)"


def paperfeed_scorer(
    embedder: Embedder | None, store: VectorStore | None, settings: api.Settings = api.DEFAULTS
) -> Scorer:
    """api.score with the given settings, as a Scorer."""

    def scorer(own: Sequence[Any], candidates: Sequence[Any]) -> Sequence[float]:
        return api.score(own, candidates, store=store, embedder=embedder, settings=settings)

    return scorer


def ablation_settings() -> dict[str, api.Settings]:
    """paperfeed with each signal alone and each removed (the others keep their weights)."""
    weights = dict(api.DEFAULTS.weights)
    variants: dict[str, api.Settings] = {}
    for name in weights:
        without = {k: (0.0 if k == name else v) for k, v in weights.items()}
        variants[f"paperfeed: without {name}"] = dataclasses.replace(api.DEFAULTS, weights=without)
    for name in weights:
        if name in ("dense", "lexical"):
            continue  # alone, these rank exactly as the MiniLM / TF-IDF best-3 baselines
        alone = {k: (v if k == name else 0.0) for k, v in weights.items()}
        variants[f"paperfeed: {name} only"] = dataclasses.replace(api.DEFAULTS, weights=alone)
    variants["paperfeed: + recency (half-life 4 years)"] = dataclasses.replace(
        api.DEFAULTS, half_life_years=4.0
    )
    return variants


def methods(
    embedder: Embedder | None, store: VectorStore | None, *, ablations: bool = False
) -> dict[str, Scorer]:
    """The baselines and paperfeed's default (plus ablations when asked), by name."""
    cache = api.embedding_cache(embedder, store)
    out: dict[str, Scorer] = {
        "TF-IDF best-3": baselines.tfidf_best3(),
        "MiniLM best-3": baselines.dense_best3(cache),
        "arxiv-sanity-lite (tf-idf SVM)": baselines.arxiv_sanity(),
        "zotero-arxiv-daily (recency-weighted mean)": baselines.zotero_daily(cache),
        DEFAULT_NAME: paperfeed_scorer(embedder, store),
    }
    if ablations:
        for name, settings in ablation_settings().items():
            out[name] = paperfeed_scorer(embedder, store, settings)
    return out


def _pick(all_methods: Mapping[str, Scorer], only: Sequence[str] | None) -> dict[str, Scorer]:
    if not only:
        return dict(all_methods)
    return {name: all_methods[name] for name in only}


def run_goldstandard(
    data_dir: str | Path,
    *,
    store: VectorStore | None = None,
    embedder: Embedder | None = None,
    draws: Sequence[int] = goldstandard.DRAWS,
    ablations: bool = False,
    only: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Table:
    """Every method on the gold standard below ``data_dir`` (the shared data directory)."""
    root = Path(data_dir) / "goldstandard"
    results = []
    for name, scorer in _pick(methods(embedder, store, ablations=ablations), only).items():
        result = goldstandard.evaluate_method(root, name, scorer, draws)
        if progress:
            progress(f"{name}: {result.mean:.3f}")
        results.append(result)
    table = goldstandard.goldstandard_table(results, reference=DEFAULT_NAME)
    table.notes.append(
        f"{len(draws)} draws of 20 own papers per researcher; every method scores all "
        "submissions of a draw for each researcher; CI: bootstrap over researchers."
    )
    return table


def run_authors(
    data_dir: str | Path,
    *,
    store: VectorStore | None = None,
    embedder: Embedder | None = None,
    ablations: bool = False,
    feedback: bool = True,
    only: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Table:
    """Every method on the author split, plus the feedback simulation for paperfeed."""
    data = Path(data_dir)
    split = authors.load_split(
        data / "author-split" / "march-2026.json", data / "arxiv-cs-2025.jsonl.gz"
    )
    results = []
    for name, scorer in _pick(methods(embedder, store, ablations=ablations), only).items():
        result = authors.evaluate_method(split, name, scorer)
        if progress:
            progress(f"{name}: nDCG@10 {sum(result.ndcg) / len(result.ndcg):.3f}")
        results.append(result)
    notes = []
    if feedback:
        notes = authors.feedback_notes(feedback_simulation(split, embedder, store))
    table = authors.authors_table(results, notes, reference=DEFAULT_NAME)
    table.notes.append(
        f"{len(split.candidates)} candidates (listed 2026-03), scored without author lists; "
        "CI: bootstrap over users."
    )
    return table


def feedback_simulation(
    split: authors.AuthorSplit, embedder: Embedder | None, store: VectorStore | None
) -> authors.FeedbackResult:
    """Rate the first digest (paperfeed's default top 10), then rescore with the feedback."""
    from paperfeed.records import Feedback, Profile

    def base(task: authors.Task) -> Sequence[float]:
        return api.score(task.profile, split.candidates, store=store, embedder=embedder)

    def digest(task: authors.Task) -> list[str]:
        recs = api.recommend(task.profile, split.candidates, 10, store=store, embedder=embedder)
        return [r.paper.id for r in recs]

    def rescore(task: authors.Task, ratings: dict[str, int]) -> Sequence[float]:
        votes = tuple(Feedback(task.user, pid, rating) for pid, rating in ratings.items())
        profile = Profile(task.user, tuple(task.profile), feedback=votes)
        return api.score(profile, split.candidates, store=store, embedder=embedder)

    return authors.simulate_feedback(split, digest, rescore, base)


#: Where the benchmarks keep their embeddings between runs (an NpyVectorStore folder).
DEFAULT_VECTORS = Path.home() / ".cache" / "paperfeed" / "vectors"

#: The benchmarks by name, as `paperfeed eval NAME` and bench/eval_relevance.py call them.
RUNNERS: dict[str, Callable[..., Table]] = {
    "goldstandard": run_goldstandard,
    "authors": run_authors,
}
