"""Progress bars on stderr for the waits of the CLI (quiet when not a terminal, or --quiet)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from paperfeed.embed import Progress


@contextmanager
def bar(what: str, *, unit: str = "paper", quiet: bool = False) -> Iterator[Progress]:
    """A ``progress(done, total, stage)`` callback drawing a tqdm bar labelled ``what``
    (counting ``unit``), and one bar per ``stage`` it is told of (counting steps); nothing
    is drawn unless stderr is a terminal and ``quiet`` is off."""
    shown = not quiet and sys.stderr.isatty()
    state: dict[str, Any] = {}

    def progress(done: int, total: int, stage: str | None = None) -> None:
        if not shown:
            return
        label = stage or what
        if state.get("label") != label:
            if "bar" in state:
                state["bar"].close()
            from tqdm import tqdm

            counted = "step" if stage else unit
            state["bar"] = tqdm(
                total=total, desc=label, unit=counted, file=sys.stderr, **_unsized_terminal()
            )
            state["label"] = label
        state["bar"].update(done - state["bar"].n)

    try:
        yield progress
    finally:
        if "bar" in state:
            state["bar"].close()


def _unsized_terminal() -> dict[str, int]:
    """tqdm's size for a terminal that gives none: a pseudo-terminal opened without a size
    says 0 columns and 0 rows, and tqdm would draw nothing (empty, or "beyond the last row")."""
    try:
        unsized = os.get_terminal_size(sys.stderr.fileno()).columns == 0
    except (OSError, ValueError):  # not a real file (a test's stream)
        unsized = False
    return {"ncols": 80, "nrows": 24} if unsized else {}
