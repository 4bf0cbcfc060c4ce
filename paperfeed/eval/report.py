"""Benchmark tables: markdown rendering and replacing one marked section of a markdown file."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: A relevance method: (own papers, candidates) -> one score per candidate, higher = better.
Scorer = Callable[[Sequence[Any], Sequence[Any]], Sequence[float]]


@dataclass
class Table:
    """A titled table of strings; ``key`` names its section in docs/benchmarks.md."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)

    def to_markdown(self) -> str:
        """The table as GitHub markdown, title first, notes after."""
        lines = [f"### {self.title}", "", "| " + " | ".join(self.columns) + " |"]
        lines.append("|" + "|".join("---" for _ in self.columns) + "|")
        lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in self.rows]
        if self.notes:
            lines.append("")
            lines += [f"- {note}" for note in self.notes]
        return "\n".join(lines) + "\n"


def markers(key: str) -> tuple[str, str]:
    """The opening and closing comment markers of section ``key``."""
    return f"<!-- eval:{key} -->", f"<!-- /eval:{key} -->"


def replace_section(text: str, key: str, body: str) -> str:
    """``text`` with the section between the markers of ``key`` replaced by ``body``.

    A section not yet present is appended at the end; everything else stays as it was.
    """
    start, end = markers(key)
    block = f"{start}\n{body.rstrip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        return pattern.sub(lambda _: block, text, count=1)
    separator = "\n" * max(0, 2 - (len(text) - len(text.rstrip("\n")))) if text else ""
    return f"{text}{separator}{block}\n"


def write_section(path: str | Path, table: Table) -> None:
    """Write ``table`` into its marked section of the markdown file at ``path``."""
    target = Path(path)
    text = target.read_text() if target.exists() else ""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(replace_section(text, table.key, table.to_markdown()))
