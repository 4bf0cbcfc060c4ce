"""Reference methods the benchmarks compare paperfeed with, each a Scorer.

- ``tfidf_best3``: TF-IDF cosine to the own papers, mean of the best three (the text-matching
  baseline of the gold-standard paper; here with paperfeed's tokenizer).
- ``dense_best3``: the same aggregation over embeddings (all-MiniLM-L6-v2 by default).
- ``arxiv_sanity``: arxiv-sanity-lite: TF-IDF of unigrams+bigrams (sublinear, max_df 0.1,
  min_df 5, 20k features, fitted on the candidates) and a linear SVM (C=0.1, balanced) with
  the own papers positive and every candidate negative; the SVM's decision value ranks.
- ``zotero_daily``: zotero-arxiv-daily: cosine of embeddings to every own paper, newest first,
  weighted 1/(1+log10(rank)) normalized to sum 1.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from paperfeed import lexical
from paperfeed.embed import EmbeddingCache, title_abstract
from paperfeed.eval.report import Scorer
from paperfeed.ids import paper_text


def _texts(papers: Sequence[Any]) -> list[str]:
    return [paper_text(*title_abstract(p)) for p in papers]


def _date(paper: Any) -> str:
    value = paper.date if hasattr(paper, "date") else paper.get("date")
    return str(value or "")


def best_k(similarity: np.ndarray, k: int = 3) -> np.ndarray:
    """Mean of the ``k`` largest values of each row."""
    if similarity.shape[1] == 0:
        return np.zeros(similarity.shape[0])
    k = min(k, similarity.shape[1])
    return np.sort(similarity, axis=1)[:, -k:].mean(axis=1)


class _PerCandidates:
    """Remembers what was fitted on the last candidate list (benchmarks reuse one list).

    Keyed by the candidates' texts, not ``id()``: a new list can reuse a freed list's
    address, and a stale fit would score one draw's candidates with another's rows.
    """

    def __init__(self) -> None:
        self.key: str | None = None
        self.value: Any = None

    def get(self, candidates: Sequence[Any], fit: Any) -> Any:
        key = hashlib.sha1("\x00".join(_texts(candidates)).encode()).hexdigest()
        if key != self.key:
            self.key, self.value = key, fit()
        return self.value


def tfidf_best3() -> Scorer:
    """TF-IDF (IDF of the candidate list) cosine to the own papers, mean of the best three."""
    memo = _PerCandidates()

    def scorer(own: Sequence[Any], candidates: Sequence[Any]) -> Sequence[float]:
        def fit() -> tuple[lexical.Lexicon, Any]:
            texts = _texts(candidates)
            lexicon = lexical.fit_lexicon(texts)
            return lexicon, lexicon.tfidf(texts)

        lexicon, rows = memo.get(candidates, fit)
        return best_k(lexical.cosine(rows, lexicon.tfidf(_texts(own)))).tolist()

    return scorer


def dense_best3(cache: EmbeddingCache) -> Scorer:
    """Embedding cosine, mean of the best three."""

    def scorer(own: Sequence[Any], candidates: Sequence[Any]) -> Sequence[float]:
        own_vectors = cache.embed_papers(own)
        cand_vectors = cache.embed_papers(candidates)
        return best_k(cand_vectors @ own_vectors.T).tolist()

    return scorer


def zotero_daily(cache: EmbeddingCache) -> Scorer:
    """zotero-arxiv-daily's rerank: recency-weighted mean cosine (newest own paper first)."""

    def scorer(own: Sequence[Any], candidates: Sequence[Any]) -> Sequence[float]:
        order = sorted(range(len(own)), key=lambda i: _date(own[i]), reverse=True)
        own_vectors = cache.embed_papers([own[i] for i in order])
        cand_vectors = cache.embed_papers(candidates)
        weights = 1.0 / (1.0 + np.log10(np.arange(len(order)) + 1.0))
        weights /= weights.sum()
        return ((cand_vectors @ own_vectors.T) * weights).sum(axis=1).tolist()

    return scorer


def arxiv_sanity(c: float = 0.1) -> Scorer:
    """arxiv-sanity-lite's TF-IDF + linear SVM, own papers positive, all others negative."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    memo = _PerCandidates()

    def scorer(own: Sequence[Any], candidates: Sequence[Any]) -> Sequence[float]:
        def fit() -> tuple[Any, Any]:
            texts = _texts(candidates)
            vectorizer = TfidfVectorizer(
                strip_accents="unicode",
                lowercase=True,
                stop_words="english",
                token_pattern=r"(?u)\b[a-zA-Z_][a-zA-Z0-9_]+\b",
                ngram_range=(1, 2),
                max_features=20000,
                sublinear_tf=True,
                max_df=0.1,
                min_df=min(5, len(texts)),
            )
            return vectorizer, vectorizer.fit_transform(texts)

        vectorizer, cand_features = memo.get(candidates, fit)
        features = sp.vstack([cand_features, vectorizer.transform(_texts(own))])
        labels = np.r_[np.zeros(len(candidates)), np.ones(len(own))]
        model = LinearSVC(class_weight="balanced", max_iter=10000, tol=1e-6, C=c, random_state=0)
        model.fit(features, labels)
        return model.decision_function(cand_features).tolist()

    return scorer
