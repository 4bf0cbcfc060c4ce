"""Where the topic map puts each paper: t-SNE of the embeddings, which keeps topics apart.

PCA (what the map used first) kept a quarter of the variance in two directions and drew
every topic on top of the others. t-SNE keeps each paper near its nearest neighbours, so
the day's papers fall into topic islands and a researcher's interests show as their own
regions; distances between islands mean little, and the map says so. The embeddings are
first reduced to 50 dimensions by PCA (the usual t-SNE preparation: faster, less noise).
For the few hundred to a thousand points of a day the exact gradient is faster than
Barnes-Hut in scikit-learn; beyond that Barnes-Hut takes over.
"""

from __future__ import annotations

import numpy as np

PCA_DIMS = 50
EXACT_UP_TO = 1200
ITERATIONS = 500
PERPLEXITY = 15.0  # chosen by eye (docs/topic-map.md): 30 and 50 blur the day's islands
SEED = 0


def project_2d(vectors: np.ndarray) -> tuple[np.ndarray, float]:
    """Rows projected onto their first two principal components, and the variance share kept
    (the layout of maps too small for t-SNE)."""
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


def tsne_2d(vectors: np.ndarray) -> np.ndarray:
    """2-D t-SNE coordinates of the rows (deterministic: fixed seed, PCA start)."""
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE

    count = len(vectors)
    data = vectors.astype(np.float64)
    if data.shape[1] > PCA_DIMS and count > PCA_DIMS:
        data = PCA(n_components=PCA_DIMS, random_state=SEED).fit_transform(data)
    tsne = TSNE(
        n_components=2,
        perplexity=float(min(PERPLEXITY, (count - 1) / 3)),
        init="pca",
        learning_rate="auto",
        max_iter=ITERATIONS,
        method="exact" if count <= EXACT_UP_TO else "barnes_hut",
        random_state=SEED,
    )
    return np.asarray(tsne.fit_transform(data), dtype=np.float64)


def layout(vectors: np.ndarray) -> tuple[np.ndarray, str]:
    """2-D coordinates of the rows and the method's name: t-SNE, or PCA for fewer than
    ten points (t-SNE needs a neighbourhood to keep)."""
    if len(vectors) < 10:
        return project_2d(vectors)[0], "PCA"
    return tsne_2d(vectors), "t-SNE"
