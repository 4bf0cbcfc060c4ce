"""Tests of paperfeed.deliver.text: the terminal listing and the text/plain email part."""

from __future__ import annotations

import re

from deliver_digests import TITLES_SHOWN, empty_digest, make_digest

from paperfeed.deliver import render_plain_email, render_text
from paperfeed.deliver.text import WIDTH
from paperfeed.records import Digest, Paper, Recommendation


def test_lists_picks_numbered_in_rank_order() -> None:
    text = render_text(make_digest())
    numbers = [int(m) for m in re.findall(r"^\s*(\d+)\. ", text, flags=re.MULTILINE)]
    assert numbers == [1, 2, 3, 4]
    positions = [text.index(title) for title in TITLES_SHOWN.values()]
    assert positions == sorted(positions)


def test_header_names_user_count_date_and_interests() -> None:
    text = render_text(make_digest())
    first_line = text.splitlines()[0]
    assert "alice" in first_line
    assert "4 papers for 2026-06-30" in first_line
    assert "1,234" in first_line
    assert "Interests: reinforcement learning · reward | diffusion & policy" in text


def test_shows_authors_id_link_date_score_and_latex_made_readable() -> None:
    text = render_text(make_digest())
    assert "Fast α-Policies via Reward Shaping" in text
    assert "$" not in text and "\\textbf" not in text
    assert "Jane Doe, John Smith, Ada Lovelace et al." in text
    assert "Alan Turing" not in text
    assert "arXiv:2606.01234 · 2026-06-30 · score 0.83" in text
    assert "https://arxiv.org/abs/2606.01234" in text


def test_reasons_are_readable_lines() -> None:
    text = render_text(make_digest())
    assert "- close to your paper “Reward Models” (0.71)" in text
    assert "- shared terms: diffusion, policy" in text
    assert "- co-author: Jane Doe" in text
    assert "- interest: reinforcement learning · reward" in text
    # reasons carrying only data get a sentence built from it
    assert "- followed author" in text
    assert "- shared terms: survey, everything" in text


def test_lines_wrap_at_the_width() -> None:
    long_title = "Scaling " * 40
    paper = Paper(id="2606.00001", title=long_title, authors=("A B",), date="2026-06-30")
    digest = Digest("alice", "2026-06-30", (Recommendation(paper, 0.5, 1),))
    lines = render_text(digest).splitlines()
    assert max(len(line) for line in lines) <= WIDTH
    assert sum("Scaling" in line for line in lines) >= 3


def test_hostile_text_cannot_break_lines_or_control_the_terminal() -> None:
    text = render_text(make_digest())
    assert "\x1b" not in text and "\r" not in text
    assert not any(line.lstrip().startswith("Bcc:") for line in text.splitlines())
    assert "javascript:" not in text
    assert "Eve Bcc: victim@example.com" in text  # kept readable, on one line


def test_empty_day_shows_the_note() -> None:
    text = render_text(empty_digest())
    assert "no new papers for 2026-06-28" in text
    assert "arXiv published no new papers on 2026-06-28" in text
    assert not re.search(r"^\s*1\. ", text, flags=re.MULTILINE)


def test_plain_email_adds_short_abstracts_and_a_signature() -> None:
    text = render_plain_email(make_digest())
    assert text.splitlines()[0] == render_text(make_digest()).splitlines()[0]
    assert "We propose a reward model" in text
    assert "ε ≤ 0.1 using score matching." in text
    assert "…" in text  # the long abstract is cut
    assert "\n-- \n" in text
