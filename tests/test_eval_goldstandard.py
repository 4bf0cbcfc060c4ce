"""Tests of paperfeed.eval.goldstandard on a tiny data set written here."""

import json
from pathlib import Path

import pytest

from paperfeed.eval import goldstandard


def write_fixture(root: Path, draws: int = 2) -> Path:
    gold = root / "goldstandard"
    (gold).mkdir(parents=True)
    header = ["ParticipantID"] + [f"Paper{i}" for i in range(1, 11)]
    header += [f"Expertise{i}" for i in range(1, 11)]
    row = ["7", "s1", "s2", "s3"] + [""] * 7 + ["5", "1", "3"] + [""] * 7
    (gold / "evaluations.csv").write_text("\t".join(header) + "\n" + "\t".join(row) + "\n")
    subs = {
        "s1": {"id": "s1", "content": {"title": "graph networks", "abstract": "graphs"}},
        "s2": {"id": "s2", "content": {"title": "poetry", "abstract": "rhymes"}},
        "s3": {"id": "s3", "content": {"title": "graph poetry", "abstract": "mixed"}},
        "s4": {"id": "s4", "content": {"title": "unrated", "abstract": "never rated"}},
    }
    for d in range(1, draws + 1):
        folder = gold / "evaluation_datasets" / f"d_20_{d}"
        (folder / "archives").mkdir(parents=True)
        (folder / "submissions.json").write_text(json.dumps(subs))
        own = {"id": "o1", "content": {"title": "graph networks", "abstract": "", "year": 2021}}
        (folder / "archives" / "~7.jsonl").write_text(json.dumps(own) + "\n")
    return gold


def test_load_ratings_and_draw(tmp_path: Path) -> None:
    gold = write_fixture(tmp_path)
    assert goldstandard.load_ratings(gold / "evaluations.csv") == {
        "7": {"s1": 5.0, "s2": 1.0, "s3": 3.0}
    }
    draw = goldstandard.load_draw(gold, 1)
    assert draw.archives["7"][0]["date"] == "2021-07-01"
    assert set(draw.submissions) == {"s1", "s2", "s3", "s4"}
    assert draw.submissions["s2"]["title"] == "poetry"


def test_evaluate_method_scores_all_submissions_and_pools_draws(tmp_path: Path) -> None:
    gold = write_fixture(tmp_path)
    seen = []

    def perfect(own, cands):  # type: ignore[no-untyped-def]
        seen.append(len(cands))
        order = {"s1": 3, "s3": 2, "s2": 1, "s4": 0}
        return [order[c["id"]] for c in cands]

    result = goldstandard.evaluate_method(gold, "perfect", perfect, draws=(1, 2))
    assert result.per_draw == [0.0, 0.0] and result.mean == 0.0
    assert seen == [4, 4]  # every submission is a candidate, rated or not
    reverse = goldstandard.evaluate_method(
        gold, "rev", lambda o, c: [-x for x in perfect(o, c)], draws=(1,)
    )
    assert reverse.per_draw == [1.0]
    ties = goldstandard.evaluate_method(gold, "ties", lambda o, c: [0.0] * len(c), draws=(1,))
    assert ties.per_draw == [pytest.approx(0.5)]
    table = goldstandard.goldstandard_table([result, reverse])
    assert table.key == "goldstandard" and table.rows[1][1] == "1.000"
