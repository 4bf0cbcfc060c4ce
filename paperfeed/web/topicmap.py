"""The topic map: the day's whole listing as faint context, the reader's own papers coloured
by interest with the interests' labels written on the map, and the day's picks marked with
their number in the digest; placed by ``layout`` (t-SNE over all of their embeddings).

This module only computes coordinates, groups and labels; the template draws the SVG (so
every label passes Jinja2's autoescape) and ``static/map.js`` shows a tapped paper.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from paperfeed.deliver.common import display_text, paper_link, short_authors
from paperfeed.records import Interest, Paper, Recommendation
from paperfeed.web.layout import layout
from paperfeed.web.regions import Region, regions

WIDTH, HEIGHT, PAD = 900, 640, 30
MIN_HEIGHT, MAX_HEIGHT = 520, 900  # the map takes the layout's aspect within these
COLORS = 10  # style.css defines the classes g0 .. g9
NO_GROUP = -1
LABEL_SIZE = 13.0  # font size of the interest labels, in map units
CHAR_WIDTH = 0.56  # a label character's width, in font sizes (an estimate for placing)

Layout = Callable[[np.ndarray], tuple[np.ndarray, str]]


@dataclass(frozen=True, slots=True)
class MapPoint:
    """One paper on the map. ``kind``: ``context`` (listed today), ``own`` (a paper of the
    reader's), ``excluded`` (an own paper left out of ranking) or ``pick`` (ranked
    ``rank`` in the digest). ``group`` is the interest's colour, NO_GROUP for none."""

    x: float
    y: float
    kind: str
    group: int
    paper_id: str
    title: str
    authors: str
    link: str | None
    interest: str = ""
    rank: int | None = None


@dataclass(frozen=True, slots=True)
class MapLabel:
    """An interest's label, written at the middle of its own papers."""

    x: float
    y: float
    text: str
    group: int


@dataclass(frozen=True, slots=True)
class TopicMap:
    """Everything the template draws: points in drawing order (context, own papers, picks
    with #1 last, so on top), the interests' labels, the day's regions (landmarks named
    by their terms), the legend, and what was placed how."""

    points: tuple[MapPoint, ...]
    labels: tuple[MapLabel, ...]
    legend: tuple[tuple[int, str], ...]
    method: str
    listed: int
    width: int = WIDTH
    height: int = HEIGHT
    regions: tuple[Region, ...] = ()

    def count(self, kind: str) -> int:
        """How many points of ``kind`` the map shows."""
        return sum(1 for p in self.points if p.kind == kind)


def height_for(coords: np.ndarray, width: int = WIDTH) -> int:
    """A picture height that gives the layout its own aspect (within limits), so that a
    round cloud of points is not squeezed into a wide strip (on a phone: a taller map)."""
    if len(coords) < 2:
        return HEIGHT
    span = coords.max(axis=0) - coords.min(axis=0)
    if span[0] <= 1e-12:
        return MAX_HEIGHT
    wanted = (width - 2 * PAD) * float(span[1] / span[0]) + 2 * PAD
    return int(min(max(wanted, MIN_HEIGHT), MAX_HEIGHT))


def fit_to_box(coords: np.ndarray, width: int = WIDTH, height: int = HEIGHT) -> np.ndarray:
    """Coordinates scaled into the drawing area, keeping their aspect (y grows downwards)."""
    if len(coords) == 0:
        return coords
    low, high = coords.min(axis=0), coords.max(axis=0)
    span = high - low
    room = np.array([width - 2 * PAD, height - 2 * PAD], dtype=np.float64)
    scale = float(np.min(np.where(span > 1e-12, room / np.maximum(span, 1e-12), np.inf)))
    scale = scale if np.isfinite(scale) else 0.0
    middle = (low + high) / 2
    xs = width / 2 + (coords[:, 0] - middle[0]) * scale
    ys = height / 2 - (coords[:, 1] - middle[1]) * scale
    return np.column_stack([xs, ys])


def nearest_group(vector: np.ndarray, own: np.ndarray, groups: np.ndarray) -> int:
    """The interest group of the own paper closest (by cosine) to ``vector``, if any."""
    grouped = np.flatnonzero(groups != NO_GROUP)
    if len(grouped) == 0:
        return NO_GROUP
    return int(groups[grouped[int(np.argmax(own[grouped] @ vector))]])


def _point(paper: Paper, x: float, y: float, kind: str, group: int, **extra: object) -> MapPoint:
    return MapPoint(
        float(x),
        float(y),
        kind,
        group,
        paper.id,
        display_text(paper.title) or "(untitled)",
        short_authors(paper.authors),
        paper_link(paper),
        **extra,  # type: ignore[arg-type]
    )


def _own_points(
    own: Sequence[tuple[Paper, bool]],
    own_xy: np.ndarray,
    group_of: dict[str, int],
    label_of: dict[str, str],
) -> list[MapPoint]:
    """The reader's papers on the map: in their interest's colour, or left out."""
    points = []
    for (paper, included), (x, y) in zip(own, own_xy, strict=True):
        if included:
            group, interest = group_of.get(paper.id, NO_GROUP), label_of.get(paper.id, "")
            points.append(_point(paper, x, y, "own", group, interest=interest))
        else:
            points.append(_point(paper, x, y, "excluded", NO_GROUP))
    return points


def _context_points(
    listing: Sequence[Paper], listing_xy: np.ndarray, picked: set[str]
) -> list[MapPoint]:
    """The points of the listing's papers that were not picked."""
    return [
        _point(paper, x, y, "context", NO_GROUP)
        for paper, (x, y) in zip(listing, listing_xy, strict=True)
        if paper.id not in picked
    ]


def build_topic_map(
    own: Sequence[tuple[Paper, bool]],
    own_vectors: np.ndarray,
    listing: Sequence[Paper],
    listing_vectors: np.ndarray,
    picks: Sequence[Recommendation],
    interests: Sequence[Interest],
    place: Layout = layout,
) -> TopicMap:
    """The map of one reader and one day. Rows of the vectors match ``own`` and ``listing``;
    every pick must be in ``listing``."""
    labels = [display_text(i.label) for i in interests]
    group_of, label_of = interest_groups(interests, labels)
    placed, method, height = placed_papers(own_vectors, listing_vectors, place)
    own_xy, listing_xy = placed[: len(own)], placed[len(own) :]
    own_groups = np.array([group_of.get(p.id, NO_GROUP) for p, _ in own], dtype=int)
    points = _context_points(listing, listing_xy, {rec.paper.id for rec in picks})
    points += _own_points(own, own_xy, group_of, label_of)
    row_of = {paper.id: n for n, paper in enumerate(listing)}
    by_label = {label: n % COLORS for n, label in enumerate(labels)}
    for rec in sorted(picks, key=lambda r: -r.rank):
        row = row_of[rec.paper.id]
        group, interest = pick_group(
            rec, listing_vectors[row], own_vectors, own_groups, labels, by_label
        )
        x, y = listing_xy[row]
        points.append(_point(rec.paper, x, y, "pick", group, rank=rec.rank, interest=interest))
    return TopicMap(
        points=tuple(points),
        labels=place_labels(own_xy, own_groups, labels, height),
        legend=tuple((n % COLORS, label) for n, label in enumerate(labels)),
        method=method,
        listed=len(listing),
        height=height,
        regions=regions(listing, listing_xy) if len(listing) else (),
    )


def interest_groups(
    interests: Sequence[Interest], labels: Sequence[str]
) -> tuple[dict[str, int], dict[str, str]]:
    """Each own paper's colour group and interest label (its first interest's)."""
    group_of: dict[str, int] = {}
    label_of: dict[str, str] = {}
    for index, found in enumerate(interests):
        for pid in found.paper_ids:
            group_of.setdefault(pid, index % COLORS)
            label_of.setdefault(pid, labels[index])
    return group_of, label_of


def placed_papers(
    own_vectors: np.ndarray, listing_vectors: np.ndarray, place: Layout
) -> tuple[np.ndarray, str, int]:
    """Own papers then the listing laid out in the box: their points, the method, the height."""
    # a side without rows may come without columns too (no listing day yet): leave it out
    parts = [np.asarray(v) for v in (own_vectors, listing_vectors) if len(v)]
    if not parts:
        return np.zeros((0, 2)), "-", HEIGHT
    coords, method = place(np.vstack(parts))
    height = height_for(coords)
    return fit_to_box(coords, WIDTH, height), method, height


def pick_group(
    rec: Recommendation,
    vector: np.ndarray,
    own_vectors: np.ndarray,
    own_groups: np.ndarray,
    labels: Sequence[str],
    by_label: dict[str, int],
) -> tuple[int, str]:
    """A pick's colour group and interest: its own interest's (``by_label``: each label's
    group), else its nearest own paper's."""
    interest = display_text(rec.interest)
    group = by_label.get(interest, NO_GROUP)
    if group == NO_GROUP and len(own_groups):
        group = nearest_group(vector, np.asarray(own_vectors), own_groups)
        interest = next((labels[n] for n in range(len(labels)) if n % COLORS == group), "")
    return group, interest


def place_labels(
    own_xy: np.ndarray, own_groups: np.ndarray, labels: Sequence[str], height: int = HEIGHT
) -> tuple[MapLabel, ...]:
    """Each interest's label near the middle of its own papers, moved where it does not
    cover another label (largest interests placed first). ``static/map.js`` moves them
    again off the marks, at the size the screen shows them."""
    found = []
    for group, text in enumerate(labels):
        members = own_xy[own_groups == group % COLORS] if len(own_xy) else own_xy
        if len(members) and text:
            middle = np.median(members, axis=0)
            found.append((len(members), group % COLORS, text, float(middle[0]), float(middle[1])))
    boxes: list[tuple[float, float, float, float]] = []
    out = []
    for _, group, text, x, y in sorted(found, key=lambda f: -f[0]):
        half = len(text) * LABEL_SIZE * CHAR_WIDTH / 2
        for dx, dy in _NUDGES:
            cx = min(max(x + dx, PAD + half), WIDTH - PAD - half)
            cy = min(max(y + dy, PAD), height - PAD / 2)
            box = (cx - half, cy - LABEL_SIZE, cx + half, cy + 3)
            if not any(_overlap(box, other) for other in boxes):
                break
        boxes.append(box)
        out.append(MapLabel(cx, cy, text, group))
    return tuple(out)


_NUDGES = [(0.0, -16.0), (0.0, 26.0), (0.0, -34.0), (0.0, 44.0), (0.0, -52.0), (0.0, 62.0)]


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
