"""From a researcher's own papers: the ones that look like a namesake's.

Namesake flags mark own papers that probably belong to someone else of the same name: they
share no co-author with the profile's main collaboration network and sit far from its
topics. Grouping by co-authors is linear in the author names, and closeness is computed in
chunks, so a large profile stays bounded in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from paperfeed.ids import author_key, is_owner
from paperfeed.records import Paper


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
