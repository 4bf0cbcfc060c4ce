"""Tests of paperfeed.eval.baselines: the reference methods the benchmarks compare with."""

from paperfeed.eval import baselines

OWN = [{"title": "graph neural networks", "abstract": "message passing on molecules"}]
GRAPH = {"title": "graph networks for molecules", "abstract": "message passing"}
AUDIO = {"title": "speech recognition", "abstract": "acoustic models for audio"}
OTHER = {"title": "compilers", "abstract": "loop optimization"}


def test_tfidf_best3_refits_when_the_same_list_object_holds_other_papers() -> None:
    scorer = baselines.tfidf_best3()
    candidates = [GRAPH, AUDIO, OTHER]
    first = list(scorer(OWN, candidates))
    assert first.index(max(first)) == 0
    candidates[:] = [AUDIO, OTHER, GRAPH]  # same id() and length, other content
    second = list(scorer(OWN, candidates))
    assert second.index(max(second)) == 2
