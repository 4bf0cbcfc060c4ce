"""Relevance benchmarks: the reviewer gold standard and the author split, with baselines."""

from paperfeed.eval.report import Table, write_section
from paperfeed.eval.runner import DEFAULT_VECTORS, RUNNERS, run_authors, run_goldstandard

__all__ = [
    "DEFAULT_VECTORS",
    "RUNNERS",
    "Table",
    "run_authors",
    "run_goldstandard",
    "write_section",
]
