"""The topic map's picture: the listing as context, own papers by interest, numbered picks,
interest labels at their papers, and a picture that keeps the layout's shape."""

from __future__ import annotations

import numpy as np

from paperfeed.records import Interest, Paper, Recommendation
from paperfeed.web.topicmap import (
    HEIGHT,
    MAX_HEIGHT,
    MIN_HEIGHT,
    NO_GROUP,
    PAD,
    WIDTH,
    build_topic_map,
    fit_to_box,
    height_for,
)


def as_given(vectors: np.ndarray) -> tuple[np.ndarray, str]:
    """A 'layout' that uses the first two coordinates as they are."""
    return vectors[:, :2].astype(float), "given"


def test_fit_to_box_keeps_the_aspect_and_stays_inside() -> None:
    coords = np.array([[-5.0, 2.0], [5.0, -1.0], [0.0, 0.0]])
    placed = fit_to_box(coords)
    assert placed[:, 0].min() == PAD and placed[:, 0].max() == WIDTH - PAD
    height = placed[:, 1].max() - placed[:, 1].min()
    assert abs(height / (WIDTH - 2 * PAD) - 3 / 10) < 1e-9  # not stretched to fill
    assert placed[0, 1] < placed[1, 1]  # larger y is drawn higher up
    assert np.allclose(fit_to_box(np.ones((3, 2))), [[WIDTH / 2, HEIGHT / 2]] * 3)


def test_the_picture_takes_the_layouts_aspect_within_limits() -> None:
    assert height_for(np.array([[0.0, 0.0], [1.0, 1.0]])) == WIDTH
    assert height_for(np.array([[0.0, 0.0], [10.0, 1.0]])) == MIN_HEIGHT
    assert height_for(np.array([[0.0, 0.0], [1.0, 10.0]])) == MAX_HEIGHT


def test_listing_own_papers_and_numbered_picks() -> None:
    own = [(Paper("a1", "Graphs <b>"), True), (Paper("a2", "Speech"), True),
           (Paper("a3", "Old namesake"), False)]  # fmt: skip
    listing = [Paper("l1", "New graphs"), Paper("l2", "Other"), Paper("l3", "Talking")]
    picks = [
        Recommendation(listing[2], 0.5, 2, interest="speech"),
        Recommendation(listing[0], 0.9, 1, interest="graphs"),
    ]
    interests = [Interest("graphs", ("graph",), ("a1",)), Interest("speech", ("speech",), ("a2",))]
    own_vectors = np.array([[0.0, 0.0], [10.0, 0.0], [5.0, 9.0]])
    listing_vectors = np.array([[1.0, 1.0], [5.0, 5.0], [9.0, 1.0]])
    picture = build_topic_map(
        own, own_vectors, listing, listing_vectors, picks, interests, as_given
    )
    kinds = [(p.kind, p.paper_id, p.group, p.rank) for p in picture.points]
    assert kinds == [
        ("context", "l2", NO_GROUP, None),  # the listing minus the picks, drawn first
        ("own", "a1", 0, None),
        ("own", "a2", 1, None),
        ("excluded", "a3", NO_GROUP, None),
        ("pick", "l3", 1, 2),  # numbered as in the digest; #1 last, so drawn on top
        ("pick", "l1", 0, 1),
    ]
    assert picture.points[1].title == "Graphs <b>"  # escaped by the template
    assert picture.points[1].interest == "graphs" and picture.points[-1].interest == "graphs"
    assert picture.legend == ((0, "graphs"), (1, "speech"))
    assert picture.method == "given" and picture.listed == 3
    assert picture.count("context") == 1 and picture.count("pick") == 2
    by_text = {label.text: label for label in picture.labels}
    own_a1 = picture.points[1]
    assert set(by_text) == {"graphs", "speech"}
    label = by_text["graphs"]  # over its paper (moved right to stay inside the picture)
    assert abs(label.x - own_a1.x) < len("graphs") * 13 * 0.56 / 2 + 1
    assert 0 < own_a1.y - label.y < 40 and label.group == 0


def test_a_pick_without_a_known_interest_takes_its_nearest_own_papers() -> None:
    own = [(Paper("a1", "Graphs"), True), (Paper("a2", "Speech"), True)]
    listing = [Paper("p1", "Talking")]
    picks = [Recommendation(listing[0], 0.5, 1, interest="something else")]
    interests = [Interest("graphs", (), ("a1",)), Interest("speech", (), ("a2",))]
    picture = build_topic_map(
        own,
        np.array([[1.0, 0.0], [0.0, 1.0]]),
        listing,
        np.array([[0.2, 0.98]]),
        picks,
        interests,
        as_given,
    )
    assert picture.points[-1].group == 1 and picture.points[-1].interest == "speech"


def test_labels_of_close_interests_do_not_cover_each_other() -> None:
    own = [(Paper(f"a{n}", "x"), True) for n in range(2)]
    interests = [Interest("a long interest label", (), ("a0",)),
                 Interest("another long label", (), ("a1",))]  # fmt: skip
    picture = build_topic_map(
        own, np.array([[0.0, 0.0], [0.1, 0.0]]), [], np.zeros((0, 2)), [], interests, as_given
    )
    first, second = picture.labels
    assert abs(first.y - second.y) >= 13 or abs(first.x - second.x) > 150


def test_an_empty_profile_and_day_draw_nothing() -> None:
    picture = build_topic_map([], np.zeros((0, 3)), [], np.zeros((0, 3)), [], [], as_given)
    assert picture.points == () and picture.labels == () and picture.regions == ()


def test_own_papers_before_any_listing_day_are_drawn() -> None:
    own = [(Paper("p1", "Own graph paper"), True)]
    picture = build_topic_map(
        own, np.array([[0.0, 0.0, 1.0]]), [], np.zeros((0, 0)), [], [], as_given
    )
    assert [point.kind for point in picture.points] == ["own"]
