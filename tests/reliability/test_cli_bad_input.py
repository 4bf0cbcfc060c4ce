"""Bad input through the command line: `profile import` and `ingest` of broken files.

Each must end with exit status 1 and one line ``error: FILE[:LINE]...`` (no traceback),
and leave the database byte-for-byte as it was in content (dumped before and after),
also when the broken line comes after thousands of good ones.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperfeed.cli import cli

from .ledger import record
from .readers import FILE_KINDS, READERS
from .synth import dump, paper_record, synthetic_papers
from .test_fuzz_readers import mutated

CLEAN_ENV = {"PAPERFEED_CONFIG": os.devnull, "PAPERFEED_DB": None}
GOOD_PROFILE = "Jane Doe\nA fine title\nJane Doe, Richard Roe\nAn abstract.\n"


def big_jsonl_with_bad_line(bad_at: int) -> str:
    lines = [json.dumps(paper_record(p)) for p in synthetic_papers(bad_at + 100, seed=5)]
    lines[bad_at - 1] = '{"id": "2606.99999", "title": "cut here'
    return "\n".join(lines) + "\n"


# name: (file name, content, the line the error must name or None)
BAD_FILES: dict[str, tuple[str, bytes, int | None]] = {
    "listing, incomplete record": ("p.txt", b"Jane Doe\nTitle\nJane Doe\n", 2),
    "jsonl, broken JSON": ("p.jsonl", b'{"title": "a"}\n{"title": "b"}\n{"title": \n', 3),
    "jsonl, title not a string": ("p.jsonl", b'{"title": 3}\n', 1),
    "jsonl, bad line 6001": ("p.jsonl", big_jsonl_with_bad_line(6001).encode(), 6001),
    "bibtex, broken entry": ("p.bib", b"@article{a, title={A}}\n\n@article{b, title={B\n", None),
    "csl-json, broken JSON": ("p.json", b'[{"title": "A"},\n {"title": }]', 2),
    "csv, too many cells": ("p.csv", b"title,abstract\nA,x\nB,y,z\n", 3),
    "latin-1 text": ("p.txt", "Jane Doe\nCaf\u00e9\nJane Doe\nAbstract\n".encode("latin-1"), 2),
    "UTF-16 without BOM": ("p.jsonl", '{"title": "a"}\n'.encode("utf-16-le"), 1),
    "NUL bytes": ("p.csv", b"title\nA\x00B\n", 2),
    "broken gzip": ("p.jsonl.gz", b"\x1f\x8b\x08\x00garbage", None),
    "random binary": ("p.bib", bytes(range(256)) * 4, 1),
}


def seeded_db(folder: Path) -> Path:
    """A store with one user and a profile, made through the CLI itself."""
    db = folder / "pf.db"
    good = folder / "good.txt"
    good.write_text(GOOD_PROFILE, "utf-8")
    result = CliRunner(env=CLEAN_ENV).invoke(
        cli, ["--db", str(db), "profile", "import", str(good), "--user", "jane"]
    )
    assert result.exit_code == 0, result.output
    return db


def invoke(db: Path, command: str, path: Path) -> tuple[int, str]:
    args = (
        ["profile", "import", str(path), "--user", "jane"]
        if command == "profile"
        else ["ingest", str(path)]
    )
    result = CliRunner(env=CLEAN_ENV).invoke(cli, ["--db", str(db), *args])
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception  # no traceback
    return result.exit_code, result.stderr


@pytest.mark.parametrize("command", ["profile", "ingest"])
@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file_is_named_and_changes_nothing(tmp_path: Path, command: str, case: str) -> None:
    name, content, line = BAD_FILES[case]
    db = seeded_db(tmp_path)
    path = tmp_path / name
    path.write_bytes(content)
    before = dump(db)
    code, err = invoke(db, command, path)
    assert code == 1, err
    assert err.startswith(f"error: {path}"), err
    if line is not None:
        assert err.startswith(f"error: {path}:{line}"), err
    assert len(err.strip().splitlines()) == 1, err
    assert dump(db) == before
    record("bad input: CLI, broken files", inputs=1, faults=1)


@pytest.mark.parametrize("kind", FILE_KINDS)
def test_fuzzed_files_through_the_cli_fail_cleanly(kind: str) -> None:
    sample, suffix = READERS[kind][1], READERS[kind][2]
    folder = Path(tempfile.mkdtemp(prefix="pf-cli-fuzz-"))
    db = seeded_db(folder)
    tried = {"accepted": 0, "refused": 0}

    @settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(text=mutated(sample), gz=st.booleans())
    def fuzz(text: str, gz: bool) -> None:
        path = folder / f"input{suffix}{'.gz' if gz else ''}"
        data = text.encode("utf-8", "surrogatepass")
        path.write_bytes(gzip.compress(data) if gz else data)
        before = dump(db)
        code, err = invoke(db, "profile", path)
        if code == 0:
            tried["accepted"] += 1
            return
        tried["refused"] += 1
        assert code == 1 and err.startswith(f"error: {path}"), err
        assert dump(db) == before

    fuzz()
    record("bad input: CLI, fuzzed files", inputs=sum(tried.values()), faults=tried["refused"])
