"""Tests of paperfeed.embed: the bundled model loaded, unloaded and loaded again."""

import threading

import numpy as np
from fakes import HashingEmbedder

from paperfeed.embed import EmbeddingCache, MiniLMOnnx

TEXTS = [
    f"Paper {i}: graph neural networks for molecule {i} property prediction" for i in range(40)
]


def test_an_unloaded_model_loads_again_and_embeds_the_same() -> None:
    model = MiniLMOnnx(workers=1)
    first = model.embed(TEXTS[:3])
    model.unload()
    assert model._session is None
    np.testing.assert_allclose(model.embed(TEXTS[:3]), first, atol=1e-6)
    assert model._session is not None


def test_unloading_while_texts_are_embedded_spoils_none_of_them() -> None:
    model = MiniLMOnnx(workers=2)
    expected = model.embed(TEXTS)
    done = threading.Event()
    results: list[np.ndarray] = []

    def embed() -> None:
        try:
            results.append(model.embed(TEXTS))
        finally:
            done.set()

    thread = threading.Thread(target=embed)
    thread.start()
    while not done.is_set():
        model.unload()  # runs under way keep the session they started with
    thread.join()
    assert len(results) == 1, "the embedding failed"
    np.testing.assert_allclose(results[0], expected, atol=1e-6)


def test_a_cache_unloads_only_models_that_can_be_unloaded() -> None:
    cache = EmbeddingCache(HashingEmbedder())
    cache.unload_model()  # the hashing embedder has nothing to unload
    vectors = cache.embed_papers([{"title": "graph networks"}])
    assert vectors.shape == (1, 64)
