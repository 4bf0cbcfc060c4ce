"""Fixtures shared by the reliability tests, and the summary table printed after the session."""

from __future__ import annotations

from typing import Any

from .ledger import LEDGER


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    """Print what the reliability tests measured (only when some of them ran)."""
    if not LEDGER.rows:
        return
    terminalreporter.section("reliability summary")
    for line in LEDGER.table():
        terminalreporter.write_line(line)
