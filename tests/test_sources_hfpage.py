"""Tests of the saved Hugging Face papers page reader (paperfeed/sources/hfpage.py)."""

from __future__ import annotations

import contextlib
import datetime
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperfeed.errors import InputError
from paperfeed.sources.hfpage import looks_like_hf_page, read_hf_page

FIXTURES = Path(__file__).parent / "fixtures" / "files"
SHARED = Path(
    os.environ.get("PAPERFEED_SHARED_DATA", Path(__file__).parents[2] / "shared" / "data")
)
HEADER = "new\n\nSubscribe\n\nbyAK and the research community\n\n"
LONG = "We do a thing. " + "It works well on many benchmarks and the code is released. " * 5


def read_fixture() -> str:
    return (FIXTURES / "hf-page.txt").read_text(encoding="utf-8")


def test_reads_titles_abstracts_and_the_dated_day() -> None:
    batch = read_hf_page(read_fixture(), "hf.txt", year=2025)
    assert len(batch.papers) == 3
    assert (
        batch.papers[0].title == "Sparse Mixture of Retrievers for Long-Context Question Answering"
    )
    assert batch.papers[1].abstract.startswith("Large language models are often overconfident.")
    assert {paper.date for paper in batch.papers} == {"2025-07-02"}
    assert {paper.source for paper in batch.papers} == {"hf-page"}
    assert batch.problems == ()


def test_default_year_is_the_latest_such_day_not_after_today() -> None:
    today = datetime.date.today()
    text = f"{HEADER}{today:%b} {today.day}\n\nA Title\n\n{LONG}\n"
    assert read_hf_page(text, "hf.txt").papers[0].date == today.isoformat()
    tomorrow = today + datetime.timedelta(days=1)
    if tomorrow.year == today.year:
        text = f"{HEADER}{tomorrow:%b} {tomorrow.day}\n\nA Title\n\n{LONG}\n"
        date = read_hf_page(text, "hf.txt").papers[0].date
        assert date == tomorrow.replace(year=today.year - 1).isoformat()


def test_date_line_with_its_own_year_and_long_month_name() -> None:
    text = f"{HEADER}June 30, 2024\n\nA Title\n\n{LONG}\n"
    assert read_hf_page(text, "hf.txt", year=2020).papers[0].date == "2024-06-30"


def test_impossible_date_names_the_file_and_line() -> None:
    text = f"{HEADER}Feb 30\n\nA Title\n\n{LONG}\n"
    with pytest.raises(InputError) as info:
        read_hf_page(text, "hf.txt", year=2025)
    assert info.value.line == 7
    assert str(info.value).startswith("hf.txt:7:")


def test_title_without_abstract_is_kept_and_reported() -> None:
    text = f"{HEADER}Jun 30\n\nLonely Title\n\nSecond Title\n\n{LONG}\n\nThird Title\n\n{LONG}\n"
    batch = read_hf_page(text, "hf.txt", year=2025)
    assert [p.title for p in batch.papers] == ["Lonely Title", "Second Title", "Third Title"]
    assert batch.papers[0].abstract == ""
    assert batch.papers[1].abstract == LONG.strip()
    assert "line 9" in batch.problems[0] and "Lonely Title" in batch.problems[0]


def test_short_abstract_is_still_an_abstract() -> None:
    text = f"{HEADER}Jun 30\n\nFirst Title\n\nA short abstract\n\nSecond Title\n\n{LONG}\n"
    batch = read_hf_page(text, "hf.txt", year=2025)
    assert (batch.papers[0].title, batch.papers[0].abstract) == ("First Title", "A short abstract")
    assert len(batch.papers) == 2


def test_split_abstract_upvotes_and_wrapped_lines_are_joined() -> None:
    text = (
        f"{HEADER}Jun 30\n\nA Wrapped\nTitle\n\n{LONG}\n\n{LONG}\n\n12\n\n"
        f"Submitted by someone\n\nNext Title\n\n{LONG}\n"
    )
    batch = read_hf_page(text, "hf.txt", year=2025)
    assert [p.title for p in batch.papers] == ["A Wrapped Title", "Next Title"]
    assert batch.papers[0].abstract == f"{LONG.strip()} {LONG.strip()}"


def test_title_with_a_question_is_not_taken_for_more_abstract() -> None:
    text = f"{HEADER}Jun 30\n\nFirst Title\n\n{LONG}\n\nIs Scale All You Need? A Study\n\n{LONG}\n"
    batch = read_hf_page(text, "hf.txt", year=2025)
    assert [p.title for p in batch.papers] == ["First Title", "Is Scale All You Need? A Study"]
    assert batch.papers[0].abstract == LONG.strip()


def test_page_without_date_line_gives_undated_papers_and_a_problem() -> None:
    batch = read_hf_page(f"A Title\n\n{LONG}\n", "hf.txt")
    assert batch.papers[0].date is None
    assert "no date line" in batch.problems[0]


def test_empty_page_is_an_empty_batch() -> None:
    assert read_hf_page("", "hf.txt").papers == ()


def test_sniffing_tells_a_page_from_a_listing() -> None:
    assert looks_like_hf_page(read_fixture())
    assert looks_like_hf_page("Jun 30\n\nTitle\n\nAbstract")
    listing = (FIXTURES / "listing.txt").read_text(encoding="utf-8")
    assert not looks_like_hf_page(listing)


@pytest.mark.skipif(
    not (SHARED / "feeds" / "hf-papers-page-sample.txt").exists(), reason="no shared data"
)
def test_real_hf_sample() -> None:
    path = SHARED / "feeds" / "hf-papers-page-sample.txt"
    batch = read_hf_page(path.read_text(encoding="utf-8"), str(path), year=2026)
    # 40 title/abstract pairs follow the "Jun 30" line (lines 11 to 169).
    assert len(batch.papers) == 40
    assert all(paper.title and paper.abstract for paper in batch.papers)
    assert all(len(paper.abstract) > len(paper.title) for paper in batch.papers)
    assert batch.papers[0].title.startswith("Convertible Codes")
    assert batch.papers[-1].title.startswith("Turn-Averaged SAEs")
    assert {paper.date for paper in batch.papers} == {"2026-06-30"}
    assert batch.problems == ()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["Jun 30", "Feb 30", "Sept 3, 2024", "new", "7", "Title", LONG, "", ""])
        | st.text(),
        max_size=12,
    ),
    st.none() | st.integers(min_value=-5, max_value=100_000),
)
def test_random_text_raises_only_input_error(lines: list[str], year: int | None) -> None:
    with contextlib.suppress(InputError):
        read_hf_page("\n".join(lines), "random.txt", year=year)
