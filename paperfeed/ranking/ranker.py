"""The Ranker: ranks papers for profiles, and owns every cache that makes it cheap.

Read ``digest`` top to bottom: rank (every signal, calibrated and combined), filter (rules,
papers shown or rated down), choose (diverse picks), explain (reasons for the picks only).
The expensive parts are done rarely and kept: the feature space is fitted on a history
(``space_for``), each user's models are trained when their profile changes (``model``),
and a candidate list is encoded once (``index``). Scoring a day is then a few matrix
products for a whole batch of users (``scores``).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Collection, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol, runtime_checkable

import numpy as np

from paperfeed import memory
from paperfeed.embed import (
    Embedder,
    EmbeddingCache,
    Progress,
    VectorStore,
    default_embedder,
    unheard,
)
from paperfeed.ranking import choose, packaged, reasons, signals
from paperfeed.ranking.background import Background, background_from_history, sample_texts
from paperfeed.ranking.candidates import CandidateIndex, encode, texts_of
from paperfeed.ranking.combine import combine, standardized
from paperfeed.ranking.model import Ratings, UserModel
from paperfeed.ranking.papers import as_profile, ratings_of, to_papers
from paperfeed.ranking.settings import DEFAULTS, RankingSettings
from paperfeed.ranking.space import FeatureSpace, fit_space, space_key
from paperfeed.ranking.train import model_key, newest, train
from paperfeed.records import Interest, Paper, PaperLike, Profile, Recommendation

#: Users scored together: one batch's signal matrices are users x candidates each.
BATCH_USERS = 256
_MODEL_SLOTS = 2048
#: The stage a model's training reports (0.6 s for a typical profile, up to ~7 s).
TRAINING = "training your models"
_INDEX_SLOTS = 4


@runtime_checkable
class ModelStore(Protocol):
    """Where spaces, backgrounds and trained models outlive the process (the store)."""

    def get_space(self, key: str) -> bytes | None: ...

    def background_file(self, key: str) -> AbstractContextManager[BinaryIO | None]: ...

    def put_space(self, key: str, space: bytes, background: BinaryIO, papers: int) -> None: ...

    def get_model(self, key: str) -> bytes | None: ...

    def put_model(self, key: str, space_key: str, data: bytes, user: str | None = None) -> None: ...


@dataclass(frozen=True)
class Request:
    """One user's digest to make: their profile, how many picks, what to leave out, and the
    papers their ratings refer to; ``user`` names whose models these are in the store."""

    profile: Profile
    top: int = 10
    threshold: float | None = None
    shown: Collection[str] = ()
    rated: Sequence[Paper] = ()
    user: str | None = None


class Ranker:
    """Scores and picks papers for profiles with ``embedder`` (the bundled model by default);
    ``store`` keeps vectors (and, when it can, spaces and models) between processes."""

    def __init__(
        self,
        embedder: Embedder | None = None,
        store: VectorStore | None = None,
        settings: RankingSettings = DEFAULTS,
    ) -> None:
        self.settings = settings
        self.store = store
        self.vectors = EmbeddingCache(embedder or default_embedder(), store)
        self._lock = threading.RLock()
        self._spaces: dict[str, FeatureSpace] = {}
        self._backgrounds: dict[str, Background] = {}
        self._pending: dict[str, tuple[Any, Any, list[str]]] = {}  # space -> rows to build from
        self._models: OrderedDict[str, UserModel] = OrderedDict()
        self._indexes: OrderedDict[str, CandidateIndex] = OrderedDict()
        self.trained = 0  # models trained by this ranker (tests and benchmarks read it)

    @property
    def models_store(self) -> ModelStore | None:
        return self.store if isinstance(self.store, ModelStore) else None

    # -- digests: rank, filter, choose, explain --------------------------------------------

    def digest(
        self,
        profile: Profile | Sequence[PaperLike],
        candidates: Sequence[PaperLike] | CandidateIndex,
        *,
        top: int = 10,
        threshold: float | None = None,
        shown: Collection[str] = (),
        rated: Sequence[PaperLike] = (),
        user: str | None = None,
    ) -> tuple[list[Recommendation], list[Interest]]:
        """The picks for one profile with their reasons, and the profile's interests.

        Already ``shown`` papers, the profile's own and papers rated down never come back
        (the own ones: a paper of the user's, listed the day it was imported); exclude keywords
        drop a paper; followed authors are always in; include keywords and co-authors lift
        a paper; the rest is filled MMR-style across interests. ``threshold`` (in the
        background's standard units of the combined score) drops weak picks. ``user`` names
        whose models these are in the store.
        """
        request = Request(as_profile(profile), top, threshold, shown, to_papers(rated), user)
        return self.digests([request], candidates)[0]

    def digests(
        self,
        requests: Sequence[Request],
        candidates: Sequence[PaperLike] | CandidateIndex,
        progress: Progress | None = None,
    ) -> list[tuple[list[Recommendation], list[Interest]]]:
        """:meth:`digest` of many users: the day's products are shared by a batch of them
        (``progress`` hears of each model trained, as the stage :data:`TRAINING`)."""
        index = self.index(candidates)
        if not len(index):
            return [([], []) for _ in requests]
        out = []
        for start in range(0, len(requests), BATCH_USERS):
            batch = requests[start : start + BATCH_USERS]
            models = [
                self.model(
                    r.profile,
                    index.space,
                    rated=[*r.rated, *index.papers],
                    user=r.user,
                    progress=progress,
                )
                for r in batch
            ]
            # rank: every signal of every user, calibrated and combined, as matrix products
            standard = self.signals(index, models)
            scores = combine(standard, self.settings)
            for row, (request, model) in enumerate(zip(batch, models, strict=True)):
                signals_of_user = {name: values[row] for name, values in standard.items()}
                out.append(self._picks(request, model, index, scores[row], signals_of_user))
        return out

    def _picks(
        self,
        request: Request,
        model: UserModel,
        index: CandidateIndex,
        scores: np.ndarray,
        standard: dict[str, np.ndarray],
    ) -> tuple[list[Recommendation], list[Interest]]:
        """One user's picks from their scores: the filter, the choice, the reasons."""
        # filter: what the rules exclude, what was shown, the user's own, what was rated down
        rules = choose.apply_rules(request.profile, model.coauthors, index, self.settings)
        final = scores + rules.boost
        own = {paper.id for paper in request.profile.active_papers}
        never = choose.never_again(index, {*request.shown, *own, *model.disliked_ids})
        eligible = ~rules.blocked & ~never
        # choose: followed authors pinned, the rest diverse across interests
        picks = choose.choose(
            final,
            eligible,
            rules.pinned,
            index,
            lambda rows: reasons.interest_groups(index, model, rows, self.settings),
            self.settings,
            top=request.top,
            threshold=request.threshold,
        )
        # explain: only the picks
        explained = reasons.recommendations(
            picks, index, model, rules, final, standard, self.settings
        )
        return explained, list(model.interests)

    def interests(
        self, profile: Profile, space: FeatureSpace, *, user: str | None = None
    ) -> tuple[Interest, ...]:
        """The interests of ``profile`` (those of its trained models in ``space``)."""
        return self.model(profile, space, user=user).interests

    # -- scores -----------------------------------------------------------------------------

    def score(
        self,
        profile: Profile | Sequence[PaperLike],
        candidates: Sequence[PaperLike] | CandidateIndex,
        *,
        rated: Sequence[PaperLike] = (),
    ) -> list[float]:
        """One relevance score per candidate, in the background's standard units: a paper's
        score does not depend on the other candidates."""
        return self.score_many([profile], candidates, rated=rated)[0]

    def score_many(
        self,
        profiles: Sequence[Profile | Sequence[PaperLike]],
        candidates: Sequence[PaperLike] | CandidateIndex,
        *,
        rated: Sequence[PaperLike] = (),
    ) -> list[list[float]]:
        """:meth:`score` of every profile: the day's products are shared by a batch of users."""
        index = self.index(candidates)
        known = [*to_papers(rated), *index.papers]
        models = [self.model(as_profile(p), index.space, rated=known) for p in profiles]
        return [row.tolist() for row in self.scores(index, models)]

    def signals(self, index: CandidateIndex, models: Sequence[UserModel]) -> dict[str, np.ndarray]:
        """Every used signal, calibrated: users x candidates arrays (one batch of users)."""
        return standardized(signals.compute(index.encoded, models, self.settings), models)

    def scores(self, index: CandidateIndex, models: Sequence[UserModel]) -> np.ndarray:
        """The combined score of every candidate for each model: users x candidates."""
        out = np.zeros((len(models), len(index)), dtype=np.float32)
        for start in range(0, len(models), BATCH_USERS):
            batch = models[start : start + BATCH_USERS]
            out[start : start + len(batch)] = combine(self.signals(index, batch), self.settings)
        return out

    # -- models -----------------------------------------------------------------------------

    def model(
        self,
        profile: Profile | Sequence[PaperLike],
        space: FeatureSpace,
        *,
        rated: Sequence[Paper] = (),
        user: str | None = None,
        progress: Progress | None = None,
    ) -> UserModel:
        """The trained models of ``profile`` in ``space``: from the memo, the store, or trained
        now (``rated`` holds the papers its ratings refer to; ``progress`` hears of a
        training as the stage :data:`TRAINING`, 0 then 1 of 1)."""
        profile = as_profile(profile)
        own = self.own_papers(profile)
        ratings = ratings_of(profile.feedback, [*rated, *own]) if profile.feedback else Ratings()
        key = model_key(profile.owner, own, ratings, space.key, self.settings)
        with self._lock:
            found = self._models.get(key)
            if found is not None:
                self._models.move_to_end(key)
                return found
        found = self._stored_model(key)
        if found is None:
            told = progress or unheard
            told(0, 1, TRAINING)
            background = self.background(space)
            found = train(profile.owner, own, ratings, background, self._embed, self.settings)
            self.trained += 1
            told(1, 1, TRAINING)
            if self.models_store is not None:
                self.models_store.put_model(key, space.key, found.to_bytes(), user)
        with self._lock:
            self._models[key] = found
            while len(self._models) > _MODEL_SLOTS:
                self._models.popitem(last=False)
        return found

    def own_papers(self, profile: Profile) -> list[Paper]:
        """The papers of ``profile`` its models learn from: its newest ``profile_papers``."""
        return newest(profile.active_papers, self.settings.profile_papers)

    def _stored_model(self, key: str) -> UserModel | None:
        data = self.models_store.get_model(key) if self.models_store is not None else None
        return UserModel.from_bytes(data) if data is not None else None

    def _embed(self, papers: Sequence[Paper]) -> np.ndarray:
        return self.vectors.embed_papers(papers)

    def _embed_texts(self, texts: Sequence[str]) -> np.ndarray:
        return self.vectors.embed_papers([{"title": text} for text in texts])

    # -- candidates, spaces and backgrounds -------------------------------------------------

    def index(
        self,
        candidates: Sequence[PaperLike] | CandidateIndex,
        *,
        history: Sequence[PaperLike | str] = (),
        space: FeatureSpace | None = None,
        progress: Progress | None = None,
    ) -> CandidateIndex:
        """Encode a candidate list once for many profiles: in ``space``, else the space of
        ``history`` (earlier listings), else the space that ships with the package."""
        if isinstance(candidates, CandidateIndex):
            return candidates
        papers = to_papers(candidates)
        space = space or self.space_for(history)
        digest = hashlib.sha1(space.key.encode())
        for paper in papers:
            digest.update(f"{paper.id}\x00{paper.title}\x00{paper.abstract}\x00".encode())
        key = digest.hexdigest()
        with self._lock:
            if key in self._indexes:
                self._indexes.move_to_end(key)
                return self._indexes[key]
        encoded = encode(papers, space, lambda ps: self.vectors.embed_papers(ps, progress))
        index = CandidateIndex(tuple(papers), encoded, space)
        with self._lock:
            self._indexes[key] = index
            while len(self._indexes) > _INDEX_SLOTS:
                self._indexes.popitem(last=False)
        return index

    def space_for(
        self, history: Sequence[PaperLike | str], progress: Progress | None = None
    ) -> FeatureSpace:
        """The space of ``history`` (fitted once, then kept; ``progress`` hears of the fit),
        or the packaged one when the history is shorter than ``min_history``."""
        texts = [h if isinstance(h, str) else texts_of(to_papers([h]))[0] for h in history]
        if len(texts) < self.settings.min_history:
            return self.packaged_space()
        key = space_key(texts, self.settings)
        with self._lock:
            if key not in self._spaces and not self._stored_space(key):
                space, word_rows, char_rows = fit_space(texts, self.settings, progress)
                self._spaces[key] = space
                self._pending[key] = (word_rows, char_rows, texts)
                memory.release()  # what the fit freed
            return self._spaces[key]

    def embed_ahead(
        self, history: Sequence[str], papers: Sequence[Paper], progress: Progress | None = None
    ) -> None:
        """Embed what a fit on ``history`` and the digests after it ask of the model (the
        background's sample and ``papers``), then unload the model: the space is fitted
        and the users' models are trained without its ~130 MB."""
        sample = [{"title": text} for text in sample_texts(history, self.settings)]
        self.vectors.embed_papers([*sample, *papers], progress)
        self.vectors.unload_model()

    def fit(
        self, texts: Sequence[str], progress: Progress | None = None
    ) -> tuple[FeatureSpace, Background]:
        """A space fitted on history ``texts`` and its background, both built now."""
        space = self.space_for(texts, progress)
        return space, self.background(space)

    def known_space(self, key: str) -> FeatureSpace:
        """The space ``key``, from the memo or the store."""
        with self._lock:
            if key in self._spaces or self._stored_space(key):
                return self._spaces[key]
        raise LookupError(f"no feature space {key[:12]} is known")

    def _stored_space(self, key: str) -> bool:
        data = self.models_store.get_space(key) if self.models_store is not None else None
        if data is not None:
            self._spaces[key] = FeatureSpace.from_bytes(data)
        return data is not None

    def packaged_space(self) -> FeatureSpace:
        """The feature space that ships with the package."""
        return packaged.space()

    def background(self, space: FeatureSpace) -> Background:
        """What models in ``space`` learn against: built from its history once, then kept."""
        with self._lock:
            if space.key in self._backgrounds:
                return self._backgrounds[space.key]
            if space.key in self._pending:
                word_rows, char_rows, texts = self._pending.pop(space.key)
                built = background_from_history(
                    space,
                    word_rows,
                    char_rows,
                    texts,
                    self._embed_texts,
                    self.settings,
                    in_place=True,
                )
                del word_rows, char_rows, texts
                memory.release()
            elif space.key == packaged.key():
                built = packaged.background(self._embed_texts, self.vectors, self.settings)
            else:
                built = self._stored_background(space)
            self._backgrounds[space.key] = built
            return built

    def _stored_background(self, space: FeatureSpace) -> Background:
        if self.models_store is not None:
            with self.models_store.background_file(space.key) as file:
                if file is not None:
                    return Background.read(file, space)
        raise LookupError(f"no background is known for feature space {space.key[:12]}")
