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

from paperfeed.embed import Embedder, VectorStore
from paperfeed.eval import authors, baselines, goldstandard
from paperfeed.eval.report import Scorer, Table
from paperfeed.ids import paper_text
from paperfeed.ranking import DEFAULTS, Ranker, RankingSettings, to_papers
from paperfeed.ranking.combine import combine
from paperfeed.ranking.papers import as_profile

DEFAULT_NAME = "paperfeed (default)"
CORPUS = "arxiv-cs-2025.jsonl.gz"
HISTORY_PAPERS = DEFAULTS.history_papers


class Paperfeed:
    """paperfeed's default and its variants on one benchmark, from one Ranker: each
    profile's models are trained once, its signals computed once per candidate list, and
    every variant of the combination only recombines them."""

    def __init__(self, ranker: Ranker, history: Sequence[str]) -> None:
        self.ranker, self.history = ranker, history
        self._signals: dict[tuple[object, ...], dict[str, np.ndarray]] = {}

    def signals(
        self, own: Sequence[Any], candidates: Sequence[Any], *, history: bool = True
    ) -> dict[str, np.ndarray]:
        """The calibrated signals of ``own`` against ``candidates`` (one row)."""
        index = self.ranker.index(candidates, history=self.history if history else ())
        papers = to_papers(own)
        key = (tuple(p.id for p in papers), index.space.key, tuple(p.id for p in index.papers))
        if key not in self._signals:
            model = self.ranker.model(as_profile(papers), index.space)
            self._signals[key] = self.ranker.signals(index, [model])
        return self._signals[key]

    def scorer(self, settings: RankingSettings = DEFAULTS, *, history: bool = True) -> Scorer:
        """Scores of the combination ``settings`` (with the history unless told not)."""

        def scorer(own: Sequence[Any], candidates: Sequence[Any]) -> Sequence[float]:
            return combine(self.signals(own, candidates, history=history), settings)[0].tolist()

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


def ablation_settings() -> dict[str, RankingSettings]:
    """paperfeed with each signal alone and each removed (the others keep their weights)."""
    weights = dict(DEFAULTS.weights)
    variants: dict[str, RankingSettings] = {}
    for name in weights:
        without = {k: (0.0 if k == name else v) for k, v in weights.items()}
        tail = DEFAULTS.lexical_tail_weight if name != "lexical_model" else 0.0
        variants[f"paperfeed: without {name}"] = dataclasses.replace(
            DEFAULTS, weights=without, lexical_tail_weight=tail
        )
    for name in weights:
        if name in ("dense", "lexical"):
            continue  # alone, these rank as the MiniLM / TF-IDF best-3 baselines (own IDF)
        alone = {k: (v if k == name else 0.0) for k, v in weights.items()}
        variants[f"paperfeed: {name} only"] = dataclasses.replace(
            DEFAULTS, weights=alone, lexical_tail_weight=0.0, char_tail_weight=0.0
        )
    variants["paperfeed: + the lexical tail bonus (before issue 11)"] = dataclasses.replace(
        DEFAULTS, lexical_tail_weight=1.0
    )
    variants["paperfeed: without the character 4-gram SVM"] = dataclasses.replace(
        DEFAULTS, char_tail_weight=0.0
    )
    return variants


def methods(
    embedder: Embedder | None,
    store: VectorStore | None,
    *,
    history: Sequence[str] = (),
    ablations: bool = False,
) -> tuple[dict[str, Scorer], Paperfeed]:
    """The baselines and paperfeed's default (plus ablations when asked), by name; and the
    Paperfeed behind them."""
    paperfeed = Paperfeed(Ranker(embedder, store), history)
    cache = paperfeed.ranker.vectors
    out: dict[str, Scorer] = {
        "TF-IDF best-3": baselines.tfidf_best3(),
        "MiniLM best-3": baselines.dense_best3(cache),
        "arxiv-sanity-lite (tf-idf SVM)": baselines.arxiv_sanity(),
        "zotero-arxiv-daily (recency-weighted mean)": baselines.zotero_daily(cache),
        DEFAULT_NAME: paperfeed.scorer(),
    }
    if ablations:
        for name, settings in ablation_settings().items():
            out[name] = paperfeed.scorer(settings)
        if history:
            out["paperfeed: without history (packaged background)"] = paperfeed.scorer(
                history=False
            )
        closed = dataclasses.replace(DEFAULTS, word_hashed=0, char_hashed=0)
        out["paperfeed: without hashed columns (before Session 15)"] = Paperfeed(
            Ranker(embedder, store, closed), history
        ).scorer(closed)
    return out, paperfeed


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
    all_methods, _ = methods(embedder, store, history=history, ablations=ablations)
    for name, scorer in _pick(all_methods, only).items():
        results.append(goldstandard.evaluate_method(root, name, scorer, draws))
        if progress:
            progress(f"{name}: {results[-1].mean:.3f}")
    for name in _pick(all_methods, only or PER_RESEARCHER):
        if name not in PER_RESEARCHER:
            continue
        per_researcher = f"{name}, per-researcher lists"
        scorer = all_methods[name]
        results.append(goldstandard.evaluate_method(root, per_researcher, scorer, draws, True))
        if progress:
            progress(f"{per_researcher}: {results[-1].mean:.3f}")
    table = goldstandard.goldstandard_table(results, reference=DEFAULT_NAME)
    table.notes.append(
        f"{len(draws)} draws of 20 own papers per researcher; every method scores all "
        "submissions of a draw for each researcher (rows marked 'per-researcher lists': "
        "only the papers that researcher rated, as the dataset's own evaluation does); "
        "CI: bootstrap over researchers."
    )
    return table


#: Methods the gold standard also scores with per-researcher candidate lists.
PER_RESEARCHER = (DEFAULT_NAME, "MiniLM best-3", "TF-IDF best-3")


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
    """Every method on the author split, its held-out half, and the feedback simulation."""
    split, history = author_split(Path(data_dir))
    results = []
    all_methods, paperfeed = methods(embedder, store, history=history, ablations=ablations)
    for name, scorer in _pick(all_methods, only).items():
        result = authors.evaluate_method(split, name, scorer)
        if progress:
            progress(f"{name}: nDCG@10 {sum(result.ndcg) / len(result.ndcg):.3f}")
        results.append(result)
    held_out = [authors.held_out_half(r) for r in results if r.name in PER_RESEARCHER]
    notes = []
    if feedback:
        notes = authors.feedback_notes(feedback_simulation(split, paperfeed))
    table = authors.authors_table([*results, *held_out], notes, reference=DEFAULT_NAME)
    table.notes.append(
        f"{len(split.candidates)} candidates (listed 2026-03), scored without author lists; "
        f"rows marked 'held-out half' are the {authors.HALF} users never used to choose a "
        "setting; CI: bootstrap over users."
    )
    return table


def author_split(data: Path) -> tuple[authors.AuthorSplit, list[str]]:
    """The author split in ``data`` and its history (the corpus before its cutoff)."""
    rows = authors.read_corpus(data / CORPUS)  # read once: for the split and the history
    split = authors.load_split(data / "author-split" / "march-2026.json", data / CORPUS, rows)
    return split, history_from_rows(rows.values(), split.cutoff)


def feedback_simulation(split: authors.AuthorSplit, paperfeed: Paperfeed) -> authors.FeedbackResult:
    """Rate the first digest (paperfeed's default top 10), then rescore with the feedback."""
    from paperfeed.records import Feedback, Profile

    ranker = paperfeed.ranker
    index = ranker.index(split.candidates, history=paperfeed.history)

    def base(task: authors.Task) -> Sequence[float]:
        return ranker.score(task.profile, index)

    def digest(task: authors.Task) -> list[str]:
        recs, _ = ranker.digest(task.profile, index, top=10)
        return [r.paper.id for r in recs]

    def rescore(task: authors.Task, ratings: dict[str, int]) -> Sequence[float]:
        votes = tuple(Feedback(task.user, pid, rating) for pid, rating in ratings.items())
        return ranker.score(Profile(task.user, tuple(task.profile), feedback=votes), index)

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
