"""Tests of paperfeed.tokens: words, tokens, stems, terms and boilerplate."""

import pytest

from paperfeed import tokens


def test_tokenize_folds_case_accents_and_drops_stopwords_numbers() -> None:
    found = tokens.tokenize("In this paper we use Naïve Bayes for Networks 2024 \\emph{x}")
    assert found == ["paper", "use", "naive", "bayes", "network"]


def test_boilerplate_terms_are_recognized_for_display() -> None:
    assert tokens.is_boilerplate("paper")
    assert tokens.is_boilerplate("propose method")
    assert not tokens.is_boilerplate("language model")


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("networks", "network"),
        ("policies", "policy"),
        ("classes", "class"),
        ("responses", "response"),
        ("analysis", "analysis"),
        ("bus", "bus"),
        ("gas", "gas"),
    ],
)
def test_stem_folds_plurals_only(word: str, stem: str) -> None:
    assert tokens.stem(word) == stem


def test_analyze_adds_bigrams_of_adjacent_kept_words_only() -> None:
    terms = tokens.analyze("large language models for the graph")
    assert "language model" in terms
    assert "large language" in terms
    assert "model graph" not in terms  # "for the" sits between them
