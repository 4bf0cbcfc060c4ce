"""Tests of paperfeed.ranking.reasons: reasons as data and as sentences."""

import numpy as np
import scipy.sparse as sp

from paperfeed.ranking.reasons import (
    Evidence,
    dense_columns,
    explain,
    short_title,
    similar_reasons,
)
from paperfeed.records import Interest, Paper

OWN = [
    Paper(id="a", title="Graph Neural Networks for Molecules"),
    Paper(id="b", title="Protein Folding with Transformers"),
    Paper(id="c", title="Unrelated"),
]


def test_similar_reasons_name_the_nearest_own_paper_with_its_similarity() -> None:
    reasons = similar_reasons(OWN, np.array([0.2, 0.71, 0.35]))
    assert reasons[0].kind == "similar"
    assert reasons[0].paper_id == "b"
    assert reasons[0].text == "close to your paper “Protein Folding with Transformers” (0.71)"
    assert [r.paper_id for r in reasons] == ["b", "c"]
    weak = similar_reasons(OWN, np.array([0.1, 0.2, 0.05]))
    assert [r.paper_id for r in weak] == ["b"]  # the best is always named, a weak second not


def test_explain_orders_rules_then_interest_similarity_terms_feedback() -> None:
    interest = Interest(label="graph, molecule", terms=("graph", "molecule"), paper_ids=("a",))
    evidence = Evidence(
        own_papers=OWN,
        similarities=np.array([0.8, 0.1, 0.0]),
        shared=("graph", "molecule"),
        interest=interest,
        coauthors=("Di Jin",),
        followed=("Jason Weston",),
        keywords=("gnn",),
        feedback=1.2,
        liked_titles=("A liked paper",),
    )
    kinds = [r.kind for r in explain(evidence)]
    assert kinds == [
        "followed_author",
        "coauthor",
        "keyword",
        "interest",
        "similar",
        "terms",
        "feedback",
    ]
    texts = [r.text for r in explain(evidence)]
    assert "by Jason Weston, whom you follow" in texts
    assert "shared terms: graph, molecule" in texts
    assert "your interest: graph, molecule" in texts


def test_explain_without_evidence_is_empty_and_short_title_cuts_at_words() -> None:
    assert explain(Evidence(own_papers=[], similarities=np.zeros(0))) == ()
    cut = short_title("word " * 30, limit=20)
    assert len(cut) <= 20 and cut.endswith("…") and "wor…" not in cut


def test_interest_groups_take_the_best_mean_of_each_interests_closest_papers() -> None:
    from fakes import HashingEmbedder
    from ranking_data import SMALL, corpus, own_papers

    from paperfeed.ranking import Ranker
    from paperfeed.ranking.reasons import interest_groups
    from paperfeed.ranking.signals import top_k_mean

    ranker = Ranker(HashingEmbedder(), settings=SMALL)
    index = ranker.index(corpus("c", 3))
    model = ranker.model(own_papers((0, 3, 6), n=4), index.space)
    assert len(model.interests) >= 2
    picked = np.arange(len(index))
    similarity = index.vectors @ model.vectors[: model.n_own].T
    expected = np.column_stack(
        [
            top_k_mean(similarity[:, model.interest_of == n], SMALL.dense_k)
            for n in range(len(model.interests))
        ]
    ).argmax(axis=1)
    groups = interest_groups(index, model, picked, SMALL)
    assert groups is not None and groups.tolist() == expected.tolist()


def test_dense_columns_are_scipys_column_slice() -> None:
    matrix = sp.random(7, 50, density=0.2, format="csr", random_state=1, dtype=np.float32)
    columns = np.array([0, 3, 4, 17, 49])
    expected = matrix[:, columns].toarray()
    np.testing.assert_array_equal(dense_columns(matrix, columns), expected)
    assert dense_columns(matrix, np.array([], dtype=np.int64)).shape == (7, 0)
