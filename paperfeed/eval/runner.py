"""Entry points of the relevance benchmarks: which methods run, and the tables they give.

``run_goldstandard`` and ``run_authors`` are what ``paperfeed eval goldstandard|authors`` and
``bench/eval_relevance.py`` call. Each compares paperfeed's default ranking with the
baselines in the same run; ``ablations=True`` adds paperfeed with each signal removed/alone.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from paperfeed import api, scoring
from paperfeed.embed import Embedder, VectorStore
from paperfeed.eval import authors, baselines, goldstandard
from paperfeed.eval.report import Scorer, Table
from paperfeed.ids import paper_text
from paperfeed.index import HISTORY_PAPERS, CandidateIndex

DEFAULT_NAME = "paperfeed (default)"
CORPUS = "arxiv-cs-2025.jsonl.gz"


class Indexes:
    """Candidate lists prepared with the history once, reused by every method and user;
    and the signals of each (profile, candidates) pair, which every weight variant shares."""

    def __init__(
        self, history: Sequence[str], embedder: Embedder | None, store: VectorStore | None
    ) -> None:
        self.history, self.embedder, self.store = history, embedder, store
        self._built: dict[tuple[str, ...], CandidateIndex] = {}
        self._signals: dict[tuple[object, ...], dict[str, np.ndarray]] = {}  # by profile

    def signals(
        self, own: Sequence[Any], candidates: Sequence[Any], settings: api.Settings
    ) -> dict[str, np.ndarray]:
        """Every signal of ``own`` against ``candidates`` under ``settings`` (weights aside)."""
        papers = api.to_papers(own)
        prepared = self.get(candidates)
        variant = dataclasses.replace(  # what only the combination uses does not count
            settings,
            weights=api.DEFAULTS.weights,
            lexical_tail_from=api.DEFAULTS.lexical_tail_from,
            lexical_tail_weight=api.DEFAULTS.lexical_tail_weight,
            char_tail_from=api.DEFAULTS.char_tail_from,
            char_tail_weight=api.DEFAULTS.char_tail_weight,
        )
        key = (tuple(p.id for p in papers), id(prepared), repr(variant))
        if key not in self._signals:
            cache = api.embedding_cache(self.embedder, self.store)
            self._signals[key] = api.compute(papers, prepared, cache, settings=variant).signals
        return self._signals[key]

    def get(self, candidates: Sequence[Any]) -> CandidateIndex:
        papers = api.to_papers(candidates)
        key = tuple(p.id for p in papers)
        if key not in self._built:
            self._built[key] = api.index(
                papers, history=self.history, store=self.store, embedder=self.embedder
            )
        return self._built[key]


def paperfeed_scorer(
    indexes: Indexes, settings: api.Settings = api.DEFAULTS, *, history: bool = True
) -> Scorer:
    """api.score with the given settings, as a Scorer; with the history unless told not.

    With the history, the signals are computed once per profile and candidate list and
    each weight variant only recombines them (what ``api.score`` would give, faster).
    """

    def scorer(own: Sequence[Any], candidates: Sequence[Any]) -> Sequence[float]:
        if not history:
            return api.score(
                own,
                candidates,
                store=indexes.store,
                embedder=indexes.embedder,
                settings=settings,
            )
        signals = indexes.signals(own, candidates, settings)
        return scoring.combine(signals, settings.weights, settings).tolist()

    return scorer


def read_history(data_dir: str | Path, before: str, size: int = HISTORY_PAPERS) -> list[str]:
    """Texts of the ``size`` newest corpus papers listed before ``before``: what the store
    of a running paperfeed holds when it ranks that day."""
    rows = authors.read_corpus(Path(data_dir) / CORPUS)
    return history_from_rows(rows.values(), before, size)


def history_from_rows(
    rows: Iterable[dict[str, Any]], before: str, size: int = HISTORY_PAPERS
) -> list[str]:
    """``read_history`` of corpus rows already read."""
    earlier = sorted(
        (r for r in rows if (r.get("date") or "") < before),
        key=lambda r: (r.get("date") or "", str(r["id"])),
    )
    return [paper_text(r.get("title") or "", r.get("abstract") or "") for r in earlier[-size:]]


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
        variants[f"paperfeed: {name} only"] = dataclasses.replace(
            api.DEFAULTS, weights=alone, char_tail_weight=0.0
        )
    variants["paperfeed: without the lexical tail bonus"] = dataclasses.replace(
        api.DEFAULTS, lexical_tail_weight=0.0
    )
    variants["paperfeed: without the character 4-gram SVM"] = dataclasses.replace(
        api.DEFAULTS, char_tail_weight=0.0
    )
    variants["paperfeed: + recency (half-life 4 years)"] = dataclasses.replace(
        api.DEFAULTS, half_life_years=4.0
    )
    return variants


def methods(
    embedder: Embedder | None,
    store: VectorStore | None,
    *,
    history: Sequence[str] = (),
    ablations: bool = False,
) -> dict[str, Scorer]:
    """The baselines and paperfeed's default (plus ablations when asked), by name."""
    cache = api.embedding_cache(embedder, store)
    indexes = Indexes(history, embedder, store)
    out: dict[str, Scorer] = {
        "TF-IDF best-3": baselines.tfidf_best3(),
        "MiniLM best-3": baselines.dense_best3(cache),
        "arxiv-sanity-lite (tf-idf SVM)": baselines.arxiv_sanity(),
        "zotero-arxiv-daily (recency-weighted mean)": baselines.zotero_daily(cache),
        DEFAULT_NAME: paperfeed_scorer(indexes),
    }
    if ablations:
        for name, settings in ablation_settings().items():
            out[name] = paperfeed_scorer(indexes, settings)
        if history:
            out["paperfeed: without history"] = paperfeed_scorer(indexes, history=False)
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
    """Every method on the gold standard below ``data_dir`` (the shared data directory).

    paperfeed gets the history a store of arXiv CS listings would hold (the newest papers
    of the corpus before the author split's cutoff); the baselines see the submissions only.
    """
    root = Path(data_dir) / "goldstandard"
    history = read_history(data_dir, HISTORY_CUTOFF)
    results = []
    all_methods = methods(embedder, store, history=history, ablations=ablations)
    for name, scorer in _pick(all_methods, only).items():
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
    rows = authors.read_corpus(data / CORPUS)  # read once: for the split and the history
    split = authors.load_split(data / "author-split" / "march-2026.json", data / CORPUS, rows)
    history = history_from_rows(rows.values(), split.cutoff)
    indexes = Indexes(history, embedder, store)
    results = []
    all_methods = methods(embedder, store, history=history, ablations=ablations)
    all_methods[DEFAULT_NAME] = paperfeed_scorer(indexes)  # shares the index with feedback
    for name, scorer in _pick(all_methods, only).items():
        result = authors.evaluate_method(split, name, scorer)
        if progress:
            progress(f"{name}: nDCG@10 {sum(result.ndcg) / len(result.ndcg):.3f}")
        results.append(result)
    notes = []
    if feedback:
        notes = authors.feedback_notes(feedback_simulation(split, indexes))
    table = authors.authors_table(results, notes, reference=DEFAULT_NAME)
    table.notes.append(
        f"{len(split.candidates)} candidates (listed 2026-03), scored without author lists; "
        "CI: bootstrap over users."
    )
    return table


def feedback_simulation(
    split: authors.AuthorSplit, indexes: Indexes, settings: api.Settings = api.DEFAULTS
) -> authors.FeedbackResult:
    """Rate the first digest (paperfeed's default top 10), then rescore with the feedback."""
    from paperfeed.records import Feedback, Profile

    prepared = indexes.get(split.candidates)
    store, embedder = indexes.store, indexes.embedder

    def base(task: authors.Task) -> Sequence[float]:
        return api.score(task.profile, prepared, store=store, embedder=embedder)

    def digest(task: authors.Task) -> list[str]:
        recs, _ = api.rank_digest(task.profile, prepared, top=10, store=store, embedder=embedder)
        return [r.paper.id for r in recs]

    def rescore(task: authors.Task, ratings: dict[str, int]) -> Sequence[float]:
        votes = tuple(Feedback(task.user, pid, rating) for pid, rating in ratings.items())
        profile = Profile(task.user, tuple(task.profile), feedback=votes)
        return api.score(profile, prepared, store=store, embedder=embedder, settings=settings)

    return authors.simulate_feedback(split, digest, rescore, base)


#: The gold standard's history: the corpus before the author split's cutoff.
HISTORY_CUTOFF = "2026-03-01"

#: Where the benchmarks keep their embeddings between runs (an NpyVectorStore folder).
DEFAULT_VECTORS = Path.home() / ".cache" / "paperfeed" / "vectors"

#: The benchmarks by name, as `paperfeed eval NAME` and bench/eval_relevance.py call them.
RUNNERS: dict[str, Callable[..., Table]] = {
    "goldstandard": run_goldstandard,
    "authors": run_authors,
}
