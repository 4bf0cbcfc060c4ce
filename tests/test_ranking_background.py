"""Tests of paperfeed.ranking.background: the history's rows split into negatives and the
held-out sample, with or without copying them."""

from __future__ import annotations

import io

import numpy as np
import pytest
import scipy.sparse as sp
from fakes import HashingEmbedder
from ranking_data import SMALL, history

from paperfeed import memory
from paperfeed.ranking.background import Background, background_from_history, kept_rows
from paperfeed.ranking.candidates import texts_of
from paperfeed.ranking.space import fit_space


def _same(a: sp.csr_matrix, b: sp.csr_matrix) -> None:
    assert a.shape == b.shape and a.dtype == b.dtype
    for part in ("data", "indices", "indptr"):
        np.testing.assert_array_equal(getattr(a, part), getattr(b, part))
        assert getattr(a, part).dtype == getattr(b, part).dtype


@pytest.mark.parametrize("seed", range(6))
def test_rows_kept_in_place_are_the_rows_copied(seed: int) -> None:
    rng = np.random.default_rng(seed)
    matrix = sp.random(50, 30, density=0.2, format="csr", dtype=np.float32, rng=rng)
    keep = rng.random(50) < [0.0, 1.0, 0.1, 0.5, 0.9, 0.97][seed]
    _same(kept_rows(matrix.copy(), keep, in_place=True), matrix[keep])


def test_the_background_is_the_same_built_in_place() -> None:
    texts = texts_of(history())
    embed = HashingEmbedder().embed
    space, word_rows, char_rows = fit_space(texts, SMALL)
    copied = background_from_history(space, word_rows, char_rows, texts, embed, SMALL)
    moved = background_from_history(
        space, word_rows.copy(), char_rows.copy(), texts, embed, SMALL, in_place=True
    )
    for a, b in [
        (copied.word_rows, moved.word_rows),
        (copied.char_rows, moved.char_rows),
        (copied.held_out.words, moved.held_out.words),
        (copied.held_out.chars, moved.held_out.chars),
    ]:
        _same(a, b)
    np.testing.assert_array_equal(copied.vectors, moved.vectors)
    assert _npz(copied) == _npz(moved)
    again = Background.read(io.BytesIO(_npz(moved)), space)
    _same(again.char_rows, moved.char_rows)
    np.testing.assert_array_equal(again.held_out.vectors, moved.held_out.vectors)


def _npz(background: Background) -> bytes:
    file = io.BytesIO()
    background.write(file)
    return file.getvalue()
    memory.release()  # runs with or without glibc
