"""Tests of paperfeed.ranking.interests: clusters of own papers and their labels."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from paperfeed.ranking.interests import cluster_papers, label_terms


def _unit(rows: list[list[float]]) -> np.ndarray:
    matrix = np.array(rows, dtype=np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def test_cluster_papers_finds_topics_largest_first() -> None:
    vectors = _unit([[0, 1, 0.1], [1, 0, 0], [1, 0.1, 0], [0.9, 0, 0.1], [0, 1, 0]])
    assert cluster_papers(vectors, 0.5).tolist() == [1, 0, 0, 0, 1]
    assert cluster_papers(vectors[:1], 0.5).tolist() == [0]
    assert cluster_papers(vectors[:0], 0.5).tolist() == []


def _rows(papers: list[list[str]], terms: list[str]) -> sp.csr_matrix:
    return sp.csr_matrix(np.array([[1.0 if t in p else 0.0 for t in terms] for p in papers]))


def test_a_label_prefers_a_bigram_and_what_sets_the_cluster_apart() -> None:
    terms = ["graph", "neural", "graph neural", "protein", "training", "skywork"]
    idf = np.array([3.0, 2.0, 4.0, 3.0, 1.2, 9.0])
    papers = [
        ["graph", "neural", "graph neural", "training"],
        ["graph", "neural", "graph neural", "training", "skywork"],  # one paper's model name
        ["graph", "training"],
        ["protein", "training"],
        ["protein", "training"],
    ]
    labels = np.array([0, 0, 0, 1, 1])
    rows = _rows(papers, terms)
    names = label_terms(rows, _rows([[]] * 5, terms), labels, terms, idf, 3)
    assert names[0][0] == "graph neural"  # the bigram, not its words again
    assert "graph" not in names[0] and "skywork" not in names[0]
    assert "training" not in names[0]  # everywhere in the profile, and too broad alone
    assert names[1] == ["protein"]


def test_a_name_that_dominates_its_interest_labels_it() -> None:
    terms = ["quokkanet", "burrow", "census"]
    papers = [["quokkanet", "burrow"], ["quokkanet", "census"], ["quokkanet"]]
    rows, no_titles = _rows(papers, terms), _rows([[]] * 3, terms)
    names = label_terms(rows, no_titles, np.zeros(3, dtype=int), terms, np.ones(3), 2)
    assert names[0][0] == "quokkanet"


def test_a_title_term_wins_over_a_rarer_one_of_the_abstract_and_filler_never_labels() -> None:
    terms = ["backdoor", "party provider", "remarkable capability", "poisoning"]
    idf = np.array([7.0, 9.8, 12.0, 6.0])
    paper = [["backdoor", "party provider", "remarkable capability", "poisoning"]]
    title = [["backdoor"]]
    names = label_terms(_rows(paper, terms), _rows(title, terms), np.zeros(1, int), terms, idf, 3)
    assert names[0] == ["backdoor", "party provider", "poisoning"]
    untitled = label_terms(_rows(paper, terms), _rows([[]], terms), np.zeros(1, int), terms, idf, 1)
    assert untitled[0] == ["party provider"]  # without the title, the rarest non-filler term
