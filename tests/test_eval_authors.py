"""Tests of paperfeed.eval.authors on a tiny corpus and split written here."""

import gzip
import json
from pathlib import Path

import pytest

from paperfeed.eval import authors

ROWS = [
    {
        "id": "2501.00001",
        "title": "graph networks",
        "abstract": "graphs",
        "authors": ["A B"],
        "categories": ["cs.LG"],
        "date": "2025-01-02",
    },
    {
        "id": "2603.00001",
        "title": "graph networks again",
        "abstract": "graphs",
        "authors": ["A B"],
        "categories": ["cs.LG"],
        "date": "2026-03-02",
    },
    {
        "id": "2603.00002",
        "title": "poetry",
        "abstract": "rhymes",
        "authors": ["C D"],
        "categories": ["cs.CL"],
        "date": "2026-03-03",
    },
    {
        "id": "2603.00003",
        "title": "graph poetry",
        "abstract": "both",
        "authors": ["E F"],
        "categories": ["cs.CL"],
        "date": "2026-03-04",
    },
    {
        "id": "2604.00001",
        "title": "april",
        "abstract": "later",
        "authors": ["A B"],
        "categories": ["cs.LG"],
        "date": "2026-04-02",
    },
]


def write_fixture(root: Path) -> tuple[Path, Path]:
    corpus = root / "corpus.jsonl.gz"
    with gzip.open(corpus, "wt") as handle:
        handle.writelines(json.dumps(r) + "\n" for r in ROWS)
    split = root / "split.json"
    split.write_text(
        json.dumps(
            {
                "cutoff": "2026-03-01",
                "end": "2026-04-01",
                "tasks": [
                    {"user": "A B", "profile": ["2501.00001"], "positives": ["2603.00001"]},
                    {
                        "user": "C D",
                        "profile": ["2501.00001", "missing"],
                        "positives": ["2603.00002"],
                    },
                ],
            }
        )
    )
    return split, corpus


def test_load_split_takes_the_month_without_authors(tmp_path: Path) -> None:
    split = authors.load_split(*write_fixture(tmp_path))
    assert [p.id for p in split.candidates] == ["2603.00001", "2603.00002", "2603.00003"]
    assert all(p.authors == () for p in split.candidates)
    assert split.tasks[0].profile[0].authors == ("A B",)  # own papers keep theirs
    assert [p.id for p in split.tasks[1].profile] == ["2501.00001"]


def test_evaluate_method_and_table(tmp_path: Path) -> None:
    split = authors.load_split(*write_fixture(tmp_path))

    def graph_first(own, cands):  # type: ignore[no-untyped-def]
        return [1.0 if "graph" in c.title else 0.0 for c in cands]

    result = authors.evaluate_method(split, "graph", graph_first)
    assert result.ndcg[0] == pytest.approx(1.0)  # ties keep corpus order: 00001 first
    assert result.recall == [1.0, 1.0]
    assert result.ndcg[1] == pytest.approx(0.5)  # third place: 1/log2(4)
    table = authors.authors_table([result])
    assert table.key == "authors" and table.rows[0][1] == "0.750"


def test_simulate_feedback_measures_unseen_papers_only(tmp_path: Path) -> None:
    split = authors.load_split(*write_fixture(tmp_path))
    ids = [p.id for p in split.candidates]

    def digest(task):  # type: ignore[no-untyped-def]
        return ["2603.00003"]

    def base(task):  # type: ignore[no-untyped-def]
        return [0.0, 1.0, 2.0]  # worst order: positives last

    seen_ratings = []

    def rescore(task, ratings):  # type: ignore[no-untyped-def]
        seen_ratings.append(ratings)
        return [1.0 if i in task.positives else 0.0 for i in ids]

    result = authors.simulate_feedback(split, digest, rescore, base)
    assert seen_ratings == [{"2603.00003": -1}, {"2603.00003": -1}]
    assert result.after == [1.0, 1.0]
    assert result.users == [task.user for task in split.tasks]  # both had a positive left
    assert result.before[0] == pytest.approx(1 / __import__("math").log2(3))
    assert "before" in authors.feedback_notes(result)[0]
