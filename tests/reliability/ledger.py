"""The figures the reliability tests measure, gathered for the end-of-session summary table.

Each test calls ``record`` with what it itself counted: inputs tried, faults injected,
items lost and duplicates found. ``conftest.pytest_terminal_summary`` prints the table.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Row:
    """One scenario's figures; ``note`` holds extra measurements (e.g. latencies)."""

    scenario: str
    inputs: int = 0
    faults: int = 0
    lost: int = 0
    duplicates: int = 0
    note: str = ""


@dataclass
class Ledger:
    """Rows by scenario name; recording a scenario twice adds the figures up."""

    rows: dict[str, Row] = field(default_factory=dict)

    def record(
        self,
        scenario: str,
        *,
        inputs: int = 0,
        faults: int = 0,
        lost: int = 0,
        duplicates: int = 0,
        note: str = "",
    ) -> None:
        row = self.rows.setdefault(scenario, Row(scenario))
        row.inputs += inputs
        row.faults += faults
        row.lost += lost
        row.duplicates += duplicates
        if note:
            row.note = f"{row.note}; {note}" if row.note else note

    def table(self) -> list[str]:
        """The rows as aligned text lines, header first."""
        header = ("scenario", "inputs tried", "faults injected", "items lost", "duplicates")
        body = [
            (r.scenario, str(r.inputs), str(r.faults), str(r.lost), str(r.duplicates))
            for r in self.rows.values()
        ]
        widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
        lines = [
            "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True))
            for line in [header, *body]
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        notes = [f"  {r.scenario}: {r.note}" for r in self.rows.values() if r.note]
        return lines + (["notes:", *notes] if notes else [])


LEDGER = Ledger()
record = LEDGER.record
