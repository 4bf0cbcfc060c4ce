"""Tests of paperfeed.ids: the one parser of author names and its keys."""

from paperfeed import ids


def test_author_key_reads_both_name_orders() -> None:
    assert ids.author_key("Fang, Han") == ("fang", "han")
    assert ids.author_key("Han Fang") == ("fang", "han")
    assert ids.author_key("  ") == ("", "")
    assert ids.normalize_author("H. Fang") == ids.normalize_author("Fang, Han") == "fang h"


def test_same_person_needs_compatible_first_names() -> None:
    assert ids.same_person(("fang", "han"), ("fang", "h"))
    assert not ids.same_person(("zhang", "hejia"), ("zhang", "hao"))
    assert not ids.same_person(("fang", "han"), ("feng", "han"))
    assert ids.is_owner("H. Fang", "Han Fang") and not ids.is_owner("Han Fang", "")
