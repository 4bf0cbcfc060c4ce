"""Tests of paperfeed.api: score / recommend / rank_digest on plain dicts and Papers."""

import numpy as np
import pytest
from fakes import HashingEmbedder

from paperfeed import api
from paperfeed.embed import MiniLMOnnx
from paperfeed.records import Feedback, Paper, Profile

OWN = [
    {
        "title": "Graph neural networks for molecule property prediction",
        "abstract": "We learn molecular graphs with message passing neural networks.",
        "date": "2024-05-01",
        "authors": ["Ada Lovelace", "Di Jin"],
    },
    {
        "title": "Message passing on molecular graphs",
        "abstract": "Molecule representation learning with graph neural networks and attention.",
        "date": "2023-02-01",
        "authors": ["Ada Lovelace", "Di Jin"],
    },
    {
        "title": "Protein structure prediction with transformers",
        "abstract": "Protein folding and structure prediction using attention transformers.",
        "date": "2022-01-01",
        "authors": ["Ada Lovelace", "Bob Stone"],
    },
]
TOPICS = [
    "graph neural networks molecule property message passing",
    "protein structure folding transformers attention",
    "image segmentation convolutional networks pixels",
    "reinforcement learning robot control policy",
    "speech recognition acoustic models audio",
    "database query optimization indexes",
    "compiler optimization loops code generation",
    "cryptography protocol security encryption",
]


def candidates(n_per_topic: int = 5) -> list[Paper]:
    papers = []
    for t, words in enumerate(TOPICS):
        for i in range(n_per_topic):
            title = f"{words.split()[0]} {words.split()[1]} study {i}"
            abstract = f"{words} variant{i} extra{t}{i}"
            papers.append(
                Paper(
                    id=f"c{t}-{i}",
                    title=title,
                    abstract=abstract,
                    authors=(f"Author {t}{i}",),
                    date="2026-03-02",
                )
            )
    return papers


@pytest.fixture
def embedder() -> HashingEmbedder:
    api.clear_caches()
    return HashingEmbedder()


def test_score_accepts_dicts_with_only_title_and_abstract(embedder: HashingEmbedder) -> None:
    profile = [{"title": p["title"], "abstract": p["abstract"]} for p in OWN]
    cands = [{"title": p.title, "abstract": p.abstract} for p in candidates()]
    scores = api.score(profile, cands, embedder=embedder)
    assert len(scores) == len(cands) and all(isinstance(s, float) for s in scores)
    best = int(np.argmax(scores))
    assert cands[best]["title"].startswith(("graph", "protein"))
    worst_topics = {cands[i]["title"].split()[0] for i in np.argsort(scores)[:10]}
    assert "graph" not in worst_topics


def test_score_handles_empty_inputs(embedder: HashingEmbedder) -> None:
    assert api.score(OWN, [], embedder=embedder) == []
    assert len(api.score([], candidates(1), embedder=embedder)) == len(TOPICS)


def test_score_embeds_each_text_once_across_calls(embedder: HashingEmbedder) -> None:
    cands = candidates()
    first = api.score(OWN, cands, embedder=embedder)
    calls = embedder.calls
    api.score(OWN[:2], cands, embedder=embedder)
    assert embedder.calls == calls
    assert api.score(OWN, cands, embedder=embedder) == first  # deterministic


class DictStore:
    def __init__(self) -> None:
        self.vectors: dict[str, np.ndarray] = {}

    def get_vectors(self, model: str, hashes):  # type: ignore[no-untyped-def]
        return {h: self.vectors[h] for h in hashes if h in self.vectors}

    def put_vectors(self, model: str, vectors) -> None:  # type: ignore[no-untyped-def]
        self.vectors.update(vectors)


def test_score_uses_and_fills_the_given_store() -> None:
    api.clear_caches()
    store = DictStore()
    first = HashingEmbedder()
    api.score(OWN, candidates(), embedder=first, store=store)
    # the papers, and the packaged background's sample (its vectors ship for MiniLM only)
    assert len(store.vectors) == first.calls >= len(OWN) + len(candidates())
    api.clear_caches()  # as a fresh process: nothing in memory, all in the store
    second = HashingEmbedder()
    api.score(OWN, candidates(), embedder=second, store=store)
    assert second.calls == 0
    api.clear_caches()
    third = HashingEmbedder()
    api.score(OWN, candidates(), embedder=third)  # no store: everything embedded again
    assert third.calls == first.calls


def test_recommend_gives_k_diverse_picks_with_reasons(embedder: HashingEmbedder) -> None:
    cands = candidates()
    cands.append(Paper(id="dup", title=cands[0].title, abstract=cands[0].abstract))
    recs = api.recommend(OWN, cands, k=4, embedder=embedder)
    assert [r.rank for r in recs] == [1, 2, 3, 4]
    assert len({r.paper.id for r in recs}) == 4
    assert not {"dup", "c0-0"} <= {r.paper.id for r in recs}  # never both near-duplicates
    assert all(any(x.kind == "similar" for x in r.reasons) for r in recs)
    topics = {r.paper.id.split("-")[0] for r in recs}
    assert {"c0", "c1"} <= topics  # both interests covered, not only the larger one
    assert recs[0].signals.keys() >= {"dense", "lexical"}


def test_rank_digest_applies_shown_rules_and_threshold(embedder: HashingEmbedder) -> None:
    cands = candidates()
    cands.append(
        Paper(
            id="followed",
            title="cryptography protocol",
            abstract="encryption",
            authors=("Grace Hopper",),
        )
    )
    cands.append(
        Paper(
            id="coauthored",
            title="speech recognition audio",
            abstract="acoustic",
            authors=("Di Jin",),
        )
    )
    own = tuple(api.to_papers(OWN))
    profile = Profile(
        owner="Ada Lovelace",
        papers=own,
        exclude_keywords=("protein",),
        followed_authors=("G. Hopper",),
    )
    recs, interests = api.rank_digest(profile, cands, top=5, shown={"c0-0"}, embedder=embedder)
    ids = [r.paper.id for r in recs]
    assert "c0-0" not in ids
    assert not any(i.startswith("c1-") for i in ids)  # "protein" excluded
    assert "followed" in ids
    followed = recs[ids.index("followed")]
    assert followed.reasons[0].kind == "followed_author"
    assert interests and sum(len(i.paper_ids) for i in interests) == len(own)
    high, _ = api.rank_digest(profile, cands, top=5, threshold=1e9, embedder=embedder)
    assert [r.paper.id for r in high] == ["followed"]  # followed authors are always in
    coauthor = api.rank_digest(profile, cands, top=50, embedder=embedder)[0]
    co = next(r for r in coauthor if r.paper.id == "coauthored")
    assert any(x.kind == "coauthor" and "Di Jin" in x.text for x in co.reasons)


def test_feedback_moves_liked_topics_up(embedder: HashingEmbedder) -> None:
    cands = candidates()
    own = tuple(api.to_papers(OWN))
    liked = [p for p in cands if p.id.startswith("c4-")][:3]
    disliked = [p for p in cands if p.id.startswith("c0-")][:3]
    feedback = tuple(Feedback("u", p.id, 1) for p in liked) + tuple(
        Feedback("u", p.id, -1) for p in disliked
    )
    plain = api.score(Profile("u", own), cands, embedder=embedder)
    rated = api.score(Profile("u", own, feedback=feedback), cands, embedder=embedder)
    speech = [i for i, p in enumerate(cands) if p.id.startswith("c4-")]
    assert np.mean(np.array(rated)[speech]) > np.mean(np.array(plain)[speech])


@pytest.mark.slow
def test_score_with_the_real_model_on_title_and_abstract_dicts() -> None:
    model = MiniLMOnnx()
    profile = [
        {
            "title": "Graph neural networks for molecules",
            "abstract": "Message passing networks predict molecular properties.",
        }
    ]
    cands = [
        {"title": "Molecular property prediction with graph transformers", "abstract": "GNN."},
        {"title": "A survey of medieval poetry", "abstract": "Verse and rhyme in old texts."},
        {"title": "Equivariant message passing for chemistry", "abstract": "Molecules."},
    ]
    scores = api.score(profile, cands, embedder=model)
    assert scores[0] > scores[1] and scores[2] > scores[1]
    cache = api.default_ranker(model).vectors
    calls = cache.model_calls
    again = api.score(profile, cands, embedder=model)
    assert cache.model_calls == calls  # nothing embedded a second time
    assert again == pytest.approx(scores)


def test_every_public_name_stays_callable_after_importing_everything(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib
    import pkgutil

    import paperfeed

    monkeypatch.setenv("PAPERFEED_EMBEDDER", "hashing")
    for module in pkgutil.walk_packages(paperfeed.__path__, "paperfeed."):
        if not module.name.endswith("__main__"):  # that one runs the command line
            importlib.import_module(module.name)
    api.clear_caches()
    papers = candidates()
    for _ in range(2):  # the second call goes through the same names as the first
        day = paperfeed.index(papers)
        assert len(paperfeed.index(papers[:3])) == 3
        scores = paperfeed.score(OWN, day)
        assert paperfeed.score_many([OWN, OWN[:1]], day)[0] == pytest.approx(scores, rel=1e-5)
        assert len(paperfeed.recommend(OWN, papers, k=2)) == 2
        assert paperfeed.rank_digest(OWN, papers, top=3)
