"""Tests of paperfeed.cli.progress: the bars drawn on stderr for a long wait."""

from __future__ import annotations

import io
import os
import pty
import select
import sys

import pytest

from paperfeed.cli.progress import bar


class Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_a_bar_counts_papers_then_one_bar_per_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = Terminal()
    monkeypatch.setattr(sys, "stderr", stderr)
    with bar("embedding papers") as progress:
        progress(30, 60)
        progress(60, 60)
        progress(1, 2, "fitting the feature space")
        progress(2, 2, "fitting the feature space")
    drawn = stderr.getvalue()
    assert "embedding papers" in drawn and "60/60" in drawn and "paper" in drawn
    assert "fitting the feature space" in drawn and "2/2" in drawn and "step" in drawn
    assert drawn.index("60/60") < drawn.index("fitting the feature space")


@pytest.mark.parametrize("quiet, terminal", [(True, True), (False, False)])
def test_nothing_is_drawn_when_quiet_or_not_a_terminal(
    monkeypatch: pytest.MonkeyPatch, quiet: bool, terminal: bool
) -> None:
    stderr = Terminal() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    with bar("embedding papers", quiet=quiet) as progress:
        progress(1, 2)
        progress(1, 2, "fitting the feature space")
    assert stderr.getvalue() == ""


def test_a_terminal_that_gives_no_size_still_gets_a_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    master, replica = pty.openpty()  # opened without a size: 0 columns, 0 rows
    assert os.get_terminal_size(replica).columns == 0
    with os.fdopen(replica, "w") as stderr:
        monkeypatch.setattr(sys, "stderr", stderr)
        with bar("embedding papers") as progress:
            progress(5, 5)
        stderr.flush()
        drawn = b""
        while select.select([master], [], [], 0.5)[0]:
            drawn += os.read(master, 65536)
    os.close(master)
    assert b"embedding papers" in drawn and b"5/5" in drawn
