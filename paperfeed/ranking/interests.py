"""A profile's interests: its own papers clustered by topic, each labelled with the terms a
person would use for it.

Clusters come from agglomerative clustering of the own papers' embeddings (average linkage
on cosine distance, cut at a distance threshold). A label is the 2-3 terms that best tell
a cluster apart: common in its papers, rarer in the profile's other papers, and rare in
the field (the IDF of the feature space, fitted on the history). A term must appear in at
least two of the cluster's papers, so the name of one paper's model or data set only
labels an interest it dominates; bigrams are preferred over their words, and terms of the
papers' titles over terms only in their abstracts (authors name their topic in the title;
an abstract's rarest phrase is as often filler, "third party provider", as a topic).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from paperfeed import lexical
from paperfeed.ranking.candidates import texts_of
from paperfeed.ranking.settings import RankingSettings
from paperfeed.ranking.space import FeatureSpace
from paperfeed.records import Interest, Paper
from paperfeed.tokens import is_boilerplate

#: Single words too broad or too partial to name an interest (fine inside a bigram:
#: "language model", "semi supervised").
_NOT_ALONE = frozenset(
    """
    model dataset data learning network system large deep neural training train trained
    semi non multi pre self cross co sub inter intra anti meta low high based free aware
    driven level scale time end
    """.split()  # noqa: SIM905 - a word list reads better as text
)
#: Words of an abstract's praise and narration, rare in the field but never a topic:
#: a term with one of them in it never labels an interest ("remarkable capability").
_FILLER = frozenset(
    """
    remarkable excellent impressive promising notable notably substantial substantially
    considerable considerably completely overlooked severe serious critical critically
    requiring requires required facilitating facilitate rapid rapidly underlying
    complicated elicit examining examine constructing construct known average cumulative
    incorporating incorporate highlighting highlight play plays capability capabilities
    ability abilities generalizable commonly typically often simple simply strong
    strongly powerful great greatly unified comprehensive holistic fundamental essential
    """.split()  # noqa: SIM905 - a word list reads better as text
)
#: A bigram stands for two words: it wins over each of them at equal evidence.
BIGRAM_BONUS = 1.5
#: A term in the titles of all of a cluster's papers counts this much more than one in
#: none (in proportion to the share of titles in between).
TITLE_BONUS = 2.0


def cluster_papers(vectors: np.ndarray, distance_threshold: float) -> np.ndarray:
    """Cluster label per row (0..k-1, largest cluster first) by average-linkage on cosine."""
    n = len(vectors)
    if n <= 1:
        return np.zeros(n, dtype=np.int64)
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=distance_threshold
    )
    raw = model.fit_predict(vectors)
    sizes = np.bincount(raw)
    order = sorted(range(len(sizes)), key=lambda c: (-sizes[c], int(np.argmax(raw == c))))
    relabel = np.empty(len(sizes), dtype=np.int64)
    relabel[order] = np.arange(len(sizes))
    return relabel[raw]


def term_scores(present: np.ndarray, inside: np.ndarray, idf: np.ndarray) -> np.ndarray:
    """How well each term tells the ``inside`` papers apart: its share of them, less half its
    share of the others, times its IDF in the field (0 unless in two inside papers)."""
    count_in = present[inside].sum(axis=0)
    share_in = count_in / max(int(inside.sum()), 1)
    others = present[~inside]
    share_out = others.mean(axis=0) if len(others) else 0.0
    score = (share_in - 0.5 * share_out) * idf
    return np.where(count_in >= min(2, int(inside.sum())), score, 0.0)


def label_terms(
    rows: sp.csr_matrix,
    title_rows: sp.csr_matrix,
    labels: np.ndarray,
    terms: lexical.Terms,
    idf: np.ndarray,
    n_terms: int,
) -> list[list[str]]:
    """Per cluster, its ``n_terms`` best terms by :func:`term_scores` (a bigram counted
    ``BIGRAM_BONUS`` times, a title term up to ``1 + TITLE_BONUS`` times; a term sharing
    a word with a chosen one is skipped). ``title_rows``: the titles' rows (presence counts)."""
    used = np.unique(rows.indices)
    present = (rows[:, used].toarray() > 0).astype(np.float32)
    in_title = (title_rows[:, used].toarray() > 0).astype(np.float32)
    bonus = np.array([BIGRAM_BONUS if " " in terms[t] else 1.0 for t in used])
    out = []
    for cluster in range(int(labels.max()) + 1 if len(labels) else 0):
        inside = labels == cluster
        title_share = in_title[inside].mean(axis=0)
        score = term_scores(present, inside, idf[used]) * bonus * (1 + TITLE_BONUS * title_share)
        chosen: list[str] = []
        for column in np.argsort(-score, kind="stable"):
            term = terms[used[column]]
            if score[column] <= 0 or len(chosen) == n_terms:
                break
            if _nameless(term) or any(set(term.split()) & set(c.split()) for c in chosen):
                continue
            chosen.append(term)
        out.append(chosen)
    return out


def _nameless(term: str) -> bool:
    """Whether a term says too little to name an interest."""
    words = term.split()
    return (
        is_boilerplate(term)
        or any(w in _FILLER for w in words)
        or all(w in _NOT_ALONE for w in words)
    )


def find_interests(
    papers: Sequence[Paper],
    vectors: np.ndarray,
    rows: sp.csr_matrix,
    space: FeatureSpace,
    settings: RankingSettings,
) -> tuple[list[Interest], np.ndarray]:
    """The interests of a profile and the interest number of each own paper."""
    labels = cluster_papers(vectors, settings.interest_distance)
    if not len(papers):
        return [], labels
    titles = space.words.counts([p.title for p in papers])
    terms = space.words.term_names(texts_of(papers))
    names = label_terms(rows, titles, labels, terms, space.words.idf, settings.interest_terms)
    interests = []
    for cluster, words in enumerate(names):
        ids = tuple(p.id for p, label in zip(papers, labels, strict=True) if label == cluster)
        label = ", ".join(words) if words else f"topic {cluster + 1}"
        interests.append(Interest(label=label, terms=tuple(words), paper_ids=ids))
    return interests, labels
