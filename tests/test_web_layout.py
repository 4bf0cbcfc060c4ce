"""The topic map's layout: t-SNE keeps topics apart where PCA draws them on top of each other."""

from __future__ import annotations

import numpy as np

from paperfeed.web.layout import layout, project_2d


def clustered(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Three topics in 64-D whose differences lie off the main directions of variance."""
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(3), 40)
    centers = np.zeros((3, 64))
    centers[np.arange(3), 10 + np.arange(3)] = 1.2
    noise = rng.normal(0, 0.15, (120, 64))
    noise[:, :2] *= 12  # two wide directions that say nothing about the topic
    return centers[labels] + noise, labels


def separation(coords: np.ndarray, labels: np.ndarray) -> float:
    """Share of points whose nearest neighbour is of the same topic."""
    distances = np.linalg.norm(coords[:, None] - coords[None], axis=2)
    np.fill_diagonal(distances, np.inf)
    return float(np.mean(labels[distances.argmin(axis=1)] == labels))


def test_tsne_keeps_topics_apart_where_pca_mixes_them() -> None:
    vectors, labels = clustered()
    coords, method = layout(vectors)
    assert method == "t-SNE" and coords.shape == (120, 2)
    pca, _ = project_2d(vectors)
    assert separation(coords, labels) > 0.95 > 0.6 > separation(pca, labels)


def test_the_layout_is_the_same_every_time() -> None:
    vectors, _ = clustered(1)
    assert np.allclose(layout(vectors)[0], layout(vectors)[0])


def test_few_points_are_placed_by_pca() -> None:
    coords, method = layout(np.eye(4))
    assert method == "PCA" and coords.shape == (4, 2)
    assert layout(np.zeros((0, 4)))[0].shape == (0, 2)
    single, _ = project_2d(np.ones((1, 4)))
    assert single.shape == (1, 2)
