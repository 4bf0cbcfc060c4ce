"""Synthetic papers, JSONL files of them, and comparable dumps of a store's content.

A dump leaves out what legitimately differs between two equal runs (timestamps, row
sequence numbers), so ``dump(a) == dump(b)`` means both stores hold the same things.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

from paperfeed.records import Paper

_VOCABULARY = (
    "graph neural network transformer attention diffusion model speech recognition robot "
    "policy language retrieval benchmark sparse kernel protein molecule vision contrastive "
    "federated privacy compiler theorem proof quantum circuit causal inference bandit"
)
WORDS = tuple(_VOCABULARY.split())

# Per table: the columns that say what is stored (no timestamps, no sequence numbers).
DUMP_COLUMNS = {
    "papers": "id, arxiv_id, doi, title, abstract, authors, categories, date, source, url",
    "listings": "paper_id, date, source",
    "users": "name, password_hash, email, include_keywords, exclude_keywords, followed_authors",
    "settings": "user, key, value",
    "profile_papers": "user, paper_id, included",
    "vectors": "model, content_hash, dim, vector",
    "feedback_events": "user, paper_id, rating, at",
    "shown": "user, paper_id, date, channel",
    "digests": "user, date",
    "digest_items": "user, date, position, paper_id, rank, score, interest, reasons",
    "deliveries": "user, date, channel",
}


def synthetic_papers(
    count: int, day: str = "2026-06-30", seed: int = 0, prefix: str = "2606"
) -> list[Paper]:
    """``count`` distinct arXiv-like papers listed on ``day``."""
    rng = random.Random(seed)
    papers = []
    for n in range(count):
        title = " ".join(rng.choice(WORDS) for _ in range(6)).capitalize() + f" {n}"
        abstract = " ".join(rng.choice(WORDS) for _ in range(40)) + "."
        authors = tuple(
            f"Author{rng.randrange(500)} Lastname{rng.randrange(500)}"
            for _ in range(rng.randint(1, 4))
        )
        papers.append(
            Paper(
                id=f"{prefix}.{n + 1:05d}",
                title=title,
                abstract=abstract,
                authors=authors,
                categories=(rng.choice(["cs.LG", "cs.CL", "cs.CV"]),),
                date=day,
                source="arxiv",
            )
        )
    return papers


def paper_record(paper: Paper) -> dict[str, Any]:
    """A paper as one JSONL record of the kind `paperfeed ingest` reads."""
    return {
        "id": paper.id,
        "title": paper.title,
        "abstract": paper.abstract,
        "authors": list(paper.authors),
        "categories": list(paper.categories),
        "date": paper.date,
    }


def write_jsonl(path: Path, papers: list[Paper]) -> Path:
    """Write the papers as JSON Lines; returns ``path``."""
    path.write_text("".join(json.dumps(paper_record(p)) + "\n" for p in papers), "utf-8")
    return path


def dump(db: Path | str, tables: tuple[str, ...] | None = None) -> dict[str, list[tuple]]:
    """Sorted rows of each table (only the columns in DUMP_COLUMNS), read-only."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables_sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
        names = {row[0] for row in conn.execute(tables_sql)}
        return {
            table: sorted(conn.execute(f"SELECT {columns} FROM {table}").fetchall(), key=repr)
            for table, columns in DUMP_COLUMNS.items()
            if (tables is None or table in tables) and table in names
        }
    finally:
        conn.close()


def lost_and_duplicated(
    expected: dict[str, list[tuple]], got: dict[str, list[tuple]]
) -> tuple[int, int]:
    """Rows of ``expected`` missing from ``got``, and rows of ``got`` beyond ``expected``."""
    lost = duplicates = 0
    for table, rows in expected.items():
        want, have = Counter(rows), Counter(got.get(table, []))
        lost += sum((want - have).values())
        duplicates += sum((have - want).values())
    return lost, duplicates
