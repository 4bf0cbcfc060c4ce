"""Tests of paperfeed.eval.runner: both benchmarks end to end on tiny data written here."""

import gzip
import json
import shutil
from pathlib import Path

import pytest
import test_eval_authors
import test_eval_goldstandard
from fakes import HashingEmbedder

from paperfeed import api
from paperfeed.eval import runner
from paperfeed.ranking import Ranker


@pytest.fixture
def data(tmp_path: Path) -> Path:
    split, corpus = test_eval_authors.write_fixture(tmp_path)
    (tmp_path / "author-split").mkdir()
    shutil.move(split, tmp_path / "author-split" / "march-2026.json")
    shutil.move(corpus, tmp_path / "arxiv-cs-2025.jsonl.gz")
    test_eval_goldstandard.write_fixture(tmp_path, draws=10)
    api.clear_caches()
    return tmp_path


def test_read_history_is_the_newest_papers_before_the_day(data: Path) -> None:
    assert runner.read_history(data, "2026-03-03") == [
        "graph networks. graphs",
        "graph networks again. graphs",
    ]
    assert runner.read_history(data, "2026-03-03", size=1) == ["graph networks again. graphs"]
    with gzip.open(data / "arxiv-cs-2025.jsonl.gz", "rt") as handle:
        assert len(handle.readlines()) == 5


def test_weight_variants_recombine_the_same_signals_as_score(data: Path) -> None:
    paperfeed = runner.Paperfeed(Ranker(HashingEmbedder()), ["poetry rhymes", "graph poetry"])
    own = [{"title": "graph networks", "abstract": "graphs"}]
    candidates = [
        {"id": f"c{i}", "title": t, "abstract": t}
        for i, t in enumerate(["graph networks", "poetry", "graph poetry"])
    ]
    fast = paperfeed.scorer()(own, candidates)
    direct = api.score(own, candidates, embedder=HashingEmbedder())
    assert fast == pytest.approx(direct, abs=1e-5)
    assert max(range(3), key=lambda i: fast[i]) == 0


def test_both_benchmarks_give_tables_with_the_default_beside_baselines(data: Path) -> None:
    # (arxiv-sanity-lite's vectorizer needs more papers than this: min_df 5)
    only = [
        "TF-IDF best-3",
        runner.DEFAULT_NAME,
        "paperfeed: without history (packaged background)",
        "paperfeed: without dense",
    ]
    gold = runner.run_goldstandard(data, embedder=HashingEmbedder(), ablations=True, only=only)
    per_researcher = [f"{name}, per-researcher lists" for name in only[:2]]
    assert [row[0] for row in gold.rows] == [*only, *per_researcher]
    table = runner.run_authors(data, embedder=HashingEmbedder(), feedback=True, only=only[:2])
    names = {row[0] for row in table.rows}
    assert names >= {runner.DEFAULT_NAME, "TF-IDF best-3", f"{runner.DEFAULT_NAME}, held-out half"}
    assert any("feedback simulation" in note for note in table.notes)
    assert json.dumps(table.to_markdown())
