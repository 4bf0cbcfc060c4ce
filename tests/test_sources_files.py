"""Tests of reading paper files from disk (paperfeed/sources/files.py)."""

from __future__ import annotations

import contextlib
import gzip
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperfeed.errors import InputError
from paperfeed.sources.files import READERS, read_path

FIXTURES = Path(__file__).parent / "fixtures" / "files"


@pytest.mark.parametrize(
    ("name", "source", "count"),
    [
        ("listing.txt", "listing", 3),
        ("hf-page.txt", "hf-page", 3),
        ("papers.jsonl", "jsonl", 4),
        ("papers.bib", "bibtex", 4),
        ("zotero.json", "csl-json", 4),
        ("papers.csv", "csv", 3),
    ],
)
def test_picks_the_reader_by_extension_and_content(name: str, source: str, count: int) -> None:
    batch = read_path(FIXTURES / name)
    assert batch.origin == str(FIXTURES / name)
    assert len(batch.papers) == count
    assert {paper.source for paper in batch.papers} == {source}


def test_kind_overrides_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "export.dat"
    shutil.copy(FIXTURES / "papers.bib", path)
    assert len(read_path(path, kind="bibtex").papers) == 4
    with pytest.raises(InputError, match="kind"):
        read_path(path)
    with pytest.raises(InputError, match="unknown kind 'word'"):
        read_path(path, kind="word")


def test_json_holding_lines_is_read_as_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "papers.json"
    shutil.copy(FIXTURES / "papers.jsonl", path)
    assert {p.source for p in read_path(path).papers} == {"jsonl"}
    single = tmp_path / "one.json"
    single.write_text(json.dumps({"title": "Alone", "author": [{"literal": "X"}]}, indent=2))
    assert read_path(single).papers[0].source == "csl-json"


def test_gzipped_files_are_unpacked(tmp_path: Path) -> None:
    for name in ("papers.jsonl", "papers.bib"):
        path = tmp_path / f"{name}.gz"
        path.write_bytes(gzip.compress((FIXTURES / name).read_bytes()))
        assert len(read_path(path).papers) == 4
    broken = tmp_path / "broken.csv.gz"
    broken.write_bytes(b"not gzip at all")
    with pytest.raises(InputError, match="gzip"):
        read_path(broken)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_path(tmp_path / "nope.bib")
    assert str(info.value) == f"{tmp_path / 'nope.bib'}: no such file"
    with pytest.raises(InputError, match="directory"):
        read_path(tmp_path, kind="csv")


def test_wrongly_encoded_file_names_line_and_offset(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    data = (FIXTURES / "listing.txt").read_text(encoding="utf-8").encode("latin-1")
    path.write_bytes(data)
    offset = data.index("è".encode("latin-1"))  # in "Thèse", on line 5
    with pytest.raises(InputError) as info:
        read_path(path)
    assert info.value.line == 5
    assert f"offset {offset}" in str(info.value)
    assert str(info.value).startswith(f"{path}:5: not UTF-8 text")


def test_binary_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "picture.csv"
    path.write_bytes(b"title\n\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(InputError, match="binary") as info:
        read_path(path)
    assert info.value.line == 4  # the NUL byte follows the third newline


def test_byte_order_marks_are_handled(tmp_path: Path) -> None:
    text = (FIXTURES / "papers.csv").read_text(encoding="utf-8")
    bom8 = tmp_path / "excel.csv"
    bom8.write_bytes(text.encode("utf-8-sig"))
    assert len(read_path(bom8).papers) == 3
    utf16 = tmp_path / "excel16.csv"
    utf16.write_bytes(text.encode("utf-16"))
    assert len(read_path(utf16).papers) == 3


EXTENSIONS = [".txt", ".jsonl", ".json", ".bib", ".csv", ".jsonl.gz", ".xyz"]


@settings(max_examples=200, deadline=None)
@given(
    st.binary(max_size=200) | st.text(max_size=200).map(str.encode),
    st.sampled_from(EXTENSIONS),
    st.none() | st.sampled_from(sorted(READERS)),
)
def test_random_bytes_raise_only_input_error(data: bytes, extension: str, kind: str | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"random{extension}"
        path.write_bytes(data)
        with contextlib.suppress(InputError):
            read_path(path, kind=kind)
