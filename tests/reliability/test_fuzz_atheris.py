"""Bad input, coverage-guided: atheris (libFuzzer) runs a bounded number of inputs through
every reader in a child process, starting from the project's valid samples.

Skipped when atheris is not installed (it is not a declared dependency yet).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .ledger import record
from .readers import READERS

pytest.importorskip("atheris", reason="atheris is not installed (pip install atheris)")

RUNS = 20000
HARNESS = Path(__file__).with_name("atheris_harness.py")
# The harness's reader order (sorted names); a sample file seeds each of them.
SEEDS = {
    "arxiv-atom": "arxiv-atom",
    "bibtex": "bibtex",
    "csl-json": "csl-json",
    "csv": "csv",
    "feed": "rss-feed",
    "hf-json": "hf-json",
    "hf-page": "hf-page",
    "jsonl": "jsonl",
    "listing": "listing",
    "oai-page": "oai-page",
}


def test_atheris_finds_no_crash_in_any_reader(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    names = sorted(SEEDS)
    for index, name in enumerate(names):
        sample = READERS[SEEDS[name]][1].encode("utf-8")
        (corpus / name).write_bytes(bytes([index]) + sample)
    counts_file = tmp_path / "counts.json"
    done = subprocess.run(
        [
            sys.executable,
            str(HARNESS),
            str(counts_file),
            f"-runs={RUNS}",
            "-seed=12345",
            "-max_len=20000",
            "-rss_limit_mb=2048",
            str(corpus),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    ran = re.search(r"Done (\d+) runs", done.stderr)
    assert ran and int(ran.group(1)) >= RUNS, done.stderr[-2000:]
    counts = json.loads(counts_file.read_text())
    for name, count in counts.items():
        record(f"fuzz (atheris): {name}", inputs=count)
    assert all(count > 0 for count in counts.values()), counts
