"""Tests of paperfeed.deliver.latex: LaTeX in titles and abstracts made readable."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paperfeed.deliver.latex import latex_to_text


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"$\alpha$-divergence and $\beta$-VAE", "α-divergence and β-VAE"),
        (r"$\Gamma$, $\lambda$ and $\omega$", "Γ, λ and ω"),
        (r"\textbf{Fast} \emph{and} {S}afe", "Fast and Safe"),
        (r"$O(n \log n)$ time", "O(n log n) time"),
        (r"$x^{2}$, $x_1$, $x^{-1}$, $W^{T}$", "x², x₁, x⁻¹, W^T"),
        (r"$\epsilon \leq 0.1$ and $k \geq 2$, $a \neq b$", "ε ≤ 0.1 and k ≥ 2, a ≠ b"),
        (r"$\mathbb{R}^d$ and $\frac{1}{2}$", "ℝ^d and 1/2"),
        (r"$\mathcal{O}(1)$ with $\sqrt{n}$ steps", "O(1) with √n steps"),
        (r"Sch\"{o}lkopf, Erd\H{o}s, G\'eron, na\"ive", "Schölkopf, Erdős, Géron, naïve"),
        (r"50\% faster \& 2\$ cheaper", "50% faster & 2$ cheaper"),
        ("costs $5 today", "costs $5 today"),  # an unpaired dollar is text
        ("line\nbreak   and  spaces", "line break and spaces"),
        (r"10--20\% --- quite a lot", "10–20% — quite a lot"),
        (r"$\{1, 2\}$ and $\|x\|_2$", "{1, 2} and ‖x‖₂"),
        (r"see \cite{smith2020} and \href{https://x.org}{our code}", "see and our code"),
        (r"$\alpha \to \infty$ as $n \times m$", "α → ∞ as n × m"),
        (r"\LaTeX{} is fine", "LaTeX is fine"),
        ("", ""),
    ],
)
def test_converts_common_latex(source: str, expected: str) -> None:
    assert latex_to_text(source) == expected


def test_unknown_commands_keep_their_name() -> None:
    result = latex_to_text(r"$\operatorname{softmax}(x)$ and \newcommand")
    assert result == "softmax(x) and newcommand"


def test_leaves_html_alone_for_the_channels_to_escape() -> None:
    assert latex_to_text("<script>alert(1)</script>") == "<script>alert(1)</script>"


_PLAIN = st.text(
    alphabet=st.characters(blacklist_characters="\\${}^_-`'", blacklist_categories=("Cs", "Cc")),
    max_size=200,
)


@given(_PLAIN)
def test_text_without_latex_only_has_its_whitespace_collapsed(text: str) -> None:
    assert latex_to_text(text) == " ".join(text.split())


@given(st.text(max_size=200))
def test_any_input_gives_one_line_without_raising(text: str) -> None:
    result = latex_to_text(text)
    assert "\n" not in result
    assert result == result.strip()
