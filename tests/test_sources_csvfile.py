"""Tests of the CSV reader (paperfeed/sources/csvfile.py)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperfeed.errors import InputError
from paperfeed.sources.csvfile import read_csv

FIXTURES = Path(__file__).parent / "fixtures" / "files"


def fixture_text() -> str:
    return (FIXTURES / "papers.csv").read_text(encoding="utf-8")


def test_reads_rows_with_ids_authors_and_categories() -> None:
    batch = read_csv(fixture_text(), "papers.csv")
    sparse, deep, fables = batch.papers
    assert sparse.id == "2506.01234"
    assert sparse.url == "https://arxiv.org/abs/2506.01234"
    assert sparse.abstract.endswith(
        "question answering, and propose a sparse mixture of retrievers."
    )
    assert sparse.authors == ("Ana Lima", "Wei Zhang")
    assert sparse.categories == ("cs.IR", "cs.CL")
    assert deep.id == "doi:10.1038/nature14539" and deep.doi == "10.1038/nature14539"
    assert deep.authors == ("Yann LeCun", "Yoshua Bengio")
    assert fables.date == "2023-01-01" and fables.url == "https://example.org/fables"
    assert {p.source for p in batch.papers} == {"csv"}


def test_header_is_case_insensitive_and_id_column_may_be_named_id() -> None:
    text = "Title,ID,Authors\nA paper,arXiv:2401.00001v2,Han Fang and Ee-Chien Chang\n"
    paper = read_csv(text, "x.csv").papers[0]
    assert paper.id == "2401.00001"
    assert paper.authors == ("Han Fang", "Ee-Chien Chang")


def test_missing_title_column_names_the_field() -> None:
    with pytest.raises(InputError) as info:
        read_csv("\nid,name\n2401.00001,x\n", "x.csv")
    assert info.value.field == "title" and info.value.line == 2
    assert str(info.value).startswith("x.csv:2: field 'title'")


def test_row_without_title_names_its_line_after_a_multiline_cell() -> None:
    text = fixture_text() + ',,orphan abstract,"Fang, Han",,,,\n'
    with pytest.raises(InputError) as info:
        read_csv(text, "papers.csv")
    assert info.value.line == 7  # the quoted abstract of row 1 spans lines 2-3; a blank line 5
    assert str(info.value).startswith("papers.csv:7:")


def test_bad_date_and_extra_cells_name_the_line() -> None:
    with pytest.raises(InputError) as info:
        read_csv("title,date\nA,2024-02-30\n", "x.csv")
    assert (info.value.line, info.value.field) == (2, "date")
    with pytest.raises(InputError) as info:
        read_csv("title,date\nA, with a comma,2024-02-03\n", "x.csv")
    assert info.value.line == 2 and "3 cells" in str(info.value)


def test_malformed_csv_quoting_is_an_input_error() -> None:
    with pytest.raises(InputError) as info:
        read_csv('title\nok\n"never closed\nmore\n', "x.csv")
    assert info.value.line == 3  # where the unclosed quote starts, not where the text ends
    assert str(info.value).startswith("x.csv:3: malformed CSV")


def test_empty_and_header_only_give_empty_batches() -> None:
    assert read_csv("", "x.csv").papers == ()
    assert read_csv("title,abstract\n", "x.csv").papers == ()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["title", "date", "id", "authors", ",", '"', "\n", "2024-01-01", ";", "\r"])
        | st.text(max_size=4),
        max_size=30,
    ).map("".join)
)
def test_random_text_raises_only_input_error(text: str) -> None:
    with contextlib.suppress(InputError):
        read_csv(text, "random.csv")
