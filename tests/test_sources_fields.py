"""Tests of the field helpers every reader shares: text, dates, author lists, arXiv papers."""

from __future__ import annotations

import datetime

import pytest

from paperfeed.errors import InputError
from paperfeed.sources.fields import (
    arxiv_paper,
    category_list,
    clean,
    day_string,
    iso_date,
    split_author_list,
    split_categories,
    timestamp_date,
)


def test_clean_collapses_whitespace_and_takes_none() -> None:
    assert clean(" a\n\tb  c ") == "a b c"
    assert clean(None) == ""


def test_timestamp_date_accepts_iso_and_rfc822_in_their_own_zone() -> None:
    assert timestamp_date("2025-06-03T17:58:41Z") == "2025-06-03"
    assert timestamp_date("Wed, 04 Jun 2025 00:00:00 -0400") == "2025-06-04"
    assert timestamp_date("2025-06-04") == "2025-06-04"
    assert timestamp_date("last Tuesday") is None
    assert timestamp_date(None) is None


def test_iso_date_is_strict() -> None:
    assert iso_date("2025") == "2025-01-01" and iso_date("2025/6") == "2025-06-01"
    assert iso_date("  ") is None
    with pytest.raises(ValueError, match="calendar day"):
        iso_date("2025-02-30")
    with pytest.raises(ValueError, match="not a date"):
        iso_date("Wed, 04 Jun 2025")


def test_day_string() -> None:
    assert day_string(" 2025-06-04 ") == "2025-06-04"
    assert day_string(datetime.datetime(2025, 6, 4, 23, 59)) == "2025-06-04"
    assert day_string(datetime.date(2025, 6, 4)) == "2025-06-04"
    with pytest.raises(ValueError):
        day_string("04/06/2025")


def test_split_author_list() -> None:
    assert split_author_list("Mei Lin, Tomás Ortega, and Priya Raghunathan") == [
        "Mei Lin",
        "Tomás Ortega",
        "Priya Raghunathan",
    ]
    assert split_author_list("A Bee; C Dee and E Eff") == ["A Bee", "C Dee", "E Eff"]
    assert split_author_list(" ") == []


def test_split_and_list_categories() -> None:
    assert split_categories("cs.LG; cs.CL,cs.AI  stat.ML") == ["cs.LG", "cs.CL", "cs.AI", "stat.ML"]
    assert category_list([" cs.LG ", "", "cs.CL"]) == ["cs.LG", "cs.CL"]
    with pytest.raises(ValueError, match="at least one"):
        category_list([" "])


def test_arxiv_paper_builds_the_canonical_paper() -> None:
    paper = arxiv_paper(
        "http://arxiv.org/abs/2506.03098v2",
        " Calibrated\n RAG ",
        origin="feed.xml",
        where="entry 1",
        source="arxiv-api",
        authors=["Hannah Schäfer", " "],
        doi="https://doi.org/10.18653/V1/2025.acl-long.412",
    )
    assert (paper.id, paper.title, paper.authors) == (
        "2506.03098",
        "Calibrated RAG",
        ("Hannah Schäfer",),
    )
    assert paper.url == "https://arxiv.org/abs/2506.03098"
    assert paper.doi == "10.18653/v1/2025.acl-long.412"


@pytest.mark.parametrize(
    ("raw_id", "title", "field", "message"),
    [
        ("not an id", "T", "guid", "item 4: no arXiv id in 'not an id'"),
        ("2506.03098", " ", "title", "item 4 (2506.03098): empty title"),
    ],
)
def test_arxiv_paper_errors_name_the_item_and_field(
    raw_id: str, title: str, field: str, message: str
) -> None:
    with pytest.raises(InputError) as info:
        arxiv_paper(raw_id, title, origin="f.xml", where="item 4", source="rss", id_field="guid")
    assert info.value.field == field and message in str(info.value)
