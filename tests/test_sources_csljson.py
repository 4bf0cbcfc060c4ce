"""Tests of the CSL-JSON reader (paperfeed/sources/csljson.py)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperfeed.errors import InputError
from paperfeed.sources.csljson import read_csl_json

FIXTURES = Path(__file__).parent / "fixtures" / "files"


def fixture_items() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads((FIXTURES / "zotero.json").read_text("utf-8"))
    return items


def test_reads_a_zotero_export() -> None:
    text = (FIXTURES / "zotero.json").read_text(encoding="utf-8")
    batch = read_csl_json(text, "zotero.json")
    assert [p.id for p in batch.papers] == [
        "1706.03762",
        "doi:10.1038/nature14539",
        batch.papers[2].id,
        "2106.09685",
    ]
    attention, nature, fables, lora = batch.papers
    assert attention.authors == ("Ashish Vaswani", "Noam Shazeer")
    assert attention.date == "2017-12-05"
    assert attention.doi == "10.48550/arxiv.1706.03762"
    assert attention.url == "http://arxiv.org/abs/1706.03762"
    assert attention.abstract.startswith("The dominant sequence transduction")
    assert nature.date == "2015-05-28" and nature.url == "https://doi.org/10.1038/nature14539"
    assert fables.title == "Fables of retrieval"
    assert fables.authors == ("Jean de la Fontaine", "OpenAI Research")
    assert fables.date == "2023-06-01"
    assert lora.date == "2021-01-01"
    assert {p.source for p in batch.papers} == {"csl-json"}


@pytest.mark.parametrize("key", ["number", "URL", "note", "archive_location", "DOI"])
def test_arxiv_id_found_in_each_place_zotero_puts_it(key: str) -> None:
    value = {
        "number": "arXiv:2406.01234",
        "URL": "https://arxiv.org/abs/2406.01234v2",
        "note": "arXiv:2406.01234 [cs]",
        "archive_location": "2406.01234",
        "DOI": "10.48550/arXiv.2406.01234",
    }[key]
    item = {"title": "T", key: value}
    assert read_csl_json(json.dumps([item]), "x.json").papers[0].id == "2406.01234"


def test_journal_issue_number_is_not_an_arxiv_id() -> None:
    item = {"title": "T", "number": "12", "URL": "https://example.org/1234.56789"}
    assert read_csl_json(json.dumps([item]), "x.json").papers[0].id.startswith("title:")


def test_single_item_object_and_empty_inputs() -> None:
    assert len(read_csl_json(json.dumps({"title": "Alone"}), "x.json").papers) == 1
    assert read_csl_json("", "x.json").papers == ()
    assert read_csl_json("[]", "x.json").papers == ()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": ""}, "items[3].title", "missing title"),
        ({"title": ["a list"]}, "items[3].title", "expected text"),
        ({"author": "Fang, Han"}, "items[3].author", "list of names"),
        ({"author": [{"family": "Fang"}, "Han"]}, "items[3].author[1]", "name object"),
        ({"issued": {"date-parts": [[2021, 13, 1]]}}, "items[3].issued", "date"),
        ({"issued": {"date-parts": "2021"}}, "items[3].issued", "date-parts"),
        ({"issued": "2021"}, "items[3].issued", "date object"),
    ],
)
def test_bad_item_names_file_item_and_field(
    change: dict[str, Any], field: str, message: str
) -> None:
    items = fixture_items()
    items[3].update(change)
    with pytest.raises(InputError) as info:
        read_csl_json(json.dumps(items), "zotero.json")
    assert info.value.field == field
    assert str(info.value).startswith(f"zotero.json: field '{field}'")
    assert message in str(info.value)


def test_item_that_is_not_an_object_names_its_index() -> None:
    with pytest.raises(InputError) as info:
        read_csl_json('[{"title": "A"}, 42]', "x.json")
    assert info.value.field == "items[1]"


def test_invalid_json_names_the_line() -> None:
    text = '[\n  {"title": "A"},\n  {"title": "B",}\n]'
    with pytest.raises(InputError) as info:
        read_csl_json(text, "x.json")
    assert info.value.line == 3
    assert str(info.value).startswith("x.json:3:")


def test_not_an_array_is_an_error() -> None:
    with pytest.raises(InputError, match="array"):
        read_csl_json('"just a string"', "x.json")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=4,
)
CSL_KEYS = st.sampled_from(
    ["title", "abstract", "author", "issued", "DOI", "URL", "number", "note", "archive_location"]
)
NAMES = st.lists(st.dictionaries(st.sampled_from(["family", "given", "literal"]), JSON_VALUES))
DATES = st.dictionaries(st.sampled_from(["date-parts", "raw", "literal"]), JSON_VALUES)
ITEMS = st.dictionaries(CSL_KEYS, JSON_VALUES | NAMES | DATES, max_size=6)


@settings(max_examples=200, deadline=None)
@given(st.lists(ITEMS, max_size=4).map(json.dumps) | st.text())
def test_random_input_raises_only_input_error(text: str) -> None:
    with contextlib.suppress(InputError):
        read_csl_json(text, "random.json")
