"""Tests of paperfeed.deliver.jsonout: the digest as JSON with a stable schema."""

from __future__ import annotations

import json
import math

from deliver_digests import EVIL_PAPER, POLICY_PAPER, empty_digest, make_digest

from paperfeed.deliver import digest_to_dict, render_json
from paperfeed.records import Digest, Reason, Recommendation

TOP_KEYS = [
    "schema_version",
    "user",
    "date",
    "note",
    "candidates",
    "interests",
    "recommendations",
    "trending",
]
PICK_KEYS = {"rank", "id", "title", "authors", "url", "date", "score", "interest", "reasons"}
REASON_KEYS = ["kind", "text", "paper_id", "paper_title", "similarity", "terms"]


def test_schema_has_the_documented_fields() -> None:
    data = json.loads(render_json(make_digest()))
    assert list(data) == TOP_KEYS
    assert data["user"] == "alice" and data["date"] == "2026-06-30"
    assert data["interests"][0] == {
        "label": "reinforcement learning · reward",
        "terms": ["reinforcement", "learning", "reward"],
        "paper_ids": ["p1"],
    }
    for pick in data["recommendations"]:
        assert set(pick) >= PICK_KEYS
        for reason in pick["reasons"]:
            assert list(reason) == REASON_KEYS


def test_picks_carry_the_records_data_in_rank_order() -> None:
    picks = json.loads(render_json(make_digest()))["recommendations"]
    assert [p["rank"] for p in picks] == [1, 2, 3, 4]
    first = picks[0]
    assert first["id"] == POLICY_PAPER.id
    assert first["title"] == POLICY_PAPER.title  # data as is: the LaTeX is kept
    assert first["authors"] == list(POLICY_PAPER.authors)
    assert first["url"] == "https://arxiv.org/abs/2606.01234"
    assert first["score"] == 0.83 and first["interest"] == "reinforcement learning · reward"
    assert first["reasons"][0] == {
        "kind": "similar",
        "text": "close to your paper “Reward Models” (0.71)",
        "paper_id": "p1",
        "paper_title": "Reward Models",
        "similarity": 0.71,
        "terms": [],
    }


def test_unsafe_urls_become_null_and_hostile_text_round_trips() -> None:
    picks = json.loads(render_json(make_digest()))["recommendations"]
    evil = picks[2]
    assert evil["url"] is None
    assert evil["title"] == EVIL_PAPER.title
    assert evil["authors"][0] == "Eve\r\nBcc: victim@example.com"
    assert picks[1]["url"] == "https://arxiv.org/abs/2606.04321"  # data: URL replaced


def test_reasons_without_text_get_a_sentence() -> None:
    picks = json.loads(render_json(make_digest()))["recommendations"]
    assert [r["text"] for r in picks[3]["reasons"]] == [
        "followed author",
        "shared terms: survey, everything",
    ]


def test_output_is_stable_and_matches_digest_to_dict() -> None:
    assert render_json(make_digest()) == render_json(make_digest())
    assert json.loads(render_json(make_digest())) == digest_to_dict(make_digest())


def test_non_finite_numbers_become_null() -> None:
    reason = Reason("similar", "close", similarity=math.inf)
    digest = Digest("bob", None, (Recommendation(POLICY_PAPER, math.nan, 1, (reason,)),))
    data = json.loads(render_json(digest))
    assert data["recommendations"][0]["score"] is None
    assert data["recommendations"][0]["reasons"][0]["similarity"] is None


def test_empty_day_keeps_the_note() -> None:
    data = json.loads(render_json(empty_digest()))
    assert data["recommendations"] == []
    assert data["note"] == "arXiv published no new papers on 2026-06-28"
