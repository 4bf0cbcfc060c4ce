"""Relevance benchmarks: the reviewer gold standard and the author split, with baselines."""

from paperfeed.eval.report import Table, write_section
from paperfeed.eval.runner import run_authors, run_goldstandard

__all__ = ["Table", "run_authors", "run_goldstandard", "write_section"]
