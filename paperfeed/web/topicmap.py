"""The topic map: own papers and today's picks placed in 2-D by PCA of their embeddings.

This module only computes coordinates, groups and labels; the template draws the SVG
(so every label passes Jinja2's autoescape).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from paperfeed.deliver.common import display_text, paper_link, short_authors
from paperfeed.records import Interest, Paper, Recommendation

WIDTH, HEIGHT, PAD = 760, 520, 28
COLORS = 10  # style.css defines the classes g0 .. g9
NO_GROUP = -1


@dataclass(frozen=True, slots=True)
class MapPoint:
    """One marker: ``kind`` is ``own``, ``excluded`` (an own paper left out) or ``pick``."""

    x: float
    y: float
    kind: str
    group: int
    label: str
    link: str | None


@dataclass(frozen=True, slots=True)
class TopicMap:
    """Everything the template needs to draw the map and its legend."""

    points: tuple[MapPoint, ...]
    legend: tuple[tuple[int, str], ...]
    explained: float
    width: int = WIDTH
    height: int = HEIGHT


def project_2d(vectors: np.ndarray) -> tuple[np.ndarray, float]:
    """Rows projected onto their first two principal components, and the variance share kept."""
    count = len(vectors)
    if count == 0:
        return np.zeros((0, 2)), 0.0
    centered = vectors.astype(np.float64) - vectors.mean(axis=0, keepdims=True)
    if count == 1 or not np.any(centered):
        return np.zeros((count, 2)), 1.0
    _, singular, components = np.linalg.svd(centered, full_matrices=False)
    coords = centered @ components[:2].T
    if coords.shape[1] < 2:
        coords = np.hstack([coords, np.zeros((count, 1))])
    total = float((singular**2).sum())
    kept = float((singular[:2] ** 2).sum() / total) if total else 1.0
    return coords, kept


def fit_to_box(coords: np.ndarray, width: int = WIDTH, height: int = HEIGHT) -> np.ndarray:
    """Coordinates scaled into the drawing area (y grows downwards in SVG)."""
    if len(coords) == 0:
        return coords
    low, high = coords.min(axis=0), coords.max(axis=0)
    span = np.where(high - low > 1e-12, high - low, 1.0)
    unit = (coords - low) / span
    unit[:, 0][high[0] - low[0] <= 1e-12] = 0.5
    unit[:, 1][high[1] - low[1] <= 1e-12] = 0.5
    xs = PAD + unit[:, 0] * (width - 2 * PAD)
    ys = height - PAD - unit[:, 1] * (height - 2 * PAD)
    return np.column_stack([xs, ys])


def nearest_group(vector: np.ndarray, own: np.ndarray, groups: np.ndarray) -> int:
    """The interest group of the own paper closest (by cosine) to ``vector``, if any."""
    grouped = np.flatnonzero(groups != NO_GROUP)
    if len(grouped) == 0:
        return NO_GROUP
    return int(groups[grouped[int(np.argmax(own[grouped] @ vector))]])


def _label(paper: Paper, prefix: str) -> str:
    authors = short_authors(paper.authors)
    title = display_text(paper.title)
    return f"{prefix}{title}" + (f" — {authors}" if authors else "")


def build_topic_map(
    own: Sequence[tuple[Paper, bool]],
    picks: Sequence[Recommendation],
    interests: Sequence[Interest],
    vectors_of: Callable[[list[Paper]], np.ndarray],
) -> TopicMap:
    """Place own papers (colored by interest) and picks (by their interest's color) on a map."""
    group_of_paper: dict[str, int] = {}
    group_of_label: dict[str, int] = {}
    for index, interest in enumerate(interests):
        group_of_label[display_text(interest.label)] = index % COLORS
        for pid in interest.paper_ids:
            group_of_paper.setdefault(pid, index % COLORS)
    papers = [paper for paper, _ in own] + [rec.paper for rec in picks]
    vectors = vectors_of(papers) if papers else np.zeros((0, 1))
    coords, explained = project_2d(vectors)
    placed = fit_to_box(coords)
    own_groups = np.array([group_of_paper.get(p.id, NO_GROUP) for p, _ in own], dtype=int)
    points: list[MapPoint] = []
    for (paper, included), (x, y) in zip(own, placed[: len(own)], strict=True):
        kind = "own" if included else "excluded"
        prefix = "Your paper: " if included else "Your paper (left out): "
        group = group_of_paper.get(paper.id, NO_GROUP)
        points.append(
            MapPoint(float(x), float(y), kind, group, _label(paper, prefix), paper_link(paper))
        )
    for n, (rec, (x, y)) in enumerate(zip(picks, placed[len(own) :], strict=True)):
        group = group_of_label.get(display_text(rec.interest), NO_GROUP)
        if group == NO_GROUP:
            group = nearest_group(vectors[len(own) + n], vectors[: len(own)], own_groups)
        points.append(
            MapPoint(
                float(x),
                float(y),
                "pick",
                group,
                _label(rec.paper, f"Pick #{rec.rank}: "),
                paper_link(rec.paper),
            )
        )
    legend = tuple((index % COLORS, display_text(i.label)) for index, i in enumerate(interests))
    # Picks last, so that they are drawn on top of the own papers.
    return TopicMap(tuple(points), legend, explained)
