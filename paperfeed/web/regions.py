"""Landmarks for the topic map: the day's listing split into a few regions of the map, each
named by the words that set its papers apart from the rest of the day.

The regions are k-means clusters of the map's own 2-D coordinates (what the reader sees as
islands), and a region's name is its two or three terms whose TF-IDF weight in the region
most exceeds their weight in the whole day (so words every paper uses never name one).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from paperfeed.records import Paper

PAPERS_PER_REGION = 70
MIN_REGIONS, MAX_REGIONS = 3, 10
TERMS = 2
SEED = 0


@dataclass(frozen=True, slots=True)
class Region:
    """A named part of the day's listing, at the middle of its papers (map coordinates)."""

    x: float
    y: float
    name: str
    size: int


def regions(papers: Sequence[Paper], coords: np.ndarray) -> tuple[Region, ...]:
    """Regions of ``papers`` placed at ``coords`` (rows match); none for a small day."""
    from sklearn.cluster import KMeans

    count = len(papers)
    wanted = min(max(count // PAPERS_PER_REGION, MIN_REGIONS), MAX_REGIONS)
    if count < 2 * PAPERS_PER_REGION:
        return ()
    cluster = KMeans(n_clusters=wanted, n_init=4, random_state=SEED).fit_predict(coords)
    names = region_names(papers, cluster, wanted)
    out = []
    for label in range(wanted):
        members = coords[cluster == label]
        if len(members) and names[label]:
            middle = np.median(members, axis=0)
            out.append(Region(float(middle[0]), float(middle[1]), names[label], len(members)))
    return tuple(sorted(out, key=lambda r: -r.size))


def region_names(papers: Sequence[Paper], cluster: np.ndarray, count: int) -> list[str]:
    """Each cluster's distinguishing terms, "term · term"."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [f"{p.title}. {p.abstract}" for p in papers]
    vectorizer = TfidfVectorizer(
        stop_words="english",
        token_pattern=r"(?u)\b(?=\w*[^\W\d_])\w\w+\b",  # words with a letter: 3d, not 2026
        ngram_range=(1, 2),
        min_df=3,
        max_df=0.5,
        sublinear_tf=True,
    )
    try:
        weights = vectorizer.fit_transform(texts)
    except ValueError:  # no term left (tiny or empty texts)
        return [""] * count
    terms = vectorizer.get_feature_names_out()
    overall = np.asarray(weights.mean(axis=0)).ravel()
    names = []
    for label in range(count):
        inside = cluster == label
        if not inside.any():
            names.append("")
            continue
        lift = np.asarray(weights[inside].mean(axis=0)).ravel() - overall
        ranked = [str(terms[i]) for i in np.argsort(-lift)[: TERMS * 5]]
        names.append(" · ".join(_distinct(ranked)))
    return names


def _distinct(ranked: Iterable[str]) -> list[str]:
    """The first TERMS terms without repeats (``llm`` / ``llms``); a two-word term takes the
    place of a chosen word it contains (``gaussian`` becomes ``gaussian splatting``)."""
    chosen: list[str] = []
    for term in ranked:
        words = term.split()
        holds = [c for c in chosen if " " not in c and c in words]
        if len(words) == 2 and len(holds) == 1:
            rest = [w for w in words if w != holds[0]]
            if not any(_same(w, x) for w in rest for c in chosen for x in c.split()):
                chosen[chosen.index(holds[0])] = term
            continue
        if any(_same(w, x) for w in words for c in chosen for x in c.split()):
            continue
        if len(chosen) < TERMS:
            chosen.append(term)
    return chosen


def _same(a: str, b: str) -> bool:
    return a == b or (min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a)))
