"""The README's demo as a new user runs it: `paperfeed demo` on a fresh database, then again.

Usage: .venv/bin/python bench/bench_demo.py [--runs 3]

Each run is its own `paperfeed` process on a new database, so the first run loads the model
and embeds the day's papers, as on a fresh clone; the second run of each pair finds the
vectors in the store. Wall time and peak memory per process; the median and the range over
the runs, and the machine's load average before and after (the 2 cores may be shared).
Writes the table to docs/benchmarks.md (section bench-demo) and the README's sentence about
the demo's speed (section demo-speed), so the README always states these figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from measured import run_measured

from paperfeed.eval.report import Table, replace_section, write_section

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
PAPERFEED = str(Path(sys.executable).parent / "paperfeed")


def demo(db: Path) -> tuple[float, float]:
    """One `paperfeed demo` process: (wall seconds, peak RSS MB)."""
    result = run_measured([PAPERFEED, "--db", str(db), "demo", "--data", str(DATA)])
    if result.status != 0:
        raise SystemExit(f"paperfeed demo failed with status {result.status}")
    return result.seconds, result.peak_mb


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} ({min(values):.1f}–{max(values):.1f})"


def whole_seconds(values: list[float]) -> str:
    """The range of ``values`` in whole seconds ("9–12", or "10" when both ends round alike)."""
    low, high = f"{min(values):.0f}", f"{max(values):.0f}"
    return low if low == high else f"{low}–{high}"


def readme_sentence(first: list[float], second: list[float], load: float) -> str:
    return (
        f"On a 2-core machine the first run takes about {statistics.median(first):.0f} s: it "
        f"loads the model and embeds the day's 530 papers ({whole_seconds(first)} s "
        f"over {len(first)} runs at a load average near {load:.0f}; other work on the machine "
        "slows it). A second run reads the vectors from the store "
        f"and prints the same list in about {statistics.median(second):.0f} s. The figures come "
        'from `bench/bench_demo.py` (`docs/benchmarks.md`, table "The README\'s demo").'
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="fresh-database runs")
    args = parser.parse_args()
    os.environ["PAPERFEED_CONFIG"] = os.devnull  # defaults only
    load_before = os.getloadavg()[0]
    first, second, first_mb, second_mb = [], [], [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            seconds, mb = demo(Path(tmp) / "demo.db")
            first.append(seconds)
            first_mb.append(mb)
            seconds, mb = demo(Path(tmp) / "demo.db")
            second.append(seconds)
            second_mb.append(mb)
    load_after = os.getloadavg()[0]
    table = Table(
        key="bench-demo",
        title="The README's demo (`paperfeed demo`: import the sample profile, replay "
        "2026-06-30, rank, print)",
        columns=["run (one process each)", "wall s, median (range)", "peak RSS MB"],
        rows=[
            [
                "demo, first run (fresh database: loads the model, embeds 530 + 10 papers)",
                spread(first),
                f"{max(first_mb):.0f}",
            ],
            ["demo, second run (vectors from the store)", spread(second), f"{max(second_mb):.0f}"],
        ],
        notes=[
            f"command: `python bench/bench_demo.py --runs {args.runs}`; 2 cores, no GPU",
            f"load average (1 min) {load_before:.1f} before, {load_after:.1f} after: "
            "other work on the machine slows the first run the most",
        ],
    )
    print(table.to_markdown())
    write_section(ROOT / "docs" / "benchmarks.md", table)
    readme = ROOT / "README.md"
    readme.write_text(
        replace_section(
            readme.read_text(), "demo-speed", readme_sentence(first, second, load_after)
        )
    )


if __name__ == "__main__":
    main()
