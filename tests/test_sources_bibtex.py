"""Tests of the BibTeX reader (paperfeed/sources/bibtex.py)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperfeed.errors import InputError
from paperfeed.sources.bibtex import read_bibtex

FIXTURES = Path(__file__).parent / "fixtures" / "files"


def read_fixture() -> list:
    text = (FIXTURES / "papers.bib").read_text(encoding="utf-8")
    return list(read_bibtex(text, "papers.bib").papers)


def test_arxiv_eprint_entry() -> None:
    paper = read_fixture()[0]
    assert paper.id == "1706.03762"
    assert paper.title == "Attention Is All You Need"
    assert paper.authors[:2] == ("Ashish Vaswani", "Noam Shazeer")
    assert paper.date == "2017-06-01"
    assert paper.categories == ("cs.CL",)
    assert paper.url == "https://arxiv.org/abs/1706.03762"
    assert paper.abstract.startswith(
        "The dominant sequence transduction models are based on complex"
    )
    assert "  " not in paper.abstract
    assert paper.source == "bibtex"


def test_doi_entry() -> None:
    paper = read_fixture()[1]
    assert paper.id == "doi:10.1038/nature14539"
    assert paper.doi == "10.1038/nature14539"
    assert paper.date == "2015-05-01"
    assert paper.authors == ("Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton")


def test_latex_accents_braces_and_corporate_authors() -> None:
    paper = read_fixture()[2]
    assert paper.title == "Über die Zuverlässigkeit von BERT-Modellen für Études"
    assert paper.authors == ("Jörg Müller", "Gabriel García Márquez", "Barnes and Noble Research")
    assert paper.url == "https://example.org/papers/uber.pdf"
    assert paper.id.startswith("title:")


def test_arxiv_id_from_a_google_scholar_journal_field() -> None:
    paper = read_fixture()[3]
    assert paper.id == "2106.09685"
    assert paper.title == "LoRA: Low-Rank Adaptation of Large Language Models"
    assert paper.date == "2021-01-01"


def test_arxiv_id_from_url_or_note_and_biblatex_date() -> None:
    text = """
@online{a, title={One}, url={https://arxiv.org/abs/2401.01234v3}, date={2024-01-03}}
@misc{b, title={Two}, note={arXiv:2402.04321}, year={2024}, month={February}, day={9}}
@misc{c, title={Three}, eprint={12345}, archivePrefix={PubMed}}
"""
    papers = read_bibtex(text, "x.bib").papers
    assert [(p.id, p.date) for p in papers[:2]] == [
        ("2401.01234", "2024-01-03"),
        ("2402.04321", "2024-02-09"),
    ]
    assert papers[2].id.startswith("title:")


def test_broken_entry_names_the_file_and_its_first_line() -> None:
    text = (FIXTURES / "papers.bib").read_text(encoding="utf-8")
    broken = (
        text
        + "\n@article{broken,\n  title = {Never closed,\n  year = 2020\n\n@misc{x, title={X}}\n"
    )
    first_line = text.count("\n") + 2
    with pytest.raises(InputError) as info:
        read_bibtex(broken, "papers.bib")
    assert info.value.line == first_line
    assert str(info.value).startswith(f"papers.bib:{first_line}:")


def test_entry_without_title_names_line_and_field() -> None:
    with pytest.raises(InputError) as info:
        read_bibtex("@comment{x}\n\n@article{notitle, author={Fang, Han}, year=2020}\n", "x.bib")
    assert info.value.line == 3 and info.value.field == "title"
    assert "x.bib:3: field 'title'" in str(info.value)


def test_a_key_used_twice_keeps_both_papers_and_odd_dates_become_problems() -> None:
    text = (
        "@misc{a, title={First}, year={in press}}\n"
        "@misc{a, title={Second}}\n"
        "@misc{b, title={Third}, year=2020, month={summer}}\n"
    )
    batch = read_bibtex(text, "x.bib")
    assert [p.title for p in batch.papers] == ["First", "Second", "Third"]
    assert batch.papers[0].date is None and batch.papers[2].date == "2020-01-01"
    assert any(
        "x.bib, line 2" in problem and "'a' used twice; kept both" in problem
        for problem in batch.problems
    )
    assert any("in press" in problem for problem in batch.problems)


def test_empty_text_is_an_empty_batch() -> None:
    assert read_bibtex("", "x.bib").papers == ()


TOKENS = [
    *'@{}=,"%\\\n #',
    "@article{",
    "@string{",
    "title",
    "author",
    " and ",
    "year",
    "month",
    "eprint",
    "archivePrefix",
    "arXiv",
    "2401.01234",
    "2020",
    "jun",
    '\\"u',
    "$x$",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(TOKENS) | st.text(max_size=3), max_size=40).map("".join))
def test_random_text_raises_only_input_error(text: str) -> None:
    with contextlib.suppress(InputError):
        read_bibtex(text, "random.bib")


FIELD_NAMES = [
    "title",
    "author",
    "year",
    "month",
    "day",
    "date",
    "doi",
    "eprint",
    "archivePrefix",
    "url",
    "note",
    "journal",
    "abstract",
    "primaryClass",
]
VALUES = st.sampled_from(
    [
        "2020",
        "jun",
        "13",
        "2024-02-30",
        "arXiv",
        "Fang, Han and {X and Y}",
        '{\\"U}ber',
        "10.1000/x",
        "2401.01234v2",
        "",
        "$\\alpha$",
    ]
) | st.text(max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(FIELD_NAMES), VALUES), max_size=8))
def test_random_entries_raise_only_input_error(fields: list[tuple[str, str]]) -> None:
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    with contextlib.suppress(InputError):
        read_bibtex(f"@article{{key,\n{body}\n}}\n", "random.bib")
