"""The heavy work of the daily job on a dask.distributed cluster (the ``cluster`` extra).

``paperfeed run --all-users --cluster ADDRESS`` (or ``[cluster] address``) hands four jobs
to the cluster's workers, each of which reads and writes through the shared store (the
PostgreSQL store; a SQLite file works for a ``local:N`` cluster on one host):

1. **Embedding** the day's papers, in tasks of at most ``PAPERS_PER_TASK`` papers, one or
   more per worker (vectors go to the store's cache: a paper is embedded once).
2. **Refitting** the feature space when it is due and encoding the day (one task); the
   resulting candidate index is then **replicated to every worker once**, never shipped
   with each task.
3. **Training** the user models that are due and
4. **scoring the day** for batches of ``USERS_PER_TASK`` users (``pipeline.build_digests``:
   one product per signal for the whole batch), each digest saved in the store.

The digests come back to the caller, who delivers them (claims make every mail go out
once). A worker that dies loses only its running tasks: the scheduler runs them again
on another worker, and a task is idempotent (a digest saved again replaces itself).
``ADDRESS`` is a scheduler (``tcp://host:8786``) or ``local:N``, a ``LocalCluster`` of N
single-threaded worker processes started for the run.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from paperfeed import pipeline
from paperfeed.config import Settings
from paperfeed.errors import PaperfeedError
from paperfeed.records import Digest

if TYPE_CHECKING:
    from paperfeed.ranking import CandidateIndex, Ranker
    from paperfeed.store import Store

USERS_PER_TASK = 200
PAPERS_PER_TASK = 2000
INSTALL_HINT = "pip install 'paperfeed[cluster]'"
LOCAL_PREFIX = "local:"
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class ClusterJob:
    """What every task needs to find its work: the store, the settings, the day."""

    db: str  # the store's URL or path, as the workers open it
    settings: Settings
    day: str


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise PaperfeedError(
            f"--cluster needs dask.distributed; install it with: {INSTALL_HINT}"
        ) from exc
    return distributed


@contextmanager
def connect(address: str) -> Iterator[Any]:
    """A ``distributed.Client`` of the scheduler at ``address``, or of a ``local:N``
    LocalCluster started here and stopped on leaving."""
    distributed = _distributed()
    if not address.startswith(LOCAL_PREFIX):
        with distributed.Client(address, timeout=30) as client:
            yield client
        return
    count = address[len(LOCAL_PREFIX) :]
    if not count.isdigit() or int(count) < 1:
        raise PaperfeedError(f"--cluster {address}: expected local:N with N >= 1 workers")
    with (
        distributed.LocalCluster(
            n_workers=int(count), threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as local,
        distributed.Client(local) as client,
    ):
        yield client


def store_locator(store: Store) -> str:
    """What a worker opens to reach ``store`` (its URL, password included, or its path)."""
    return str(getattr(store, "url", store.path))


def batches(items: Sequence[Any], size: int) -> list[list[Any]]:
    """``items`` cut into lists of at most ``size``."""
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


def paper_chunks(papers: int, workers: int) -> list[tuple[int, int]]:
    """(start, stop) of the embedding tasks for ``papers`` papers: at most
    ``PAPERS_PER_TASK`` each, and at least one per worker when there are enough papers
    (100 or more per task)."""
    size = min(PAPERS_PER_TASK, max(100, -(-papers // max(workers, 1))))
    return [(start, min(start + size, papers)) for start in range(0, papers, size)]


def rank_users(
    client: Any,
    job: ClusterJob,
    wanted: Sequence[pipeline.DigestWanted],
    papers_of_day: int,
    *,
    users_per_task: int = USERS_PER_TASK,
    progress: Progress | None = None,
) -> dict[str, Digest | str]:
    """Embed, prepare and rank the day on the cluster (see the module docstring): each
    user's Digest, or a line saying why there is none."""
    distributed = _distributed()
    embedded = [
        client.submit(_embed_chunk, job, start, stop, pure=False)
        for start, stop in paper_chunks(papers_of_day, len(client.scheduler_info()["workers"]))
    ]
    distributed.wait(embedded)
    for future in embedded:
        future.result()  # raise a failure here, before anything is ranked
    index = client.submit(_prepare_day, job, pure=False)
    distributed.wait([index])
    index.result()
    client.replicate([index])  # every worker holds the day's index once
    tasks = [
        client.submit(_rank_batch, job, batch, index, pure=False)
        for batch in batches(wanted, users_per_task)
    ]
    results: dict[str, Digest | str] = {}
    for done, future in enumerate(distributed.as_completed(tasks), start=1):
        results.update(future.result())
        if progress is not None:
            progress(done, len(tasks))
    return results


# --- what runs on the workers --------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _worker_state(db: str, settings_json: str) -> tuple[Store, Ranker]:
    """This worker's store and Ranker for ``db`` (opened once per worker process; the
    Ranker keeps the day's index and the models between tasks)."""
    from paperfeed.store import open_store

    settings = Settings.model_validate_json(settings_json)
    store = open_store(db, busy_timeout=settings.store.busy_timeout)
    return store, pipeline.ranker_for(store, None, settings)


def _state(job: ClusterJob) -> tuple[Store, Ranker]:
    return _worker_state(job.db, job.settings.model_dump_json())


def _embed_chunk(job: ClusterJob, start: int, stop: int) -> int:
    """Embed the day's papers ``start:stop`` (vectors kept in the store); how many."""
    store, ranker = _state(job)
    chunk = store.papers_on(job.day)[start:stop]
    if chunk:
        ranker.vectors.embed_papers(chunk)
    return len(chunk)


def _prepare_day(job: ClusterJob) -> CandidateIndex:
    """Refit the feature space if it is due, and encode the day in it."""
    store, ranker = _state(job)
    return pipeline.prepare_day(store, job.day, ranker=ranker)


def _rank_batch(
    job: ClusterJob, wanted: list[pipeline.DigestWanted], index: CandidateIndex
) -> dict[str, Digest | str]:
    """Rank and save the digests of a batch of users (one product per signal); a user who
    cannot be ranked, or whose ranking fails, gets a line saying why."""
    store, ranker = _state(job)
    out: dict[str, Digest | str] = {}
    rankable = []
    for item in wanted:
        try:
            pipeline.check_rankable(store, item.user)
            rankable.append(item)
        except pipeline.EmptyProfile as exc:
            out[item.user] = f"no papers: {exc}"
        except PaperfeedError as exc:
            out[item.user] = f"failed: {exc}"
    outcomes = pipeline.build_digests_apart(
        store, rankable, day=job.day, prepare=lambda: index, ranker=ranker,
        trending=job.settings.trending,
    )  # fmt: skip
    for item, outcome in zip(rankable, outcomes, strict=True):
        failed = f"failed: {type(outcome).__name__}: {outcome}"
        out[item.user] = failed if isinstance(outcome, Exception) else outcome
    return out
