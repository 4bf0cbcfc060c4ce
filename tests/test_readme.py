"""The README promises only what a benchmark measured: its demo speed is the bench-demo row."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def section(text: str, key: str) -> str:
    found = re.search(rf"<!-- eval:{key} -->\n(.*?)<!-- /eval:{key} -->", text, re.S)
    assert found, f"no {key} section"
    return found.group(1)


def test_the_demo_speed_in_the_readme_is_the_benchmarks_row() -> None:
    readme = section((ROOT / "README.md").read_text(), "demo-speed")
    table = section((ROOT / "docs" / "benchmarks.md").read_text(), "bench-demo")
    rows = {
        cells[0]: cells[1]
        for line in table.splitlines()
        if line.startswith("| demo")
        for cells in [[c.strip() for c in line.strip("|").split("|")]]
    }
    first = next(v for k, v in rows.items() if k.startswith("demo, first run"))
    second = next(v for k, v in rows.items() if k.startswith("demo, second run"))
    median, low, high = map(float, re.match(r"([\d.]+) \(([\d.]+)–([\d.]+)\)", first).groups())  # type: ignore[union-attr]
    assert f"first run takes about {median:.0f} s" in readme
    assert f"({low:.0f}–{high:.0f} s over" in readme
    assert f"in about {float(second.split()[0]):.0f} s" in readme
    assert "bench/bench_demo.py" in readme


def test_the_readme_opens_with_one_sentence_and_two_commands() -> None:
    lines = (ROOT / "README.md").read_text().splitlines()
    assert lines[0].endswith(".") and lines[1] == "" and lines[2] == "```sh"
    assert lines[3] == "sh scripts/setup.sh && .venv/bin/paperfeed demo"
    assert lines[4] == "sh scripts/setup.sh test && .venv/bin/python -m pytest"
    assert lines[5] == "```"
    assert "about two seconds" not in "\n".join(lines)
