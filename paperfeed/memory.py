"""Giving memory freed by a large one-time step back to the system.

CPython and numpy free memory into the C allocator, which keeps much of it: glibc gives
the free pages of its heap back only from the top, so a process that had fitted a feature
space on 20,000 papers, or loaded the embedding model, held on to ~100 MB it no longer
used, and a new install's first digest peaked that much higher. :func:`release` collects
garbage and asks glibc to give every free page back (``malloc_trim``); with another C
library it only collects.
"""

from __future__ import annotations

import ctypes
import functools
import gc
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):  # not glibc
        return None
    return trim


def release() -> None:
    """Collect garbage, then give the C heap's free pages back to the system (glibc)."""
    gc.collect()
    trim()


def trim() -> None:
    """Give the C heap's free pages back to the system (glibc), without collecting garbage:
    after a C library (liblinear, scikit-learn's solvers) freed its working set."""
    malloc_trim = _malloc_trim()
    if malloc_trim is not None:
        malloc_trim(0)
