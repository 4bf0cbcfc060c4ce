"""From a researcher's own papers and their vectors: interests (topic clusters) and namesake flags.

Interests come from agglomerative clustering of the own papers' embeddings (average linkage
on cosine distance, cut at a distance threshold), each labelled with its 2-4 most telling
TF-IDF terms. Namesake flags mark own papers that probably belong to someone else of the
same name: they share no co-author with the profile's main collaboration network and sit
far from its topics.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from paperfeed.config import PROFILE_ANALYSIS_PAPERS
from paperfeed.ids import fold, normalize_author
from paperfeed.lexical import is_boilerplate
from paperfeed.records import Interest, Paper

#: Single words too broad to name an interest (fine inside a bigram: "language model").
_GENERIC = frozenset(
    {"model", "dataset", "data", "learning", "network", "system", "large", "deep", "neural"}
)

#: Cosine distance at which two clusters of own papers stop merging into one interest.
INTEREST_DISTANCE = 0.62


def cluster_papers(
    vectors: np.ndarray, distance_threshold: float = INTEREST_DISTANCE
) -> np.ndarray:
    """Cluster label per row (0..k-1, largest cluster first) by average-linkage on cosine.

    Bounded for any number of rows: the agglomerative step (quadratic memory) sees at most
    ``PROFILE_ANALYSIS_PAPERS`` rows (the last ones: callers put the most recent last or
    pass no more); any earlier row joins the cluster whose centroid is nearest.
    """
    n = len(vectors)
    if n == 0:
        return np.zeros(0, dtype=int)
    if n == 1:
        return np.zeros(1, dtype=int)
    cap = PROFILE_ANALYSIS_PAPERS
    if n > cap:
        tail = cluster_papers(vectors[-cap:], distance_threshold)
        return np.concatenate([_nearest_cluster(vectors[:-cap], vectors[-cap:], tail), tail])
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(
        n_clusters=None,
        metric="cosine",
        linkage="average",
        distance_threshold=distance_threshold,
    )
    raw = model.fit_predict(vectors)
    sizes = np.bincount(raw)
    order = sorted(range(len(sizes)), key=lambda c: (-sizes[c], int(np.argmax(raw == c))))
    relabel = {old: new for new, old in enumerate(order)}
    return np.array([relabel[c] for c in raw], dtype=int)


def _nearest_cluster(rows: np.ndarray, clustered: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """For each of ``rows``, the label whose centroid (of ``clustered``) is most similar."""
    centroids = np.stack([clustered[labels == c].mean(axis=0) for c in range(labels.max() + 1)])
    centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
    out = [np.argmax(part @ centroids.T, axis=1) for part in _row_chunks(rows)]
    return np.concatenate(out).astype(int) if out else np.zeros(0, dtype=int)


def _row_chunks(rows: np.ndarray, size: int = 1024) -> list[np.ndarray]:
    return [rows[start : start + size] for start in range(0, len(rows), size)]


def label_terms(
    rows: sp.csr_matrix, labels: np.ndarray, terms: Sequence[str], n_terms: int = 3
) -> list[list[str]]:
    """Per cluster, the terms with the highest mean TF-IDF in it minus the mean elsewhere.

    A unigram contained in an already chosen bigram (or the reverse) is skipped.
    """
    dense = np.asarray(rows.todense()) if sp.issparse(rows) else np.asarray(rows)
    out = []
    for cluster in range(int(labels.max()) + 1 if len(labels) else 0):
        inside = dense[labels == cluster].mean(axis=0)
        rest = dense[labels != cluster]
        contrast = inside - (0.5 * rest.mean(axis=0) if len(rest) else 0.0)
        chosen: list[str] = []
        for col in np.argsort(-contrast, kind="stable"):
            if contrast[col] <= 0 or len(chosen) == n_terms:
                break
            term = terms[col]
            words = set(term.split())
            shown_before = any(words & set(c.split()) for c in chosen)
            if is_boilerplate(term) or term in _GENERIC or shown_before:
                continue
            chosen.append(term)
        out.append(chosen)
    return out


def find_interests(
    papers: Sequence[Paper],
    vectors: np.ndarray,
    rows: sp.csr_matrix,
    terms: Sequence[str],
    distance_threshold: float = INTEREST_DISTANCE,
) -> tuple[list[Interest], np.ndarray]:
    """The interests of a profile and the interest index of each own paper."""
    labels = cluster_papers(vectors, distance_threshold)
    names = label_terms(rows, labels, terms) if len(papers) else []
    interests = []
    for cluster, words in enumerate(names):
        ids = tuple(p.id for p, lab in zip(papers, labels, strict=True) if lab == cluster)
        label = ", ".join(words) if words else f"topic {cluster + 1}"
        interests.append(Interest(label=label, terms=tuple(words), paper_ids=ids))
    return interests, labels


def author_key(name: str) -> tuple[str, str]:
    """(folded last name, folded first names) of "First Last" or "Last, First"."""
    if "," in name:
        last, _, first = name.partition(",")
    else:
        parts = name.strip().split()
        last, first = (parts[-1], " ".join(parts[:-1])) if parts else ("", "")
    return fold(last), fold(first)


def same_person(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Whether two author keys may name one person: same last name and compatible first names.

    Full first names must agree; an initial agrees with any name it starts ("H" ~ "Han").
    ``normalize_author`` alone (last name + initial) is too loose for co-authorship:
    "Hejia Zhang" and "Hao Zhang" share ``zhang h``.
    """
    (last_a, first_a), (last_b, first_b) = a, b
    if not last_a or last_a != last_b:
        return False
    short, long = sorted((first_a.replace(" ", ""), first_b.replace(" ", "")), key=len)
    if len(short) <= 2:  # initials only
        return long.startswith(short[:1])
    return short == long


def is_owner(name: str, owner: str) -> bool:
    """Whether ``name`` is the profile owner's name (same normalized key)."""
    return bool(owner) and normalize_author(name) == normalize_author(owner)


def coauthor_groups(papers: Sequence[Paper], owner: str) -> np.ndarray:
    """Group index per paper: papers linked (transitively) by a shared co-author.

    The owner's own name never links papers: every paper has it. Linear in the number of
    author names (each name links its papers to the first paper that had it).
    """
    parent = list(range(len(papers)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with: dict[str, int] = {}
    for i, paper in enumerate(papers):
        keys = {" ".join(author_key(a)) for a in paper.authors if not is_owner(a, owner)} - {""}
        for key in keys:
            j = first_with.setdefault(key, i)
            if j != i:
                a, b = root(i), root(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    roots = [root(i) for i in range(len(papers))]
    sizes: dict[int, int] = {}
    first: dict[int, int] = {}
    for index, r in enumerate(roots):
        sizes[r] = sizes.get(r, 0) + 1
        first.setdefault(r, index)
    order = {r: n for n, r in enumerate(sorted(sizes, key=lambda r: (-sizes[r], first[r])))}
    return np.array([order[r] for r in roots], dtype=int)


@dataclass(frozen=True, slots=True)
class NamesakeFlag:
    """An own paper that may belong to a namesake, and why.

    ``likely`` is True when the paper shares no co-author with the main network *and* is
    farther from its topics than any of the network's papers is from the others; False when
    only the co-authors are disjoint (its topic is close: the owner should check).
    """

    paper_id: str
    title: str
    closeness: float
    likely: bool
    reason: str


def _closeness(similarity: np.ndarray, k: int = 3) -> float:
    """Mean of the ``k`` largest values (how close a paper is to a group)."""
    top = np.sort(similarity)[-k:]
    return float(top.mean()) if top.size else 0.0


def _lowest_closeness(group: np.ndarray) -> float:
    """The lowest closeness of a row to the other rows, computed in chunks of rows (memory
    linear in the group's size, never the full square)."""
    bar = np.inf
    for start in range(0, len(group), 512):
        within = group[start : start + 512] @ group.T
        for offset, row in enumerate(within):
            bar = min(bar, _closeness(np.delete(row, start + offset)))
    return float(bar)


def namesake_flags(papers: Sequence[Paper], owner: str, vectors: np.ndarray) -> list[NamesakeFlag]:
    """Own papers outside the main co-author network, likely namesakes first.

    The main network is the largest group of papers linked by shared co-authors (it needs
    two papers or more, else nothing is flagged). Closeness to it is the mean cosine to its
    three nearest papers; the bar is the lowest such closeness of a network paper to the
    rest of the network.
    """
    if len(papers) < 3 or not any(p.authors for p in papers):
        return []
    groups = coauthor_groups(papers, owner)
    main = np.flatnonzero(groups == 0)
    if len(main) < 2:
        return []
    bar = _lowest_closeness(vectors[main])
    flags = []
    for i in (int(x) for x in np.flatnonzero(groups != 0)):
        if not papers[i].authors:
            continue
        closeness = _closeness(vectors[main] @ vectors[i])
        likely = closeness < bar
        topic = "is far from their topics" if likely else "is close to their topics"
        reason = (
            f"shares no co-author with your main group of papers and {topic} "
            f"(closeness {closeness:.2f}, the group's own lowest {bar:.2f})"
        )
        flags.append(NamesakeFlag(papers[i].id, papers[i].title, closeness, likely, reason))
    return sorted(flags, key=lambda f: (not f.likely, f.closeness))
