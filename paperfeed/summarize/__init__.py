"""LLM summaries (optional): a TL;DR per pick and a line on why it matters to the reader,
through any OpenAI-compatible chat-completions endpoint, cached in the store; any failure
falls back to the abstract (see ``summaries``)."""

from paperfeed.summarize.summaries import (
    Summarizer,
    SummaryReport,
    make_client,
    summarize_safely,
    summarizer_for,
    with_cached,
)

__all__ = [
    "Summarizer",
    "SummaryReport",
    "make_client",
    "summarize_safely",
    "summarizer_for",
    "with_cached",
]
