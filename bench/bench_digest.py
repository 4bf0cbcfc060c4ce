"""A laptop user's digests through the CLI: a new install, a new day, the same day again.

Usage: .venv/bin/python bench/bench_digest.py [--date 2026-06-30] [--previous 2026-06-29]

Each step runs as its own `paperfeed` process, as a user (or cron) runs it, on one
database: the sample profile, and every listing of the 120 days before ``--date`` from the
74k-paper snapshot. The first digest (``--previous``) is a new install's: it fits the
feature space on the history, embeds the background sample and the day, and trains the
user's models. The next is the one the targets are about: a new day, cold (its papers not
yet embedded), with the models already trained. Wall time, CPU time and the process's peak
resident memory (wait4) are reported; the web app's views come from bench/web_views.py.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import date as Date
from datetime import timedelta
from pathlib import Path

from measured import Measured, run_measured

from paperfeed.eval.report import Table, write_section

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
PAPERFEED = str(Path(sys.executable).parent / "paperfeed")


def run(db: Path, *args: str) -> Measured:
    """Run one paperfeed command on ``db``."""
    result = run_measured([PAPERFEED, "--db", str(db), *args])
    if result.status != 0:
        raise SystemExit(f"paperfeed {' '.join(args)} failed with status {result.status}")
    return result


def row(name: str, measured: Measured, target: str = "") -> list[str]:
    return [
        name,
        f"{measured.seconds:.2f}",
        f"{measured.cpu_seconds:.2f}",
        f"{measured.peak_mb:.0f}",
        target,
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", default="2026-06-30", help="the new listing day")
    parser.add_argument("--previous", default="2026-06-29", help="the listing day before it")
    parser.add_argument("--history-days", type=int, default=120, help="earlier days to ingest")
    args = parser.parse_args()
    listing = str(DATA / "arxiv-cs-2025.jsonl.gz")
    since = (Date.fromisoformat(args.date) - timedelta(days=args.history_days)).isoformat()
    digest = ["digest", "--user", "fang-han", "--format", "json"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        profile = str(DATA / "profiles" / "fang-han.txt")
        rows.append(
            row(
                "profile import (10 papers)",
                run(db, "profile", "import", profile, "--user", "fang-han"),
            )
        )
        ingest = run(db, "ingest", listing, "--since", since)
        rows.append(row(f"ingest every listing since {since} from the snapshot", ingest))
        first = run(db, *digest, "--date", args.previous)
        rows.append(row(f"first digest of a new install ({args.previous})", first))
        cold = run(db, *digest, "--date", args.date)
        papers = json.loads(cold.stdout).get("candidates", "?")
        name = f"**a new day, cold ({args.date}): embeds its {papers} papers**"
        rows.append(row(name, cold, "≤ 10 s, ≤ 500 MB"))
        again = run(db, *digest, "--date", args.date)
        rows.append(row("the same day again: everything from the store", again))
        web = run_measured(
            [sys.executable, str(ROOT / "bench" / "web_views.py"), str(db), args.date, "fang-han"]
        )
    views = json.loads(web.stdout)
    same = json.loads(cold.stdout)["recommendations"] == json.loads(again.stdout)["recommendations"]
    rows.append(web_row("web app: the day prepared in a new process", views["prepare"], web))
    mean = sum(views["views"]) / len(views["views"])
    rows.append(
        web_row(f"web app: a new user's first view (mean of {len(views['views'])})", mean, web)
    )
    rows.append(web_row("web app: the view again (models trained)", views["again"], web))
    table = Table(
        key="bench-digest",
        title=f"A laptop user's digests through the CLI ({args.date})",
        columns=["step (one `paperfeed` process each)", "wall s", "CPU s", "peak RSS MB", "target"],
        rows=rows,
        notes=[
            "command: `python bench/bench_digest.py`; 2 cores, no GPU; "
            f"load average {os.getloadavg()[0]:.1f} at the end",
            f"the second run of the day gave the same picks as the first: {same}",
            "web rows: one process (bench/web_views.py), wall s, CPU s of the whole process",
        ],
    )
    print(table.to_markdown())
    write_section(ROOT / "docs" / "benchmarks.md", table)


def web_row(name: str, seconds: float, web: Measured) -> list[str]:
    return [name, f"{seconds:.2f}", "", f"{web.peak_mb:.0f}", ""]


if __name__ == "__main__":
    main()
