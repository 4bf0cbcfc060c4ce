"""Tests of paperfeed.ranking.settings: every knob named once, settable from the config."""

from __future__ import annotations

import pytest

from paperfeed.ranking.settings import DEFAULTS, settings_from


def test_a_config_table_sets_knobs_by_name() -> None:
    settings = settings_from({"dense_k": 5, "weights": {"dense": 2.0}, "redundancy": 0.1})
    assert settings.dense_k == 5 and settings.weights == {"dense": 2.0}
    assert settings.lexical_k == DEFAULTS.lexical_k
    assert settings_from({}) == DEFAULTS


def test_an_unknown_or_mistyped_knob_is_an_error_naming_it() -> None:
    with pytest.raises(ValueError, match="dense_kk"):
        settings_from({"dense_kk": 5})
    with pytest.raises(ValueError, match="dense_k"):
        settings_from({"dense_k": "many"})


def test_the_training_key_changes_only_with_what_training_uses() -> None:
    import dataclasses

    assert dataclasses.replace(DEFAULTS, redundancy=0.9).training_key() == DEFAULTS.training_key()
    assert dataclasses.replace(DEFAULTS, model_terms=5).training_key() != DEFAULTS.training_key()
