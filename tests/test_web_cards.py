"""Tests of paperfeed.web.cards: papers as the pages show them."""

from __future__ import annotations

from paperfeed.records import Digest, Paper, Reason, Recommendation
from paperfeed.web.cards import (
    clear_display_cache,
    grouped_cards,
    paper_card,
    pick_card,
    trending_cards,
)

PAPER = Paper(
    id="2606.00001",
    title="Sparse $\\alpha$-Entmax for Retrieval",
    abstract="We study " + "retrieval " * 200,
    authors=("Ada Lovelace", "Alan Turing"),
    date="2026-06-30",
)


def _pick(rank: int, interest: str | None = "retrieval") -> Recommendation:
    paper = Paper(id=f"2606.0000{rank}", title=f"Paper {rank}", abstract="Text.")
    reason = Reason("similar", "close to your paper “X” (0.71)")
    return Recommendation(paper, 1.0 / rank, rank, (reason,), interest)


def test_a_pick_card_leaves_out_the_interest_its_heading_says() -> None:
    pick = _pick(1)
    assert "interest: retrieval" in pick_card(pick, 0).reasons
    under_heading = pick_card(pick, 1, heading="retrieval")
    assert "interest: retrieval" not in under_heading.reasons
    assert under_heading.rating == 1 and under_heading.rank == 1


def test_a_search_card_shows_clean_text_and_a_cut_abstract() -> None:
    card = paper_card(PAPER, -1)
    assert "$" not in card.title and "Entmax" in card.title
    assert card.facts == "arXiv:2606.00001 · 2026-06-30"
    assert len(card.abstract) <= 601 and card.rating == -1 and card.reasons == ()


def test_cards_are_grouped_by_interest_and_trending_comes_in_rank_order() -> None:
    picks = (_pick(1, "retrieval"), _pick(2, "graphs"), _pick(3, "retrieval"))
    rising = (_pick(5, None), _pick(4, None))
    digest = Digest("ada", "2026-06-30", picks, trending=rising)
    groups = grouped_cards(digest, {"2606.00003": 1})
    assert [(label, [c.id for c in cards]) for label, cards in groups] == [
        ("retrieval", ["2606.00001", "2606.00003"]),
        ("graphs", ["2606.00002"]),
    ]
    assert groups[0][1][1].rating == 1
    assert [c.rank for c in trending_cards(digest, {})] == [4, 5]


def test_the_mail_and_the_web_clean_a_pick_once_between_them() -> None:
    from paperfeed.deliver.common import shown_paper
    from paperfeed.deliver.html import _pick_view

    pick = Recommendation(PAPER, 1.0, 1)
    clear_display_cache()
    card, view = pick_card(pick, 0), _pick_view(pick)
    assert (card.title, card.abstract) == (view.title, view.abstract)
    assert shown_paper.cache_info().misses == 1  # one entry, found again by the other
