"""Tests of paperfeed.profile: interests by clustering, labels, co-author groups, namesakes."""

import numpy as np
import scipy.sparse as sp

from paperfeed import profile
from paperfeed.records import Paper


def _unit(rows: list[list[float]]) -> np.ndarray:
    matrix = np.array(rows, dtype=np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def test_cluster_papers_finds_topics_largest_first() -> None:
    vectors = _unit([[0, 1, 0.1], [1, 0, 0], [1, 0.1, 0], [0.9, 0, 0.1], [0, 1, 0]])
    labels = profile.cluster_papers(vectors, distance_threshold=0.5)
    assert labels.tolist() == [1, 0, 0, 0, 1]
    assert profile.cluster_papers(vectors[:1]).tolist() == [0]
    assert profile.cluster_papers(vectors[:0]).tolist() == []


def test_label_terms_pick_what_sets_a_cluster_apart() -> None:
    terms = ["graph", "protein", "learning"]
    rows = sp.csr_matrix(np.array([[0.9, 0, 0.4], [0.8, 0, 0.5], [0, 0.9, 0.4]]))
    labels = np.array([0, 0, 1])
    names = profile.label_terms(rows, labels, terms, n_terms=2)
    assert names[0][0] == "graph"
    assert names[1][0] == "protein"
    assert "graph" not in names[1]


def test_find_interests_returns_records_with_their_papers() -> None:
    papers = [Paper(id=f"p{i}", title=t) for i, t in enumerate(["a", "b", "c"])]
    vectors = _unit([[1, 0], [1, 0.05], [0, 1]])
    rows = sp.csr_matrix(np.array([[1.0, 0], [1.0, 0], [0, 1.0]]))
    interests, labels = profile.find_interests(papers, vectors, rows, ["graph", "vision"], 0.5)
    assert [i.paper_ids for i in interests] == [("p0", "p1"), ("p2",)]
    assert interests[0].label == "graph" and interests[0].terms == ("graph",)
    assert labels.tolist() == [0, 0, 1]


def test_author_key_and_same_person() -> None:
    assert profile.author_key("Fang, Han") == ("fang", "han")
    assert profile.author_key("Han Fang") == ("fang", "han")
    assert profile.same_person(("fang", "han"), ("fang", "h"))
    assert not profile.same_person(("zhang", "hejia"), ("zhang", "hao"))
    assert not profile.same_person(("fang", "han"), ("feng", "han"))


def _paper(pid: str, authors: list[str]) -> Paper:
    return Paper(id=pid, title=pid, authors=tuple(authors))


def test_coauthor_groups_ignore_the_owner() -> None:
    papers = [
        _paper("a", ["Han Fang", "Di Jin"]),
        _paper("b", ["Di Jin", "Fang, Han"]),
        _paper("c", ["Han Fang", "Paul Weng"]),
    ]
    groups = profile.coauthor_groups(papers, "Han Fang")
    assert groups.tolist() == [0, 0, 1]


def test_namesake_flags_likely_needs_both_no_coauthor_and_a_far_topic() -> None:
    papers = [
        _paper("llm1", ["Han Fang", "Di Jin", "Tengyu Xu"]),
        _paper("llm2", ["Tengyu Xu", "Han Fang"]),
        _paper("llm3", ["Di Jin", "Han Fang"]),
        _paper("packing", ["Han Fang", "Paul Weng"]),  # stranger, far topic: flagged
        _paper("llm4", ["Han Fang", "Someone Else"]),  # stranger, same topic: kept
    ]
    vectors = _unit([[1, 0.1, 0], [1, 0, 0.1], [1, 0.1, 0.1], [0, 0, 1], [1, 0.05, 0]])
    flags = profile.namesake_flags(papers, "Han Fang", vectors)
    assert [(f.paper_id, f.likely) for f in flags] == [("packing", True), ("llm4", False)]
    assert "co-author" in flags[0].reason and "far from" in flags[0].reason
    assert "close to" in flags[1].reason
    assert profile.namesake_flags(papers[:2], "Han Fang", vectors[:2]) == []
