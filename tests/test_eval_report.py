"""Tests of paperfeed.eval.report: markdown tables and replacing marked sections."""

from pathlib import Path

from paperfeed.eval.report import Table, markers, replace_section, write_section


def _table(value: str = "0.2") -> Table:
    return Table(
        "goldstandard", "Gold standard", ["method", "loss"], [["tfidf", value]], ["lower is better"]
    )


def test_to_markdown_has_title_header_rows_and_notes() -> None:
    text = _table().to_markdown()
    assert text.splitlines()[:5] == [
        "### Gold standard",
        "",
        "| method | loss |",
        "|---|---|",
        "| tfidf | 0.2 |",
    ]
    assert "- lower is better" in text


def test_replace_section_appends_then_replaces_only_its_own_markers() -> None:
    start, end = markers("goldstandard")
    other = "# Benchmarks\n\n<!-- eval:speed -->\nspeed table\n<!-- /eval:speed -->\n"
    once = replace_section(other, "goldstandard", "first")
    assert once.startswith(other)
    assert f"{start}\nfirst\n{end}" in once
    twice = replace_section(once, "goldstandard", "second")
    assert "first" not in twice and f"{start}\nsecond\n{end}" in twice
    assert "speed table" in twice and twice.count(start) == 1
    assert replace_section("", "k", "x") == "<!-- eval:k -->\nx\n<!-- /eval:k -->\n"


def test_write_section_creates_and_updates_the_file(tmp_path: Path) -> None:
    target = tmp_path / "docs" / "benchmarks.md"
    write_section(target, _table("0.3"))
    write_section(target, _table("0.1"))
    text = target.read_text()
    assert "| tfidf | 0.1 |" in text and "0.3" not in text
