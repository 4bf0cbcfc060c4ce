"""Progress bars on stderr for the waits of the CLI (quiet when not a terminal, or --quiet)."""

from __future__ import annotations

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
            state["bar"] = tqdm(total=total, desc=label, unit=counted, file=sys.stderr)
            state["label"] = label
        state["bar"].update(done - state["bar"].n)

    try:
        yield progress
    finally:
        if "bar" in state:
            state["bar"].close()
