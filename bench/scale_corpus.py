"""The synthetic corpus and the simulated users of bench_scale.py.

- ``snapshot()``: the arXiv snapshot's papers with their categories, oldest first.
- ``synthetic_chunks()``: papers with new ids (``syn.0000001``...) whose title and abstract
  are resampled from the snapshot papers of one primary category (the title spliced from
  two titles, the abstract as many sentences as a real abstract of that category has,
  each drawn from all of its abstracts), authors of a paper of that category, dates spread
  evenly at random over the days from the snapshot's first date to the day before the
  ranked day. Generated chunk by chunk: memory holds the sentence pools and one chunk.
- ``make_users()``: users whose profiles are drawn from ``distinct`` author profiles of the
  history, each with their own name, rules and shown set.
- ``share_models()``: every user's model kept under their own key, copied from the model
  trained for their profile (a model's key names its owner: see ``train.model_key``).
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date as Date
from datetime import timedelta

import numpy as np
from bench_rank import DATA, author_profiles

from paperfeed.config import Settings
from paperfeed.ranking.model import Ratings
from paperfeed.ranking.stored import current_space
from paperfeed.ranking.train import model_key, newest
from paperfeed.records import Paper
from paperfeed.store import Store, open_store

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
_WORD = re.compile(r"[A-Za-z]{7,}")


def snapshot() -> list[Paper]:
    """The snapshot's papers with their categories, oldest first (as bench_rank's
    ``read_corpus``, which leaves the categories out)."""
    with gzip.open(DATA / "arxiv-cs-2025.jsonl.gz", "rt") as lines:
        rows = [json.loads(line) for line in lines]
    rows.sort(key=lambda r: (r.get("date") or "", str(r["id"])))
    return [
        Paper(
            id=str(r["id"]),
            title=r.get("title") or "",
            abstract=r.get("abstract") or "",
            authors=tuple(r.get("authors") or ()),
            categories=tuple(r.get("categories") or ()),
            date=r.get("date"),
        )
        for r in rows
    ]


@dataclass
class _Pool:
    """What the papers of one primary category give: titles, sentences, authors, and the
    sentence count of each abstract."""

    category: str
    titles: list[list[str]]
    sentences: list[str]
    lengths: list[int]
    authors: list[tuple[str, ...]]


def _pools(papers: Sequence[Paper]) -> tuple[list[_Pool], np.ndarray]:
    """The pools by primary category and each pool's share of the papers."""
    pools: dict[str, _Pool] = {}
    for paper in papers:
        sentences = [s for s in _SENTENCE_END.split(paper.abstract.strip()) if s]
        if not paper.title or not sentences:
            continue
        category = paper.categories[0] if paper.categories else "cs"
        pool = pools.setdefault(category, _Pool(category, [], [], [], []))
        pool.titles.append(paper.title.split())
        pool.sentences += sentences
        pool.lengths.append(len(sentences))
        pool.authors.append(paper.authors)
    kept = [pool for pool in pools.values() if len(pool.titles) >= 2]
    share = np.array([len(pool.titles) for pool in kept], dtype=np.float64)
    return kept, share / share.sum()


def synthetic_chunks(
    source: Sequence[Paper], count: int, first: str, last: str, chunk: int, seed: int = 1
) -> Iterator[list[Paper]]:
    """``count`` synthetic papers in lists of at most ``chunk``, resampled from ``source``,
    listed on days from ``first`` to ``last`` (ISO dates)."""
    pools, share = _pools(source)
    rng = np.random.default_rng(seed)
    start = Date.fromisoformat(first)
    days = (Date.fromisoformat(last) - start).days + 1
    made = 0
    while made < count:
        size = min(chunk, count - made)
        categories = rng.choice(len(pools), size=size, p=share)
        offsets = rng.integers(0, days, size=size)
        papers = []
        for n in range(size):
            pool = pools[categories[n]]
            a, b, c = rng.integers(0, len(pool.titles), size=3)
            head, tail = pool.titles[a], pool.titles[b]
            title = " ".join(head[: (len(head) + 1) // 2] + tail[len(tail) // 2 :])
            picks = rng.integers(0, len(pool.sentences), size=pool.lengths[c])
            papers.append(
                Paper(
                    id=f"syn.{made + n + 1:07d}",
                    title=title,
                    abstract=" ".join(pool.sentences[i] for i in picks),
                    authors=pool.authors[c],
                    categories=(pool.category,),
                    date=(start + timedelta(days=int(offsets[n]))).isoformat(),
                )
            )
        made += size
        yield papers


def make_users(
    store: Store,
    history: Sequence[Paper],
    day: Sequence[Paper],
    count: int,
    distinct: int,
    shown_on: str,
) -> list[str]:
    """``count`` users, user ``n`` with the papers of author profile ``n % distinct`` of the
    history (so the first ``distinct`` users hold one profile each); each has their own
    rules (a keyword of their titles included, the longest word of a random history title
    excluded, an author of their papers followed) and shown set (20 recent history papers
    and 2 of the day's, shown on ``shown_on``)."""
    profiles = author_profiles(list(history), distinct)
    rng = np.random.default_rng(2)
    recent = [paper.id for paper in history[-2000:]]
    names = []
    for number in range(count):
        name, own = f"u{number:05d}", profiles[number % distinct].papers
        words = [w.lower() for paper in own for w in _WORD.findall(paper.title)] or ["survey"]
        authors = [author for paper in own for author in paper.authors]
        other = _WORD.findall(history[int(rng.integers(len(history)))].title) or ["blockchain"]
        shown = [recent[i] for i in rng.integers(0, len(recent), size=20)]
        shown += [day[i].id for i in rng.integers(0, len(day), size=2)]
        store.add_profile_papers(name, [paper.id for paper in own])
        store.set_rules(
            name,
            include_keywords=[words[int(rng.integers(len(words)))]],
            exclude_keywords=[max(other, key=len).lower()],
            followed_authors=[authors[int(rng.integers(len(authors)))]],
        )
        store.record_shown(name, shown_on, shown, "email")
        names.append(name)
    return names


def share_models(url: str, settings: Settings, names: Sequence[str], distinct: int) -> int:
    """Keep a model for every user past the first ``distinct``: the bytes of the model
    trained for the first user of their profile, stored under the user's own key (what
    ``Ranker.model`` looks up: ``model_key`` of the user's name, own papers, no ratings,
    the space) as bench_daily.py does. The copy's inner key and co-authors are the first
    user's; neither changes a ranking (user names never match an author). How many."""
    from paperfeed import pipeline

    made = 0
    with open_store(url) as store:
        ranker = pipeline.ranker_for(store, None, settings)
        space, cap = current_space(ranker, store), ranker.settings.profile_papers
        for first in range(min(distinct, len(names))):
            key = store.model_keys([names[first]])[names[first]]
            data = store.get_model(key)
            assert data is not None, f"no model kept for {names[first]}"
            for user in names[first + distinct :: distinct]:
                own = newest(store.load_profile(user).active_papers, cap)
                own_key = model_key(user, own, Ratings(), space.key, ranker.settings)
                store.put_model(own_key, space.key, data, user)
                made += 1
    return made
