"""Where a new install's first digest peaks: resident memory step by step, in one process.

Usage: .venv/bin/python bench/digest_phases.py [--date 2026-06-29] [--since 2026-03-02]

Builds bench_digest.py's database in a temp folder with the `paperfeed` command (the sample
profile, every listing since ``--since``), then runs the first digest of ``--date`` in this
process with the steps below wrapped: a thread samples VmRSS every 10 ms, and each step
reports its RSS on entry, the highest inside and its RSS on exit. Prints a Markdown table
(steps nested as they ran); the process's peak (ru_maxrss) is its last line.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib
import io
import resource
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_digest import DATA, run

STEPS = [
    ("paperfeed.ranking.stored", "refit", "refit: the space, its background, stored"),
    ("paperfeed.ranking.ranker", "fit_space", "fit the space on the history"),
    ("paperfeed.lexical", "fit_lexicon_with_rows", "word lexicon and rows"),
    ("paperfeed.lexical", "fit_char_lexicon_with_rows", "character 4-gram lexicon and rows"),
    ("paperfeed.ranking.ranker", "background_from_history", "background (embeds ~3,000)"),
    ("paperfeed.embed", "MiniLMOnnx._load", "load the embedding model"),
    ("paperfeed.ranking.background", "Background.write", "background written as npz (a temp file)"),
    ("paperfeed.store.models", "ModelsMixin.put_space", "store space and background"),
    ("paperfeed.ranking.ranker", "Ranker.index", "the day's papers encoded"),
    ("paperfeed.ranking.ranker", "train", "train the user's models"),
    ("paperfeed.ranking.train", "logistic_weights", "logistic regression (embeddings)"),
    ("paperfeed.ranking.train", "svm_weights", "linear SVM (word rows, then char rows)"),
]


class Sampler:
    """The highest VmRSS since the last :meth:`restart`, sampled every 10 ms, and how many
    wrapped steps are running now (``depth``, for the table's nesting)."""

    def __init__(self) -> None:
        self.highest = rss_mb()
        self.depth = 0
        self.lock = threading.Lock()
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self) -> None:
        while True:
            with self.lock:
                self.highest = max(self.highest, rss_mb())
            time.sleep(0.01)

    def restart(self) -> tuple[float, float]:
        """Start a new maximum at the current RSS: (the maximum so far, the RSS now)."""
        with self.lock:
            before, self.highest = self.highest, rss_mb()
            return before, self.highest

    def end(self, outer: float) -> float:
        """The maximum since :meth:`restart`; the enclosing step's (``outer``) goes on."""
        with self.lock:
            inside = max(self.highest, rss_mb())
            self.highest = max(outer, inside)
            return inside


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def wrap(sampler: Sampler, rows: list[list[str]], step: tuple[str, str, str]) -> None:
    """Replace the function of ``step`` by one that adds its row to ``rows``."""
    module, attr, label = step
    owner: Any = importlib.import_module(module)
    *path, name = attr.split(".")
    for part in path:
        owner = getattr(owner, part)
    inner: Callable[..., Any] = getattr(owner, name)

    @functools.wraps(inner)
    def measured(*args: Any, **kwargs: Any) -> Any:
        outer, start = sampler.restart()
        row = ["· " * sampler.depth + label, f"{start:.0f}", "", "", ""]
        rows.append(row)
        sampler.depth += 1
        began = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            sampler.depth -= 1
            inside = sampler.end(outer)
            row[2:] = [f"{inside:.0f}", f"{rss_mb():.0f}", f"{time.perf_counter() - began:.1f}"]

    setattr(owner, name, measured)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", default="2026-06-29", help="the first digest's day")
    parser.add_argument("--since", default="2026-03-02", help="the first listing day ingested")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "phases.db"
        profile = str(DATA / "profiles" / "fang-han.txt")
        run(db, "profile", "import", profile, "--user", "fang-han")
        run(db, "ingest", str(DATA / "arxiv-cs-2025.jsonl.gz"), "--since", args.since)
        sampler = Sampler()
        rows: list[list[str]] = []
        for step in STEPS:
            wrap(sampler, rows, step)
        from paperfeed.cli import cli

        digest = ["--db", str(db), "digest", "--user", "fang-han", "--format", "json"]
        with contextlib.redirect_stdout(io.StringIO()):
            cli([*digest, "--date", args.date], standalone_mode=False)
    print("| step (in the order they ran) | RSS MB on entry | highest inside | on exit | s |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nprocess peak (ru_maxrss): {peak:.0f} MB")


if __name__ == "__main__":
    main()
