"""Tests of the JSON Lines reader and streamer (paperfeed/sources/jsonl.py)."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperfeed.errors import InputError
from paperfeed.sources.jsonl import iter_jsonl_path, read_jsonl, read_jsonl_path

FIXTURES = Path(__file__).parent / "fixtures" / "files"
SHARED = Path(
    os.environ.get("PAPERFEED_SHARED_DATA", Path(__file__).parents[2] / "shared" / "data")
)
REAL = SHARED / "arxiv-cs-2025.jsonl.gz"


def fixture_text() -> str:
    return (FIXTURES / "papers.jsonl").read_text(encoding="utf-8")


def test_reads_records_with_normalized_ids_and_urls() -> None:
    batch = read_jsonl(fixture_text(), "papers.jsonl")
    assert [p.id for p in batch.papers] == ["2506.01234", "2506.04321", "2506.05555", "2506.07777"]
    first = batch.papers[0]
    assert first.title == "Sparse Mixture of Retrievers for Long-Context QA"
    assert first.url == "https://arxiv.org/abs/2506.01234"
    assert first.authors == ("Ana Lima", "Wei Zhang")
    assert first.categories == ("cs.IR", "cs.CL")
    assert first.date == "2025-06-03"
    assert first.source == "jsonl"
    assert batch.papers[3].authors == () and batch.papers[3].abstract == ""


def test_date_filter_keeps_one_listing_day() -> None:
    batch = read_jsonl(fixture_text(), "papers.jsonl", date="2025-06-04")
    assert [p.id for p in batch.papers] == ["2506.05555", "2506.07777"]


def test_author_and_category_strings_are_split() -> None:
    line = json.dumps(
        {
            "id": "2401.00001",
            "title": "T",
            "authors": "A. Smith, B. Jones and C. Lee",
            "categories": "cs.CL cs.AI",
        }
    )
    paper = read_jsonl(line, "x.jsonl").papers[0]
    assert paper.authors == ("A. Smith", "B. Jones", "C. Lee")
    assert paper.categories == ("cs.CL", "cs.AI")


def test_record_without_arxiv_id_uses_doi_or_title() -> None:
    lines = [
        json.dumps({"title": "With DOI", "doi": "https://doi.org/10.1000/ABC"}),
        json.dumps({"title": "Bare"}),
    ]
    papers = read_jsonl("\n".join(lines), "x.jsonl").papers
    assert papers[0].id == "doi:10.1000/abc" and papers[0].url == "https://doi.org/10.1000/abc"
    assert papers[1].id.startswith("title:") and papers[1].url == ""


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ('{"id": "2401.00001", "title": "T"', None, "not valid JSON"),
        ('["a list"]', None, "JSON object"),
        ('{"id": "2401.00001", "abstract": "no title"}', "title", "missing title"),
        ('{"title": "T", "date": "2025-02-30"}', "date", "calendar day"),
        ('{"title": "T", "authors": [1, 2]}', "authors", "list of strings"),
        ('{"title": "T", "id": 2401.00001}', "id", "expected text"),
    ],
)
def test_malformed_line_names_file_line_and_field(
    line: str, field: str | None, message: str
) -> None:
    text = fixture_text().rstrip("\n") + "\n" + line + "\n"
    with pytest.raises(InputError) as info:
        read_jsonl(text, "papers.jsonl")
    assert info.value.line == 6
    assert info.value.field == field
    assert str(info.value).startswith("papers.jsonl:6")
    assert message in str(info.value)


def test_empty_text_is_an_empty_batch() -> None:
    assert read_jsonl("", "x.jsonl").papers == ()


def test_streams_a_gzipped_file(tmp_path: Path) -> None:
    path = tmp_path / "papers.jsonl.gz"
    path.write_bytes(gzip.compress(fixture_text().encode()))
    assert [p.id for p in iter_jsonl_path(path, date="2025-06-03")] == ["2506.01234", "2506.04321"]
    assert len(list(iter_jsonl_path(path))) == 4


def test_streaming_yields_before_reading_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "papers.jsonl"
    path.write_text(fixture_text() + "not json\n", encoding="utf-8")
    papers = iter_jsonl_path(path)
    assert next(papers).id == "2506.01234"  # the broken line 6 is not read yet
    with pytest.raises(InputError) as info:
        list(papers)
    assert info.value.line == 6 and str(path) in str(info.value)


def test_stream_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"missing\.jsonl"):
        list(iter_jsonl_path(tmp_path / "missing.jsonl"))
    truncated = tmp_path / "cut.jsonl.gz"
    truncated.write_bytes(gzip.compress(fixture_text().encode())[:-20])
    with pytest.raises(InputError, match=r"cut\.jsonl\.gz"):
        list(iter_jsonl_path(truncated))
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(b'{"title": "ok"}\n{"title": "Caf\xe9"}\n')
    with pytest.raises(InputError) as info:
        list(iter_jsonl_path(latin))
    assert info.value.line == 2 and "UTF-8" in str(info.value)


def test_duplicate_ids_are_kept_once_with_both_lines_named(tmp_path: Path) -> None:
    path = tmp_path / "dup.jsonl.gz"
    lines = fixture_text().splitlines()
    path.write_bytes(gzip.compress("\n".join([*lines, lines[0].replace("v2", "v3")]).encode()))
    batch = read_jsonl_path(path)
    assert len(batch.papers) == 4
    assert batch.problems == (
        f"{path}, line 6: same paper as line 1 "
        "('Sparse Mixture of Retrievers for Long-Context QA'); kept the first",
    )


@pytest.mark.skipif(not REAL.exists(), reason="no shared data")
def test_real_dataset_streams_without_loading_it() -> None:
    tracemalloc.start()
    try:
        first = next(iter_jsonl_path(REAL))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert first.arxiv_id is not None
    assert peak < 5_000_000  # the unpacked file is over 100 MB


@pytest.mark.skipif(not REAL.exists(), reason="no shared data")
def test_real_dataset_one_listing_day() -> None:
    papers = list(iter_jsonl_path(REAL, date="2026-06-30"))
    assert len(papers) == 530
    assert {p.date for p in papers} == {"2026-06-30"}
    assert all(p.title and p.arxiv_id and p.url.endswith(p.id) for p in papers)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(['{"title": "T"}', '{"title": 1}', "{", '{"date": "x"}', "null", "[]"])
        | st.text(),
        max_size=6,
    )
)
def test_random_text_raises_only_input_error(lines: list[str]) -> None:
    with contextlib.suppress(InputError):
        read_jsonl("\n".join(lines), "random.jsonl")
