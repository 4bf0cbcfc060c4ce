"""The topic map's geometry: PCA projection, fitting into the picture, groups and labels."""

from __future__ import annotations

import numpy as np

from paperfeed.records import Interest, Paper, Recommendation
from paperfeed.web.topicmap import (
    HEIGHT,
    NO_GROUP,
    PAD,
    WIDTH,
    build_topic_map,
    fit_to_box,
    project_2d,
)


def test_projection_keeps_the_main_directions() -> None:
    rng = np.random.default_rng(0)
    # Points spread along axis 0 (wide) and axis 1 (narrow) of a 10-d space, plus noise.
    base = np.zeros((50, 10))
    base[:, 0] = rng.normal(0, 10, 50)
    base[:, 1] = rng.normal(0, 3, 50)
    noisy = base + rng.normal(0, 0.01, base.shape)
    coords, kept = project_2d(noisy)
    assert coords.shape == (50, 2) and kept > 0.99
    assert abs(np.corrcoef(coords[:, 0], base[:, 0])[0, 1]) > 0.99
    assert abs(np.corrcoef(coords[:, 1], base[:, 1])[0, 1]) > 0.99


def test_projection_of_degenerate_inputs() -> None:
    assert project_2d(np.zeros((0, 4)))[0].shape == (0, 2)
    single, _ = project_2d(np.ones((1, 4)))
    assert single.shape == (1, 2)
    same, _ = project_2d(np.ones((3, 4)))
    placed = fit_to_box(same)
    assert np.allclose(placed, [[WIDTH / 2, HEIGHT / 2]] * 3)


def test_fit_to_box_stays_inside_the_padding() -> None:
    coords = np.array([[-5.0, 2.0], [3.0, -1.0], [0.0, 0.0]])
    placed = fit_to_box(coords)
    assert placed[:, 0].min() == PAD and placed[:, 0].max() == WIDTH - PAD
    assert placed[:, 1].min() == PAD and placed[:, 1].max() == HEIGHT - PAD
    assert placed[0, 1] < placed[1, 1]  # larger y is drawn higher up


def test_map_groups_own_papers_by_interest_and_marks_picks() -> None:
    own = [
        (Paper("a1", "Graphs <b>"), True),
        (Paper("a2", "Speech"), True),
        (Paper("a3", "Old namesake"), False),
    ]
    picks = [Recommendation(Paper("p1", "New graphs"), 0.9, 1, interest="graphs")]
    interests = [Interest("graphs", ("graph",), ("a1",)), Interest("speech", ("speech",), ("a2",))]
    vectors = {"a1": [1, 0, 0], "a2": [0, 1, 0], "a3": [0, 0, 1], "p1": [0.9, 0.1, 0]}
    picture = build_topic_map(
        own, picks, interests, lambda papers: np.array([vectors[p.id] for p in papers], float)
    )
    kinds = [(p.kind, p.group) for p in picture.points]
    assert kinds == [("own", 0), ("own", 1), ("excluded", NO_GROUP), ("pick", 0)]
    assert picture.points[0].label == "Your paper: Graphs <b>"  # escaped by the template
    assert picture.points[3].label.startswith("Pick #1: New graphs")
    assert picture.legend == ((0, "graphs"), (1, "speech"))


def test_a_pick_without_a_known_interest_takes_its_nearest_own_papers_color() -> None:
    own = [(Paper("a1", "Graphs"), True), (Paper("a2", "Speech"), True)]
    picks = [Recommendation(Paper("p1", "Talking"), 0.5, 1, interest="something else")]
    interests = [Interest("graphs", (), ("a1",)), Interest("speech", (), ("a2",))]
    vectors = {"a1": [1.0, 0.0], "a2": [0.0, 1.0], "p1": [0.2, 0.98]}
    picture = build_topic_map(
        own, picks, interests, lambda papers: np.array([vectors[p.id] for p in papers])
    )
    assert picture.points[-1].kind == "pick" and picture.points[-1].group == 1
