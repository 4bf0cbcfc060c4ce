"""The day's regions on the topic map: named by the words that set them apart."""

from __future__ import annotations

import numpy as np

from paperfeed.records import Paper
from paperfeed.web.regions import _distinct, regions

TOPICS = {
    "vision": "image segmentation with convolutional networks for medical images",
    "speech": "speech recognition with transducers for spoken language audio",
    "graphs": "graph neural networks for molecule property prediction on graphs",
}


def test_each_region_is_named_by_its_own_words() -> None:
    rng = np.random.default_rng(0)
    papers, coords = [], []
    for n, (topic, text) in enumerate(TOPICS.items()):
        for i in range(70):
            papers.append(Paper(f"{topic}{i}", f"A study, number {i}", f"We look at {text}."))
            coords.append(rng.normal(0, 1, 2) + np.array([30.0 * n, 0.0]))
    found = regions(papers, np.array(coords))
    assert len(found) == 3
    for region in found:
        topic = next(t for t in TOPICS if t in region.name or TOPICS[t].split()[0] in region.name)
        assert abs(region.x - 30 * list(TOPICS).index(topic)) < 3
        assert "study" not in region.name  # words all papers share name no region
        assert not any(word.isdigit() for word in region.name.split())


def test_a_small_day_has_no_regions() -> None:
    papers = [Paper(str(n), "title", "abstract") for n in range(20)]
    assert regions(papers, np.zeros((20, 2))) == ()


def test_repeated_words_are_left_out_and_two_word_terms_win() -> None:
    assert _distinct(["llm", "llms", "evaluation", "rag"]) == ["llm", "evaluation"]
    assert _distinct(["gaussian", "3d", "gaussian splatting"]) == ["gaussian splatting", "3d"]
