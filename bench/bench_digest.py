"""A day's digest end to end through the CLI: cold (nothing cached) and warm, with peak memory.

Usage: .venv/bin/python bench/bench_digest.py [--date 2026-06-30]
Each step runs as its own `paperfeed` process on a fresh database, as a user would run it;
wall time and the process's peak resident memory (from wait4) are reported. The warm run
is the same digest again: vectors come from the store, so only ranking is left.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date as Date
from datetime import timedelta
from pathlib import Path

from measured import run_measured
from paperfeed.index import HISTORY_PAPERS

from paperfeed.eval.report import Table, write_section
from paperfeed.store import Store

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
PAPERFEED = str(Path(sys.executable).parent / "paperfeed")


def run(db: Path, *args: str) -> tuple[float, float, str]:
    """Run one paperfeed command; returns (seconds, peak RSS in MB, stdout)."""
    result = run_measured([PAPERFEED, "--db", str(db), *args])
    if result.status != 0:
        raise SystemExit(f"paperfeed {' '.join(args)} failed with status {result.status}")
    return result.seconds, result.peak_mb, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--date", default="2026-06-30", help="listing day to replay")
    parser.add_argument("--history-days", type=int, default=120, help="earlier days to ingest")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        profile = str(DATA / "profiles" / "fang-han.txt")
        listing = str(DATA / "arxiv-cs-2025.jsonl.gz")
        rows.append(
            (
                "profile import (10 papers)",
                *run(db, "profile", "import", profile, "--user", "fang-han")[:2],
            )
        )
        rows.append(
            (
                f"ingest the {args.date} listing from the 74k-paper snapshot",
                *run(db, "ingest", listing, "--date", args.date)[:2],
            )
        )
        digest = ["digest", "--user", "fang-han", "--date", args.date, "--format", "json"]
        cold = run(db, *digest)
        warm = run(db, *digest)
        again = run(db, *digest)
        since = (Date.fromisoformat(args.date) - timedelta(days=args.history_days)).isoformat()
        more = run(db, "ingest", listing, "--since", since)
        with_history = run(db, *digest)
        history_again = run(db, *digest)
        web = run_measured(
            [sys.executable, str(ROOT / "bench" / "web_views.py"), str(db), args.date, "fang-han"]
        )
        with Store(db) as store:
            earlier = len(store.history_texts(args.date, HISTORY_PAPERS))
    import json

    picks = len(json.loads(cold[2])["recommendations"])
    candidates = json.loads(cold[2]).get("candidates", "?")
    same = json.loads(cold[2])["recommendations"] == json.loads(warm[2])["recommendations"]
    rows.append((f"digest, cold: embeds {candidates} candidates + profile", *cold[:2]))
    rows.append(("digest, warm: vectors from the store", *warm[:2]))
    rows.append(("digest, warm again", *again[:2]))
    rows.append((f"ingest every listing since {since} (the history)", *more[:2]))
    rows.append(
        (
            f"digest, warm, with {args.history_days} days of history in the store "
            f"(TF-IDF and lexical model fitted on {earlier:,} earlier papers)",
            *with_history[:2],
        )
    )
    rows.append(
        ("digest with history again: the day's fit read back from the store", *history_again[:2])
    )
    views = json.loads(web.stdout)
    rows.append(
        (
            "web app (one process, model loaded): warm-up prepares the day once",
            views["warm_up"],
            web.peak_mb,
        )
    )
    rows.append(
        (
            f"web app: a user's first view of the day from the warm-up's index "
            f"(mean of {len(views['views'])} users)",
            sum(views["views"]) / len(views["views"]),
            web.peak_mb,
        )
    )
    rows.append(
        (
            "web app: the same view preparing the day itself (before the index was shared)",
            views["unshared"],
            web.peak_mb,
        )
    )
    table = Table(
        key="bench-digest",
        title=f"A day's digest through the CLI ({args.date}, {picks} picks)",
        columns=["step (one `paperfeed` process each)", "wall s", "peak RSS MB"],
        rows=[[name, f"{secs:.2f}", f"{rss:.0f}"] for name, secs, rss in rows],
        notes=[
            "command: `python bench/bench_digest.py`; 2 cores, no GPU",
            f"warm list identical to cold: {same}",
            "targets: warm digest under 2 s, peak memory under 1 GB",
        ],
    )
    print(table.to_markdown())
    write_section(ROOT / "docs" / "benchmarks.md", table)


if __name__ == "__main__":
    main()
