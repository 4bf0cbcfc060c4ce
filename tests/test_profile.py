"""Tests of paperfeed.profile: co-author groups and namesake flags."""

import numpy as np

from paperfeed import profile
from paperfeed.records import Paper


def _unit(rows: list[list[float]]) -> np.ndarray:
    matrix = np.array(rows, dtype=np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


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
