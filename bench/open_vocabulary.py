"""Experiment: the feature space open to terms its history lacks, on either benchmark.

Usage: .venv/bin/python bench/open_vocabulary.py gold|authors [all|unigrams|words]

The space is fitted on the history as ever; then every term of the benchmark's texts (its
candidates and own papers) that the fit left out is added, with its IDF from the history's
document frequency (0 for most of them, the rarest weight). A hashed space would give an
unseen term the same treatment, so this measures what one would be worth before building
it. ``all``: words, bigrams and character 4-grams; ``unigrams``: single words and character
4-grams; ``words``: words and bigrams only. Prints the default and the open vocabulary in one
table, with the paired difference (author split: and its held-out half; the feedback
simulation is bench/feedback_paired.py's). Figures are in docs/relevance.md, Session 14.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp

import paperfeed.ranking.ranker as ranker_module
from paperfeed import lexical
from paperfeed.chargrams import fit_grams
from paperfeed.embed import MiniLMOnnx, NpyVectorStore
from paperfeed.eval import DEFAULT_VECTORS, authors, goldstandard
from paperfeed.eval.runner import (
    DEFAULT_NAME,
    HISTORY_CUTOFF,
    author_split,
    methods,
    read_history,
)
from paperfeed.ranking import RankingSettings, to_papers
from paperfeed.ranking.candidates import texts_of
from paperfeed.ranking.space import FeatureSpace
from paperfeed.tokens import analyze

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
FIT = ranker_module.fit_space


def with_words(
    lexicon: lexical.Lexicon,
    history: Sequence[str],
    extra: Sequence[str],
    *,
    max_df: float,
    unigrams_only: bool,
) -> lexical.Lexicon:
    """``lexicon`` with the words (and bigrams) of ``extra`` it lacks, IDF from ``history``."""
    new = {
        term
        for text in extra
        for term in analyze(text, lexicon.bigrams)
        if term not in lexicon.vocabulary and not (unigrams_only and " " in term)
    }
    doc_freq = dict.fromkeys(new, 0)
    for text in history:
        for term in set(analyze(text, lexicon.bigrams)) & new:
            doc_freq[term] += 1
    kept = sorted(t for t, df in doc_freq.items() if df <= max_df * len(history))
    idf = lexical._idf(np.array([doc_freq[t] for t in kept]), len(history))
    return extended(lexicon, kept, idf)


def with_grams(
    lexicon: lexical.Lexicon, history: Sequence[str], extra: Sequence[str]
) -> lexical.Lexicon:
    """``lexicon`` with the character grams of ``extra`` it lacks, IDF from ``history``."""
    grams, _, _ = fit_grams(extra, lexicon.chars, min_df=1, max_df=1.0)
    new = [g for g in grams if g not in lexicon.vocabulary]
    seen, seen_df, _ = fit_grams(history, lexicon.chars, min_df=1, max_df=1.0)
    doc_freq = dict(zip(seen, seen_df.tolist(), strict=True))
    idf = lexical._idf(np.array([doc_freq.get(g, 0) for g in new]), len(history))
    return extended(lexicon, new, idf)


def extended(lexicon: lexical.Lexicon, terms: list[str], idf: np.ndarray) -> lexical.Lexicon:
    vocabulary = dict(lexicon.vocabulary)
    vocabulary.update((t, len(lexicon.vocabulary) + i) for i, t in enumerate(terms))
    print(f"  +{len(terms)} terms ({int((idf == idf.max()).sum()) if len(idf) else 0} unseen)")
    joined = np.concatenate([lexicon.idf, idf]).astype(np.float32)
    return lexical.Lexicon(vocabulary, joined, lexicon.bigrams, lexicon.chars)


def opened_fit(extra: Sequence[str], variant: str, active: dict[str, bool] | None = None):
    """A fit of the space that opens it to ``extra``'s terms (while ``active["open"]``)."""

    def fit(
        texts: Sequence[str], settings: RankingSettings, progress=None
    ) -> tuple[FeatureSpace, sp.csr_matrix, sp.csr_matrix]:
        space, word_rows, char_rows = FIT(texts, settings, progress)
        if active is not None and not active["open"]:
            return space, word_rows, char_rows
        words = with_words(
            space.words,
            texts,
            extra,
            max_df=settings.word_max_df,
            unigrams_only=variant == "unigrams",
        )
        chars = space.chars if variant == "words" else with_grams(space.chars, texts, extra)
        return FeatureSpace(words, chars, space.key), words.tfidf(texts), chars.tfidf(texts)

    return fit


def benchmark_texts(which: str) -> list[str]:
    """Every candidate and own paper of the benchmark, as the space's texts."""
    texts: list[str] = []
    if which == "gold":
        for number in goldstandard.DRAWS:
            draw = goldstandard.load_draw(DATA / "goldstandard", number)
            texts += texts_of(to_papers(list(draw.submissions.values())))
            for own in draw.archives.values():
                texts += texts_of(to_papers(own))
        return texts
    split, _ = author_split(DATA)
    texts += texts_of(split.candidates)
    for task in split.tasks:
        texts += texts_of(task.profile)
    return texts


def main(which: str, variant: str) -> None:
    """The default and the open vocabulary, each with a Ranker of its own, in one table
    with the paired difference."""
    active = {"open": False}
    ranker_module.fit_space = opened_fit(benchmark_texts(which), variant, active)  # type: ignore[assignment]
    started = time.perf_counter()
    store, embedder = NpyVectorStore(DEFAULT_VECTORS), MiniLMOnnx()
    if which == "authors":
        split, history = author_split(DATA)
    else:
        split, history = None, read_history(DATA, HISTORY_CUTOFF)
    results: list = []
    for name, opened in ((DEFAULT_NAME, False), (f"open vocabulary ({variant})", True)):
        active["open"] = opened
        score = methods(embedder, store, history=history)[0][DEFAULT_NAME]
        if split is None:
            results.append(goldstandard.evaluate_method(DATA / "goldstandard", name, score))
        else:
            results.append(authors.evaluate_method(split, name, score))
        print(f"  {name}: done", flush=True)
    if split is None:
        table = goldstandard.goldstandard_table(results, reference=DEFAULT_NAME)
    else:
        halves = [authors.held_out_half(r) for r in results]
        table = authors.authors_table([*results, *halves], reference=DEFAULT_NAME)
    print(table.to_markdown())
    print(f"{which}, open vocabulary ({variant}): {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "all")
