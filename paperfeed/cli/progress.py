"""Progress bars on stderr for the waits of the CLI (quiet when not a terminal, or --quiet)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def bar(what: str, *, quiet: bool = False) -> Iterator[Callable[[int, int], None]]:
    """A ``progress(done, total)`` callback drawing a tqdm bar labelled ``what``; nothing is
    drawn unless stderr is a terminal and ``quiet`` is off."""
    shown = not quiet and sys.stderr.isatty()
    state: dict[str, Any] = {}

    def progress(done: int, total: int) -> None:
        if not shown:
            return
        if "bar" not in state:
            from tqdm import tqdm

            state["bar"] = tqdm(total=total, desc=what, unit="paper", file=sys.stderr)
        state["bar"].update(done - state["bar"].n)

    try:
        yield progress
    finally:
        if "bar" in state:
            state["bar"].close()
