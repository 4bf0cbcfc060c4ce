"""Today's listing prepared in the background, with how far it got, for the page that waits.

Preparing a new day embeds its papers (tens of seconds on a laptop). A view never blocks
on that: it starts the preparation here, waits a moment, and when the day is still not
ready it shows "preparing today's listing: 340 of 530" and refreshes itself.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sized
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from paperfeed.embed import Progress

    #: prepare(day, progress) prepares ``day``; progress hears of the embedding and the
    #: stages after it (a new feature space's fit).
    Prepare = Callable[[str, Progress], Sized]


@dataclass
class Preparation:
    """One day's preparation: its progress, and whether it ended (and how)."""

    day: str
    failed: bool = False
    papers: int = 0  # the listing's size, once prepared
    finished: threading.Event = field(default_factory=threading.Event)
    # (done, total, stage) last heard, replaced whole: a page never reads half an update
    last: tuple[int, int, str | None] = (0, 0, None)

    def heard(self, done: int, total: int, stage: str | None = None) -> None:
        self.last = (done, total, stage)

    @property
    def done(self) -> int:
        return self.last[0]

    @property
    def total(self) -> int:
        return self.last[1]

    @property
    def message(self) -> str:
        """What the waiting page says (stage None: papers embedded)."""
        done, total, stage = self.last
        begun = f"Preparing today's listing ({self.day})"
        if not total:
            return f"{begun}…"
        if stage:
            return f"{begun}: {stage}, step {min(done + 1, total)} of {total}"
        return f"{begun}: {done:,} of {total:,} papers"


class DayPreparations:
    """Runs one preparation per day in a background thread; a failed one is started
    again by the next view that asks."""

    def __init__(self, prepare: Prepare) -> None:
        self._prepare = prepare
        self._lock = threading.Lock()
        self._current: Preparation | None = None

    def start(self, day: str) -> Preparation:
        """The preparation of ``day``, started now unless it runs or ran well."""
        with self._lock:
            current = self._current
            if current is None or current.day != day or current.failed:
                current = self._current = Preparation(day)
                thread = threading.Thread(
                    target=self._run, args=(current,), name=f"paperfeed-prepare-{day}", daemon=True
                )
                thread.start()
            return current

    def wait(self, day: str, seconds: float) -> Preparation | None:
        """None when ``day`` is ready within ``seconds`` (or its preparation failed: the
        view then meets the error itself), else the preparation still running."""
        preparation = self.start(day)
        if preparation.finished.wait(seconds):
            return None
        return preparation

    def _run(self, preparation: Preparation) -> None:
        try:
            preparation.papers = len(self._prepare(preparation.day, preparation.heard))
        except Exception:  # the view that comes next prepares the day itself and says why
            logging.getLogger(__name__).exception("preparing %s failed", preparation.day)
            preparation.failed = True
        finally:
            preparation.finished.set()
