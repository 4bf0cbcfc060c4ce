"""Tests of the publication-listing reader (paperfeed/sources/listing.py)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperfeed.errors import InputError
from paperfeed.ids import paper_id
from paperfeed.sources.listing import read_listing

FIXTURES = Path(__file__).parent / "fixtures" / "files"
SHARED = Path(
    os.environ.get("PAPERFEED_SHARED_DATA", Path(__file__).parents[2] / "shared" / "data")
)


def read_fixture() -> str:
    return (FIXTURES / "listing.txt").read_text(encoding="utf-8")


def test_reads_owner_and_papers_across_blank_lines() -> None:
    batch = read_listing(read_fixture(), "listing.txt")
    assert batch.owner == "Marie Curie"
    assert batch.origin == "listing.txt"
    assert [p.title for p in batch.papers] == [
        "Recherches sur les substances radioactives",
        "Sur une nouvelle substance fortement radio-active, contenue dans la pechblende",
        "Traité de radioactivité",
    ]
    assert batch.papers[1].authors == ("Pierre Curie", "Marie Curie", "Gustave Bémont")
    assert batch.problems == ()


def test_papers_have_title_ids_clean_text_and_source() -> None:
    first = read_listing(read_fixture(), "listing.txt").papers[0]
    assert first.id == paper_id(None, None, first.title)
    assert first.id.startswith("title:")
    assert "  " not in first.abstract
    assert first.abstract.startswith("Thèse présentée")
    assert first.source == "listing"
    assert first.date is None and first.doi is None


def test_odd_author_parts_name_the_file_and_line() -> None:
    text = "Fang, Han\nA Title\nFang, Han, Smith\nAn abstract.\n"
    with pytest.raises(InputError) as info:
        read_listing(text, "me.txt")
    assert info.value.line == 3
    assert str(info.value).startswith("me.txt:3:")
    assert "odd number" in str(info.value)


def test_missing_abstract_line_is_caught_where_lines_go_out_of_step() -> None:
    abstract = (
        "We study retrieval for long documents and find that a mixture of retrievers works best."
    )
    text = (
        "Fang, Han\n"
        "Title one\nFang, Han\n"  # its abstract line is missing
        f"Title two\nFang, Han, Chang, Ee-Chien\n{abstract}\n"
        f"Title three\nFang, Han\n{abstract}\n"
    )
    with pytest.raises(InputError) as info:
        read_listing(text, "me.txt")
    # "Title two" is taken as the abstract, so the abstract on line 6 lands in the authors slot.
    assert info.value.line == 6
    assert str(info.value).startswith("me.txt:6:")
    assert "authors line" in str(info.value)


def test_incomplete_last_record_names_its_first_line() -> None:
    text = "Fang, Han\nTitle one\nFang, Han\nAbstract one.\n\nTitle two\nFang, Han\n"
    with pytest.raises(InputError) as info:
        read_listing(text, "me.txt")
    assert info.value.line == 6
    assert "incomplete record" in str(info.value)


def test_empty_listing_has_no_owner_and_is_an_error() -> None:
    with pytest.raises(InputError, match="owner"):
        read_listing("\n  \n", "empty.txt")


def test_owner_only_gives_an_empty_batch_with_owner() -> None:
    batch = read_listing("Fang, Han\n", "me.txt")
    assert batch.owner == "Han Fang"
    assert batch.papers == ()


def test_repeated_paper_is_kept_once_with_a_problem() -> None:
    record = "Title one\nFang, Han\nAbstract.\n"
    batch = read_listing("Fang, Han\n" + record + record, "me.txt")
    assert len(batch.papers) == 1
    assert "line 5" in batch.problems[0] and "line 2" in batch.problems[0]


@pytest.mark.skipif(not (SHARED / "profiles" / "fang-han.txt").exists(), reason="no shared data")
def test_real_fang_han_profile() -> None:
    path = SHARED / "profiles" / "fang-han.txt"
    batch = read_listing(path.read_text(encoding="utf-8"), str(path))
    assert batch.owner == "Han Fang"
    # The file holds 10 title/authors/abstract records after the owner line.
    assert len(batch.papers) == 10
    assert all("Han Fang" in paper.authors for paper in batch.papers)
    assert all(paper.abstract for paper in batch.papers)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab ,\n\t.é")) | st.text())
def test_random_text_raises_only_input_error(text: str) -> None:
    with contextlib.suppress(InputError):
        read_listing(text, "random.txt")
