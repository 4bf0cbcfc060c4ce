"""The daily job's report: lines for the terminal, and a Markdown job summary (for a CI
run's page, e.g. GitHub Actions' ``$GITHUB_STEP_SUMMARY``) that says why when nothing
was sent."""

from __future__ import annotations

from collections.abc import Sequence

from paperfeed.daily import DailyReport, UserRun


def run_line(item: UserRun) -> str:
    """One user's line: picks, the mail's status and each chat channel's."""
    posts = "".join(f"; chat {name}: {status}" for name, status in item.posts)
    return f"{item.user} {item.date}: {item.picks} picks, {item.status}{posts}"


def run_notes(runs: Sequence[UserRun]) -> list[str]:
    """The runs' notes (summaries that fell back to the abstract), one line each."""
    return [f"note: {note}" for item in runs for note in item.notes]


def nothing_sent(report: DailyReport) -> str:
    """Why this run delivered nothing ('' when it delivered something)."""
    runs = report.runs
    if any(item.delivered for item in runs):
        return ""
    if not runs:
        return "There are no users: import a profile first (`paperfeed profile import`)."
    reasons = sorted({_reason(item) for item in runs})
    failed = report.sources.failed
    if failed:
        reasons.append(f"{len(failed)} source(s) could not be read (see the errors)")
    return "Nothing was sent: " + "; ".join(reasons) + "."


def _reason(item: UserRun) -> str:
    statuses = [item.status, *(status for _, status in item.posts)]
    if item.status.startswith("no papers"):
        return item.status
    if all(status == "already sent" for status in statuses):
        return "today's digests were already sent by an earlier run"
    if item.status == "no address" and not item.posts:
        return f"{item.user} has no e-mail address and no chat channel"
    if item.status == "not sent (mail off)" and not item.posts:
        return "mail is off (--no-mail, or no [smtp] settings) and no chat channel is set"
    failed = [status for status in statuses if status.startswith("failed")]
    return f"{item.user}: {failed[0]}" if failed else f"{item.user}: {item.status}"


def job_summary(report: DailyReport, day: str | None) -> str:
    """The run as Markdown: a table per user, the errors and warnings, the notes, and why
    nothing was sent when that is so."""
    runs = report.runs
    parts = [f"## paperfeed daily run{f' for {day}' if day else ''}", ""]
    why = nothing_sent(report)
    if why:
        parts += [f"> **{why}**", ""]
    if runs:
        parts += ["| user | picks | mail | chat |", "| --- | --- | --- | --- |"]
        for item in runs:
            posts = ", ".join(f"{name}: {status}" for name, status in item.posts) or "-"
            parts.append(f"| {item.user} | {item.picks} | {_cell(item.status)} | {_cell(posts)} |")
        parts.append("")
    errors = [f"source failed: {failure}" for failure in report.sources.failed]
    warnings = [*report.sources.problems, *report.notes]
    notes = [note for item in runs for note in item.notes]
    for title, items in (("Errors", errors), ("Warnings", warnings), ("Notes", notes)):
        if items:
            parts += [f"### {title}", "", *(f"- {_cell(line)}" for line in items), ""]
    return "\n".join(parts) + "\n"


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())
