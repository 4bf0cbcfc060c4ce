"""The background that ships with the package, for rankings without enough history.

``data/background.npz`` (built by ``scripts/build_background.py`` from the arXiv CS
snapshot) holds a feature space fitted on 20,000 papers of the snapshot (May to September
2025), the texts of a fixed random sample of them, and the sample's vectors under the
default embedding model. A library call on a bare list of ten papers is thus ranked
against the field, exactly as the same papers would be inside a day's thousand.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib import resources

import numpy as np
import scipy.sparse as sp

from paperfeed.embed import EmbeddingCache
from paperfeed.ranking.background import Background, background_from_history
from paperfeed.ranking.settings import RankingSettings
from paperfeed.ranking.space import FeatureSpace, lexicon_from

FILE = "background.npz"


@lru_cache(maxsize=1)
def _arrays() -> dict[str, np.ndarray]:
    data = resources.files("paperfeed.ranking").joinpath("data", FILE).read_bytes()
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        return {name: arrays[name] for name in arrays.files}


@lru_cache(maxsize=1)
def key() -> str:
    """The key of the packaged feature space, read alone (a process whose space is stored
    asks it, and the space's vocabularies would take ~50 MB)."""
    data = resources.files("paperfeed.ranking").joinpath("data", FILE).read_bytes()
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        return str(arrays["key"].tobytes().decode())


@lru_cache(maxsize=1)
def space() -> FeatureSpace:
    """The packaged feature space (read once per process)."""
    arrays = _arrays()
    key = arrays["key"].tobytes().decode()
    return FeatureSpace(lexicon_from(arrays, "words_"), lexicon_from(arrays, "chars_"), key)


def texts() -> list[str]:
    """The texts of the packaged sample of background papers."""
    return _arrays()["texts"].tobytes().decode().split("\n")


@lru_cache(maxsize=1)
def _rows() -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """The sample's word and character rows in the packaged space (computed once)."""
    return space().transform(texts())


def background(
    embed_texts: Callable[[Sequence[str]], np.ndarray],
    cache: EmbeddingCache,
    settings: RankingSettings,
) -> Background:
    """The packaged background; its vectors come with it for the default model (other
    models embed the sample once)."""
    sample = texts()
    arrays = _arrays()
    if arrays["model"].tobytes().decode() == cache.embedder.name:
        hashes = arrays["vector_hashes"].tobytes().decode().split("\n")
        vectors = arrays["vectors"].astype(np.float32)
        cache.remember(
            dict(zip(hashes, vectors / np.linalg.norm(vectors, axis=1)[:, None], strict=True))
        )
    word_rows, char_rows = _rows()
    return background_from_history(space(), word_rows, char_rows, sample, embed_texts, settings)
