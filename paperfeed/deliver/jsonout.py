"""The digest as JSON with a stable, versioned schema, for scripts and other programs.

Fields hold the records' data as is (titles keep their LaTeX); only ``url`` is computed:
the paper's arXiv page, else its own http(s) URL or DOI link, else null. Added later
without changing the version (readers ignore what they do not know): each pick's
``summary`` (LLM TL;DR and "why", or null) and the ``trending`` section.
"""

from __future__ import annotations

import json
import math
from typing import Any

from paperfeed.deliver.common import paper_link, reason_line
from paperfeed.records import Digest, Interest, Reason, Recommendation, Summary

SCHEMA_VERSION = 1


def digest_to_dict(digest: Digest) -> dict[str, Any]:
    """The digest as plain JSON-ready data; picks in rank order."""
    recs = sorted(digest.recommendations, key=lambda r: r.rank)
    return {
        "schema_version": SCHEMA_VERSION,
        "user": digest.user,
        "date": digest.date,
        "note": digest.note,
        "candidates": digest.candidates,
        "interests": [_interest(i) for i in digest.interests],
        "recommendations": [_recommendation(r) for r in recs],
        "trending": [_recommendation(r) for r in sorted(digest.trending, key=lambda r: r.rank)],
    }


def render_json(digest: Digest, *, indent: int | None = 2) -> str:
    """The digest as a JSON document (UTF-8 text, non-ASCII kept, newline at the end)."""
    text = json.dumps(digest_to_dict(digest), indent=indent, ensure_ascii=False, allow_nan=False)
    return text + "\n"


def _interest(interest: Interest) -> dict[str, Any]:
    return {
        "label": interest.label,
        "terms": list(interest.terms),
        "paper_ids": list(interest.paper_ids),
    }


def _recommendation(rec: Recommendation) -> dict[str, Any]:
    paper = rec.paper
    return {
        "rank": int(rec.rank),
        "id": paper.id,
        "title": paper.title,
        "authors": list(paper.authors),
        "url": paper_link(paper),
        "date": paper.date,
        "score": _number(rec.score),
        "interest": rec.interest,
        "abstract": paper.abstract,
        "categories": list(paper.categories),
        "doi": paper.doi,
        "reasons": [_reason(r) for r in rec.reasons],
        "summary": _summary(rec.summary),
    }


def _summary(summary: Summary | None) -> dict[str, Any] | None:
    """The LLM summary of a pick (null when none was made)."""
    if summary is None:
        return None
    return {
        "tldr": summary.tldr,
        "why": summary.why,
        "model": summary.model,
        "language": summary.language,
    }


def _reason(reason: Reason) -> dict[str, Any]:
    return {
        "kind": reason.kind,
        "text": reason.text or reason_line(reason),
        "paper_id": reason.paper_id,
        "paper_title": reason.paper_title,
        "similarity": _number(reason.similarity),
        "terms": list(reason.terms),
    }


def _number(value: float | None) -> float | None:
    """A plain float for JSON (numpy scalars converted); NaN and infinities become null."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None
