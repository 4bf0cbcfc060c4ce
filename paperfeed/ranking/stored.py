"""The store's feature space: which one is current, and when to fit a new one.

A store ranks every day in its current space. A new space is fitted on the store's newest
``history_papers`` listed papers when there is none yet, when it is ``refit_days`` old, or
when the store's listings have grown by ``refit_growth`` since; until the store holds
``min_history`` listed papers, the packaged space is used. A new space means every user's
models are trained again (in the background, or at the next run), so it is rare.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from paperfeed import memory
from paperfeed.embed import Progress, unheard
from paperfeed.ids import paper_text
from paperfeed.ranking.ranker import ModelStore, Ranker
from paperfeed.ranking.settings import RankingSettings
from paperfeed.ranking.space import FeatureSpace
from paperfeed.records import Paper

#: The stage a refit reports last: its space and background written to the store (~2 s).
STORING = "storing the feature space"


class HistoryStore(ModelStore, Protocol):
    """What the schedule needs of the store."""

    def latest_space(self) -> Any: ...  # .key, .created (ISO UTC), .papers; or None

    def count_listed(self) -> int: ...

    def history_texts(self, before: str | None, limit: int) -> list[tuple[str, str]]: ...

    def release_memory(self) -> None: ...


def refit_due(info: Any, listed: int, settings: RankingSettings, now: datetime) -> bool:
    """Whether the stored space ``info`` (None: none yet) should give way to a new one."""
    if info is None:
        return listed >= settings.min_history
    age = now - datetime.fromisoformat(info.created)
    grown = listed > info.papers * (1.0 + settings.refit_growth)
    return age.days >= settings.refit_days or grown


def current_space(
    ranker: Ranker,
    store: HistoryStore,
    now: datetime | None = None,
    *,
    ahead: Sequence[Paper] = (),
    progress: Progress | None = None,
) -> FeatureSpace:
    """The space the store ranks in now (fitting a new one when it is due; see :func:`refit`
    for ``ahead`` and ``progress``)."""
    settings = ranker.settings
    info = store.latest_space()
    listed = store.count_listed()
    if refit_due(info, listed, settings, now or datetime.now(UTC)):
        return refit(ranker, store, listed, ahead=ahead, progress=progress)
    if info is None:
        return ranker.packaged_space()
    return ranker.known_space(info.key)


def refit(
    ranker: Ranker,
    store: HistoryStore,
    listed: int,
    *,
    ahead: Sequence[Paper] = (),
    progress: Progress | None = None,
) -> FeatureSpace:
    """Fit a space on the store's newest listed papers, with its background, and keep both.

    Everything the model will be asked for is embedded first (the background's sample and
    the papers ranked next, ``ahead``) and the model is unloaded before the fit: a new
    install's first digest held the model, the fit's rows and then scikit-learn at once,
    and peaked ~100 MB higher. ``progress`` hears of the embedding, then of the stages
    :data:`~paperfeed.ranking.space.FITTING` and :data:`STORING`.
    """
    pairs = store.history_texts(None, ranker.settings.history_papers)
    store.release_memory()  # the history's pages read (up to the page cache, 32 MB)
    texts = [paper_text(title, abstract) for title, abstract in reversed(pairs)]
    del pairs  # ~30 MB of strings, as many as the texts
    ranker.embed_ahead(texts, ahead, progress)
    space, background = ranker.fit(texts, progress)
    del texts
    told = progress or unheard
    told(0, 1, STORING)
    with tempfile.TemporaryFile() as file:  # on disk: ~130 MB of npz with a 20k history
        background.write(file)
        file.seek(0)
        store.put_space(space.key, space.to_bytes(), file, listed)
    told(1, 1, STORING)
    store.release_memory()  # the pages of the background written
    memory.release()  # the history's texts
    return space
